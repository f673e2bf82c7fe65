import {
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { Field, FormMessage, SubmitButton } from "~/components/form";
import { actorFrom, requireUser } from "~/lib/auth.server";
import { normaliseBirthDate } from "~/lib/constituent-hash.server";
import { db } from "~/lib/db.server";
import { parseForm, readForm, type FieldErrors } from "~/lib/forms.server";
import { badRequest, notFound, tooManyRequests } from "~/lib/http.server";
import { formatDate, localized, useLocale, useT, type MessageKey } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { hit, RATE_LIMITS } from "~/lib/rate-limit.server";
import {
  codesAccepted,
  listVerifications,
  removeVerification,
  rollJurisdictions,
  verifyByCode,
  verifyByRoll,
  type VerifyOutcome,
} from "~/services/constituents.server";

export const meta: MetaFunction = (args) => pageMeta(args, "trust.verify.title");
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

/**
 * The voter's verified-constituent status: where they are verified (and a button to remove
 * each), and the ways to become one that election offices have switched on — matching the
 * voter roll (name, date of birth, ZIP) or a one-time code from the office. Plain forms.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const [verifications, jurisdictions, codes] = await Promise.all([
    listVerifications(db(), user.id),
    rollJurisdictions(db()),
    codesAccepted(db()),
  ]);
  return { emailVerified: user.emailVerified, verifications, jurisdictions, codes };
}

const rollForm = z.object({
  intent: z.literal("roll"),
  jurisdictionId: z.uuid({ error: "trust.verify.errors.jurisdiction" }),
  name: z.string().trim().min(2, { error: "trust.verify.errors.name" }).max(200),
  // the date field sends YYYY-MM-DD; a browser without one lets people type MM/DD/YYYY
  birthDate: z
    .string()
    .trim()
    .refine((value) => normaliseBirthDate(value) !== null, {
      error: "trust.verify.errors.birthDate",
    }),
  zip: z
    .string()
    .trim()
    .regex(/^\d{5}(-?\d{4})?$/, { error: "trust.verify.errors.zip" }),
});
const codeForm = z.object({
  intent: z.literal("code"),
  code: z
    .string()
    .trim()
    .min(8, { error: "trust.verify.errors.code" })
    .max(40, { error: "trust.verify.errors.code" }),
});
const removeForm = z.object({ intent: z.literal("remove"), verificationId: z.uuid() });

type ActionResult = {
  form: "roll" | "code";
  errors: FieldErrors;
  values: Record<string, string>;
};

const REFUSALS: Record<Exclude<VerifyOutcome, { ok: true }>["reason"], MessageKey> = {
  noMatch: "trust.verify.refused.noMatch",
  taken: "trust.verify.refused.taken",
  already: "trust.verify.refused.already",
  expired: "trust.verify.refused.expired",
};

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const actor = actorFrom(context, user);
  const body = await readForm(request);
  const intent = body.get("intent");
  const done = (notice: string) => redirect(`/account/constituent?done=${notice}`, { status: 303 });

  if (intent === "remove") {
    const parsed = removeForm.safeParse(Object.fromEntries(body));
    if (!parsed.success) throw badRequest();
    const outcome = await removeVerification(
      db(),
      { userId: user.id, verificationId: parsed.data.verificationId },
      actor,
    );
    if (outcome === "notFound") throw notFound();
    return done("removed");
  }
  if (intent !== "roll" && intent !== "code") throw badRequest();
  if (!user.emailVerified)
    return {
      form: intent,
      errors: { form: "trust.verify.emailFirst" },
      values: {},
    } satisfies ActionResult;
  const parsed = intent === "roll" ? parseForm(rollForm, body) : parseForm(codeForm, body);
  if (!parsed.ok)
    return { form: intent, errors: parsed.errors, values: parsed.values } satisfies ActionResult;
  const limit = await hit(RATE_LIMITS.constituentAttemptsPerUser, user.id);
  if (!limit.allowed) throw tooManyRequests(limit.retryAfterSeconds);
  const outcome =
    parsed.data.intent === "roll"
      ? await verifyByRoll(db(), { userId: user.id, ...parsed.data }, actor)
      : await verifyByCode(db(), { userId: user.id, code: parsed.data.code }, actor);
  if (outcome.ok) return done("verified");
  // what they typed comes back in the form (never the code: it is a secret)
  const values: Record<string, string> =
    parsed.data.intent === "roll"
      ? {
          jurisdictionId: parsed.data.jurisdictionId,
          name: parsed.data.name,
          birthDate: parsed.data.birthDate,
          zip: parsed.data.zip,
        }
      : {};
  return {
    form: intent,
    errors: { form: REFUSALS[outcome.reason] },
    values,
  } satisfies ActionResult;
}

const NOTICES = {
  verified: "trust.verify.done.verified",
  removed: "trust.verify.done.removed",
} as const satisfies Record<string, MessageKey>;

export default function Constituent() {
  const { emailVerified, verifications, jurisdictions, codes } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const [params] = useSearchParams();
  const done = params.get("done") as keyof typeof NOTICES | null;
  const errorsOf = (form: ActionResult["form"]) =>
    result?.form === form ? result.errors : ({} as FieldErrors);
  const valueOf = (form: ActionResult["form"], name: string) =>
    result?.form === form ? result.values[name] : undefined;
  const rollErrors = errorsOf("roll");
  const codeErrors = errorsOf("code");
  return (
    <section aria-labelledby="page-title" className="space-y-6">
      <p>
        <a href="/account" className="text-brand underline">
          {t("account.title")}
        </a>
      </p>
      <h1 id="page-title" className="text-2xl font-bold">
        {t("trust.verify.title")}
      </h1>
      <p>{t("trust.verify.intro")}</p>
      <FormMessage message={done && NOTICES[done] ? NOTICES[done] : undefined} tone="info" />

      <section aria-labelledby="status-title">
        <h2 id="status-title" className="mb-2 text-xl font-semibold">
          {t("trust.verify.status")}
        </h2>
        {verifications.length === 0 ? (
          <p data-testid="not-verified">{t("trust.verify.none")}</p>
        ) : (
          <ul className="space-y-2">
            {verifications.map((verification) => (
              <li
                key={verification.id}
                className="flex flex-wrap items-center gap-3"
                data-testid="verification"
              >
                <span>
                  {t(`trust.verify.badge.${verification.method}`, {
                    jurisdiction: localized(verification.jurisdictionName, locale),
                    date: formatDate(new Date(verification.createdAt), locale),
                  })}
                </span>
                <form method="post">
                  <input type="hidden" name="intent" value="remove" />
                  <input type="hidden" name="verificationId" value={verification.id} />
                  <button
                    type="submit"
                    className="rounded border border-slate-500 px-3 py-1 text-sm"
                    aria-label={t("trust.verify.removeLabel", {
                      jurisdiction: localized(verification.jurisdictionName, locale),
                    })}
                  >
                    {t("trust.verify.remove")}
                  </button>
                </form>
              </li>
            ))}
          </ul>
        )}
      </section>

      {!emailVerified ? <p>{t("trust.verify.emailFirst")}</p> : null}

      {jurisdictions.length > 0 ? (
        <form method="post" className="space-y-2 rounded border border-slate-300 p-4" noValidate>
          <h2 className="text-xl font-semibold">{t("trust.verify.byRoll")}</h2>
          <p className="text-sm text-slate-700">{t("trust.verify.byRollHelp")}</p>
          <FormMessage message={rollErrors.form} />
          <input type="hidden" name="intent" value="roll" />
          <div className="mb-4">
            <label htmlFor="jurisdictionId" className="mb-1 block font-medium">
              {t("trust.verify.jurisdiction")}
            </label>
            <select
              id="jurisdictionId"
              name="jurisdictionId"
              defaultValue={valueOf("roll", "jurisdictionId")}
              className="w-full rounded border border-slate-500 px-3 py-2"
            >
              {jurisdictions.map((jurisdiction) => (
                <option key={jurisdiction.id} value={jurisdiction.id}>
                  {localized(jurisdiction.name, locale)}
                </option>
              ))}
            </select>
          </div>
          <Field
            name="name"
            label="trust.verify.name"
            hint="trust.verify.nameHint"
            autoComplete="name"
            defaultValue={valueOf("roll", "name")}
            error={rollErrors.name}
          />
          <Field
            name="birthDate"
            label="trust.verify.birthDate"
            type="date"
            autoComplete="bday"
            defaultValue={valueOf("roll", "birthDate")}
            error={rollErrors.birthDate}
          />
          <Field
            name="zip"
            label="trust.verify.zip"
            inputMode="numeric"
            autoComplete="postal-code"
            defaultValue={valueOf("roll", "zip")}
            error={rollErrors.zip}
          />
          <SubmitButton>{t("trust.verify.submitRoll")}</SubmitButton>
        </form>
      ) : null}

      {codes ? (
        <form method="post" className="space-y-2 rounded border border-slate-300 p-4" noValidate>
          <h2 className="text-xl font-semibold">{t("trust.verify.byCode")}</h2>
          <FormMessage message={codeErrors.form} />
          <input type="hidden" name="intent" value="code" />
          <Field
            name="code"
            label="trust.verify.code"
            hint="trust.verify.codeHint"
            autoComplete="one-time-code"
            error={codeErrors.code}
          />
          <SubmitButton>{t("trust.verify.submitCode")}</SubmitButton>
        </form>
      ) : null}
    </section>
  );
}
