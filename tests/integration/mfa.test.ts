import { generate } from "otplib";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type Db } from "~/lib/db.server";
import {
  confirmEnrolment,
  pendingEnrolment,
  recoveryCodesLeft,
  regenerateRecoveryCodes,
  verifySecondFactor,
} from "~/services/mfa.server";
import { createUser } from "../support/fixtures";

const actor = { userId: null, ip: "127.0.0.1", requestId: "test" };
/** The code an authenticator app shows `steps` periods from now. */
const codeAt = (secret: string, steps = 0) =>
  generate({ secret, epoch: Math.floor(Date.now() / 1000) + steps * 30 });

let db: Db;
beforeAll(() => {
  db = createDb(inject("databaseUrl"), 4);
});
afterAll(() => db.destroy());

async function newUser() {
  const id = await createUser(db);
  const { email } = await db("users").where({ id }).first("email");
  return { id, email: email as string };
}

async function enrolledUser() {
  const user = await newUser();
  const { secret } = (await pendingEnrolment(db, user))!;
  const codes = (await confirmEnrolment(db, user.id, await codeAt(secret), actor))!;
  return { ...user, secret, codes };
}

const auditActions = async (userId: string) =>
  (await db("audit_log").where({ target_id: userId }).orderBy("id")).map((row) => [
    row.action,
    row.details.method,
  ]);

describe("enrolment", () => {
  it("keeps one pending secret, and turns MFA on only with a valid first code", async () => {
    const user = await newUser();
    const pending = (await pendingEnrolment(db, user))!;
    expect(pending.secret).toMatch(/^[A-Z2-7]{32}$/); // 20 bytes
    expect(pending.uri).toMatch(/^otpauth:\/\/totp\/CivicQ:.*secret=/);
    expect((await pendingEnrolment(db, user))!.secret).toBe(pending.secret);

    const valid = await codeAt(pending.secret);
    const wrong = String((Number(valid) + 1) % 1_000_000).padStart(6, "0");
    expect(await confirmEnrolment(db, user.id, wrong, actor)).toBeNull();
    expect(await confirmEnrolment(db, user.id, "not a code", actor)).toBeNull();
    expect((await db("users").where({ id: user.id }).first()).mfa_enabled_at).toBeNull();

    const codes = (await confirmEnrolment(db, user.id, valid, actor))!;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes)
      expect(code).toMatch(/^[2-9a-hjkmnp-z]{4}-[2-9a-hjkmnp-z]{4}-[2-9a-hjkmnp-z]{2}$/);
    const row = await db("users").where({ id: user.id }).first();
    expect(row.mfa_enabled_at).not.toBeNull();
    expect(Number(row.totp_last_step)).toBeGreaterThan(0);
    // stored hashed only
    const stored = await db("recovery_codes").where({ user_id: user.id }).pluck("code_hash");
    expect(stored).toHaveLength(10);
    for (const code of codes) expect(stored.join()).not.toContain(code.replace(/-/g, ""));

    expect(await pendingEnrolment(db, user)).toBeNull();
    expect(await confirmEnrolment(db, user.id, await codeAt(pending.secret, 1), actor)).toBeNull();
    expect(await auditActions(user.id)).toContainEqual(["mfa.enabled", undefined]);
  });
});

describe("second factor at sign-in", () => {
  it("accepts a TOTP code once: the same code again, or an older one, is a replay", async () => {
    const user = await enrolledUser();
    // the code used to enrol has been seen already
    expect(await verifySecondFactor(db, user.id, await codeAt(user.secret), actor)).toBeNull();

    const next = await codeAt(user.secret, 1);
    expect(
      await verifySecondFactor(db, user.id, ` ${next.slice(0, 3)} ${next.slice(3)} `, actor),
    ).toBe("totp");
    expect(await verifySecondFactor(db, user.id, next, actor)).toBeNull();
    expect(await verifySecondFactor(db, user.id, await codeAt(user.secret, -1), actor)).toBeNull();

    const actions = await auditActions(user.id);
    expect(actions).toContainEqual(["auth.sign_in", "totp"]);
    expect(actions.filter(([action]) => action === "auth.mfa_failed")).toHaveLength(3);
  });

  it("accepts a recovery code once, typed in any case and with or without dashes", async () => {
    const user = await enrolledUser();
    const [first, second] = user.codes;
    expect(await verifySecondFactor(db, user.id, first!, actor)).toBe("recovery_code");
    expect(await verifySecondFactor(db, user.id, first!, actor)).toBeNull();
    expect(
      await verifySecondFactor(db, user.id, second!.replace(/-/g, "").toUpperCase(), actor),
    ).toBe("recovery_code");
    expect(await recoveryCodesLeft(db, user.id)).toBe(8);
    expect(await auditActions(user.id)).toContainEqual(["auth.sign_in", "recovery_code"]);
  });

  it("lets only one of two simultaneous sign-ins spend the same code", async () => {
    const user = await enrolledUser();
    for (const code of [await codeAt(user.secret, 1), user.codes[0]!]) {
      const results = await Promise.all([
        verifySecondFactor(db, user.id, code, actor),
        verifySecondFactor(db, user.id, code, actor),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
    }
  });

  it("refuses wrong codes, and another account's recovery codes", async () => {
    const user = await enrolledUser();
    const other = await enrolledUser();
    const valid = await codeAt(user.secret, 1);
    const wrong = String((Number(valid) + 500_000) % 1_000_000).padStart(6, "0");
    for (const attempt of [wrong, "12345", "abcdef", "", "2345-6789-ab", other.codes[0]!]) {
      expect(await verifySecondFactor(db, user.id, attempt, actor), attempt).toBeNull();
    }
    expect(await recoveryCodesLeft(db, other.id)).toBe(10);
  });

  it("refuses everything for an account without MFA, even with its pending secret", async () => {
    const user = await newUser();
    const { secret } = (await pendingEnrolment(db, user))!;
    expect(await verifySecondFactor(db, user.id, await codeAt(secret), actor)).toBeNull();
  });
});

describe("recovery codes", () => {
  it("regenerating replaces every old code", async () => {
    const user = await enrolledUser();
    const fresh = await regenerateRecoveryCodes(db, user.id, actor);
    expect(fresh).toHaveLength(10);
    expect(await verifySecondFactor(db, user.id, user.codes[0]!, actor)).toBeNull();
    expect(await verifySecondFactor(db, user.id, fresh[0]!, actor)).toBe("recovery_code");
    expect(await auditActions(user.id)).toContainEqual([
      "mfa.recovery_codes_regenerated",
      undefined,
    ]);
  });
});
