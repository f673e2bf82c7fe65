import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ActionNotice } from "~/components/action-notice";
import { Breadcrumbs } from "~/components/breadcrumbs";
import { FairRulesBox } from "~/components/fair-rules-box";
import { LiveUpdates } from "~/components/live-updates";
import { LocalizedText } from "~/components/localized-text";
import { Pager } from "~/components/pager";
import { QuestionList, QuestionSortLinks } from "~/components/question-list";
import { getUser } from "~/lib/auth.server";
import { publicPageCacheControl, publicPageHeaders } from "~/lib/cache.server";
import { db } from "~/lib/db.server";
import { notFound } from "~/lib/http.server";
import { localized, translate, useLocale, useT } from "~/lib/i18n";
import { listHref, parsePage, parseSort } from "~/lib/listing";
import { contentMeta } from "~/lib/meta";
import { candidatePath, contestPath, electionPath, pathOf } from "~/lib/paths";
import { contestRules } from "~/services/answer-rules.server";
import { visitorCandidateOrder } from "~/services/candidate-order.server";
import { contestCandidates, findContest } from "~/services/contests.server";
import { questionWindowOpen } from "~/services/election-rules.server";
import { findElection } from "~/services/elections.server";
import { listContestQuestions } from "~/services/question-reads.server";
import { votedQuestionIds } from "~/services/votes.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const election = await findElection(db(), params.jurisdiction ?? "", params.election ?? "");
  const contest = election && (await findContest(db(), election.id, params.contest ?? ""));
  if (!election || !contest) throw notFound();
  const search = new URL(request.url).searchParams;
  const sort = parseSort(search.get("sort"));
  const [ballotOrder, questions, user, rules] = await Promise.all([
    contestCandidates(db(), contest.id),
    listContestQuestions(db(), contest.id, sort, parsePage(search.get("page"))),
    getUser(request),
    contestRules(db(), election, contest.id),
  ]);
  const visitor = visitorCandidateOrder(
    request,
    rules,
    contest.id,
    publicPageCacheControl(request),
  );
  const candidates = visitor.order(ballotOrder);
  const voted = user
    ? await votedQuestionIds(
        db(),
        user.id,
        questions.questions.map((question) => question.id),
      )
    : new Set<string>();
  return data(
    {
      election,
      contest,
      candidates,
      questions,
      sort,
      voted: [...voted],
      signedIn: Boolean(user),
      returnTo: pathOf(request),
      askOpen: questionWindowOpen(election),
      rules,
    },
    { headers: visitor.headers },
  );
}

export const headers = publicPageHeaders;

export const meta: MetaFunction<typeof loader> = (args) => {
  const loaded = args.data;
  if (!loaded) return [];
  return contentMeta(args, (locale) => {
    const names = {
      contest: localized(loaded.contest.title, locale),
      election: localized(loaded.election.name, locale),
    };
    return {
      title: `${names.contest} — ${names.election}`,
      description: translate(
        locale,
        loaded.contest.measure ? "contest.description.measure" : "contest.description.candidates",
        names,
      ),
    };
  });
};

export default function Contest() {
  const {
    election,
    contest,
    candidates,
    questions,
    sort,
    voted,
    signedIn,
    returnTo,
    askOpen,
    rules,
  } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const slugs = { jurisdiction: election.jurisdictionSlug, election: election.slug };
  const path = contestPath(slugs, contest.slug);
  const measure = contest.measure;
  return (
    <>
      <Breadcrumbs trail={[{ href: electionPath(slugs), label: election.name }]} />
      <ActionNotice />
      <LocalizedText as="h1" text={contest.title} className="mb-1 text-2xl font-bold" />
      {contest.districtName ? (
        <LocalizedText as="p" text={contest.districtName} className="mb-2 text-slate-700" />
      ) : null}
      <LocalizedText text={contest.description} paragraphs className="mb-4" />

      {candidates.length > 0 ? (
        <section aria-labelledby="candidates" className="mb-6">
          <h2 id="candidates" className="mb-2 text-xl font-bold">
            {t("contest.candidates.heading")}
          </h2>
          {contest.votesAllowed > 1 ? (
            <p className="mb-2">{t("contest.votesAllowed", { count: contest.votesAllowed })}</p>
          ) : null}
          <ul className="space-y-1">
            {candidates.map((candidate) => (
              <li key={candidate.id}>
                <a
                  href={candidatePath(slugs, contest.slug, candidate.slug)}
                  className="font-semibold text-brand-dark underline"
                >
                  {candidate.ballotName}
                </a>
                {candidate.party ? (
                  <span className="text-slate-700">
                    {" · "}
                    <LocalizedText text={candidate.party.name} />
                  </span>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {candidates.length > 0 ? <FairRulesBox rules={rules} /> : null}

      {measure ? (
        <>
          <section aria-labelledby="summary" className="mb-6">
            <h2 id="summary" className="mb-2 text-xl font-bold">
              {t("contest.measure.summary")}
            </h2>
            <LocalizedText text={measure.summary} paragraphs />
            {localized(measure.passageThreshold, locale) ? (
              <p>
                <strong>{t("contest.measure.threshold")}</strong>{" "}
                <LocalizedText text={measure.passageThreshold} />
              </p>
            ) : null}
          </section>
          <section aria-labelledby="pro" className="mb-6">
            <h2 id="pro" className="mb-2 text-xl font-bold">
              {t("contest.measure.pro")}
            </h2>
            <LocalizedText text={measure.proStatement} paragraphs />
          </section>
          <section aria-labelledby="con" className="mb-6">
            <h2 id="con" className="mb-2 text-xl font-bold">
              {t("contest.measure.con")}
            </h2>
            <LocalizedText text={measure.conStatement} paragraphs />
          </section>
          <details className="mb-6 rounded border border-slate-300 p-3">
            <summary className="cursor-pointer">
              <h2 className="inline text-xl font-bold">{t("contest.measure.fullText")}</h2>
            </summary>
            <LocalizedText text={measure.fullText} paragraphs className="mt-3" />
          </details>
        </>
      ) : null}

      <section aria-labelledby="questions">
        <h2 id="questions" className="mb-2 text-xl font-bold">
          {t("contest.questions.heading", { count: questions.total })}
        </h2>
        <p className="mb-3">
          {askOpen ? (
            <a
              href={`${path}/ask`}
              className="inline-block rounded bg-brand px-4 py-2 font-semibold text-white hover:bg-brand-dark"
            >
              {t("contest.ask")}
            </a>
          ) : (
            t("contest.askClosed")
          )}
        </p>
        <QuestionSortLinks
          current={sort}
          hrefFor={(next) => `${listHref(path, next, 1)}#questions`}
        />
        {questions.total === 0 ? (
          <p>{t("contest.questions.none")}</p>
        ) : (
          <QuestionList
            questions={questions.questions}
            voted={voted}
            signedIn={signedIn}
            returnTo={returnTo}
            withCandidates={contest.kind !== "measure"}
          />
        )}
        <Pager
          page={questions.page}
          pageCount={questions.pageCount}
          hrefFor={(page) => `${listHref(path, sort, page)}#questions`}
        />
      </section>
      {questions.total > 0 ? <LiveUpdates contestId={contest.id} /> : null}
    </>
  );
}
