import {
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Field, SubmitButton } from "~/components/form";
import { actorFrom } from "~/lib/auth.server";
import { db } from "~/lib/db.server";
import { readForm } from "~/lib/forms.server";
import { useT } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { resetPassword, resetTokenIsValid } from "~/services/accounts.server";
import { clearSessionCookie } from "~/lib/session.server";

export const meta: MetaFunction = (args) => pageMeta(args, "resetPassword.title");

const tokenFrom = (value: unknown) => String(value ?? "").slice(0, 200);

export async function loader({ request }: LoaderFunctionArgs) {
  const token = tokenFrom(new URL(request.url).searchParams.get("token"));
  return { token, valid: token !== "" && (await resetTokenIsValid(db(), token)) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const token = tokenFrom(form.get("token"));
  const password = String(form.get("password") ?? "");
  const outcome = await resetPassword(db(), { token, password }, actorFrom(context));
  if (outcome === "invalidToken") return { error: "resetPassword.invalid" as const };
  if (outcome !== "changed") return { error: `password.${outcome}` as const };
  return redirect("/sign-in?reset=1", {
    status: 303,
    headers: { "Set-Cookie": clearSessionCookie() },
  });
}

export default function ResetPassword() {
  const t = useT();
  const { token, valid } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  if (!valid) {
    return (
      <section className="max-w-md">
        <h1 className="mb-4 text-2xl font-bold">{t("resetPassword.title")}</h1>
        <p className="mb-4">{t("resetPassword.invalid")}</p>
        <Link to="/forgot-password" className="text-brand underline">
          {t("forgotPassword.title")}
        </Link>
      </section>
    );
  }
  return (
    <section className="max-w-md">
      <h1 className="mb-4 text-2xl font-bold">{t("resetPassword.title")}</h1>
      <Form method="post" noValidate>
        <input type="hidden" name="token" value={token} />
        <Field
          name="password"
          type="password"
          label="resetPassword.newPassword"
          hint="password.hint"
          autoComplete="new-password"
          required
          error={result?.error}
        />
        <SubmitButton>{t("resetPassword.submit")}</SubmitButton>
      </Form>
    </section>
  );
}
