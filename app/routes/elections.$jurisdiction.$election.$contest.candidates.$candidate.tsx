import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ActionNotice } from "~/components/action-notice";
import { AnswerView } from "~/components/answer-view";
import { LiveUpdates } from "~/components/live-updates";
import { Breadcrumbs } from "~/components/breadcrumbs";
import { LocalizedText } from "~/components/localized-text";
import { Pager } from "~/components/pager";
import { ItemFollowForm } from "~/components/question-actions";
import { getUser } from "~/lib/auth.server";
import { pageCacheStamp, publicPageHeaders, publicPageLoaderHeaders } from "~/lib/cache.server";
import { db } from "~/lib/db.server";
import { notFound } from "~/lib/http.server";
import { localized, translate, useLocale, useT } from "~/lib/i18n";
import { parsePage } from "~/lib/listing";
import { contentMeta } from "~/lib/meta";
import { candidatePath, contestPath, electionPath, pathOf, questionPath } from "~/lib/paths";
import { answersForQuestions } from "~/services/answers.server";
import { findCandidate, findContest } from "~/services/contests.server";
import { findElection } from "~/services/elections.server";
import { itemFollow } from "~/services/follows.server";
import { listAnsweredByCandidate } from "~/services/question-reads.server";
import { supportFilterFor } from "~/services/vote-counting.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const election = await findElection(db(), params.jurisdiction ?? "", params.election ?? "");
  const contest = election && (await findContest(db(), election.id, params.contest ?? ""));
  const candidate = contest && (await findCandidate(db(), contest.id, params.candidate ?? ""));
  if (!election || !contest || !candidate) throw notFound();
  const page = parsePage(new URL(request.url).searchParams.get("page"));
  const stamp = await pageCacheStamp(request, [`contest:${contest.id}`]);
  const [answered, user] = await Promise.all([
    listAnsweredByCandidate(db(), candidate.id, page, supportFilterFor(election)),
    getUser(request),
  ]);
  const notice = user
    ? await itemFollow(db(), user.id, { kind: "candidate", id: candidate.id })
    : null;
  const answers = await answersForQuestions(
    db(),
    answered.questions.map((question) => question.id),
  );
  return data(
    {
      election,
      contest: { slug: contest.slug, title: contest.title },
      candidate,
      notice,
      signedIn: Boolean(user),
      returnTo: pathOf(request),
      answered: {
        ...answered,
        questions: answered.questions.map((question) => ({
          ...question,
          answer: answers.get(question.id)?.find((answer) => answer.candidate.id === candidate.id),
        })),
      },
    },
    { headers: publicPageLoaderHeaders(request, stamp) },
  );
}

export const headers = publicPageHeaders;

export const meta: MetaFunction<typeof loader> = (args) => {
  const loaded = args.data;
  if (!loaded) return [];
  return contentMeta(args, (locale) => ({
    title: `${loaded.candidate.ballotName} — ${localized(loaded.contest.title, locale)}`,
    description: translate(locale, "candidate.description", {
      name: loaded.candidate.ballotName,
      contest: localized(loaded.contest.title, locale),
    }),
  }));
};

export default function Candidate() {
  const { election, contest, candidate, answered, notice, signedIn, returnTo } =
    useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const slugs = { jurisdiction: election.jurisdictionSlug, election: election.slug };
  const path = candidatePath(slugs, contest.slug, candidate.slug);
  return (
    <>
      <Breadcrumbs
        trail={[
          { href: electionPath(slugs), label: election.name },
          { href: contestPath(slugs, contest.slug), label: contest.title },
        ]}
      />
      <ActionNotice />
      {candidate.photoUrl ? (
        <img
          src={candidate.photoUrl}
          alt={t("candidate.photo", { name: candidate.ballotName })}
          width={160}
          height={160}
          loading="lazy"
          className="mb-3 h-40 w-40 rounded object-cover"
        />
      ) : null}
      <h1 className="mb-1 text-2xl font-bold">{candidate.ballotName}</h1>
      <p className="mb-1 text-slate-700">
        {t("candidate.runningFor")} <LocalizedText text={contest.title} />
      </p>
      {candidate.party ? (
        <p className="mb-1">
          <LocalizedText text={candidate.party.name} />
        </p>
      ) : null}
      <ItemFollowForm
        kind="candidate"
        id={candidate.id}
        notice={notice}
        signedIn={signedIn}
        returnTo={returnTo}
      />
      {candidate.withdrawn ? (
        <p className="mb-2 font-semibold">{t("candidate.withdrawn")}</p>
      ) : null}
      {localized(candidate.bio, locale) ? (
        <section aria-labelledby="about" className="my-4">
          <h2 id="about" className="mb-2 text-xl font-bold">
            {t("candidate.about")}
          </h2>
          <LocalizedText text={candidate.bio} paragraphs />
        </section>
      ) : null}
      {candidate.website || candidate.links.length > 0 ? (
        <ul className="mb-4 space-y-1">
          {candidate.website ? (
            <li>
              <a href={candidate.website} rel="noopener nofollow" className="text-brand underline">
                {t("candidate.website")}
              </a>
            </li>
          ) : null}
          {candidate.links.map((link) => (
            <li key={link}>
              <a href={link} rel="noopener nofollow" className="text-brand underline">
                {new URL(link).hostname.replace(/^www\./, "")}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
      <section aria-labelledby="answers">
        <h2 id="answers" className="mb-2 text-xl font-bold">
          {t("candidate.answers.heading", { count: answered.total })}
        </h2>
        {answered.total === 0 ? (
          <p>{t("candidate.answers.none")}</p>
        ) : (
          <ol className="divide-y divide-slate-200">
            {answered.questions.map((question) => (
              <li key={question.id} id={`q-${question.id}`} className="py-4">
                <h3
                  className="mb-2 font-semibold"
                  lang={question.language === locale ? undefined : question.language}
                >
                  <a href={questionPath(question.id)} className="text-brand-dark underline">
                    {question.body}
                  </a>
                </h3>
                {question.answer ? <AnswerView answer={question.answer} /> : null}
              </li>
            ))}
          </ol>
        )}
        <Pager
          page={answered.page}
          pageCount={answered.pageCount}
          hrefFor={(page) => (page > 1 ? `${path}?page=${page}#answers` : `${path}#answers`)}
        />
      </section>
      {/* the video answers report viewings watched to 90 % (anonymous statistics) */}
      {answered.questions.some((question) => question.answer?.video) ? <LiveUpdates /> : null}
    </>
  );
}
