import {
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { FormMessage, SubmitButton } from "~/components/form";
import { actorFrom, requireUser } from "~/lib/auth.server";
import { db } from "~/lib/db.server";
import { parseForm, readForm } from "~/lib/forms.server";
import { notFound, tooManyRequests } from "~/lib/http.server";
import { formatDate, localized, useLocale, useT } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { hit, RATE_LIMITS } from "~/lib/rate-limit.server";
import { APPEAL_MAX, appealableDecision, submitAppeal } from "~/services/moderation-appeals.server";
import { MODERATION_POLICY, isPolicyCode } from "~/services/moderation-policy";

export const meta: MetaFunction = (args) => pageMeta(args, "trust.appeal.title");
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

/**
 * Where the author of a rejected question or a hidden answer (the email links here) reads the
 * reason and appeals, once, with a short text; afterwards, how the appeal stands. Anyone else
 * is told the page does not exist.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const decision = await appealableDecision(db(), params.decision ?? "", user.id);
  if (!decision) throw notFound();
  return { decision };
}

const appealForm = z.object({
  body: z
    .string()
    .trim()
    .min(10, { error: "trust.appeal.errors.short" })
    .max(APPEAL_MAX, { error: "trust.appeal.errors.long" }),
});

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const form = parseForm(appealForm, await readForm(request));
  if (!form.ok) return { errors: form.errors, values: form.values };
  const limit = await hit(RATE_LIMITS.appealsPerUser, user.id);
  if (!limit.allowed) throw tooManyRequests(limit.retryAfterSeconds);
  const decisionId = params.decision ?? "";
  const outcome = await submitAppeal(
    db(),
    { decisionId, userId: user.id, body: form.data.body },
    actorFrom(context, user),
  );
  if (outcome === "notFound") throw notFound();
  return redirect(`/appeals/${decisionId}?done=${outcome}`, { status: 303 });
}

export default function Appeal() {
  const { decision } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const [params] = useSearchParams();
  const rule = isPolicyCode(decision.reasonCode)
    ? MODERATION_POLICY[decision.reasonCode][locale]
    : { title: decision.reasonCode, description: "" };
  const done = params.get("done");
  return (
    <section aria-labelledby="page-title" className="space-y-4">
      <h1 id="page-title" className="text-2xl font-bold">
        {t("trust.appeal.title")}
      </h1>
      <p>
        {t(`trust.appeal.intro.${decision.kind}`, {
          date: formatDate(new Date(decision.decidedAt), locale),
          election: localized(decision.electionName, locale),
        })}
      </p>
      <blockquote className="border-l-4 border-slate-300 pl-4 whitespace-pre-line">
        {decision.content}
      </blockquote>
      <p>
        <strong>{t("trust.appeal.reason", { rule: rule.title })}</strong> {rule.description}{" "}
        <a href="/moderation-policy" className="text-brand underline">
          {t("trust.ledger.policyLink")}
        </a>
      </p>
      <FormMessage
        message={
          done === "done"
            ? "trust.appeal.sent"
            : done === "already"
              ? "trust.appeal.already"
              : undefined
        }
        tone="info"
      />
      {decision.appeal ? (
        <div className="space-y-2 rounded border border-slate-300 p-4">
          <p className="font-medium" data-testid="appeal-status">
            {t(`trust.appeal.status.${decision.appeal.outcome ?? "pending"}`)}
          </p>
          <p className="whitespace-pre-line">“{decision.appeal.body}”</p>
        </div>
      ) : (
        <form method="post" className="space-y-2" noValidate>
          <FormMessage message={result?.errors.body} />
          <label htmlFor="body" className="block font-medium">
            {t("trust.appeal.label")}
          </label>
          <p id="body-hint" className="text-sm text-slate-700">
            {t("trust.appeal.hint", { max: APPEAL_MAX })}
          </p>
          <textarea
            id="body"
            name="body"
            rows={5}
            maxLength={APPEAL_MAX}
            required
            aria-describedby="body-hint"
            aria-invalid={result?.errors.body ? true : undefined}
            defaultValue={result?.values.body}
            className="w-full rounded border border-slate-500 px-3 py-2"
          />
          <SubmitButton>{t("trust.appeal.submit")}</SubmitButton>
        </form>
      )}
    </section>
  );
}
