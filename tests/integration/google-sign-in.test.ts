import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type Db } from "~/lib/db.server";
import { createUser } from "../support/fixtures";
import {
  browse,
  CookieJar,
  signInAtProvider,
  startOidcProvider,
  type OidcProvider,
} from "../support/oidc-provider";
import { exited, waitFor } from "../support/processes";

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The built web app (build/server.js) as production runs it, with `env` added (and no Google
 * settings inherited), on `port` or a free one.
 */
async function startApp(env: Record<string, string>, port?: number) {
  port ??= await freePort();
  const url = `http://127.0.0.1:${port}`;
  const inherited = { ...process.env };
  for (const name of Object.keys(inherited)) if (name.startsWith("GOOGLE_")) delete inherited[name];
  const child = spawn(process.execPath, ["build/server.js"], {
    env: {
      ...inherited,
      NODE_ENV: "test",
      LOG_LEVEL: "warn",
      DATABASE_URL: inject("databaseUrl"),
      PORT: String(port),
      APP_URL: url,
      REDIS_URL: process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`the app exited: ${output}`);
      // ready, not just live: Redis connected, as a load balancer would wait for
      return fetch(`${url}/readyz`).then(
        (response) => response.ok,
        () => false,
      );
    },
    20_000,
    "the app to be ready",
  ).catch((error: Error) => {
    child.kill();
    throw new Error(`${error.message}; its output: ${output}`);
  });
  return {
    url,
    stop: async () => {
      child.kill("SIGTERM");
      await exited(child);
    },
  };
}

describe("Google sign-in against a local OpenID Connect provider", () => {
  let db: Db;
  let provider: OidcProvider;
  let app: Awaited<ReturnType<typeof startApp>>;
  let callbackUrl: string;

  beforeAll(async () => {
    db = createDb(inject("databaseUrl"), 2);
    // the app's address goes into the provider's client registration, so it comes first
    const port = await freePort();
    callbackUrl = `http://127.0.0.1:${port}/auth/google/callback`;
    provider = await startOidcProvider({ redirectUri: callbackUrl });
    app = await startApp(provider.env, port);
  });
  afterAll(async () => {
    await app?.stop();
    await provider?.close();
    await db?.destroy();
  });

  const unique = () => randomUUID().slice(0, 8);

  /** A fresh browser: "Sign in with Google", the provider's pages, and back to the app. */
  async function signInWithGoogle(
    login: string,
    options: { cancel?: boolean; locale?: "es" } = {},
  ) {
    const jar = new CookieJar();
    if (options.locale) jar.set(app.url, "lang", options.locale);
    const start = await browse(jar, `${app.url}/auth/google`);
    expect(start.status).toBe(302);
    const returnUrl = await signInAtProvider(jar, start.headers.get("Location")!, {
      login,
      cancel: options.cancel,
      returnTo: callbackUrl,
    });
    const callback = await browse(jar, returnUrl);
    return { jar, returnUrl, callback };
  }

  const userByEmail = (email: string) => db("users").where({ email }).first();
  const identitiesOf = (userId: string) =>
    db("oauth_identities").where({ user_id: userId }).select("provider", "subject");
  const auditOf = (userId: string, action: string) =>
    db("audit_log").where({ target_id: userId, action }).orderBy("id");
  const homePage = async (jar: CookieJar) => (await browse(jar, `${app.url}/`)).text();

  it("starts the flow with PKCE (S256), a state and only the scopes it needs", async () => {
    const jar = new CookieJar();
    const start = await browse(jar, `${app.url}/auth/google`);
    expect(start.status).toBe(302);
    const location = new URL(start.headers.get("Location")!);
    expect(location.origin + location.pathname).toBe(`${provider.issuer}/auth`);
    expect(location.searchParams.get("client_id")).toBe(provider.clientId);
    expect(location.searchParams.get("redirect_uri")).toBe(callbackUrl);
    expect(location.searchParams.get("response_type")).toBe("code");
    expect(location.searchParams.get("scope")).toBe("openid email");
    expect(location.searchParams.get("code_challenge_method")).toBe("S256");
    expect(location.searchParams.get("code_challenge")).toMatch(/^[\w-]{43}$/);
    expect(location.searchParams.get("state")).toBeTruthy();
    const cookie = start.headers.getSetCookie().find((line) => line.startsWith("google_oauth:"));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\/auth\/google/);
  });

  it("signs up a new person: verified address, no password, the identity linked, signed in", async () => {
    const login = `new-${unique()}`;
    const email = `${login}@example.test`;
    provider.accounts.set(login, { email, emailVerified: true });
    const { jar, callback } = await signInWithGoogle(login);
    expect(callback.status).toBe(303);
    expect(callback.headers.get("Location")).toBe("/");
    expect(callback.headers.getSetCookie().some((line) => line.startsWith("__session="))).toBe(
      true,
    );
    // the attempt's state cookie is spent
    expect(jar.names(app.url).some((name) => name.startsWith("google_oauth:"))).toBe(false);
    expect(await homePage(jar)).toContain(email);

    const user = await userByEmail(email);
    expect(user.email_verified_at).not.toBeNull();
    expect(user.password_hash).toBeNull();
    expect(await identitiesOf(user.id)).toEqual([{ provider: "google", subject: login }]);
    const [signUp] = await auditOf(user.id, "account.sign_up");
    expect(signUp.details).toEqual({ method: "google" });
    expect(signUp.request_id).toBeTruthy();
    expect(await auditOf(user.id, "auth.sign_in")).toHaveLength(1);
  });

  it("signs the same Google identity into the same account next time, even with a new address", async () => {
    const login = `again-${unique()}`;
    const email = `${login}@example.test`;
    provider.accounts.set(login, { email, emailVerified: true });
    await signInWithGoogle(login);
    const user = await userByEmail(email);

    const second = await signInWithGoogle(login);
    expect(second.callback.status).toBe(303);
    expect(await homePage(second.jar)).toContain(email);

    // the subject, not the address, names the identity
    provider.accounts.set(login, { email: `renamed-${login}@example.test`, emailVerified: true });
    const third = await signInWithGoogle(login);
    expect(third.callback.status).toBe(303);
    expect(await homePage(third.jar)).toContain(email);

    expect(
      await db("users").whereIn("email", [email, `renamed-${login}@example.test`]),
    ).toHaveLength(1);
    expect(await identitiesOf(user.id)).toHaveLength(1);
    expect(await auditOf(user.id, "auth.sign_in")).toHaveLength(3);
  });

  it("links an existing account with the same address instead of making a second one", async () => {
    const email = `existing-${unique()}@example.test`;
    const userId = await createUser(db, email);
    await db("users")
      .where({ id: userId })
      .update({ email_verified_at: db.fn.now(), password_hash: "kept" });
    const login = `link-${unique()}`;
    // Google may spell the address with capitals; accounts are keyed by the normalised one
    provider.accounts.set(login, { email: email.toUpperCase(), emailVerified: true });

    const { jar, callback } = await signInWithGoogle(login);
    expect(callback.status).toBe(303);
    expect(await homePage(jar)).toContain(email);

    expect(await db("users").whereRaw("lower(email) = ?", [email])).toHaveLength(1);
    expect(await identitiesOf(userId)).toEqual([{ provider: "google", subject: login }]);
    expect((await userByEmail(email)).password_hash).toBe("kept");
    const [linked] = await auditOf(userId, "auth.oauth_linked");
    expect(linked.details).toEqual({
      provider: "google",
      addressVerified: false,
      passwordRemoved: false,
    });
  });

  it("linking an account whose address was never verified verifies it and drops its password", async () => {
    // someone else may have opened it with this address: their password must not keep a way in
    const email = `unproven-${unique()}@example.test`;
    const userId = await createUser(db, email);
    await db("users").where({ id: userId }).update({ password_hash: "set-by-someone" });
    const login = `owner-${unique()}`;
    provider.accounts.set(login, { email, emailVerified: true });

    const { callback } = await signInWithGoogle(login);
    expect(callback.status).toBe(303);
    const user = await userByEmail(email);
    expect(user.email_verified_at).not.toBeNull();
    expect(user.password_hash).toBeNull();
    const [linked] = await auditOf(userId, "auth.oauth_linked");
    expect(linked.details).toEqual({
      provider: "google",
      addressVerified: true,
      passwordRemoved: true,
    });
  });

  it("an account with MFA still has to give its code", async () => {
    const email = `mfa-${unique()}@example.test`;
    const userId = await createUser(db, email);
    await db("users")
      .where({ id: userId })
      .update({ email_verified_at: db.fn.now(), mfa_enabled_at: db.fn.now() });
    const login = `mfa-${unique()}`;
    provider.accounts.set(login, { email, emailVerified: true });

    const { jar, callback } = await signInWithGoogle(login);
    expect(callback.status).toBe(303);
    expect(callback.headers.get("Location")).toMatch(/^\/sign-in\/mfa\?/);
    expect(await homePage(jar)).not.toContain(email);
  });

  it("refuses an address Google has not verified, with a readable page in the visitor's language", async () => {
    const login = `unverified-${unique()}`;
    const email = `${login}@example.test`;
    provider.accounts.set(login, { email, emailVerified: false });

    const { jar, callback } = await signInWithGoogle(login);
    expect(callback.status).toBe(403);
    const page = await callback.text();
    expect(page).toContain("email address is not verified");
    expect(page).toContain('href="/sign-in"');
    expect(callback.headers.getSetCookie().some((line) => line.startsWith("__session="))).toBe(
      false,
    );
    expect(await userByEmail(email)).toBeUndefined();
    expect(await homePage(jar)).not.toContain(email);

    const spanish = await signInWithGoogle(login, { locale: "es" });
    expect(spanish.callback.status).toBe(403);
    expect(await spanish.callback.text()).toContain("no está verificado");
  });

  it("explains a sign-in cancelled at Google", async () => {
    const login = `cancel-${unique()}`;
    provider.accounts.set(login, { email: `${login}@example.test`, emailVerified: true });
    const { returnUrl, callback } = await signInWithGoogle(login, { cancel: true });
    expect(new URL(returnUrl).searchParams.get("error")).toBe("access_denied");
    expect(callback.status).toBe(403);
    const page = await callback.text();
    expect(page).toContain("Google sign-in was cancelled");
    expect(page).toContain('href="/sign-in"');
  });

  it("refuses a return whose state is not this browser's", async () => {
    const jar = new CookieJar();
    await browse(jar, `${app.url}/auth/google`);
    const forged = await browse(jar, `${callbackUrl}?code=anything&state=not-the-state`);
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain("expired or was started in another browser");

    const bare = await browse(new CookieJar(), callbackUrl);
    expect(bare.status).toBe(400);

    // a genuine answer from Google, opened in a browser that did not start the attempt
    const login = `elsewhere-${unique()}`;
    provider.accounts.set(login, { email: `${login}@example.test`, emailVerified: true });
    const started = new CookieJar();
    const start = await browse(started, `${app.url}/auth/google`);
    const returnUrl = await signInAtProvider(started, start.headers.get("Location")!, {
      login,
      returnTo: callbackUrl,
    });
    const elsewhere = await browse(new CookieJar(), returnUrl);
    expect(elsewhere.status).toBe(400);
    expect(await userByEmail(`${login}@example.test`)).toBeUndefined();
  });

  it("refuses a code redeemed with another attempt's PKCE verifier", async () => {
    const login = `pkce-${unique()}`;
    provider.accounts.set(login, { email: `${login}@example.test`, emailVerified: true });
    const victim = new CookieJar();
    const victimStart = await browse(victim, `${app.url}/auth/google`);
    const victimState = new URL(victimStart.headers.get("Location")!).searchParams.get("state")!;
    // an attacker runs an attempt of their own up to Google's answer, and keeps the code
    const attacker = new CookieJar();
    const attackerStart = await browse(attacker, `${app.url}/auth/google`);
    const returnUrl = await signInAtProvider(attacker, attackerStart.headers.get("Location")!, {
      login,
      returnTo: callbackUrl,
    });
    const code = new URL(returnUrl).searchParams.get("code")!;

    // slipped into the victim's return with the victim's state, it meets the wrong verifier
    const injected = await browse(
      victim,
      `${callbackUrl}?code=${encodeURIComponent(code)}&state=${encodeURIComponent(victimState)}`,
    );
    expect(injected.status).toBe(400);
    expect(await injected.text()).toContain("Google did not confirm this sign-in");
    expect(injected.headers.getSetCookie().some((line) => line.startsWith("__session="))).toBe(
      false,
    );
  });

  it("shows the Google link on the sign-in page when configured", async () => {
    const page = await (await fetch(`${app.url}/sign-in`)).text();
    expect(page).toContain('href="/auth/google"');
  });

  it("is off without a client id and secret: 404 and no link", async () => {
    const plain = await startApp({});
    try {
      expect((await fetch(`${plain.url}/auth/google`, { redirect: "manual" })).status).toBe(404);
      expect(
        (await fetch(`${plain.url}/auth/google/callback?state=x&code=y`, { redirect: "manual" }))
          .status,
      ).toBe(404);
      const page = await (await fetch(`${plain.url}/sign-in`)).text();
      expect(page).not.toContain("/auth/google");
    } finally {
      await plain.stop();
    }
  });
});
