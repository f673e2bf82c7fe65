import { data, redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ActionNotice } from "~/components/action-notice";
import { AnswerView } from "~/components/answer-view";
import { Breadcrumbs } from "~/components/breadcrumbs";
import { EmbedCode } from "~/components/embed-code";
import { LiveUpdates } from "~/components/live-updates";
import { LocalizedText } from "~/components/localized-text";
import { FollowButton, ReportForm } from "~/components/question-actions";
import { QuestionHistory } from "~/components/question-history";
import { TagList } from "~/components/topic-tags";
import { QuestionList } from "~/components/question-list";
import { VoteButton } from "~/components/vote-button";
import { getUser } from "~/lib/auth.server";
import { pageCacheStamp, publicPageHeaders, publicPageLoaderHeaders } from "~/lib/cache.server";
import { config } from "~/lib/config.server";
import { db } from "~/lib/db.server";
import { notFound } from "~/lib/http.server";
import { formatDate, localized, translate, useLocale, useT, type MessageKey } from "~/lib/i18n";
import { listHref } from "~/lib/listing";
import { contentMeta } from "~/lib/meta";
import {
  candidatePath,
  contestPath,
  electionPath,
  pathOf,
  questionPath,
  embedQuestionPath,
} from "~/lib/paths";
import { answersForQuestions } from "~/services/answers.server";
import { electionAnswerRules } from "~/services/answer-rules.server";
import { visitorCandidateOrder } from "~/services/candidate-order.server";
import { contestCandidates } from "~/services/contests.server";
import { isFollowing } from "~/services/follows.server";
import {
  answeredVersions,
  authorMayEdit,
  questionVersions,
} from "~/services/question-history.server";
import {
  findQuestion,
  relatedQuestions,
  type QuestionStatus,
} from "~/services/question-reads.server";
import { questionTags } from "~/services/topics.server";
import { supportFilterFor } from "~/services/vote-counting.server";
import { votedQuestionIds } from "~/services/votes.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  // the question's own generation is read before the question (its votes and answer count)
  const questionStamp = await pageCacheStamp(request, [`question:${params.id}`]);
  const question = await findQuestion(db(), params.id ?? "");
  if (!question) throw notFound();
  // A merged duplicate lives on as the question it was merged into (its votes moved there).
  if (question.status === "merged" && question.mergedIntoId)
    throw redirect(questionPath(question.mergedIntoId), 302);
  const user = await getUser(request);
  const published = question.status === "published";
  // Before publication (or after moderation took it down) only its author may see it.
  if (!published && (!user || user.id !== question.authorId)) throw notFound();

  const contestStamp = await pageCacheStamp(request, [`contest:${question.contest.id}`]);
  const [ballotOrder, answers, related, rules, versions, answered, tags] = await Promise.all([
    question.candidate ? [] : contestCandidates(db(), question.contest.id),
    answersForQuestions(db(), [question.id]),
    published
      ? relatedQuestions(
          db(),
          { id: question.id, contestId: question.contest.id },
          supportFilterFor(question.election),
        )
      : [],
    electionAnswerRules(db(), question.election.id),
    questionVersions(db(), question.id),
    answeredVersions(db(), question.id),
    questionTags(db(), question.id),
  ]);
  const visitor = visitorCandidateOrder(
    request,
    rules,
    question.contest.id,
    publicPageLoaderHeaders(request, questionStamp, contestStamp),
  );
  const contestRunners = visitor.order(ballotOrder);
  const [voted, following] = user
    ? await Promise.all([
        votedQuestionIds(db(), user.id, [question.id, ...related.map((other) => other.id)]),
        isFollowing(db(), user.id, question.id),
      ])
    : [new Set<string>(), false];

  // Every candidate asked, each with an answer or none yet; then anyone else who answered
  // (a candidate who has since withdrawn).
  const asked = question.candidate ? [question.candidate] : contestRunners;
  const answerList = answers.get(question.id) ?? [];
  const responses = [
    ...asked.map((candidate) => ({
      candidate: { slug: candidate.slug, ballotName: candidate.ballotName },
      answer: answerList.find((answer) => answer.candidate.slug === candidate.slug) ?? null,
    })),
    ...answerList
      .filter((answer) => !asked.some((candidate) => candidate.slug === answer.candidate.slug))
      .map((answer) => ({ candidate: answer.candidate, answer })),
  ];

  return data(
    {
      question,
      responses,
      related,
      voted: [...voted],
      following,
      signedIn: Boolean(user),
      returnTo: pathOf(request),
      embedSrc: new URL(embedQuestionPath(question.id), config().APP_URL).toString(),
      versions,
      answered,
      tags,
      editable:
        user !== null &&
        authorMayEdit(
          {
            author_id: question.authorId,
            status: question.status,
            answered: answerList.length > 0,
          },
          user.id,
        ),
    },
    { headers: visitor.headers },
  );
}

export const headers = publicPageHeaders;

/** At most `max` characters, cut at a word. */
function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(" "), max / 2))}…`;
}

export const meta: MetaFunction<typeof loader> = (args) => {
  const loaded = args.data;
  if (!loaded) return [];
  return contentMeta(args, (locale) => ({
    title: shorten(loaded.question.body, 70),
    description: shorten(
      translate(locale, "question.description", {
        contest: localized(loaded.question.contest.title, locale),
        question: loaded.question.body,
      }),
      160,
    ),
  }));
};

const STATUS_NOTICE: Record<Exclude<QuestionStatus, "published" | "merged">, MessageKey> = {
  pending: "question.status.pending",
  rejected: "question.status.rejected",
  hidden: "question.status.hidden",
};

export default function Question() {
  const {
    question,
    responses,
    related,
    voted,
    following,
    signedIn,
    returnTo,
    embedSrc,
    versions,
    answered,
    tags,
    editable,
  } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const slugs = {
    jurisdiction: question.election.jurisdictionSlug,
    election: question.election.slug,
  };
  const published = question.status === "published";
  return (
    <>
      <Breadcrumbs
        trail={[
          { href: electionPath(slugs), label: question.election.name },
          { href: contestPath(slugs, question.contest.slug), label: question.contest.title },
        ]}
      />
      <ActionNotice />
      {question.status in STATUS_NOTICE ? (
        <p role="status" className="mb-4 rounded border border-brand bg-blue-50 p-3">
          {t(STATUS_NOTICE[question.status as keyof typeof STATUS_NOTICE])}
        </p>
      ) : null}
      <h1
        className="mb-2 text-xl font-bold"
        lang={question.language === locale ? undefined : question.language}
      >
        {question.body}
      </h1>
      <p className="mb-3 text-slate-700">
        <LocalizedText text={question.contest.title} />
        {question.candidate ? (
          <> · {t("question.askedOf", { name: question.candidate.ballotName })}</>
        ) : question.contest.kind !== "measure" ? (
          <> · {t("question.askedOfAll")}</>
        ) : null}
        {question.publishedAt ? (
          <>
            {" · "}
            {t("question.published", { date: formatDate(new Date(question.publishedAt), locale) })}
          </>
        ) : null}
      </p>
      <TagList
        tags={tags}
        hrefFor={(slug) =>
          `${listHref(contestPath(slugs, question.contest.slug), "top", 1, slug)}#questions`
        }
      />
      {editable ? (
        <p className="mb-3">
          <a href={`${questionPath(question.id)}/edit`} className="text-brand underline">
            {t("civic.edit.link")}
          </a>
        </p>
      ) : null}
      {published ? (
        <div id={`q-${question.id}`} className="mb-6 space-y-3">
          <VoteButton
            questionId={question.id}
            count={question.voteCount}
            voted={voted.includes(question.id)}
            signedIn={signedIn}
            returnTo={returnTo}
            electorate={question.election.rankingElectorate}
          />
          <FollowButton
            questionId={question.id}
            following={following}
            signedIn={signedIn}
            returnTo={returnTo}
          />
          <ReportForm
            target="question"
            targetId={question.id}
            signedIn={signedIn}
            returnTo={returnTo}
          />
        </div>
      ) : null}

      {responses.length > 0 ? (
        <section aria-labelledby="answers" className="mb-8">
          <h2 id="answers" className="mb-3 text-xl font-bold">
            {t("question.answers.heading")}
          </h2>
          <ul className="space-y-6">
            {responses.map(({ candidate, answer }) => (
              <li key={candidate.slug} className="rounded border border-slate-300 p-4">
                <h3 className="mb-2 text-lg font-semibold">
                  <a
                    href={candidatePath(slugs, question.contest.slug, candidate.slug)}
                    className="text-brand-dark underline"
                  >
                    {candidate.ballotName}
                  </a>
                </h3>
                {answer ? (
                  <>
                    {answered[answer.id] ? (
                      <p className="mb-2 text-sm text-slate-700">
                        {t("civic.history.answeredVersion", { version: answered[answer.id]! })}
                      </p>
                    ) : null}
                    <AnswerView answer={answer} />
                    {published && answer.hiddenReason === null ? (
                      <div className="mt-3">
                        <ReportForm
                          target="answer"
                          targetId={answer.id}
                          signedIn={signedIn}
                          returnTo={returnTo}
                        />
                      </div>
                    ) : null}
                  </>
                ) : (
                  <p className="text-slate-700">{t("question.notAnswered")}</p>
                )}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {/* the video answers report viewings watched to 90 % (anonymous statistics) */}
      {responses.some(({ answer }) => answer?.video) ? <LiveUpdates /> : null}

      <QuestionHistory versions={versions} />

      {related.length > 0 ? (
        <section aria-labelledby="related">
          <h2 id="related" className="mb-2 text-xl font-bold">
            {t("question.related.heading")}
          </h2>
          <QuestionList
            questions={related}
            voted={voted}
            signedIn={signedIn}
            returnTo={returnTo}
            withCandidates={question.contest.kind !== "measure"}
            electorate={question.election.rankingElectorate}
          />
        </section>
      ) : null}
      {published ? <EmbedCode src={embedSrc} title={t("opendata.embed.questionTitle")} /> : null}
    </>
  );
}
