import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type Db } from "~/lib/db.server";
import { hashPassword } from "~/lib/password.server";
import { startApp, type App } from "../support/app-server";

/**
 * Security events reach the audit log from real requests, with who, what, target, when, the
 * client's address and the request id — and the log refuses to be changed afterwards.
 */
describe("audit log of security events", () => {
  let app: App;
  let db: Db;
  const email = `audited-${randomUUID()}@example.test`;
  const password = "an audited passphrase here";
  let userId: string;

  beforeAll(async () => {
    db = createDb(inject("databaseUrl"), 2);
    [{ id: userId }] = await db("users")
      .insert({
        email,
        password_hash: await hashPassword(password),
        email_verified_at: db.fn.now(),
      })
      .returning("id");
    app = await startApp(inject("databaseUrl"));
  });
  afterAll(async () => {
    await app?.stop();
    await db.destroy();
  });

  const rowsFor = (action: string) =>
    db("audit_log").where({ action, target_id: userId }).orderBy("id");

  it("records a failed and a successful sign-in and a sign-out with address and request id", async () => {
    const failed = await app.request("/sign-in", {
      form: { email, password: "not the password at all" },
    });
    expect(failed.status).toBe(200);
    const signedIn = await app.request("/sign-in", { form: { email, password, redirectTo: "/" } });
    expect(signedIn.status).toBe(303);
    const cookie = signedIn.headers.get("set-cookie")!.split(";")[0]!;
    const signedOut = await app.request("/sign-out", { cookie, form: {} });
    expect(signedOut.status).toBe(303);

    const [failure] = await rowsFor("auth.sign_in_failed");
    expect(failure).toMatchObject({
      ip: "127.0.0.1",
      request_id: failed.headers.get("x-request-id"),
    });
    const [success] = await rowsFor("auth.sign_in");
    expect(success).toMatchObject({
      actor_id: userId,
      ip: "127.0.0.1",
      request_id: signedIn.headers.get("x-request-id"),
      details: { method: "password" },
    });
    const [signOut] = await rowsFor("auth.sign_out");
    expect(signOut).toMatchObject({
      actor_id: userId,
      request_id: signedOut.headers.get("x-request-id"),
    });
    expect(success.occurred_at.getTime()).toBeLessThanOrEqual(signOut.occurred_at.getTime());

    await expect(
      db("audit_log").where({ id: success.id }).update({ actor_id: null }),
    ).rejects.toThrow(/append-only/);
    await expect(db("audit_log").where({ id: success.id }).delete()).rejects.toThrow(/append-only/);
  });
});
