import { AsyncLocalStorage } from "node:async_hooks";
import { CodeChallengeMethod, OAuth2RequestError, OAuth2Strategy } from "remix-auth-oauth2";
import { z } from "zod";
import { audit, type Actor } from "~/lib/audit.server";
import { config } from "~/lib/config.server";
import { db, type Db } from "~/lib/db.server";
import type { Locale } from "~/lib/i18n";
import { localeFromRequest } from "~/lib/locale.server";
import { endOtherSessions } from "~/lib/session.server";
import { normaliseEmail, type AccountUser } from "./accounts.server";
import { authenticator } from "./sign-in.server";

/**
 * Optional Google sign-in: OpenID Connect's authorization code flow with PKCE (S256) and a
 * single-use state kept in a cookie, through remix-auth-oauth2. It exists only when
 * GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET are set. A Google identity is known by its stable
 * subject; on first use it joins the account with the same address, or starts a new one.
 */
const PROVIDER = "google";
/** remix-auth-oauth2 names each attempt's cookie `${STATE_COOKIE}:<random id>`. */
const STATE_COOKIE = "google_oauth";
const STATE_COOKIE_PATH = "/auth/google";

export type GoogleSignInFailure = "denied" | "expired" | "failed" | "unverified" | "unavailable";

/** A sign-in Google or the browser got wrong: shown to the person, never a server error. */
export class GoogleSignInError extends Error {
  constructor(
    readonly reason: GoogleSignInFailure,
    options?: ErrorOptions,
  ) {
    super(`Google sign-in refused: ${reason}`, options);
  }
}

export function googleSignInEnabled(): boolean {
  const { GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET } = config();
  return Boolean(GOOGLE_CLIENT_ID && GOOGLE_CLIENT_SECRET);
}

// Same rule as the session cookie: never sent in clear text where the site has TLS.
const secureCookies = () =>
  config().APP_URL.startsWith("https:") || config().NODE_ENV === "production";

/**
 * One sign-in attempt, for the verify step: remix-auth hands strategies a copy of the request,
 * so the actor cannot travel keyed by the route's request object.
 */
type Attempt = { actor: Actor; reachedVerify: boolean };
const attempts = new AsyncLocalStorage<Attempt>();

const userinfoSchema = z.object({
  sub: z.string().min(1).max(255),
  email: z.email().max(254).optional(),
  email_verified: z.unknown().optional(),
});

async function fetchUserinfo(accessToken: string) {
  let response: Response;
  try {
    response = await fetch(config().GOOGLE_USERINFO_ENDPOINT, {
      headers: { Authorization: `Bearer ${accessToken}`, Accept: "application/json" },
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw new GoogleSignInError("unavailable", { cause: error });
  }
  if (!response.ok) {
    throw new GoogleSignInError("unavailable", {
      cause: new Error(`userinfo answered ${response.status}`),
    });
  }
  const profile = userinfoSchema.safeParse(await response.json().catch(() => null));
  if (!profile.success) throw new GoogleSignInError("failed", { cause: profile.error });
  // Google vouches only for verified addresses; any other could belong to someone else.
  if (!profile.data.email || profile.data.email_verified !== true) {
    throw new GoogleSignInError("unverified");
  }
  return { subject: profile.data.sub, email: normaliseEmail(profile.data.email) };
}

type UserRow = { id: string; email: string; mfa_enabled_at: Date | null; locale: string };
const accountUser = (row: UserRow): AccountUser => ({
  id: row.id,
  email: row.email,
  mfaEnabled: Boolean(row.mfa_enabled_at),
  locale: row.locale,
});

/**
 * The account of a Google identity: the one already linked to its subject; else the account
 * with the same address, linked now (Google verified the address, as our own link would);
 * else a new account, its address verified and without a password.
 */
async function accountForGoogleIdentity(
  database: Db,
  identity: { subject: string; email: string; locale: Locale },
  actor: Actor,
): Promise<AccountUser> {
  const { user, endSessions } = await database.transaction(async (trx) => {
    const linked: UserRow | undefined = await trx("oauth_identities as o")
      .join("users as u", "u.id", "o.user_id")
      .where({ "o.provider": PROVIDER, "o.subject": identity.subject })
      .first("u.id", "u.email", "u.mfa_enabled_at", "u.locale");
    if (linked) return { user: linked, endSessions: false };

    const existing = await trx("users").where({ email: identity.email }).forUpdate().first();
    if (existing) {
      // An unverified account was opened by someone who never proved the mailbox, maybe not its
      // owner: the password they chose and their sessions must not reach into it any longer.
      const unproven = !existing.email_verified_at;
      await trx("users")
        .where({ id: existing.id })
        .update({
          email_verified_at: existing.email_verified_at ?? trx.fn.now(),
          ...(unproven && existing.password_hash
            ? { password_hash: null, password_changed_at: trx.fn.now() }
            : {}),
          updated_at: trx.fn.now(),
        });
      await trx("oauth_identities").insert({
        user_id: existing.id,
        provider: PROVIDER,
        subject: identity.subject,
      });
      await audit(
        trx,
        { ...actor, userId: existing.id },
        {
          action: "auth.oauth_linked",
          targetType: "user",
          targetId: existing.id,
          details: {
            provider: PROVIDER,
            addressVerified: unproven,
            passwordRemoved: unproven && Boolean(existing.password_hash),
          },
        },
      );
      return { user: existing as UserRow, endSessions: unproven };
    }

    const [created] = (await trx("users")
      .insert({ email: identity.email, email_verified_at: trx.fn.now(), locale: identity.locale })
      .returning(["id", "email", "mfa_enabled_at", "locale"])) as UserRow[];
    await trx("oauth_identities").insert({
      user_id: created!.id,
      provider: PROVIDER,
      subject: identity.subject,
    });
    await audit(
      trx,
      { ...actor, userId: created!.id },
      {
        action: "account.sign_up",
        targetType: "user",
        targetId: created!.id,
        details: { method: PROVIDER },
      },
    );
    return { user: created!, endSessions: false };
  });
  if (endSessions) await endOtherSessions(user.id);
  return accountUser(user);
}

if (googleSignInEnabled()) {
  const settings = config();
  authenticator.use(
    new OAuth2Strategy<AccountUser>(
      {
        clientId: settings.GOOGLE_CLIENT_ID!,
        clientSecret: settings.GOOGLE_CLIENT_SECRET!,
        authorizationEndpoint: settings.GOOGLE_AUTHORIZATION_ENDPOINT,
        tokenEndpoint: settings.GOOGLE_TOKEN_ENDPOINT,
        redirectURI: new URL("/auth/google/callback", settings.APP_URL),
        // Only what signing in needs: no name or photo is asked for, or kept.
        scopes: ["openid", "email"],
        codeChallengeMethod: CodeChallengeMethod.S256,
        cookie: {
          name: STATE_COOKIE,
          path: STATE_COOKIE_PATH,
          // Lax: the browser returns from Google with a top-level GET, which must carry it.
          sameSite: "Lax",
          httpOnly: true,
          ...(secureCookies() ? { secure: true as const } : {}),
        },
      },
      async ({ tokens, request }) => {
        const attempt = attempts.getStore()!;
        attempt.reachedVerify = true;
        const identity = await fetchUserinfo(tokens.accessToken());
        return accountForGoogleIdentity(
          db(),
          { ...identity, locale: localeFromRequest(request) },
          attempt.actor,
        );
      },
    ),
    PROVIDER,
  );
}

/** Sends the browser to Google: the strategy throws the redirect, with its state cookie. */
export async function startGoogleSignIn(request: Request): Promise<never> {
  // Always a fresh attempt: with a `state` in the query the strategy would treat it as a return.
  const url = new URL(request.url);
  url.search = "";
  await authenticator.authenticate(PROVIDER, new Request(url, { headers: request.headers }));
  throw new Error("the Google strategy answered a new sign-in without a redirect");
}

function libraryRefusal(error: unknown): GoogleSignInFailure {
  if (error instanceof OAuth2RequestError) {
    return error.code === "access_denied" ? "denied" : "failed";
  }
  // remix-auth-oauth2 throws these for a missing or foreign state cookie, or a missing code.
  if (error instanceof RangeError || error instanceof ReferenceError) return "expired";
  // The token endpoint was unreachable or answered something that is not OAuth.
  return "unavailable";
}

/** The account Google's answer signs in, or a GoogleSignInError saying why not. */
export async function finishGoogleSignIn(request: Request, actor: Actor): Promise<AccountUser> {
  if (!new URL(request.url).searchParams.has("state")) throw new GoogleSignInError("expired");
  const attempt: Attempt = { actor, reachedVerify: false };
  try {
    return await attempts.run(attempt, () => authenticator.authenticate(PROVIDER, request));
  } catch (error) {
    // Past the state and token checks, other errors are ours (the database...): a real 500.
    if (error instanceof GoogleSignInError || attempt.reachedVerify) throw error;
    throw new GoogleSignInError(libraryRefusal(error), { cause: error });
  }
}

/** Expires the cookie of the attempt this return used: its state and verifier are spent. */
export function spentStateCookies(request: Request): string[] {
  const state = new URL(request.url).searchParams.get("state");
  const expired: string[] = [];
  for (const part of (request.headers.get("Cookie") ?? "").split(";")) {
    const [name = "", ...rest] = part.trim().split("=");
    if (!name.startsWith(`${STATE_COOKIE}:`)) continue;
    if (new URLSearchParams(rest.join("=")).get("state") !== state) continue;
    expired.push(
      `${name}=; Path=${STATE_COOKIE_PATH}; Max-Age=0; HttpOnly; SameSite=Lax` +
        (secureCookies() ? "; Secure" : ""),
    );
  }
  return expired;
}
