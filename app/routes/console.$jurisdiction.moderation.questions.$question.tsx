import {
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { ConsoleTrail } from "~/components/console-trail";
import { SelectField, TextAreaField } from "~/components/fields";
import { FormMessage, SubmitButton } from "~/components/form";
import {
  ApproveButton,
  MergeButton,
  MODERATION_MESSAGES,
  ReasonForm,
} from "~/components/moderation-controls";
import { actorFrom } from "~/lib/auth.server";
import { requireConsole } from "~/lib/console.server";
import { requiredText } from "~/lib/form-schemas.server";
import { parseForm, readForm } from "~/lib/forms.server";
import { db } from "~/lib/db.server";
import { notFound } from "~/lib/http.server";
import { localized, useLocale, useT } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { formatDateTime } from "~/lib/time-zone";
import { findQuestion, similarQuestions } from "~/services/moderation.server";
import { editQuestionByModerator } from "~/services/question-history.server";
import { QUESTION_MAX_LENGTH } from "~/services/ask.server";

export const meta: MetaFunction = (args) => pageMeta(args, "console.moderation.questionTitle");
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

/**
 * One question for a moderator: its state, its decisions, and the questions of its contest most
 * like it (pgvector), each of which it can be merged into — or merged into it.
 * Decisions post to the queue's action, which comes back here.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { jurisdiction } = await requireConsole(request, params.jurisdiction, "moderation");
  const question = await findQuestion(
    db(),
    { jurisdictionId: jurisdiction.id },
    params.question ?? "",
  );
  if (!question) throw notFound();
  const live = question.status === "pending" || question.status === "published";
  return {
    jurisdiction,
    question,
    similar: live ? await similarQuestions(db(), question.id) : [],
  };
}

const moderatorEditForm = z.object({
  body: requiredText(QUESTION_MAX_LENGTH),
  kind: z.enum(["moderator_typo", "moderator_redaction"], { error: "form.invalid" }),
  reason: requiredText(300),
});

/**
 * A moderator's edit of the text: a typo fixed or personal data redacted (the earlier versions'
 * text is then deleted), with a reason; a new version the question page shows as such, audited.
 */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, jurisdiction } = await requireConsole(request, params.jurisdiction, "moderation");
  const form = parseForm(moderatorEditForm, await readForm(request));
  if (!form.ok) return { errors: form.errors, values: form.values };
  const outcome = await editQuestionByModerator(
    db(),
    { jurisdictionId: jurisdiction.id },
    { questionId: params.question ?? "", ...form.data },
    actorFrom(context, user),
  );
  if (!outcome.ok) throw notFound();
  return redirect(
    `/console/${jurisdiction.slug}/moderation/questions/${params.question}?done=edited`,
    { status: 303 },
  );
}

export default function ModerateQuestion() {
  const { jurisdiction, question, similar } = useLoaderData<typeof loader>();
  const edit = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const [params] = useSearchParams();
  const done = params.get("done");
  const problem = params.get("problem");
  const queue = `/console/${jurisdiction.slug}/moderation`;
  const here = `${queue}/questions/${question.id}`;
  const excerpt = (text: string) => (text.length > 80 ? `${text.slice(0, 77)}…` : text);
  const live = question.status === "pending" || question.status === "published";
  return (
    <section aria-labelledby="page-title" className="space-y-6">
      <ConsoleTrail
        jurisdiction={{ slug: jurisdiction.slug, name: localized(jurisdiction.name, locale) }}
        trail={[{ href: queue, label: t("console.moderation.title") }]}
      />
      <h1 id="page-title" className="text-2xl font-bold">
        {t("console.moderation.questionTitle")}
      </h1>
      <FormMessage
        message={
          done === "edited"
            ? "civic.moderatorEdit.done"
            : done
              ? MODERATION_MESSAGES[done]
              : undefined
        }
        tone="info"
      />
      <FormMessage message={problem ? MODERATION_MESSAGES[problem] : undefined} />
      <blockquote
        lang={question.language}
        className="border-l-4 border-slate-300 pl-4 whitespace-pre-line"
      >
        {question.body}
      </blockquote>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4">
        <dt>{t("console.moderation.statusLabel")}</dt>
        <dd data-testid="question-status">{t(`console.question.status.${question.status}`)}</dd>
        <dt>{t("console.moderation.votesLabel")}</dt>
        <dd data-testid="question-votes">{question.voteCount}</dd>
        <dt>{t("console.moderation.followersLabel")}</dt>
        <dd>{question.followerCount}</dd>
        <dt>{t("console.moderation.contestLabel")}</dt>
        <dd>
          {localized(question.contest.title, locale)} · {localized(question.election.name, locale)}
        </dd>
        {question.candidateName ? (
          <>
            <dt>{t("console.moderation.addressedToLabel")}</dt>
            <dd>{question.candidateName}</dd>
          </>
        ) : null}
        <dt>{t("console.moderation.askedAtLabel")}</dt>
        <dd>{formatDateTime(question.createdAt, locale, jurisdiction.timeZone)}</dd>
      </dl>
      {question.mergedIntoId ? (
        <p>
          <a href={`${queue}/questions/${question.mergedIntoId}`} className="text-brand underline">
            {t("console.moderation.mergedInto")}
          </a>
        </p>
      ) : null}
      {live ? (
        <div className="flex flex-wrap items-end gap-3">
          {question.status === "pending" ? (
            <ApproveButton
              questionId={question.id}
              action={queue}
              returnTo={here}
              excerpt={excerpt(question.body)}
            />
          ) : null}
          <ReasonForm
            id={question.id}
            intent="reject"
            fields={{ questionId: question.id }}
            action={queue}
            returnTo={here}
            submitLabel={
              question.status === "pending"
                ? t("console.moderation.reject")
                : t("console.moderation.takeDown")
            }
            accessibleLabel={t(
              question.status === "pending"
                ? "console.moderation.rejectLabel"
                : "console.moderation.takeDownLabel",
              { question: excerpt(question.body) },
            )}
          />
        </div>
      ) : null}

      <details open={Boolean(edit)} className="rounded border border-slate-300 p-3">
        <summary className="cursor-pointer font-semibold">
          {t("civic.moderatorEdit.heading")}
        </summary>
        <form method="post" className="mt-3">
          <TextAreaField
            name="body"
            label="civic.moderatorEdit.body"
            defaultValue={edit?.values.body ?? question.body}
            error={edit?.errors.body}
            required
          />
          <SelectField
            name="kind"
            label="civic.moderatorEdit.kind"
            defaultValue={edit?.values.kind ?? "moderator_typo"}
            error={edit?.errors.kind}
            options={[
              { value: "moderator_typo", label: t("civic.moderatorEdit.typo") },
              { value: "moderator_redaction", label: t("civic.moderatorEdit.redaction") },
            ]}
          />
          <TextAreaField
            name="reason"
            label="civic.moderatorEdit.reason"
            hint="civic.moderatorEdit.reasonHint"
            defaultValue={edit?.values.reason}
            error={edit?.errors.reason}
            rows={2}
            required
          />
          <SubmitButton>{t("civic.moderatorEdit.submit")}</SubmitButton>
        </form>
      </details>

      {live ? (
        <section aria-labelledby="similar-title">
          <h2 id="similar-title" className="mb-2 text-xl font-semibold">
            {t("console.moderation.similarHeading")}
          </h2>
          <p className="mb-2 text-sm text-slate-700">{t("console.moderation.mergeHint")}</p>
          {similar.length === 0 ? (
            <p>{t("console.moderation.noSimilar")}</p>
          ) : (
            <ol className="space-y-3">
              {similar.map((other) => (
                <li key={other.id} className="space-y-2 rounded border border-slate-300 p-3">
                  <p className="whitespace-pre-line">{other.body}</p>
                  <p className="text-sm text-slate-700">
                    {t("console.moderation.similarity", {
                      percent: Math.round(other.similarity * 100),
                    })}{" "}
                    · {t(`console.question.status.${other.status}`)} ·{" "}
                    {t("console.question.votes", { count: other.voteCount })} ·{" "}
                    <a
                      href={`${queue}/questions/${other.id}`}
                      aria-label={t("console.moderation.openQuestion", {
                        question: excerpt(other.body),
                      })}
                      className="text-brand underline"
                    >
                      {t("console.moderation.open")}
                    </a>
                  </p>
                  <div className="flex flex-wrap gap-2">
                    <MergeButton
                      sourceId={question.id}
                      targetId={other.id}
                      action={queue}
                      returnTo={here}
                      label={t("console.moderation.mergeInto")}
                      accessibleLabel={t("console.moderation.mergeIntoLabel", {
                        question: excerpt(other.body),
                      })}
                    />
                    <MergeButton
                      sourceId={other.id}
                      targetId={question.id}
                      action={queue}
                      returnTo={here}
                      label={t("console.moderation.mergeHere")}
                      accessibleLabel={t("console.moderation.mergeHereLabel", {
                        question: excerpt(other.body),
                      })}
                    />
                  </div>
                </li>
              ))}
            </ol>
          )}
        </section>
      ) : null}
    </section>
  );
}
