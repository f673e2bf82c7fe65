import { useT } from "~/lib/i18n";
import type { Electorate } from "~/services/vote-counting.server";

/** Where a vote returns to: the caller's page, scrolled back to this question. */
function withAnchor(returnTo: string, questionId: string): string {
  return returnTo.includes("#") ? returnTo : `${returnTo}#q-${questionId}`;
}

/**
 * Upvote / remove-my-vote as a plain form (works without JavaScript); public/enhance.js makes it
 * optimistic and keeps `[data-vote-count]` live. Signed out, a link to sign in and come back.
 * The count says whose votes it is: every voter's, or verified constituents' only.
 */
export function VoteButton({
  questionId,
  count,
  voted,
  signedIn,
  returnTo,
  electorate,
}: {
  questionId: string;
  count: number;
  electorate: Electorate;
  voted: boolean;
  signedIn: boolean;
  returnTo: string;
}) {
  const t = useT();
  const back = withAnchor(returnTo, questionId);
  const tally = (
    <>
      <span className="text-sm">
        {t(electorate === "verified" ? "trust.votes.verifiedLabel" : "vote.countLabel")}
      </span>
      <span data-vote-count={questionId} className="font-semibold tabular-nums">
        {count}
      </span>
    </>
  );
  if (!signedIn) {
    return (
      <p className="flex items-center gap-2">
        <span aria-hidden="true">▲</span>
        {tally}
        <a
          href={`/sign-in?redirectTo=${encodeURIComponent(back)}`}
          className="text-brand underline"
        >
          {t("vote.signInToUpvote")}
        </a>
      </p>
    );
  }
  // data-voted, data-toggle-label: what /enhance.js flips when it votes without a page load
  return (
    <form
      method="post"
      action={`/questions/${questionId}/vote`}
      data-vote-form={questionId}
      data-voted={voted ? "" : undefined}
      data-toggle-label={t(voted ? "vote.upvote" : "vote.unvote")}
      className="group"
    >
      <input type="hidden" name="intent" value={voted ? "unvote" : "vote"} />
      <input type="hidden" name="returnTo" value={back} />
      <button
        type="submit"
        className="inline-flex items-center gap-2 rounded border border-slate-500 px-3 py-1 text-brand-dark group-data-voted:border-brand group-data-voted:bg-brand group-data-voted:text-white"
      >
        <span aria-hidden="true">▲</span>
        <span data-vote-label>{t(voted ? "vote.unvote" : "vote.upvote")}</span>
        {tally}
      </button>
    </form>
  );
}
