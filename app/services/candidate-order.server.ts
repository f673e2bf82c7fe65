import { createHash } from "node:crypto";
import { visitorOrderSeed } from "~/lib/visitor-order.server";
import type { AnswerRules, CandidateOrder } from "./answer-rules.server";

/**
 * The order candidates are listed in for voters, as the election's rules say (set by the clerk,
 * docs/decisions/015-fair-answer-rules.md): the ballot's, or rotated per visitor.
 */

/**
 * Candidates in the order the election's rules say: as on the ballot, or rotated by an offset
 * drawn from the visitor's seed and the contest — the same for that visitor on every visit,
 * different between visitors, so no candidate is always first.
 */
export function orderForVisitor<T>(
  candidates: T[],
  order: CandidateOrder,
  visitorSeed: string,
  contestId: string,
): T[] {
  if (order === "ballot" || candidates.length < 2) return candidates;
  const digest = createHash("sha256").update(`${visitorSeed}:${contestId}`).digest();
  const offset = digest.readUInt32BE(0) % candidates.length;
  return [...candidates.slice(offset), ...candidates.slice(0, offset)];
}

/**
 * The candidates' order for this visitor, and the page's headers to send with it: a rotated
 * order differs per visitor, so no shared cache (nor the page cache) may keep the page, and a
 * first visit gets its seed.
 */
export function visitorCandidateOrder(
  request: Request,
  rules: Pick<AnswerRules, "candidateOrder">,
  contestId: string,
  pageHeaders: Record<string, string>,
) {
  const visitor = rules.candidateOrder === "rotated" ? visitorOrderSeed(request) : null;
  const headers = new Headers(pageHeaders);
  if (visitor) headers.set("Cache-Control", "private, no-store");
  if (visitor?.setCookie) headers.set("Set-Cookie", visitor.setCookie);
  return {
    order: <T>(candidates: T[]) =>
      orderForVisitor(candidates, rules.candidateOrder, visitor?.seed ?? "", contestId),
    headers,
  };
}
