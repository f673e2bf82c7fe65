import { type ActionFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { Field, FormMessage, SubmitButton } from "~/components/form";
import { actorFrom, getSessionUser } from "~/lib/auth.server";
import { db } from "~/lib/db.server";
import { parseForm, readForm } from "~/lib/forms.server";
import { tooManyRequests } from "~/lib/http.server";
import { useT } from "~/lib/i18n";
import { localeFromRequest } from "~/lib/locale.server";
import { pageMeta } from "~/lib/meta";
import { hit, RATE_LIMITS } from "~/lib/rate-limit.server";
import {
  normaliseEmail,
  requestSignInCode,
  SignInError,
  signInWithCode,
} from "~/services/accounts.server";
import { completeSignIn } from "~/services/sign-in.server";

export const meta: MetaFunction = (args) =>
  pageMeta(args, "signInCode.title", "signInCode.description");

const requestSchema = z.object({
  email: z.email({ error: "form.email.invalid" }).max(254, { error: "form.email.invalid" }),
});
const verifySchema = z.object({
  email: z.email({ error: "form.email.invalid" }),
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, { error: "signInCode.codeFormat" }),
});

/** Two steps on one page: ask for a code by email, then type it. Plain forms, no JavaScript. */
export async function action({ request, context }: ActionFunctionArgs) {
  const ip = context.clientIp ?? "unknown";
  const body = await readForm(request);
  const actor = actorFrom(context);
  if (body.get("intent") === "verify") {
    const limit = await hit(RATE_LIMITS.codeAttemptsPerIp, ip);
    if (!limit.allowed) throw tooManyRequests(limit.retryAfterSeconds);
    const form = parseForm(verifySchema, body);
    if (!form.ok)
      return {
        step: "verify" as const,
        email: String(body.get("email") ?? ""),
        errors: form.errors,
      };
    try {
      const user = await signInWithCode(db(), form.data, actor);
      return completeSignIn({
        user,
        method: "email_code",
        actor,
        userAgent: request.headers.get("User-Agent"),
        previous: (await getSessionUser(request))?.session ?? null,
        redirectTo: String(body.get("redirectTo") ?? "/"),
      });
    } catch (error) {
      if (!(error instanceof SignInError)) throw error;
      return {
        step: "verify" as const,
        email: form.data.email,
        errors: { code: "signInCode.invalid" as const },
      };
    }
  }
  const form = parseForm(requestSchema, body);
  if (!form.ok)
    return {
      step: "request" as const,
      email: String(body.get("email") ?? ""),
      errors: form.errors,
    };
  const email = normaliseEmail(form.data.email);
  for (const [rule, subject] of [
    [RATE_LIMITS.emailPerIp, ip],
    [RATE_LIMITS.emailPerAddress, email],
  ] as const) {
    const limit = await hit(rule, subject);
    if (!limit.allowed) throw tooManyRequests(limit.retryAfterSeconds);
  }
  await requestSignInCode(db(), { email, locale: localeFromRequest(request) }, actor);
  return { step: "verify" as const, email, errors: {} };
}

export default function SignInWithCode() {
  const t = useT();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const redirectTo = params.get("redirectTo") ?? "/";
  return (
    <section aria-labelledby="code-title" className="max-w-md">
      <h1 id="code-title" className="mb-4 text-2xl font-bold">
        {t("signInCode.title")}
      </h1>
      {result?.step === "verify" ? (
        <>
          <FormMessage message={result.errors.code ? undefined : "signInCode.sent"} tone="info" />
          <Form method="post" noValidate>
            <input type="hidden" name="intent" value="verify" />
            <input type="hidden" name="email" value={result.email} />
            <input type="hidden" name="redirectTo" value={redirectTo} />
            <Field
              name="code"
              label="signInCode.codeLabel"
              hint="signInCode.codeHint"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9]*"
              maxLength={6}
              required
              error={result.errors.code}
            />
            <SubmitButton>{t("signIn.submit")}</SubmitButton>
          </Form>
        </>
      ) : (
        <>
          <p className="mb-4">{t("signInCode.intro")}</p>
          <Form method="post" noValidate>
            <input type="hidden" name="intent" value="request" />
            <Field
              name="email"
              type="email"
              label="form.email.label"
              autoComplete="email"
              required
              defaultValue={result?.email}
              error={result?.errors.email}
            />
            <SubmitButton>{t("signInCode.send")}</SubmitButton>
          </Form>
        </>
      )}
    </section>
  );
}
