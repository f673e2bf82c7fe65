import {
  data,
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { AnswerView } from "~/components/answer-view";
import { AnswerRulesNotice, ContentFields } from "~/components/written-content-fields";
import { FormMessage } from "~/components/form";
import { actorFrom } from "~/lib/auth.server";
import { requireCandidate } from "~/lib/candidate-access.server";
import { db } from "~/lib/db.server";
import { parseForm, readForm, type FieldErrors } from "~/lib/forms.server";
import { badRequest, notFound } from "~/lib/http.server";
import { formatDate, useLocale, useT, type MessageKey } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { contentFields } from "~/services/answer-content";
import { writtenContentForm } from "~/services/answer-content.server";
import {
  deskQuestion,
  previewAnswer,
  publishedAnswerView,
  saveTextAnswer,
  type AnswerOutcome,
} from "~/services/answer-desk.server";
import { answersForQuestions, type AnswerForDisplay } from "~/services/answers.server";

export const meta: MetaFunction = (args) => pageMeta(args, "desk.answer.title");
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

async function load(request: Request, questionId: string | undefined) {
  const access = await requireCandidate(request);
  const detail = await deskQuestion(db(), access.candidacies, questionId ?? "");
  if (!detail) throw notFound();
  return { ...access, detail };
}

/**
 * One question on the answer desk: write, save, preview and publish a text answer (with its
 * optional structured parts and sources), and rebut the other candidates' answers to it.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { detail } = await load(request, params.question);
  const answers = await answersForQuestions(db(), [detail.question.id]);
  const others = (answers.get(detail.question.id) ?? []).filter(
    (answer) => answer.candidate.id !== detail.candidacy.id && answer.hiddenReason === null,
  );
  return {
    detail,
    published: publishedAnswerView(detail),
    others: others.map((answer) => ({
      id: answer.id,
      candidateName: answer.candidate.ballotName,
      rebutted: answer.rebuttals.some((rebuttal) => rebuttal.candidate.id === detail.candidacy.id),
    })),
  };
}

type ActionResult = {
  errors: FieldErrors;
  values: Record<string, string>;
  preview?: AnswerForDisplay;
  problem?: Exclude<Exclude<AnswerOutcome, { ok: true }>["problem"], "notFound">;
};

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, candidacies, detail } = await load(request, params.question);
  const body = await readForm(request);
  const intent = body.get("intent");
  if (intent !== "draft" && intent !== "preview" && intent !== "publish") throw badRequest();
  const form = parseForm(writtenContentForm(detail.rules.maxWords, { withParts: true }), body);
  if (!form.ok) {
    return data<ActionResult>({ errors: form.errors, values: form.values }, { status: 400 });
  }
  const values = contentFields(form.data);
  if (intent === "preview") {
    return data<ActionResult>({
      errors: {},
      values,
      preview: previewAnswer(detail, form.data),
    });
  }
  const outcome = await saveTextAnswer(
    db(),
    { candidacies, questionId: detail.question.id },
    { ...form.data, publish: intent === "publish" },
    actorFrom(context, user),
  );
  if (!outcome.ok) {
    if (outcome.problem === "notFound") throw notFound();
    return data<ActionResult>({ errors: {}, values, problem: outcome.problem }, { status: 409 });
  }
  return redirect(`/candidate/questions/${detail.question.id}?done=${outcome.result}`, {
    status: 303,
  });
}

const DONE: Record<string, MessageKey> = {
  draftSaved: "desk.done.draftSaved",
  published: "desk.done.published",
  edited: "desk.done.edited",
  unchanged: "desk.done.unchanged",
};

const PROBLEMS: Record<NonNullable<ActionResult["problem"]>, MessageKey> = {
  windowClosed: "desk.windowClosed",
  locked: "answers.locked",
  overWordLimit: "answers.tooManyWords",
  answeredWithVideo: "desk.answer.isVideo",
  hidden: "desk.answer.hidden",
};

function IntentButton({
  intent,
  primary = false,
  children,
}: {
  intent: string;
  primary?: boolean;
  children: string;
}) {
  return (
    <button
      type="submit"
      name="intent"
      value={intent}
      className={`rounded px-4 py-2 font-semibold ${primary ? "bg-brand text-white hover:bg-brand-dark" : "border border-slate-500 hover:bg-slate-100"}`}
    >
      {children}
    </button>
  );
}

export default function AnswerQuestion() {
  const { detail, published, others } = useLoaderData<typeof loader>();
  const result = useActionData<ActionResult>();
  const [params] = useSearchParams();
  const t = useT();
  const locale = useLocale();
  const { question, answer, revisions, windowOpen, rules, refusal } = detail;
  const videoPage = `/candidate/questions/${question.id}/video`;
  const writable = windowOpen && answer?.kind !== "video" && answer?.status !== "hidden";
  const values =
    result?.values ??
    (answer?.draftBody
      ? contentFields({
          body: answer.draftBody,
          parts: answer.draftParts ?? {},
          sources: answer.draftSources ?? [],
        })
      : contentFields({
          body: answer?.body ?? "",
          parts: answer?.parts,
          sources: answer?.sources,
        }));
  const done = params.get("done");
  return (
    <section aria-labelledby="answer-title" className="max-w-2xl space-y-6">
      <p>
        <a href="/candidate/questions" className="text-brand underline">
          {t("desk.back")}
        </a>
      </p>
      <div>
        <h1 id="answer-title" className="mb-2 text-2xl font-bold">
          {t("desk.answer.title")}
        </h1>
        <blockquote
          className="border-l-4 border-brand pl-4 text-lg"
          lang={question.language === locale ? undefined : question.language}
        >
          {question.body}
        </blockquote>
        <p className="mt-1 text-sm text-slate-700">
          {t("desk.votes", { count: question.voteCount })} ·{" "}
          {t(question.addressedToMe ? "desk.toYou" : "desk.toContest")}
        </p>
      </div>
      <FormMessage message={done ? DONE[done] : undefined} tone="info" />
      <FormMessage message={result?.problem ? PROBLEMS[result.problem] : undefined} />
      <AnswerRulesNotice rules={rules} refusal={refusal} />
      {answer?.status === "hidden" ? (
        <p role="status">
          {t("desk.answer.hidden")}
          {answer.hiddenReason ? ` ${answer.hiddenReason}` : ""}
        </p>
      ) : null}
      {answer?.kind === "video" ? (
        <p>
          {t("desk.answer.isVideo")}{" "}
          <a href={videoPage} className="text-brand underline">
            {t("desk.answer.manageVideo")}
          </a>
        </p>
      ) : null}
      {answer?.status === "draft" && answer.kind === "text" ? (
        <p role="status">{t("desk.answer.draftNotice")}</p>
      ) : null}

      {published ? (
        <section aria-labelledby="published-title" className="space-y-2">
          <h2 id="published-title" className="text-lg font-semibold">
            {t("desk.answer.published", {
              date: formatDate(new Date(published.publishedAt), locale),
            })}
          </h2>
          <AnswerView answer={published} />
          {answer?.draftBody ? <p role="status">{t("desk.answer.editPending")}</p> : null}
        </section>
      ) : null}

      {others.length > 0 ? (
        <section aria-labelledby="others-title" className="space-y-2">
          <h2 id="others-title" className="text-lg font-semibold">
            {t("answers.others.title")}
          </h2>
          <ul className="space-y-1">
            {others.map((other) => (
              <li key={other.id}>
                {other.candidateName}
                {" · "}
                {other.rebutted ? (
                  t("answers.others.rebutted")
                ) : (
                  <a
                    href={`/candidate/answers/${other.id}/rebuttal`}
                    className="text-brand underline"
                  >
                    {t("answers.others.rebut", { name: other.candidateName })}
                  </a>
                )}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {revisions.length > 0 ? (
        <details className="rounded border border-slate-200 p-3">
          <summary className="cursor-pointer font-semibold">
            {t("desk.history.title", { count: revisions.length })}
          </summary>
          <ol className="mt-2 space-y-3">
            {revisions.map((revision) => (
              <li key={revision.replacedAt}>
                <p className="text-sm text-slate-700">
                  {t("desk.history.entry", {
                    from: formatDate(new Date(revision.publishedAt), locale),
                    to: formatDate(new Date(revision.replacedAt), locale),
                  })}
                </p>
                {published ? (
                  <AnswerView
                    answer={{ ...published, ...revision, editedAt: null, rebuttals: [] }}
                  />
                ) : (
                  <p className="whitespace-pre-line">{revision.body}</p>
                )}
              </li>
            ))}
          </ol>
        </details>
      ) : null}

      {result?.preview ? (
        <section
          aria-labelledby="preview-title"
          className="space-y-2 rounded border-2 border-dashed border-brand p-4"
        >
          <h2 id="preview-title" className="text-lg font-semibold">
            {t("desk.preview.title")}
          </h2>
          <p className="text-sm text-slate-700">{t("desk.preview.note")}</p>
          <AnswerView answer={result.preview} />
        </section>
      ) : null}

      {writable ? (
        <Form method="post" noValidate className="space-y-3">
          <ContentFields
            key={JSON.stringify(values)}
            values={values}
            errors={result?.errors ?? {}}
            maxWords={rules.maxWords}
            withParts
          />
          <div className="flex flex-wrap gap-3">
            <IntentButton intent="draft">{t("desk.answer.saveDraft")}</IntentButton>
            <IntentButton intent="preview">{t("desk.answer.preview")}</IntentButton>
            <IntentButton intent="publish" primary>
              {t(
                answer?.status === "published" ? "desk.answer.publishEdit" : "desk.answer.publish",
              )}
            </IntentButton>
          </div>
        </Form>
      ) : null}
      {windowOpen && (!answer || (answer.kind === "text" && answer.status === "draft")) ? (
        <p>
          <a href={videoPage} className="text-brand underline">
            {t("desk.answer.videoInstead")}
          </a>
        </p>
      ) : null}
    </section>
  );
}
