import {
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { ConsoleTrail } from "~/components/console-trail";
import { FormMessage } from "~/components/form";
import {
  AppealButtons,
  ApproveButton,
  DismissButton,
  MODERATION_MESSAGES,
  ReasonForm,
} from "~/components/moderation-controls";
import { Pager } from "~/components/pager";
import { actorFrom } from "~/lib/auth.server";
import { requireConsole } from "~/lib/console.server";
import { db } from "~/lib/db.server";
import { readForm } from "~/lib/forms.server";
import { badRequest, notFound } from "~/lib/http.server";
import { localized, useLocale, useT, type MessageKey } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { formatDateTime } from "~/lib/time-zone";
import {
  approveQuestion,
  dismissReport,
  hideAnswer,
  mergeQuestion,
  openReports,
  pendingQuestions,
  rejectQuestion,
} from "~/services/moderation.server";
import { decideAppeal, openAppeals } from "~/services/moderation-appeals.server";
import { policyTitle, POLICY_CODES } from "~/services/moderation-policy";

export const meta: MetaFunction = (args) => pageMeta(args, "console.moderation.title");
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

const pageParam = (url: URL, name: string) => {
  const page = Number(url.searchParams.get(name));
  return Number.isInteger(page) && page >= 1 && page <= 10_000 ? page : 1;
};

/** The jurisdiction's moderation queue: pending questions and open reports, oldest first. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, jurisdiction } = await requireConsole(request, params.jurisdiction, "moderation");
  const url = new URL(request.url);
  const scope = { jurisdictionId: jurisdiction.id };
  const [questions, reports, appeals] = await Promise.all([
    pendingQuestions(db(), scope, pageParam(url, "page")),
    openReports(db(), scope, pageParam(url, "reportsPage")),
    openAppeals(db(), scope, user.id),
  ]);
  return { jurisdiction, questions, reports, appeals };
}

const decision = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("approve"), questionId: z.uuid() }),
  z.object({
    intent: z.literal("reject"),
    questionId: z.uuid(),
    reasonCode: z.enum(POLICY_CODES),
    reportId: z.uuid().optional(),
  }),
  z.object({ intent: z.literal("merge"), questionId: z.uuid(), targetId: z.uuid() }),
  z.object({
    intent: z.literal("hide"),
    answerId: z.uuid(),
    reasonCode: z.enum(POLICY_CODES),
    reportId: z.uuid().optional(),
  }),
  z.object({ intent: z.literal("dismiss"), reportId: z.uuid() }),
  z.object({ intent: z.literal("uphold"), appealId: z.uuid() }),
  z.object({ intent: z.literal("overturn"), appealId: z.uuid() }),
]);

/**
 * Every moderation decision, from this page and from a question's page: the form names the
 * decision and where to go back to (a page of this jurisdiction's moderation, nothing else).
 */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, jurisdiction } = await requireConsole(request, params.jurisdiction, "moderation");
  const body = await readForm(request);
  const parsed = decision.safeParse(Object.fromEntries(body));
  if (!parsed.success) throw badRequest();
  const form = parsed.data;
  const actor = actorFrom(context, user);
  const scope = { jurisdictionId: jurisdiction.id };
  const queue = `/console/${jurisdiction.slug}/moderation`;
  const returnTo = String(body.get("returnTo") ?? "");
  const back = new URL(
    returnTo.startsWith(`${queue}/`) || returnTo.startsWith(`${queue}?`) ? returnTo : queue,
    "http://x",
  );
  back.searchParams.delete("done");
  back.searchParams.delete("problem");

  let outcome: string;
  switch (form.intent) {
    case "approve":
      outcome = await approveQuestion(db(), scope, form.questionId, actor);
      break;
    case "reject":
      outcome = await rejectQuestion(db(), scope, form, actor);
      break;
    case "merge":
      outcome = await mergeQuestion(
        db(),
        scope,
        { sourceId: form.questionId, targetId: form.targetId },
        actor,
      );
      // the surviving question is where the moderator wants to look next
      if (outcome === "done") back.pathname = `${queue}/questions/${form.targetId}`;
      break;
    case "hide":
      outcome = await hideAnswer(db(), scope, form, actor);
      break;
    case "dismiss":
      outcome = await dismissReport(db(), scope, form.reportId, actor);
      break;
    case "uphold":
    case "overturn":
      // refused ("sameModerator") when the moderator settling it made the decision
      outcome = await decideAppeal(
        db(),
        scope,
        {
          appealId: form.appealId,
          outcome: form.intent === "uphold" ? "upheld" : "overturned",
        },
        actor,
      );
      break;
  }
  if (outcome === "notFound") throw notFound();
  back.searchParams.set(
    outcome === "done" ? "done" : "problem",
    outcome === "done" ? form.intent : outcome,
  );
  return redirect(back.pathname + back.search, { status: 303 });
}

export default function ModerationQueue() {
  const { jurisdiction, questions, reports, appeals } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const [params] = useSearchParams();
  const done = params.get("done");
  const problem = params.get("problem");
  const queue = `/console/${jurisdiction.slug}/moderation`;
  const here = `${queue}?${params.toString()}`;
  const when = (value: Date) => formatDateTime(value, locale, jurisdiction.timeZone);
  const hrefWith = (name: string, page: number) => {
    const next = new URLSearchParams(params);
    next.delete("done");
    next.delete("problem");
    next.set(name, String(page));
    return `${queue}?${next}`;
  };
  const excerpt = (text: string) => (text.length > 80 ? `${text.slice(0, 77)}…` : text);
  return (
    <section aria-labelledby="page-title" className="space-y-8">
      <ConsoleTrail
        jurisdiction={{ slug: jurisdiction.slug, name: localized(jurisdiction.name, locale) }}
      />
      <h1 id="page-title" className="text-2xl font-bold">
        {t("console.moderation.title")}
      </h1>
      <FormMessage message={done ? MODERATION_MESSAGES[done] : undefined} tone="info" />
      <FormMessage message={problem ? MODERATION_MESSAGES[problem] : undefined} />
      <p>
        <a href="/moderation-policy" className="text-brand underline">
          {t("console.moderation.policyLink")}
        </a>
      </p>

      <section aria-labelledby="pending-title">
        <h2 id="pending-title" className="mb-2 text-xl font-semibold">
          {t("console.moderation.pendingHeading", { count: questions.total })}
        </h2>
        {questions.items.length === 0 ? (
          <p>{t("console.moderation.nonePending")}</p>
        ) : (
          <ol className="space-y-4">
            {questions.items.map((question) => (
              <li key={question.id} className="space-y-2 rounded border border-slate-300 p-4">
                <p lang={question.language} className="whitespace-pre-line">
                  {question.body}
                </p>
                <p className="text-sm text-slate-700">
                  {localized(question.contestTitle, locale)} ·{" "}
                  {localized(question.electionName, locale)}
                  {question.candidateName
                    ? ` · ${t("console.moderation.addressedTo", { name: question.candidateName })}`
                    : ""}{" "}
                  · {t("console.moderation.askedAt", { when: when(question.createdAt) })}
                </p>
                <div className="flex flex-wrap items-end gap-3">
                  <ApproveButton
                    questionId={question.id}
                    action={queue}
                    returnTo={here}
                    excerpt={excerpt(question.body)}
                  />
                  <ReasonForm
                    id={question.id}
                    intent="reject"
                    fields={{ questionId: question.id }}
                    action={queue}
                    returnTo={here}
                    submitLabel={t("console.moderation.reject")}
                    accessibleLabel={t("console.moderation.rejectLabel", {
                      question: excerpt(question.body),
                    })}
                  />
                  <a
                    href={`${queue}/questions/${question.id}`}
                    aria-label={t("console.moderation.openQuestion", {
                      question: excerpt(question.body),
                    })}
                    className="text-brand underline"
                  >
                    {t("console.moderation.findDuplicates")}
                  </a>
                </div>
              </li>
            ))}
          </ol>
        )}
        <Pager
          page={questions.page}
          pageCount={questions.pageCount}
          hrefFor={(page) => hrefWith("page", page)}
        />
      </section>

      <section aria-labelledby="reports-title">
        <h2 id="reports-title" className="mb-2 text-xl font-semibold">
          {t("console.moderation.reportsHeading", { count: reports.total })}
        </h2>
        {reports.items.length === 0 ? (
          <p>{t("console.moderation.noReports")}</p>
        ) : (
          <ol className="space-y-4">
            {reports.items.map((report) => (
              <li key={report.id} className="space-y-2 rounded border border-slate-300 p-4">
                <p className="font-medium">
                  {t("console.moderation.reportReason", {
                    reason: t(`report.reason.${report.reason}` as MessageKey),
                  })}
                  {" · "}
                  {t("console.moderation.reportedAt", { when: when(report.createdAt) })}
                </p>
                {report.details ? <p className="whitespace-pre-line">“{report.details}”</p> : null}
                {report.answer ? (
                  <>
                    <p className="text-sm text-slate-700">
                      {t("console.moderation.answerBy", { name: report.answer.candidateName })}
                    </p>
                    <p className="whitespace-pre-line">
                      {report.answer.kind === "video"
                        ? t("console.moderation.videoAnswer")
                        : report.answer.body}
                    </p>
                    <p className="text-sm text-slate-700">
                      {t("console.moderation.toQuestion", {
                        question: excerpt(report.questionBody),
                      })}
                    </p>
                  </>
                ) : (
                  <p className="whitespace-pre-line">{report.questionBody}</p>
                )}
                <div className="flex flex-wrap items-end gap-3">
                  <DismissButton
                    reportId={report.id}
                    action={queue}
                    returnTo={here}
                    label={t("console.moderation.dismissLabel", {
                      question: excerpt(report.questionBody),
                    })}
                  />
                  {report.answer ? (
                    <ReasonForm
                      id={report.id}
                      intent="hide"
                      fields={{ answerId: report.answer.id, reportId: report.id }}
                      action={queue}
                      returnTo={here}
                      submitLabel={t("console.moderation.hideAnswer")}
                      accessibleLabel={t("console.moderation.hideAnswerLabel", {
                        question: excerpt(report.questionBody),
                      })}
                    />
                  ) : report.questionStatus === "published" ||
                    report.questionStatus === "pending" ? (
                    <ReasonForm
                      id={report.id}
                      intent="reject"
                      fields={{ questionId: report.questionId, reportId: report.id }}
                      action={queue}
                      returnTo={here}
                      submitLabel={t("console.moderation.takeDown")}
                      accessibleLabel={t("console.moderation.takeDownLabel", {
                        question: excerpt(report.questionBody),
                      })}
                    />
                  ) : null}
                </div>
              </li>
            ))}
          </ol>
        )}
        <Pager
          page={reports.page}
          pageCount={reports.pageCount}
          hrefFor={(page) => hrefWith("reportsPage", page)}
        />
      </section>

      <section aria-labelledby="appeals-title">
        <h2 id="appeals-title" className="mb-2 text-xl font-semibold">
          {t("trust.appeals.heading", { count: appeals.length })}
        </h2>
        {appeals.length === 0 ? (
          <p>{t("trust.appeals.none")}</p>
        ) : (
          <ol className="space-y-4">
            {appeals.map((appeal) => (
              <li
                key={appeal.id}
                className="space-y-2 rounded border border-slate-300 p-4"
                data-testid="appeal"
              >
                <p className="font-medium">
                  {t(`trust.ledger.action.${appeal.decision.action}` as MessageKey)} ·{" "}
                  {policyTitle(appeal.decision.reasonCode, locale)} ·{" "}
                  {t("trust.appeals.appealedAt", { when: when(appeal.createdAt) })}
                </p>
                <p className="whitespace-pre-line text-slate-700">{appeal.decision.content}</p>
                <p className="whitespace-pre-line">
                  {t("trust.appeals.authorSays")} “{appeal.body}”
                </p>
                {appeal.decision.decidedByYou ? (
                  <p className="text-sm">{t("trust.appeals.yourDecision")}</p>
                ) : (
                  <AppealButtons
                    appealId={appeal.id}
                    action={queue}
                    returnTo={here}
                    excerpt={excerpt(appeal.decision.content)}
                  />
                )}
              </li>
            ))}
          </ol>
        )}
      </section>
    </section>
  );
}
