import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { actorFrom, getSessionUser } from "~/lib/auth.server";
import { notFound } from "~/lib/http.server";
import { useT, type MessageKey } from "~/lib/i18n";
import { log } from "~/lib/log.server";
import { pageMeta } from "~/lib/meta";
import {
  finishGoogleSignIn,
  GoogleSignInError,
  googleSignInEnabled,
  spentStateCookies,
  type GoogleSignInFailure,
} from "~/services/google-sign-in.server";
import { completeSignIn } from "~/services/sign-in.server";

export const meta: MetaFunction = (args) => pageMeta(args, "google.title");

const REFUSALS: Record<GoogleSignInFailure, { status: number; message: MessageKey }> = {
  denied: { status: 403, message: "google.denied" },
  expired: { status: 400, message: "google.expired" },
  failed: { status: 400, message: "google.failed" },
  unverified: { status: 403, message: "google.unverified" },
  unavailable: { status: 502, message: "google.unavailable" },
};

/**
 * Where Google sends the browser back. A good answer starts the session (or the MFA step);
 * a refused one is explained on this page, with the way back to the other ways of signing in.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  if (!googleSignInEnabled()) throw notFound();
  const actor = actorFrom(context);
  const spent = spentStateCookies(request);
  let user;
  try {
    user = await finishGoogleSignIn(request, actor);
  } catch (error) {
    if (!(error instanceof GoogleSignInError)) throw error;
    log.warn(
      { requestId: context.requestId, reason: error.reason, cause: String(error.cause ?? "") },
      "Google sign-in refused",
    );
    const refusal = REFUSALS[error.reason];
    const headers = new Headers({ "Cache-Control": "no-store" });
    for (const cookie of spent) headers.append("Set-Cookie", cookie);
    return data({ message: refusal.message }, { status: refusal.status, headers });
  }
  const response = await completeSignIn({
    user,
    method: "google",
    actor,
    userAgent: request.headers.get("User-Agent"),
    previous: (await getSessionUser(request))?.session ?? null,
    redirectTo: "/",
  });
  for (const cookie of spent) response.headers.append("Set-Cookie", cookie);
  throw response;
}

export default function GoogleSignInRefused() {
  const t = useT();
  const { message } = useLoaderData<{ message: MessageKey }>();
  return (
    <section aria-labelledby="google-title" className="max-w-md">
      <h1 id="google-title" className="mb-4 text-2xl font-bold">
        {t("google.title")}
      </h1>
      <p role="alert" className="mb-4 rounded border border-red-700 bg-red-50 p-3 text-red-900">
        {t(message)}
      </p>
      <Link to="/sign-in" className="text-brand underline">
        {t("google.backToSignIn")}
      </Link>
    </section>
  );
}
