import {
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { Field, FormMessage, SubmitButton } from "~/components/form";
import { actorFrom, getSessionUser, getUser } from "~/lib/auth.server";
import { config } from "~/lib/config.server";
import { readForm } from "~/lib/forms.server";
import { safeReturnPath, tooManyRequests } from "~/lib/http.server";
import { useT } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { hit, peek, RATE_LIMITS } from "~/lib/rate-limit.server";
import { SignInError } from "~/services/accounts.server";
import { authenticatePassword, completeSignIn } from "~/services/sign-in.server";

export const meta: MetaFunction = (args) => pageMeta(args, "signIn.title", "signIn.description");

export async function loader({ request }: LoaderFunctionArgs) {
  const redirectTo = new URL(request.url).searchParams.get("redirectTo");
  if (await getUser(request)) throw redirect(safeReturnPath(redirectTo), { status: 303 });
  return { googleEnabled: Boolean(config().GOOGLE_CLIENT_ID) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const ip = context.clientIp ?? "unknown";
  const limit = await peek(RATE_LIMITS.signInFailuresPerIp, ip);
  if (!limit.allowed) throw tooManyRequests(limit.retryAfterSeconds);
  const actor = actorFrom(context);
  const form = await readForm(request.clone());
  const email = String(form.get("email") ?? "").slice(0, 254);
  try {
    const user = await authenticatePassword(request, actor);
    return completeSignIn({
      user,
      method: "password",
      actor,
      userAgent: request.headers.get("User-Agent"),
      previous: (await getSessionUser(request))?.session ?? null,
      redirectTo: String(form.get("redirectTo") ?? "/"),
    });
  } catch (error) {
    if (error instanceof Response) throw error;
    await hit(RATE_LIMITS.signInFailuresPerIp, ip);
    if (error instanceof SignInError && error.reason === "locked") {
      return {
        error: "signIn.locked" as const,
        minutes: Math.ceil(error.retryAfterSeconds / 60),
        email,
      };
    }
    return { error: "signIn.invalid" as const, minutes: 0, email };
  }
}

export default function SignIn() {
  const t = useT();
  const { googleEnabled } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const notice = params.get("reset")
    ? "signIn.passwordChanged"
    : params.get("verified")
      ? "verifyEmail.done"
      : undefined;
  return (
    <section aria-labelledby="sign-in-title" className="max-w-md">
      <h1 id="sign-in-title" className="mb-4 text-2xl font-bold">
        {t("signIn.title")}
      </h1>
      <FormMessage message={notice} tone="info" />
      {result?.error ? (
        <p role="alert" className="mb-4 rounded border border-red-700 bg-red-50 p-3 text-red-900">
          {t(result.error, { minutes: result.minutes })}
        </p>
      ) : null}
      <Form method="post" noValidate>
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? "/"} />
        <Field
          name="email"
          type="email"
          label="form.email.label"
          autoComplete="username"
          required
          defaultValue={result?.email}
        />
        <Field
          name="password"
          type="password"
          label="form.password.label"
          autoComplete="current-password"
          required
        />
        <SubmitButton>{t("signIn.submit")}</SubmitButton>
      </Form>
      <ul className="mt-6 space-y-2">
        <li>
          <Link to="/sign-in/code" className="text-brand underline">
            {t("signIn.codeInstead")}
          </Link>
        </li>
        <li>
          <Link to="/forgot-password" className="text-brand underline">
            {t("signIn.forgot")}
          </Link>
        </li>
        <li>
          <Link to="/sign-up" className="text-brand underline">
            {t("signIn.noAccount")}
          </Link>
        </li>
        {googleEnabled ? (
          <li>
            <a href="/auth/google" className="text-brand underline">
              {t("signIn.google")}
            </a>
          </li>
        ) : null}
      </ul>
    </section>
  );
}
