import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ActionNotice } from "~/components/action-notice";
import { Breadcrumbs } from "~/components/breadcrumbs";
import { EmbedCode } from "~/components/embed-code";
import { FairRulesBox } from "~/components/fair-rules-box";
import { LiveUpdates } from "~/components/live-updates";
import { LocalizedText } from "~/components/localized-text";
import { Pager } from "~/components/pager";
import { ItemFollowForm } from "~/components/question-actions";
import { QuestionList, QuestionSortLinks } from "~/components/question-list";
import { TagFilter } from "~/components/topic-tags";
import { getUser } from "~/lib/auth.server";
import { pageCacheStamp, publicPageHeaders, publicPageLoaderHeaders } from "~/lib/cache.server";
import { config } from "~/lib/config.server";
import { db } from "~/lib/db.server";
import { notFound } from "~/lib/http.server";
import { localized, translate, useLocale, useT } from "~/lib/i18n";
import { listHref, parsePage, parseSort, parseTag } from "~/lib/listing";
import { contentMeta } from "~/lib/meta";
import { candidatePath, contestPath, electionPath, embedContestPath, pathOf } from "~/lib/paths";
import { contestRules } from "~/services/answer-rules.server";
import { visitorCandidateOrder } from "~/services/candidate-order.server";
import { contestCandidates, findContest } from "~/services/contests.server";
import { questionWindowOpen } from "~/services/election-rules.server";
import { findElection } from "~/services/elections.server";
import { itemFollow } from "~/services/follows.server";
import { listContestQuestions } from "~/services/question-reads.server";
import { findTag, listTags } from "~/services/topics.server";
import { supportFilterFor } from "~/services/vote-counting.server";
import { votedQuestionIds } from "~/services/votes.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const election = await findElection(db(), params.jurisdiction ?? "", params.election ?? "");
  const contest = election && (await findContest(db(), election.id, params.contest ?? ""));
  if (!election || !contest) throw notFound();
  const stamp = await pageCacheStamp(request, [`contest:${contest.id}`]);
  const search = new URL(request.url).searchParams;
  const sort = parseSort(search.get("sort"));
  const tagSlug = parseTag(search.get("tag"));
  const [tags, tag] = await Promise.all([
    listTags(db(), election.jurisdictionId),
    tagSlug ? findTag(db(), election.jurisdictionId, tagSlug) : null,
  ]);
  if (tagSlug && !tag) throw notFound();
  const [ballotOrder, questions, user, rules] = await Promise.all([
    contestCandidates(db(), contest.id),
    listContestQuestions(
      db(),
      contest.id,
      sort,
      parsePage(search.get("page")),
      supportFilterFor(election),
      tag?.id ?? null,
    ),
    getUser(request),
    contestRules(db(), election, contest.id),
  ]);
  const visitor = visitorCandidateOrder(
    request,
    rules,
    contest.id,
    publicPageLoaderHeaders(request, stamp),
  );
  const candidates = visitor.order(ballotOrder);
  const [voted, contestNotice, tagNotice] = user
    ? await Promise.all([
        votedQuestionIds(
          db(),
          user.id,
          questions.questions.map((question) => question.id),
        ),
        itemFollow(db(), user.id, { kind: "contest", id: contest.id }),
        tag ? itemFollow(db(), user.id, { kind: "tag", id: tag.id }) : null,
      ])
    : [new Set<string>(), null, null];
  return data(
    {
      election,
      contest,
      candidates,
      questions,
      sort,
      tags,
      tag,
      contestNotice,
      tagNotice,
      voted: [...voted],
      signedIn: Boolean(user),
      returnTo: pathOf(request),
      askOpen: questionWindowOpen(election),
      embedSrc: new URL(
        embedContestPath(
          { jurisdiction: election.jurisdictionSlug, election: election.slug },
          contest.slug,
        ),
        config().APP_URL,
      ).toString(),
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
    tags,
    tag,
    contestNotice,
    tagNotice,
    voted,
    signedIn,
    returnTo,
    askOpen,
    embedSrc,
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
      <ItemFollowForm
        kind="contest"
        id={contest.id}
        notice={contestNotice}
        signedIn={signedIn}
        returnTo={returnTo}
      />

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
        <TagFilter
          tags={tags}
          current={tag?.slug ?? null}
          hrefFor={(slug) => `${listHref(path, sort, 1, slug)}#questions`}
        />
        {tag ? (
          <ItemFollowForm
            kind="tag"
            id={tag.id}
            notice={tagNotice}
            signedIn={signedIn}
            returnTo={returnTo}
          />
        ) : null}
        <QuestionSortLinks
          current={sort}
          hrefFor={(next) => `${listHref(path, next, 1, tag?.slug ?? null)}#questions`}
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
            electorate={election.rankingElectorate}
          />
        )}
        <Pager
          page={questions.page}
          pageCount={questions.pageCount}
          hrefFor={(page) => `${listHref(path, sort, page, tag?.slug ?? null)}#questions`}
        />
      </section>
      {questions.total > 0 ? <LiveUpdates contestId={contest.id} /> : null}
      <EmbedCode src={embedSrc} title={localized(contest.title, locale)} />
    </>
  );
}
