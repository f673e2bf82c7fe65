import { redirect, type ActionFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData } from "@remix-run/react";
import { z } from "zod";
import { Field, SubmitButton } from "~/components/form";
import { actorFrom } from "~/lib/auth.server";
import { db } from "~/lib/db.server";
import { parseForm, readForm } from "~/lib/forms.server";
import { tooManyRequests } from "~/lib/http.server";
import { useT } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { hit, RATE_LIMITS } from "~/lib/rate-limit.server";
import { normaliseEmail, requestPasswordReset } from "~/services/accounts.server";

export const meta: MetaFunction = (args) => pageMeta(args, "forgotPassword.title");

const schema = z.object({
  email: z.email({ error: "form.email.invalid" }).max(254, { error: "form.email.invalid" }),
});

export async function action({ request, context }: ActionFunctionArgs) {
  const form = parseForm(schema, await readForm(request));
  if (!form.ok) return form;
  const email = normaliseEmail(form.data.email);
  for (const [rule, subject] of [
    [RATE_LIMITS.emailPerIp, context.clientIp ?? "unknown"],
    [RATE_LIMITS.emailPerAddress, email],
  ] as const) {
    const limit = await hit(rule, subject);
    if (!limit.allowed) throw tooManyRequests(limit.retryAfterSeconds);
  }
  await requestPasswordReset(db(), { email }, actorFrom(context));
  return redirect("/check-email?reason=reset", { status: 303 });
}

export default function ForgotPassword() {
  const t = useT();
  const result = useActionData<typeof action>();
  const errors = result && !result.ok ? result.errors : {};
  return (
    <section className="max-w-md">
      <h1 className="mb-4 text-2xl font-bold">{t("forgotPassword.title")}</h1>
      <p className="mb-4">{t("forgotPassword.intro")}</p>
      <Form method="post" noValidate>
        <Field
          name="email"
          type="email"
          label="form.email.label"
          autoComplete="email"
          required
          error={errors.email}
          defaultValue={result && !result.ok ? result.values.email : undefined}
        />
        <SubmitButton>{t("forgotPassword.submit")}</SubmitButton>
      </Form>
    </section>
  );
}
