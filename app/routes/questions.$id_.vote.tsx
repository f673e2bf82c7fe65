import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/lib/auth.server";
import { db } from "~/lib/db.server";
import { readForm } from "~/lib/forms.server";
import { badRequest, notFound, safeReturnPath, tooManyRequests } from "~/lib/http.server";
import { isUuid } from "~/lib/ids";
import { withNotice, type Notice } from "~/lib/notices";
import { hit, RATE_LIMITS } from "~/lib/rate-limit.server";
import { castVote } from "~/services/votes.server";

/** Nothing to show: votes are cast from the pages that list questions. */
export function loader() {
  throw notFound();
}

/**
 * Upvote or un-vote. A plain form gets a 303 back to where it came from (the question's
 * anchor), with a notice when the vote was refused; /enhance.js asks for JSON instead, so it
 * can tell success (the exact new count) from a refusal (an error status) and roll back.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  if (!isUuid(params.id)) throw notFound();
  const user = await requireUser(request);
  const form = await readForm(request);
  const intent = form.get("intent");
  if (intent !== "vote" && intent !== "unvote") throw badRequest();
  const returnTo = safeReturnPath(String(form.get("returnTo") ?? ""));
  const wantsJson = (request.headers.get("Accept") ?? "").includes("application/json");
  const refuse = (notice: Notice) =>
    wantsJson
      ? Response.json({ notice }, { status: 409, headers: { "Cache-Control": "no-store" } })
      : redirect(withNotice(returnTo, notice), { status: 303 });

  // one vote per verified account: an unverified address could be anyone's
  if (!user.emailVerified) return refuse("verifyToVote");
  const limit = await hit(RATE_LIMITS.votesPerUser, user.id);
  if (!limit.allowed) throw tooManyRequests(limit.retryAfterSeconds);

  const outcome = await castVote(db(), { questionId: params.id, userId: user.id, intent });
  if (!outcome.ok && outcome.reason === "notFound") throw notFound();
  if (!outcome.ok) return refuse("voteRefused");
  return wantsJson
    ? Response.json(
        { questionId: outcome.questionId, count: outcome.count, voted: intent === "vote" },
        { headers: { "Cache-Control": "no-store" } },
      )
    : redirect(returnTo, { status: 303 });
}
