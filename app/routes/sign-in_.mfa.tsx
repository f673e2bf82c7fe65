import {
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { Field, SubmitButton } from "~/components/form";
import { actorFrom, getSessionUser } from "~/lib/auth.server";
import { db } from "~/lib/db.server";
import { parseForm, readForm } from "~/lib/forms.server";
import { safeReturnPath, tooManyRequests } from "~/lib/http.server";
import { useT } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { hit, RATE_LIMITS } from "~/lib/rate-limit.server";
import { startSession } from "~/lib/session.server";
import { verifySecondFactor } from "~/services/mfa.server";

export const meta: MetaFunction = (args) => pageMeta(args, "mfa.signIn.title");
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

const schema = z.object({
  code: z
    .string()
    .trim()
    .min(1, { error: "mfa.signIn.codeRequired" })
    .max(40, { error: "mfa.signIn.invalid" }),
});

/** Only a session whose password (or emailed code) passed and whose second factor is owed. */
async function pendingUser(request: Request) {
  const user = await getSessionUser(request);
  if (!user?.mfaEnabled || user.session.mfaPassed) throw redirect("/sign-in", { status: 303 });
  return user;
}

export async function loader({ request }: LoaderFunctionArgs) {
  await pendingUser(request);
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await pendingUser(request);
  // every attempt counts, so parallel guesses cannot slip past the limit
  const limit = await hit(RATE_LIMITS.mfaAttemptsPerUser, user.id);
  if (!limit.allowed) throw tooManyRequests(limit.retryAfterSeconds);
  const body = await readForm(request);
  const form = parseForm(schema, body);
  if (!form.ok) return { errors: form.errors };
  const actor = actorFrom(context, user);
  const method = await verifySecondFactor(db(), user.id, form.data.code, actor);
  if (!method) return { errors: { code: "mfa.signIn.invalid" as const } };
  const { cookie } = await startSession({
    userId: user.id,
    mfaPassed: true,
    userHasMfa: true,
    ip: context.clientIp,
    userAgent: request.headers.get("User-Agent"),
    previous: user.session,
  });
  return redirect(safeReturnPath(String(body.get("redirectTo") ?? "/")), {
    status: 303,
    headers: { "Set-Cookie": cookie },
  });
}

export default function SignInMfa() {
  const t = useT();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  return (
    <section aria-labelledby="mfa-title" className="max-w-md">
      <h1 id="mfa-title" className="mb-4 text-2xl font-bold">
        {t("mfa.signIn.title")}
      </h1>
      <p className="mb-4">{t("mfa.signIn.intro")}</p>
      <Form method="post" noValidate>
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? "/"} />
        <Field
          name="code"
          label="mfa.signIn.codeLabel"
          hint="mfa.signIn.codeHint"
          autoComplete="one-time-code"
          autoCapitalize="none"
          spellCheck={false}
          maxLength={40}
          required
          error={result?.errors.code}
        />
        <SubmitButton>{t("signIn.submit")}</SubmitButton>
      </Form>
    </section>
  );
}
