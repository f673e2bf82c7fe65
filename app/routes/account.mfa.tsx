import {
  data,
  redirect,
  type ActionFunctionArgs,
  type AppLoadContext,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import QRCode from "qrcode";
import { z } from "zod";
import { Field, FormMessage, SubmitButton } from "~/components/form";
import { actorFrom, requireUser, type SessionUser } from "~/lib/auth.server";
import { db } from "~/lib/db.server";
import { parseForm, readForm, type FieldErrors } from "~/lib/forms.server";
import { useT } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { startSession } from "~/lib/session.server";
import {
  confirmEnrolment,
  pendingEnrolment,
  recoveryCodesLeft,
  regenerateRecoveryCodes,
} from "~/services/mfa.server";

export const meta: MetaFunction = (args) => pageMeta(args, "mfa.title", "mfa.description");
// The secret and the recovery codes must not stay in any cache.
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

const confirmSchema = z.object({
  code: z
    .string()
    .trim()
    .regex(/^\d{3} ?\d{3}$/, { error: "mfa.enrol.codeFormat" }),
});

/**
 * Enrolment rotates the session, but the loaders that render the action's answer run in the
 * same request, with the old (now ended) cookie: the action hands them the new session here.
 */
const enrolledIn = new WeakMap<AppLoadContext, SessionUser>();

// Typed by hand: without the single-fetch `Future` type flag, `typeof action` does not see
// through `data()`.
type ActionData = { codes: string[] | null; errors: FieldErrors };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = enrolledIn.get(context) ?? (await requireUser(request));
  const pending = user.mfaEnabled ? null : await pendingEnrolment(db(), user);
  if (!pending) {
    return { enabled: true as const, codesLeft: await recoveryCodesLeft(db(), user.id) };
  }
  return {
    enabled: false as const,
    required: new URL(request.url).searchParams.get("required") === "1",
    // groups of four, the way authenticator apps show a key typed in by hand
    secret: pending.secret.replace(/(.{4})(?=.)/g, "$1 "),
    // our own server-side rendering of our own URI: safe to inline
    qrSvg: await QRCode.toString(pending.uri, { type: "svg", margin: 2 }),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const body = await readForm(request);
  const actor = actorFrom(context, user);
  if (body.get("intent") === "regenerate") {
    if (!user.mfaEnabled) throw redirect("/account/mfa", { status: 303 });
    return { codes: await regenerateRecoveryCodes(db(), user.id, actor), errors: {} };
  }
  if (user.mfaEnabled) throw redirect("/account/mfa", { status: 303 });
  const form = parseForm(confirmSchema, body);
  if (!form.ok) return { codes: null, errors: form.errors };
  const codes = await confirmEnrolment(db(), user.id, form.data.code, actor);
  if (!codes) return { codes: null, errors: { code: "mfa.enrol.invalid" as const } };
  // a privilege change: a new session token, now with both factors passed
  const { session, cookie } = await startSession({
    userId: user.id,
    mfaPassed: true,
    userHasMfa: true,
    ip: context.clientIp,
    userAgent: request.headers.get("User-Agent"),
    previous: user.session,
  });
  enrolledIn.set(context, { ...user, mfaEnabled: true, session });
  // The codes are shown in this answer only: a redirect would have to carry them somewhere.
  return data({ codes, errors: {} }, { headers: { "Set-Cookie": cookie } });
}

function RecoveryCodes({ codes }: { codes: string[] }) {
  const t = useT();
  return (
    <>
      <p role="status" className="mb-4 rounded border border-brand bg-blue-50 p-3">
        {t("mfa.codes.intro")}
      </p>
      <ol
        aria-label={t("mfa.codes.title")}
        data-testid="recovery-codes"
        className="mb-4 grid grid-cols-2 gap-2 font-mono text-lg"
      >
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ol>
      <p className="mb-4">{t("mfa.codes.once")}</p>
      <Link to="/account/mfa" className="text-brand underline">
        {t("mfa.codes.done")}
      </Link>
    </>
  );
}

export default function AccountMfa() {
  const t = useT();
  const page = useLoaderData<typeof loader>();
  const result = useActionData<ActionData>();
  return (
    <section aria-labelledby="mfa-title" className="max-w-xl">
      <h1 id="mfa-title" className="mb-4 text-2xl font-bold">
        {t("mfa.title")}
      </h1>
      {result?.codes ? (
        <RecoveryCodes codes={result.codes} />
      ) : page.enabled ? (
        <>
          <p role="status" className="mb-4">
            {t("mfa.status.on")}
          </p>
          <p className="mb-4">{t("mfa.status.codesLeft", { count: page.codesLeft })}</p>
          <Form method="post">
            <input type="hidden" name="intent" value="regenerate" />
            <p className="mb-2">{t("mfa.regenerate.intro")}</p>
            <SubmitButton>{t("mfa.regenerate.submit")}</SubmitButton>
          </Form>
        </>
      ) : (
        <>
          <FormMessage message={page.required ? "mfa.required" : undefined} tone="info" />
          <p className="mb-4">{t("mfa.enrol.intro")}</p>
          <ol className="mb-4 list-decimal space-y-4 pl-6">
            <li>
              <p className="mb-2">{t("mfa.enrol.scan")}</p>
              <figure>
                <div
                  role="img"
                  aria-label={t("mfa.enrol.qrLabel")}
                  className="w-56"
                  dangerouslySetInnerHTML={{ __html: page.qrSvg }}
                />
                <figcaption className="mt-2">
                  {t("mfa.enrol.manual")}{" "}
                  <code data-testid="totp-secret" className="font-mono text-lg break-words">
                    {page.secret}
                  </code>
                </figcaption>
              </figure>
            </li>
            <li>
              <Form method="post" noValidate>
                <input type="hidden" name="intent" value="confirm" />
                <Field
                  name="code"
                  label="mfa.enrol.codeLabel"
                  hint="mfa.enrol.codeHint"
                  inputMode="numeric"
                  autoComplete="one-time-code"
                  maxLength={7}
                  required
                  error={result?.errors.code}
                />
                <SubmitButton>{t("mfa.enrol.submit")}</SubmitButton>
              </Form>
            </li>
          </ol>
        </>
      )}
    </section>
  );
}
