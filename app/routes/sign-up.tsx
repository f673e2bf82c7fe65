import {
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData } from "@remix-run/react";
import { z } from "zod";
import { Field, FormMessage, SubmitButton } from "~/components/form";
import { actorFrom, getUser } from "~/lib/auth.server";
import { db } from "~/lib/db.server";
import { parseForm, readForm } from "~/lib/forms.server";
import { tooManyRequests } from "~/lib/http.server";
import { useT, type MessageKey } from "~/lib/i18n";
import { localeFromRequest } from "~/lib/locale.server";
import { passwordProblem } from "~/lib/password.server";
import { hit, RATE_LIMITS } from "~/lib/rate-limit.server";
import { pageMeta } from "~/lib/meta";
import { signUp } from "~/services/accounts.server";

export const meta: MetaFunction = (args) => pageMeta(args, "signUp.title", "signUp.description");

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getUser(request)) throw redirect("/account", { status: 303 });
  return null;
}

const schema = z.object({
  email: z.email({ error: "form.email.invalid" }).max(254, { error: "form.email.invalid" }),
  password: z
    .string({ error: "form.password.required" })
    .min(1, { error: "form.password.required" }),
  displayName: z.string().trim().max(80, { error: "form.displayName.tooLong" }).optional(),
});

export async function action({ request, context }: ActionFunctionArgs) {
  const limit = await hit(RATE_LIMITS.signUpPerIp, context.clientIp ?? "unknown");
  if (!limit.allowed) throw tooManyRequests(limit.retryAfterSeconds);
  const form = parseForm(schema, await readForm(request));
  if (!form.ok) return form;
  const problem = passwordProblem(form.data.password, false);
  if (problem) {
    const values = { email: form.data.email, displayName: form.data.displayName ?? "" };
    return { ok: false as const, errors: { password: `password.${problem}` as const }, values };
  }
  await signUp(db(), { ...form.data, locale: localeFromRequest(request) }, actorFrom(context));
  return redirect("/check-email?reason=verify", { status: 303 });
}

export default function SignUp() {
  const t = useT();
  const result = useActionData<typeof action>();
  const errors: Partial<Record<string, MessageKey>> = result && !result.ok ? result.errors : {};
  const values: Partial<Record<string, string>> = result && !result.ok ? result.values : {};
  return (
    <section aria-labelledby="sign-up-title" className="max-w-md">
      <h1 id="sign-up-title" className="mb-4 text-2xl font-bold">
        {t("signUp.title")}
      </h1>
      <FormMessage message={result && !result.ok ? "form.fixErrors" : undefined} />
      <Form method="post" noValidate>
        <Field
          name="email"
          type="email"
          label="form.email.label"
          autoComplete="email"
          required
          defaultValue={values.email}
          error={errors.email}
        />
        <Field
          name="displayName"
          label="form.displayName.label"
          hint="form.displayName.hint"
          autoComplete="nickname"
          defaultValue={values.displayName}
          error={errors.displayName}
        />
        <Field
          name="password"
          type="password"
          label="form.password.label"
          hint="password.hint"
          autoComplete="new-password"
          required
          error={errors.password}
        />
        <SubmitButton>{t("signUp.submit")}</SubmitButton>
      </Form>
      <p className="mt-6">
        {t("signUp.haveAccount")}{" "}
        <Link to="/sign-in" className="text-brand underline">
          {t("signIn.title")}
        </Link>
      </p>
      <p className="mt-2">
        <Link to="/sign-in/code" className="text-brand underline">
          {t("signIn.codeInstead")}
        </Link>
      </p>
    </section>
  );
}
