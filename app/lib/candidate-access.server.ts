import { hasRole, requireMfaFor, requireUser, type SessionUser } from "./auth.server";
import { db } from "./db.server";
import { forbidden, notFound } from "./http.server";
import type { LocalizedText } from "./i18n";

/** A candidacy as the candidate's own pages need it: its contest, and the jurisdiction it is in. */
export type OwnCandidacy = {
  id: string;
  ballotName: string;
  slug: string;
  contestId: string;
  contestTitle: LocalizedText;
  jurisdictionId: string;
};

export type CandidateAccess = {
  user: SessionUser;
  /** every candidacy the account holds, newest election first */
  candidacies: OwnCandidacy[];
};

/**
 * The one gate of the candidate's own pages (`/candidate/…`): the candidacies linked to the
 * account whose jurisdiction it holds the candidate role in. Anonymous: sign-in. None: 403 (an
 * admin's grant reaches every jurisdiction, but no candidacy is theirs to answer for). Without
 * MFA: enrolment.
 */
export async function requireCandidate(request: Request): Promise<CandidateAccess> {
  const user = await requireUser(request);
  const rows: OwnCandidacy[] = await db()("candidates as c")
    .join("contests as k", "k.id", "c.contest_id")
    .join("elections as e", "e.id", "k.election_id")
    .where("c.user_id", user.id)
    .orderBy([{ column: "e.election_date", order: "desc" }, { column: "k.ballot_order" }])
    .select(
      "c.id",
      "c.ballot_name as ballotName",
      "c.slug",
      "k.id as contestId",
      "k.title as contestTitle",
      "e.jurisdiction_id as jurisdictionId",
    );
  const candidacies = rows.filter((row) => hasRole(user, "candidate", row.jurisdictionId));
  if (candidacies.length === 0) throw forbidden();
  requireMfaFor(user, "candidate");
  return { user, candidacies };
}

/**
 * The candidacy a page is about: `?candidate=<id>` when given (404 when it is not one of the
 * account's), else the account's first (most candidates hold exactly one).
 */
export function chooseCandidacy(access: CandidateAccess, requested: string | null): OwnCandidacy {
  if (!requested) return access.candidacies[0]!;
  const candidacy = access.candidacies.find((candidacy) => candidacy.id === requested);
  if (!candidacy) throw notFound();
  return candidacy;
}
