import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Pager } from "~/components/pager";
import { VideoStatsTable } from "~/components/video-stats-table";
import { chooseCandidacy, requireCandidate } from "~/lib/candidate-access.server";
import { db } from "~/lib/db.server";
import { formatDate, localized, useLocale, useT, type MessageKey } from "~/lib/i18n";
import { parsePage } from "~/lib/listing";
import { pageMeta } from "~/lib/meta";
import {
  DESK_FILTERS,
  deskOfferedQuestions,
  listDeskQuestions,
  parseDeskFilter,
  type AnswerState,
  type DeskFilter,
  type DeskQuestion,
} from "~/services/answer-desk.server";
import { videoAnswerStats } from "~/services/video-stats.server";

export const meta: MetaFunction = (args) => pageMeta(args, "desk.title");
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

/**
 * The answer desk: first the contest's offered questions (the same top questions for every
 * candidate of the contest), then the questions put to the candidate or their contest, most
 * votes first.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const access = await requireCandidate(request);
  const search = new URL(request.url).searchParams;
  const candidacy = chooseCandidacy(access, search.get("candidate"));
  const filter = parseDeskFilter(search.get("show"));
  const [list, offered, videos] = await Promise.all([
    listDeskQuestions(db(), candidacy, filter, parsePage(search.get("page"))),
    deskOfferedQuestions(db(), candidacy),
    videoAnswerStats(db(), { candidateId: candidacy.id }),
  ]);
  return {
    candidacy: {
      id: candidacy.id,
      ballotName: candidacy.ballotName,
      contestTitle: candidacy.contestTitle,
    },
    // the candidate parameter only where it chooses among several candidacies
    candidateQuery: access.candidacies.length > 1 ? candidacy.id : null,
    filter,
    list,
    offered,
    videos,
  };
}

const FILTER_LABELS: Record<DeskFilter, MessageKey> = {
  unanswered: "desk.filter.unanswered",
  answered: "desk.filter.answered",
  all: "desk.filter.all",
};

const STATE_LABELS: Record<AnswerState, MessageKey> = {
  none: "desk.state.none",
  draft: "desk.state.draft",
  published: "desk.state.published",
  hidden: "desk.state.hidden",
};

export default function AnswerDesk() {
  const { candidacy, candidateQuery, filter, list, offered, videos } =
    useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const href = (show: DeskFilter, page = 1) => {
    const query = new URLSearchParams();
    if (candidateQuery) query.set("candidate", candidateQuery);
    if (show !== "unanswered") query.set("show", show);
    if (page > 1) query.set("page", String(page));
    const search = query.toString();
    return search ? `/candidate/questions?${search}` : "/candidate/questions";
  };
  return (
    <section aria-labelledby="desk-title" className="space-y-4">
      <div>
        <h1 id="desk-title" className="text-2xl font-bold">
          {t("desk.title")}
        </h1>
        <p className="text-slate-700">
          {candidacy.ballotName} · {localized(candidacy.contestTitle, locale)}
        </p>
      </div>
      {offered && offered.questions.length > 0 ? (
        <section aria-labelledby="offered-title" className="rounded border border-brand p-3">
          <h2 id="offered-title" className="text-lg font-bold">
            {t("answers.offered.title")}
          </h2>
          <p className="text-sm text-slate-700">
            {t("answers.offered.note", { date: formatDate(new Date(offered.takenAt), locale) })}
          </p>
          <ol className="divide-y divide-slate-200">
            {offered.questions.map((question) => (
              <DeskQuestionItem key={question.id} question={question} />
            ))}
          </ol>
        </section>
      ) : null}
      <nav aria-label={t("desk.filter.label")}>
        <ul className="flex flex-wrap gap-3">
          {DESK_FILTERS.map((show) => (
            <li key={show}>
              <a
                href={href(show)}
                aria-current={show === filter ? "page" : undefined}
                className={`rounded border px-3 py-1 ${show === filter ? "border-brand bg-blue-50 font-semibold" : "border-slate-500 text-brand-dark underline"}`}
              >
                {t(FILTER_LABELS[show], { count: list.counts[show] })}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {list.questions.length === 0 ? (
        <p>{t(filter === "unanswered" ? "desk.emptyUnanswered" : "desk.empty")}</p>
      ) : (
        <ol className="divide-y divide-slate-200">
          {list.questions.map((question) => (
            <DeskQuestionItem key={question.id} question={question} />
          ))}
        </ol>
      )}
      <Pager page={list.page} pageCount={list.pageCount} hrefFor={(page) => href(filter, page)} />
      {videos.length > 0 ? <VideoStatsTable stats={videos} withCandidate={false} /> : null}
    </section>
  );
}

function DeskQuestionItem({ question }: { question: DeskQuestion }) {
  const t = useT();
  const locale = useLocale();
  return (
    <li className="py-3">
      <p
        className="font-semibold"
        lang={question.language === locale ? undefined : question.language}
      >
        <a href={`/candidate/questions/${question.id}`} className="text-brand-dark underline">
          {question.body}
        </a>
      </p>
      <p className="text-sm text-slate-700">
        {t("desk.votes", { count: question.voteCount })} ·{" "}
        {t(question.addressedToMe ? "desk.toYou" : "desk.toContest")} ·{" "}
        {t(STATE_LABELS[question.answerState])}
        {question.answerKind === "video" ? ` · ${t("desk.byVideo")}` : ""}
        {question.editPending ? ` · ${t("desk.editPending")}` : ""}
      </p>
    </li>
  );
}
