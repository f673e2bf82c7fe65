import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/lib/db.server";
import {
  closeSharedClients,
  shareSessionStore,
  signedIn,
  startApp,
  type App,
} from "../support/app-server";
import { createMigratedDatabase, dropDatabase } from "../support/database";
import { createContest, createUser } from "../support/fixtures";

/**
 * The account owner's data rights over HTTP against the built app: the download holds their
 * data and no secret, deletion keeps what the public record needs (questions, vote counts)
 * without the person, and sessions are theirs alone to end.
 */
describe("account data", () => {
  // Its own database: "the only admin" must not depend on what other test files created.
  const name = `civicq_test_account_data_${process.pid}`;
  let db: Db;
  let app: App;
  let contest: Awaited<ReturnType<typeof createContest>>;

  beforeAll(async () => {
    const created = await createMigratedDatabase(name);
    db = created.db;
    shareSessionStore(created.url);
    contest = await createContest(db);
    app = await startApp(created.url);
  });

  afterAll(async () => {
    await app?.stop();
    await closeSharedClients();
    await db?.destroy();
    await dropDatabase(name);
  });

  const ask = async (authorId: string | null, body: string) => {
    const [row] = await db("questions")
      .insert({
        election_id: contest.electionId,
        contest_id: contest.contestId,
        author_id: authorId,
        body,
        status: "published",
      })
      .returning("id");
    return row.id as string;
  };
  const vote = (questionId: string, userId: string) =>
    db("question_votes").insert({ question_id: questionId, user_id: userId });
  const voteCount = async (questionId: string) =>
    (await db("questions").where({ id: questionId }).first("vote_count")).vote_count as number;

  async function voterWithSecrets() {
    const userId = await createUser(db);
    await db("users").where({ id: userId }).update({
      password_hash: "$2b$12$secret.password.hash.for.export.test.only.xxxxxxxxxxxxx",
      totp_secret: "TOTPSECRETFOREXPORTTEST",
    });
    await db("account_tokens").insert({
      user_id: userId,
      purpose: "reset_password",
      token_hash: "token-hash-for-export-test",
      expires_at: new Date(Date.now() + 3600_000),
    });
    await db("recovery_codes").insert({ user_id: userId, code_hash: "recovery-hash-for-export" });
    return userId;
  }

  it("exports the user's questions, votes and sessions as a download, with no secrets", async () => {
    const userId = await voterWithSecrets();
    const own = await ask(userId, "Will the county keep the Harbor Street library open?");
    const other = await ask(null, "How will you fund road repairs on the east side?");
    await vote(other, userId);
    await db("question_follows").insert({
      question_id: other,
      user_id: userId,
      unsubscribe_token: "unsubscribe-token-for-export",
    });
    const session = await signedIn(userId, { hasMfa: false });

    const response = await app.request("/account/export", { cookie: session.cookie });
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Disposition")).toBe(
      'attachment; filename="civicq-data.json"',
    );
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const text = await response.text();
    const data = JSON.parse(text);

    expect(data.profile).toMatchObject({ id: userId, has_password: true });
    expect(data.questions.map((q: { id: string }) => q.id)).toEqual([own]);
    expect(data.votes.map((v: { question_id: string }) => v.question_id)).toEqual([other]);
    expect(data.follows.map((f: { question_id: string }) => f.question_id)).toEqual([other]);
    expect(data.sessions).toHaveLength(1);
    expect(data.auditLog.map((entry: { action: string }) => entry.action)).toContain(
      "account.data_exported",
    );
    for (const secret of [
      "secret.password.hash",
      "TOTPSECRETFOREXPORTTEST",
      "token-hash-for-export-test",
      "recovery-hash-for-export",
      "unsubscribe-token-for-export",
      session.sessionId, // a session's id is its token's hash
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toMatch(/password_hash|totp_secret|token_hash|code_hash|unsubscribe_token/);
  });

  it("deletes the account after the email is typed: its question stays, its vote still counts", async () => {
    const userId = await createUser(db);
    const email = (await db("users").where({ id: userId }).first("email")).email as string;
    const own = await ask(userId, "What will you do about flooding near the marina?");
    const other = await ask(null, "Will you publish your campaign donors every month?");
    await vote(other, userId);
    const [session, elsewhere] = await Promise.all([
      signedIn(userId, { hasMfa: false }),
      signedIn(userId, { hasMfa: false, userAgent: "Mozilla/5.0 (iPhone) Safari/604.1" }),
    ]);

    const wrong = await app.request("/account/delete", {
      cookie: session.cookie,
      form: { confirmEmail: "someone-else@example.test" },
    });
    expect(wrong.status).toBe(200);
    expect(await wrong.text()).toContain("This is not your account");
    expect(await db("users").where({ id: userId }).first("id")).toBeDefined();

    const deleted = await app.request("/account/delete", {
      cookie: session.cookie,
      form: { confirmEmail: email.toUpperCase() },
    });
    expect(deleted.status).toBe(303);
    expect(deleted.headers.get("Location")).toBe("/");
    expect(deleted.headers.get("Set-Cookie")).toMatch(/^__session=;.*Max-Age=0/);

    expect(await db("users").where({ id: userId }).first("id")).toBeUndefined();
    expect(await db("questions").where({ id: own }).first("author_id")).toEqual({
      author_id: null,
    });
    expect(await voteCount(other)).toBe(1);
    expect(await db("question_votes").where({ question_id: other }).select("user_id")).toEqual([
      { user_id: null },
    ]);
    expect(
      await db("audit_log")
        .where({ action: "account.deleted", target_id: userId })
        .first("actor_id"),
    ).toEqual({ actor_id: userId });
    for (const cookie of [session.cookie, elsewhere.cookie]) {
      const after = await app.request("/account", { cookie });
      expect(after.headers.get("Location")).toMatch(/^\/sign-in/);
    }
  });

  it("refuses to delete the only admin, and explains why", async () => {
    const adminId = await createUser(db);
    const email = (await db("users").where({ id: adminId }).first("email")).email as string;
    await db("role_grants").insert({ user_id: adminId, role: "admin", jurisdiction_id: null });
    const session = await signedIn(adminId, { hasMfa: false });

    const page = await app.request("/account/delete", { cookie: session.cookie });
    expect(await page.text()).toContain("You are the only administrator");
    const refused = await app.request("/account/delete", {
      cookie: session.cookie,
      form: { confirmEmail: email },
    });
    expect(refused.status).toBe(200);
    expect(await db("users").where({ id: adminId }).first("id")).toBeDefined();

    // with a second admin, the first may go
    const second = await createUser(db);
    await db("role_grants").insert({ user_id: second, role: "admin", jurisdiction_id: null });
    const allowed = await app.request("/account/delete", {
      cookie: session.cookie,
      form: { confirmEmail: email },
    });
    expect(allowed.status).toBe(303);
    expect(await db("users").where({ id: adminId }).first("id")).toBeUndefined();
  });

  it("lets an admin grant and revoke roles, each audited, but never the last admin's", async () => {
    const adminId = await createUser(db);
    await db("role_grants").insert({ user_id: adminId, role: "admin", jurisdiction_id: null });
    const admin = await signedIn(adminId, { hasMfa: true });
    await db("users").where({ id: adminId }).update({ mfa_enabled_at: db.fn.now() });
    const clerkId = await createUser(db);
    const clerkEmail = (await db("users").where({ id: clerkId }).first("email")).email as string;

    const unknown = await app.request("/admin/roles", {
      cookie: admin.cookie,
      form: { intent: "grant", email: "nobody@example.test", role: "admin", jurisdictionId: "" },
    });
    expect(unknown.status).toBe(200);
    expect(await unknown.text()).toContain("No account uses this email address");

    const granted = await app.request("/admin/roles", {
      cookie: admin.cookie,
      form: {
        intent: "grant",
        email: clerkEmail,
        role: "clerk",
        jurisdictionId: contest.jurisdictionId,
      },
    });
    expect(granted.status).toBe(303);
    const grant = await db("role_grants").where({ user_id: clerkId, role: "clerk" }).first();
    expect(grant).toMatchObject({ jurisdiction_id: contest.jurisdictionId, granted_by: adminId });
    expect(
      await db("audit_log").where({ action: "role.granted", target_id: clerkId }).first(),
    ).toMatchObject({ actor_id: adminId, jurisdiction_id: contest.jurisdictionId });

    const revoked = await app.request("/admin/roles", {
      cookie: admin.cookie,
      form: { intent: "revoke", grantId: grant.id },
    });
    expect(revoked.status).toBe(303);
    expect(await db("role_grants").where({ id: grant.id }).first()).toBeUndefined();
    expect(
      await db("audit_log").where({ action: "role.revoked", target_id: clerkId }).first(),
    ).toMatchObject({ actor_id: adminId, jurisdiction_id: contest.jurisdictionId });

    // every other global admin gone: this one is the last, and stays
    await db("role_grants")
      .where({ role: "admin" })
      .whereNull("jurisdiction_id")
      .whereNot({ user_id: adminId })
      .delete();
    const own = await db("role_grants").where({ user_id: adminId, role: "admin" }).first("id");
    const refused = await app.request("/admin/roles", {
      cookie: admin.cookie,
      form: { intent: "revoke", grantId: own.id },
    });
    expect(refused.status).toBe(200);
    expect(await db("role_grants").where({ id: own.id }).first("id")).toBeDefined();
  });

  it("ends the user's own other session, and never another user's", async () => {
    const [alice, bob] = [await createUser(db), await createUser(db)];
    const aliceHere = await signedIn(alice, { hasMfa: false });
    const alicePhone = await signedIn(alice, { hasMfa: false });
    const bobSession = await signedIn(bob, { hasMfa: false });

    const refused = await app.request("/account/sessions", {
      cookie: aliceHere.cookie,
      form: { sessionId: bobSession.sessionId },
    });
    expect(refused.status).toBe(404);
    expect((await app.request("/account", { cookie: bobSession.cookie })).status).toBe(200);

    const ended = await app.request("/account/sessions", {
      cookie: aliceHere.cookie,
      form: { sessionId: alicePhone.sessionId },
    });
    expect(ended.status).toBe(303);
    expect(ended.headers.get("Location")).toBe("/account?ended=1");
    expect(
      (await app.request("/account", { cookie: alicePhone.cookie })).headers.get("Location"),
    ).toMatch(/^\/sign-in/);
    expect((await app.request("/account", { cookie: aliceHere.cookie })).status).toBe(200);
  });
});
