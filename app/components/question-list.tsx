import { useLocale, useT, type MessageKey } from "~/lib/i18n";
import { QUESTION_SORTS, type QuestionSort } from "~/lib/listing";
import { questionPath } from "~/lib/paths";
import type { QuestionSummary } from "~/services/question-reads.server";
import type { Electorate } from "~/services/vote-counting.server";
import { VoteButton } from "./vote-button";

/**
 * The one list of questions: each with a link to its page, its vote button and, in a contest
 * with candidates, the candidate it was asked of (if only one) and how many answers it has.
 * `id="q-<id>"` on each item is where a vote returns to.
 */
export function QuestionList({
  questions,
  voted,
  signedIn,
  returnTo,
  withCandidates,
  electorate,
}: {
  questions: QuestionSummary[];
  /** whose votes the counts are */
  electorate: Electorate;
  /** ids of the questions the visitor has voted for */
  voted: string[];
  signedIn: boolean;
  returnTo: string;
  /** false for a measure: nobody answers, so there is nothing to say about answers */
  withCandidates: boolean;
}) {
  const t = useT();
  const locale = useLocale();
  return (
    <ol className="divide-y divide-slate-200">
      {questions.map((question) => (
        <li key={question.id} id={`q-${question.id}`} className="py-3">
          <p className="mb-1" lang={question.language === locale ? undefined : question.language}>
            <a href={questionPath(question.id)} className="text-brand-dark underline">
              {question.body}
            </a>
          </p>
          {withCandidates ? (
            <p className="mb-2 text-sm text-slate-700">
              {question.candidate
                ? `${t("question.askedOf", { name: question.candidate.ballotName })} · `
                : null}
              {question.answerCount === 0
                ? t("question.notAnswered")
                : question.answerCount === 1
                  ? t("question.answers.one")
                  : t("question.answers.many", { count: question.answerCount })}
            </p>
          ) : null}
          {question.cluster && question.cluster.size > 1 ? (
            <p className="mb-2 text-sm text-slate-700">
              {t("civic.cluster.support", {
                supporters: question.cluster.supporters,
                count: question.cluster.size - 1,
              })}
            </p>
          ) : null}
          <VoteButton
            questionId={question.id}
            count={question.voteCount}
            voted={voted.includes(question.id)}
            signedIn={signedIn}
            returnTo={returnTo}
            electorate={electorate}
          />
        </li>
      ))}
    </ol>
  );
}

const SORT_LABELS: Record<QuestionSort, MessageKey> = {
  top: "civic.sort.top",
  votes: "civic.sort.votes",
  new: "question.sort.new",
  trending: "question.sort.trending",
};

/** The sorts as links; the current one is marked for screen readers too. */
export function QuestionSortLinks({
  current,
  hrefFor,
}: {
  current: QuestionSort;
  hrefFor: (sort: QuestionSort) => string;
}) {
  const t = useT();
  return (
    <nav aria-label={t("question.sort.label")} className="mb-2">
      <ul className="flex flex-wrap gap-2">
        {QUESTION_SORTS.map((sort) => (
          <li key={sort}>
            <a
              href={hrefFor(sort)}
              aria-current={sort === current ? "page" : undefined}
              className={`inline-block rounded px-3 py-1 ${sort === current ? "bg-brand-dark font-semibold text-white" : "text-brand underline"}`}
            >
              {t(SORT_LABELS[sort])}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
