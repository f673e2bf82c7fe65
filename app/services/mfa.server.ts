import { createHmac, randomInt } from "node:crypto";
import { generateSecret, generateURI, verify } from "otplib";
import { audit, type Actor } from "~/lib/audit.server";
import { config } from "~/lib/config.server";
import type { Db, DbOrTransaction } from "~/lib/db.server";

/**
 * Two-step sign-in: TOTP (RFC 6238: SHA-1, 6 digits, 30 s, what every authenticator app
 * reads) and ten single-use recovery codes. A code's time step is remembered, so a code seen
 * once (over a shoulder, in a proxy log) never opens a second session.
 */
const ISSUER = "CivicQ";
const PERIOD_SECONDS = 30;
const RECOVERY_CODE_COUNT = 10;
// No 0/o, 1/i/l: codes are read off paper and typed by hand.
const RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz";
const RECOVERY_LENGTH = 10;

export type SecondFactorMethod = "totp" | "recovery_code";

// Recovery codes carry about 50 bits and are tried under a rate limit: a keyed hash is enough
// (no bcrypt), and a copy of the table alone cannot be searched for them.
const recoveryHash = (userId: string, code: string) =>
  createHmac("sha256", config().SESSION_SECRET).update(`${userId}:${code}`).digest("base64url");

function newRecoveryCode(): string {
  const chars = Array.from(
    { length: RECOVERY_LENGTH },
    () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)],
  ).join("");
  return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8)}`;
}

/** What people type: spaces and dashes anywhere, any case. */
const normalise = (input: string) => input.toLowerCase().replace(/[\s-]/g, "");
const isTotpCode = (code: string) => /^\d{6}$/.test(code);
const isRecoveryCode = (code: string) =>
  code.length === RECOVERY_LENGTH && [...code].every((char) => RECOVERY_ALPHABET.includes(char));

/**
 * The time step a six-digit code belongs to, within one step either side of now (clock drift,
 * slow typing), or null. Steps up to `afterStep` are refused: no code is accepted twice.
 */
async function totpStep(
  secret: string,
  code: string,
  afterStep: number | null,
): Promise<number | null> {
  if (!isTotpCode(code)) return null;
  const result = await verify({
    secret,
    token: code,
    period: PERIOD_SECONDS,
    epochTolerance: PERIOD_SECONDS,
    ...(afterStep === null ? {} : { afterTimeStep: afterStep }),
  });
  return result.valid && "timeStep" in result ? result.timeStep : null;
}

/** Records `step` as the last one used, unless a concurrent request got there first. */
async function claimStep(trx: DbOrTransaction, userId: string, step: number): Promise<boolean> {
  const claimed = await trx("users")
    .where({ id: userId })
    .where((q) => q.whereNull("totp_last_step").orWhere("totp_last_step", "<", step))
    .update({ totp_last_step: step, updated_at: trx.fn.now() });
  return claimed === 1;
}

/** Replaces the user's recovery codes with ten new ones and returns them (shown once). */
async function replaceRecoveryCodes(trx: DbOrTransaction, userId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await trx("recovery_codes").where({ user_id: userId }).delete();
  await trx("recovery_codes").insert(
    codes.map((code) => ({ user_id: userId, code_hash: recoveryHash(userId, normalise(code)) })),
  );
  return codes;
}

export type PendingEnrolment = { secret: string; uri: string };

/**
 * The secret to scan while MFA is off: created on the first visit and kept until enrolment is
 * confirmed, so a reload or a mistyped code does not invalidate what the app already scanned.
 * Null once MFA is on.
 */
export async function pendingEnrolment(
  db: Db,
  user: { id: string; email: string },
): Promise<PendingEnrolment | null> {
  // 20 random bytes (160 bits), as RFC 4226 recommends
  await db("users")
    .where({ id: user.id })
    .whereNull("totp_secret")
    .whereNull("mfa_enabled_at")
    .update({ totp_secret: generateSecret({ length: 20 }) });
  const row = await db("users").where({ id: user.id }).first("totp_secret", "mfa_enabled_at");
  if (!row || row.mfa_enabled_at) return null;
  const secret: string = row.totp_secret;
  return { secret, uri: generateURI({ issuer: ISSUER, label: user.email, secret }) };
}

/**
 * Turns MFA on once the first code from the app proves it was set up right. Returns the new
 * recovery codes, or null when the code is wrong (or MFA was already on).
 */
export async function confirmEnrolment(
  db: Db,
  userId: string,
  code: string,
  actor: Actor,
): Promise<string[] | null> {
  return db.transaction(async (trx) => {
    const user = await trx("users")
      .where({ id: userId })
      .forUpdate()
      .first("totp_secret", "mfa_enabled_at");
    if (!user?.totp_secret || user.mfa_enabled_at) return null;
    const step = await totpStep(user.totp_secret, normalise(code), null);
    if (step === null) return null;
    await trx("users")
      .where({ id: userId })
      .update({ mfa_enabled_at: trx.fn.now(), totp_last_step: step, updated_at: trx.fn.now() });
    const codes = await replaceRecoveryCodes(trx, userId);
    await audit(
      trx,
      { ...actor, userId },
      { action: "mfa.enabled", targetType: "user", targetId: userId },
    );
    return codes;
  });
}

/**
 * Checks the second factor at sign-in: a TOTP code newer than the last one accepted, or an
 * unused recovery code (spent by the same statement that finds it, so it works exactly once).
 * Audits the outcome; returns the method that passed, or null.
 */
export async function verifySecondFactor(
  db: Db,
  userId: string,
  input: string,
  actor: Actor,
): Promise<SecondFactorMethod | null> {
  const code = normalise(input);
  return db.transaction(async (trx) => {
    const user = await trx("users")
      .where({ id: userId })
      .first("totp_secret", "totp_last_step", "mfa_enabled_at");
    let method: SecondFactorMethod | null = null;
    if (user?.mfa_enabled_at && user.totp_secret && isTotpCode(code)) {
      const lastStep = user.totp_last_step === null ? null : Number(user.totp_last_step);
      const step = await totpStep(user.totp_secret, code, lastStep);
      if (step !== null && (await claimStep(trx, userId, step))) method = "totp";
    } else if (user?.mfa_enabled_at && isRecoveryCode(code)) {
      const spent = await trx("recovery_codes")
        .where({ user_id: userId, code_hash: recoveryHash(userId, code) })
        .whereNull("used_at")
        .update({ used_at: trx.fn.now() });
      if (spent === 1) method = "recovery_code";
    }
    await audit(
      trx,
      { ...actor, userId },
      method
        ? { action: "auth.sign_in", targetType: "user", targetId: userId, details: { method } }
        : { action: "auth.mfa_failed", targetType: "user", targetId: userId },
    );
    return method;
  });
}

/** Ten new recovery codes; the old ones, used or not, stop working. */
export async function regenerateRecoveryCodes(
  db: Db,
  userId: string,
  actor: Actor,
): Promise<string[]> {
  return db.transaction(async (trx) => {
    const codes = await replaceRecoveryCodes(trx, userId);
    await audit(
      trx,
      { ...actor, userId },
      { action: "mfa.recovery_codes_regenerated", targetType: "user", targetId: userId },
    );
    return codes;
  });
}

/** How many recovery codes are still unused. */
export async function recoveryCodesLeft(db: Db, userId: string): Promise<number> {
  const row = await db("recovery_codes")
    .where({ user_id: userId })
    .whereNull("used_at")
    .count<{ count: string }>({ count: "*" })
    .first();
  return Number(row?.count ?? 0);
}
