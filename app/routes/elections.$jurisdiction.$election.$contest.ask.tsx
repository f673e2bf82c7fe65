import {
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { FormMessage, SubmitButton } from "~/components/form";
import { TagCheckboxes } from "~/components/topic-tags";
import { LiveUpdates } from "~/components/live-updates";
import { VoteButton } from "~/components/vote-button";
import { actorFrom, requireUser, type SessionUser } from "~/lib/auth.server";
import { db } from "~/lib/db.server";
import { parseForm, readForm } from "~/lib/forms.server";
import { notFound, tooManyRequests } from "~/lib/http.server";
import { formatDate, localized, useLocale, useT, type MessageKey } from "~/lib/i18n";
import { localeFromRequest } from "~/lib/locale.server";
import { pageMeta } from "~/lib/meta";
import { hit, peek, RATE_LIMITS } from "~/lib/rate-limit.server";
import { contestPath, questionPath } from "~/lib/paths";
import {
  askQuestion,
  moderationMode,
  QUESTION_MAX_LENGTH,
  QUESTION_MIN_LENGTH,
  questionBodyField,
} from "~/services/ask.server";
import { contestCandidates, findContest } from "~/services/contests.server";
import { questionWindowOpen } from "~/services/election-rules.server";
import { findElection, type ElectionDetail } from "~/services/elections.server";
import { listTags, tagIdsFrom, type TopicTag } from "~/services/topics.server";
import { votedQuestionIds } from "~/services/votes.server";

export const meta: MetaFunction = (args) => pageMeta(args, "ask.title", "ask.description");
// personal (who is asking, what they typed): never cached
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

/** What the page can offer this voter: the form, or why not. */
type AskState = "open" | "closed" | "unverified";

/** When a closed window opens, or when it closed: the dates a voter can act on. */
function windowDates(election: ElectionDetail, now = Date.now()) {
  const { questionsOpenAt: opens, questionsCloseAt: closes } = election;
  if (opens && Date.parse(opens) > now) return { opensOn: opens };
  if (closes && Date.parse(closes) <= now) return { closedOn: closes };
  return {};
}

async function loadContest(params: LoaderFunctionArgs["params"]) {
  const election = await findElection(db(), params.jurisdiction ?? "", params.election ?? "");
  const contest = election && (await findContest(db(), election.id, params.contest ?? ""));
  if (!election || !contest) throw notFound();
  return { election, contest, candidates: await contestCandidates(db(), contest.id) };
}

function askState(user: SessionUser, election: ElectionDetail): AskState {
  if (!questionWindowOpen(election)) return "closed";
  return user.emailVerified ? "open" : "unverified";
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const { election, contest, candidates } = await loadContest(params);
  return {
    state: askState(user, election),
    election: { name: election.name, ...windowDates(election) },
    contest: {
      id: contest.id,
      title: contest.title,
      path: contestPath(
        { jurisdiction: election.jurisdictionSlug, election: election.slug },
        contest.slug,
      ),
      moderationMode: await moderationMode(db(), election.id),
      candidates: candidates.map(({ id, ballotName }) => ({ id, ballotName })),
    },
    tags: await listTags(db(), election.jurisdictionId),
  };
}

const askSchema = z.object({
  body: questionBodyField,
  // "all": every candidate of the contest
  candidate: z.string({ error: "ask.error.candidate" }).min(1, { error: "ask.error.candidate" }),
  confirmed: z.literal("1").optional(),
});

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const { election, contest, candidates } = await loadContest(params);
  // the page shows why; the rule holds here whatever the page showed when it was loaded
  if (askState(user, election) !== "open")
    throw redirect(new URL(request.url).pathname, { status: 303 });
  const limited = await peek(RATE_LIMITS.questionsPerUser, user.id);
  if (!limited.allowed) throw tooManyRequests(limited.retryAfterSeconds);

  const body = await readForm(request);
  const tagIds = tagIdsFrom(body);
  const form = parseForm(askSchema, body);
  if (!form.ok)
    return { kind: "invalid" as const, errors: form.errors, values: form.values, tagIds };
  const { candidate, confirmed } = form.data;
  const candidateId = candidate === "all" ? null : candidate;
  if (candidateId && !candidates.some((known) => known.id === candidateId))
    return {
      kind: "invalid" as const,
      errors: { candidate: "ask.error.candidate" as MessageKey },
      values: { body: form.data.body, candidate },
      tagIds,
    };

  const input = {
    electionId: election.id,
    jurisdictionId: election.jurisdictionId,
    contestId: contest.id,
    candidateId,
    authorId: user.id,
    body: form.data.body,
    language: localeFromRequest(request),
    confirmed: confirmed === "1",
    tagIds,
  };
  const outcome = await askQuestion(db(), input, actorFrom(context, user));
  if (outcome.kind === "duplicates") {
    const voted = await votedQuestionIds(
      db(),
      user.id,
      outcome.suggestions.map((suggestion) => suggestion.id),
    );
    return {
      kind: "duplicates" as const,
      body: form.data.body,
      candidate,
      tagIds,
      suggestions: outcome.suggestions.map((suggestion) => ({
        id: suggestion.id,
        body: suggestion.body,
        voteCount: suggestion.voteCount,
        voted: voted.has(suggestion.id),
      })),
    };
  }
  // counted once a question is stored: being shown suggestions costs the voter nothing
  await hit(RATE_LIMITS.questionsPerUser, user.id);
  return redirect(questionPath(outcome.questionId), { status: 303 });
}

function ClosedMessage({ opensOn, closedOn }: { opensOn?: string; closedOn?: string }) {
  const t = useT();
  const locale = useLocale();
  return (
    <div role="status" className="rounded border border-slate-400 bg-slate-50 p-3">
      <p className="font-medium">{t("ask.closed")}</p>
      {opensOn ? <p>{t("ask.opensOn", { date: formatDate(new Date(opensOn), locale) })}</p> : null}
      {closedOn ? (
        <p>{t("ask.closedOn", { date: formatDate(new Date(closedOn), locale) })}</p>
      ) : null}
    </div>
  );
}

export default function Ask() {
  const { state, election, contest, tags } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const contestTitle = localized(contest.title, locale);
  const errors = result?.kind === "invalid" ? result.errors : {};
  const values = result?.kind === "invalid" ? result.values : {};
  return (
    <section aria-labelledby="ask-title" className="space-y-6">
      <p className="text-sm">
        <Link to={contest.path} className="text-brand underline">
          {t("ask.backToContest", { contest: contestTitle })}
        </Link>
      </p>
      <h1 id="ask-title" className="text-2xl font-bold">
        {t("ask.heading", { contest: contestTitle })}
      </h1>
      <p className="text-slate-700">{localized(election.name, locale)}</p>
      {state === "closed" ? (
        <ClosedMessage opensOn={election.opensOn} closedOn={election.closedOn} />
      ) : state === "unverified" ? (
        <div role="status" className="rounded border border-slate-400 bg-slate-50 p-3">
          <p className="mb-2">{t("ask.unverified")}</p>
          <Link to="/sign-in/code" className="text-brand underline">
            {t("ask.unverifiedLink")}
          </Link>
        </div>
      ) : result?.kind === "duplicates" ? (
        <Duplicates result={result} />
      ) : (
        <AskForm
          candidates={contest.candidates}
          moderationMode={contest.moderationMode}
          errors={errors}
          values={values}
          tags={tags}
          checkedTags={result?.kind === "invalid" ? result.tagIds : []}
        />
      )}
      {state === "open" ? <LiveUpdates contestId={contest.id} /> : null}
    </section>
  );
}

function AskForm({
  candidates,
  moderationMode,
  errors,
  values,
  tags,
  checkedTags,
}: {
  candidates: Array<{ id: string; ballotName: string }>;
  moderationMode: "before_publishing" | "after_publishing";
  errors: Partial<Record<string, MessageKey>>;
  values: Record<string, string>;
  tags: TopicTag[];
  checkedTags: string[];
}) {
  const t = useT();
  const describedBy = ["body-hint", errors.body ? "body-error" : null].filter(Boolean).join(" ");
  return (
    <Form method="post" noValidate className="space-y-4">
      <FormMessage message={errors.form} />
      {candidates.length === 0 ? (
        // a measure: no one to choose, the question is for the contest
        <input type="hidden" name="candidate" value="all" />
      ) : (
        <div>
          <label htmlFor="candidate" className="mb-1 block font-medium">
            {t("ask.to")}
          </label>
          <select
            id="candidate"
            name="candidate"
            defaultValue={values.candidate ?? "all"}
            aria-invalid={errors.candidate ? true : undefined}
            aria-describedby={errors.candidate ? "candidate-error" : undefined}
            className="w-full rounded border border-slate-500 px-3 py-2"
          >
            <option value="all">{t("ask.toAll")}</option>
            {candidates.map((candidate) => (
              <option key={candidate.id} value={candidate.id}>
                {candidate.ballotName}
              </option>
            ))}
          </select>
          {errors.candidate ? (
            <p id="candidate-error" className="mt-1 text-sm font-medium text-red-800">
              {t(errors.candidate)}
            </p>
          ) : null}
        </div>
      )}
      <div>
        <label htmlFor="body" className="mb-1 block font-medium">
          {t("ask.body")}
        </label>
        <p id="body-hint" className="mb-1 text-sm text-slate-700">
          {t("ask.bodyHint")}
        </p>
        <textarea
          id="body"
          name="body"
          required
          minLength={QUESTION_MIN_LENGTH}
          maxLength={QUESTION_MAX_LENGTH}
          rows={5}
          defaultValue={values.body}
          aria-invalid={errors.body ? true : undefined}
          aria-describedby={describedBy}
          className="w-full rounded border border-slate-500 px-3 py-2 text-base"
        />
        {/* shown and kept current by /enhance.js; without JavaScript the hint above says it */}
        <p data-char-counter hidden className="text-sm text-slate-700 tabular-nums" />
        {errors.body ? (
          <p id="body-error" className="mt-1 text-sm font-medium text-red-800">
            {t(errors.body)}
          </p>
        ) : null}
      </div>
      <TagCheckboxes tags={tags} checked={checkedTags} />
      <p className="text-sm text-slate-700">{t(`ask.moderation.${moderationMode}`)}</p>
      <SubmitButton>{t("ask.submit")}</SubmitButton>
    </Form>
  );
}

function Duplicates({
  result,
}: {
  result: {
    body: string;
    candidate: string;
    tagIds: string[];
    suggestions: Array<{ id: string; body: string; voteCount: number; voted: boolean }>;
  };
}) {
  const t = useT();
  return (
    <section aria-labelledby="duplicates-title" className="space-y-4">
      <h2 id="duplicates-title" className="text-xl font-semibold">
        {t("ask.duplicates.title")}
      </h2>
      <p>{t("ask.duplicates.intro")}</p>
      <ul className="space-y-3">
        {result.suggestions.map((suggestion) => (
          <li key={suggestion.id} id={`q-${suggestion.id}`} className="rounded border p-3">
            <p className="mb-2">
              <Link to={questionPath(suggestion.id)} className="text-brand underline">
                {suggestion.body}
              </Link>
            </p>
            <VoteButton
              questionId={suggestion.id}
              count={suggestion.voteCount}
              voted={suggestion.voted}
              signedIn
              returnTo={questionPath(suggestion.id)}
              electorate="all"
            />
          </li>
        ))}
      </ul>
      <Form method="post" className="space-y-2 rounded border border-slate-300 p-3">
        <p className="font-medium">{t("ask.duplicates.yours")}</p>
        <blockquote className="border-l-4 border-slate-300 pl-3">{result.body}</blockquote>
        <input type="hidden" name="body" value={result.body} />
        <input type="hidden" name="candidate" value={result.candidate} />
        <input type="hidden" name="confirmed" value="1" />
        {result.tagIds.map((tagId) => (
          <input key={tagId} type="hidden" name="tag" value={tagId} />
        ))}
        <SubmitButton>{t("ask.duplicates.different")}</SubmitButton>
      </Form>
    </section>
  );
}
