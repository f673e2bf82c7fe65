import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Actor } from "~/lib/audit.server";
import { createDb, type Db } from "~/lib/db.server";
import {
  requestPasswordReset,
  requestSignInCode,
  resetPassword,
  signInWithCode,
  signInWithPassword,
  signUp,
  SignInError,
} from "~/services/accounts.server";
import { startMailSink } from "../support/mail-sink";
import { exited, startTs, waitFor } from "../support/processes";

const actor: Actor = { userId: null, ip: "203.0.113.9", requestId: "test-request" };
const PASSWORD = "a long enough passphrase";
const newEmail = () => `user-${randomUUID()}@example.test`;

describe("accounts", () => {
  let db: Db;
  beforeAll(() => {
    db = createDb(inject("databaseUrl"), 4);
  });
  afterAll(() => db.destroy());

  const jobs = (to: string) =>
    db("graphile_worker._private_jobs as j")
      .join("graphile_worker._private_tasks as t", "t.id", "j.task_id")
      .where("t.identifier", "send_email")
      .whereRaw("j.payload->>'to' = ?", [to])
      .select("j.payload");
  const auditActions = async (userId: string) =>
    (await db("audit_log").where({ target_id: userId }).orderBy("id").select("action")).map(
      (row) => row.action,
    );

  it("sign-up queues a verification mail; signing up again with the address tells its owner, not the visitor", async () => {
    const email = newEmail();
    await signUp(db, { email, password: PASSWORD, locale: "en" }, actor);
    await signUp(
      db,
      { email: email.toUpperCase(), password: "another passphrase here", locale: "es" },
      actor,
    );
    const templates = (await jobs(email)).map((job) => job.payload.template);
    expect(templates).toEqual(["verify_email", "account_exists"]);
    expect(await db("users").where({ email })).toHaveLength(1);
    const user = await db("users").where({ email }).first();
    expect(await auditActions(user.id)).toEqual(["account.sign_up"]);
  });

  it("locks an account briefly after five wrong passwords, and the lock is bounded", async () => {
    const email = newEmail();
    await signUp(db, { email, password: PASSWORD, locale: "en" }, actor);
    for (let i = 0; i < 5; i++) {
      await expect(
        signInWithPassword(db, { email, password: "wrong password value" }, actor),
      ).rejects.toMatchObject({ reason: "invalid" });
    }
    const locked = await signInWithPassword(db, { email, password: PASSWORD }, actor).catch(
      (error: SignInError) => error,
    );
    expect(locked).toBeInstanceOf(SignInError);
    expect((locked as SignInError).reason).toBe("locked");
    expect((locked as SignInError).retryAfterSeconds).toBeLessThanOrEqual(60);
    const user = await db("users").where({ email }).first();
    expect(await auditActions(user.id)).toEqual(
      expect.arrayContaining(["auth.sign_in_failed", "auth.sign_in_locked"]),
    );
    // after the lock, the right password works and the count starts again
    await db("users")
      .where({ id: user.id })
      .update({ locked_until: new Date(Date.now() - 1000) });
    await expect(
      signInWithPassword(db, { email, password: PASSWORD }, actor),
    ).resolves.toMatchObject({ email });
  });

  it("an emailed code works once, verifies the address, and is spent after five wrong tries", async () => {
    const email = newEmail();
    await requestSignInCode(db, { email, locale: "es" }, actor);
    const [job] = await jobs(email);
    expect(job.payload).toMatchObject({ template: "sign_in_code", locale: "es" });
    const code = job.payload.params.code as string;
    const user = await signInWithCode(db, { email, code }, actor);
    expect((await db("users").where({ id: user.id }).first()).email_verified_at).not.toBeNull();
    await expect(signInWithCode(db, { email, code }, actor)).rejects.toBeInstanceOf(SignInError);

    await requestSignInCode(db, { email, locale: "es" }, actor);
    const fresh = (await jobs(email)).at(-1)!.payload.params.code as string;
    const wrong = fresh === "000000" ? "111111" : "000000";
    for (let i = 0; i < 5; i++)
      await expect(signInWithCode(db, { email, code: wrong }, actor)).rejects.toBeInstanceOf(
        SignInError,
      );
    await expect(signInWithCode(db, { email, code: fresh }, actor)).rejects.toBeInstanceOf(
      SignInError,
    );
  });

  it("a reset link changes the password once, ends every session and is audited", async () => {
    const email = newEmail();
    await signUp(db, { email, password: PASSWORD, locale: "en" }, actor);
    const user = await db("users").where({ email }).first();
    await db("sessions").insert({
      id: `s-${randomUUID()}`,
      user_id: user.id,
      expires_at: new Date(Date.now() + 3600_000),
    });
    await requestPasswordReset(db, { email }, actor);
    await requestPasswordReset(db, { email: newEmail() }, actor); // unknown: nothing queued, no error
    const url = new URL((await jobs(email)).at(-1)!.payload.params.url);
    const token = url.searchParams.get("token")!;
    expect(await resetPassword(db, { token, password: "twelve chars" }, actor)).toBe(
      "tooShortForSingleFactor",
    );
    expect(await resetPassword(db, { token, password: "a different long passphrase" }, actor)).toBe(
      "changed",
    );
    expect(await resetPassword(db, { token, password: "yet another long passphrase" }, actor)).toBe(
      "invalidToken",
    );
    expect(await db("sessions").where({ user_id: user.id })).toHaveLength(0);
    await expect(
      signInWithPassword(db, { email, password: "a different long passphrase" }, actor),
    ).resolves.toMatchObject({ email });
    expect(await auditActions(user.id)).toEqual(
      expect.arrayContaining(["account.password_reset_requested", "account.password_changed"]),
    );
  });

  it("the worker delivers queued mail over real SMTP, once each", async () => {
    const sink = await startMailSink();
    const email = newEmail();
    await signUp(db, { email, password: PASSWORD, locale: "es" }, actor);
    const worker = startTs("worker/index.ts", {
      DATABASE_URL: inject("databaseUrl"),
      SMTP_URL: sink.url,
      SHUTDOWN_TIMEOUT_MS: "2000",
    });
    try {
      const [mail] = await waitFor(
        async () => sink.messagesTo(email).length > 0 && sink.messagesTo(email),
        20_000,
        "the email",
      );
      expect(mail!.subject).toBe("Confirme su cuenta de CivicQ");
      expect(mail!.text).toMatch(/http:\/\/localhost:3000\/verify-email\?token=[A-Za-z0-9_-]{43}/);
      await waitFor(async () => (await jobs(email)).length === 0, 10_000, "the job to complete");
      expect(sink.messagesTo(email)).toHaveLength(1);
    } finally {
      worker.kill("SIGTERM");
      await exited(worker);
      await sink.close();
    }
  });
});
