import { AsyncLocalStorage } from "node:async_hooks";
import { redirect } from "@remix-run/node";
import { Authenticator } from "remix-auth";
import { FormStrategy } from "remix-auth-form";
import { z } from "zod";
import { audit, type Actor } from "~/lib/audit.server";
import { db } from "~/lib/db.server";
import { safeReturnPath } from "~/lib/http.server";
import { startSession, type SessionRecord } from "~/lib/session.server";
import { signInWithPassword, type AccountUser } from "./accounts.server";

/**
 * remix-auth strategies (password here; Google where configured, see google-sign-in.server.ts)
 * and the one way a sign-in ends: a new session (never the old token), audited.
 */
export const authenticator = new Authenticator<AccountUser>();

const passwordForm = z.object({
  email: z.string().trim().min(3).max(254),
  password: z.string().min(1).max(1024),
});

// remix-auth hands strategies a copy of the request, so the actor (ip, request id) for the
// audit log travels with the call instead.
const passwordAttempt = new AsyncLocalStorage<Actor>();

authenticator.use(
  new FormStrategy(async ({ form }) => {
    const input = passwordForm.parse({ email: form.get("email"), password: form.get("password") });
    return signInWithPassword(db(), input, passwordAttempt.getStore()!);
  }),
  "password",
);

/** Checks the posted email and password; throws SignInError (or a Response) when they fail. */
export function authenticatePassword(request: Request, actor: Actor): Promise<AccountUser> {
  return passwordAttempt.run(actor, () => authenticator.authenticate("password", request));
}

/**
 * Starts the session after a successful first factor and redirects. With MFA on, the session
 * is only half open (`mfaPassed: false`) until /sign-in/mfa accepts a code.
 */
export async function completeSignIn(input: {
  user: AccountUser;
  method: "password" | "email_code" | "google";
  actor: Actor;
  userAgent: string | null;
  previous: SessionRecord | null;
  redirectTo: string | null;
}): Promise<Response> {
  const { user, actor } = input;
  const { cookie } = await startSession({
    userId: user.id,
    mfaPassed: false,
    userHasMfa: user.mfaEnabled,
    ip: actor.ip,
    userAgent: input.userAgent,
    previous: input.previous,
  });
  const target = safeReturnPath(input.redirectTo);
  if (user.mfaEnabled) {
    await audit(
      db(),
      { ...actor, userId: user.id },
      {
        action: "auth.first_factor_passed",
        targetType: "user",
        targetId: user.id,
        details: { method: input.method },
      },
    );
    return redirect(`/sign-in/mfa?redirectTo=${encodeURIComponent(target)}`, {
      status: 303,
      headers: { "Set-Cookie": cookie },
    });
  }
  await audit(
    db(),
    { ...actor, userId: user.id },
    {
      action: "auth.sign_in",
      targetType: "user",
      targetId: user.id,
      details: { method: input.method },
    },
  );
  return redirect(target, { status: 303, headers: { "Set-Cookie": cookie } });
}
