import { createHash, createHmac, randomBytes, randomInt } from "node:crypto";
import { audit, type Actor } from "~/lib/audit.server";
import { config } from "~/lib/config.server";
import type { Db, DbOrTransaction } from "~/lib/db.server";
import type { Locale } from "~/lib/i18n";
import {
  hashPassword,
  passwordProblem,
  verifyPassword,
  type PasswordProblem,
} from "~/lib/password.server";
import { enqueue } from "~/lib/queue.server";
import { endOtherSessions } from "~/lib/session.server";

/**
 * Accounts: sign-up, password and emailed-code sign-in, email verification, password reset.
 * Answers never reveal whether an address has an account; tokens are single-use, expiring and
 * stored only as hashes; every security event is audited in the transaction of its change.
 */
export type AccountUser = { id: string; email: string; mfaEnabled: boolean; locale: string };

const TOKEN_LIFETIME_MS = {
  verify_email: 48 * 3600_000,
  reset_password: 3600_000,
  sign_in_code: 10 * 60_000,
} as const;
type TokenPurpose = keyof typeof TOKEN_LIFETIME_MS;

/** Wrong codes allowed per emailed code before it is spent. */
const CODE_ATTEMPTS = 5;
/** Failed password sign-ins in a row before the account locks, briefly (doubling, capped). */
const FAILURES_BEFORE_LOCK = 5;
const MAX_LOCK_MS = 15 * 60_000;
// A real bcrypt hash of a random string, compared against when the address is unknown.
const DUMMY_HASH = "$2b$12$Pf7jhSK.CUnljOik5CjQDe5JSYWLU2aT9HN6kU5yRZo7dXa6BU7.K";

export const normaliseEmail = (email: string) => email.trim().toLowerCase();
const sha256 = (value: string) => createHash("sha256").update(value).digest("base64url");
// Six digits are few: keyed with the server secret so a copy of the table cannot be brute-forced.
const codeHash = (userId: string, code: string) =>
  createHmac("sha256", config().SESSION_SECRET).update(`${userId}:${code}`).digest("base64url");

function link(path: string, token: string): string {
  return new URL(`${path}?token=${encodeURIComponent(token)}`, config().APP_URL).toString();
}

async function issueToken(
  trx: DbOrTransaction,
  userId: string,
  purpose: Exclude<TokenPurpose, "sign_in_code">,
) {
  const token = randomBytes(32).toString("base64url");
  // a new link replaces the old ones of the same purpose
  await trx("account_tokens")
    .where({ user_id: userId, purpose })
    .whereNull("used_at")
    .update({ used_at: trx.fn.now() });
  await trx("account_tokens").insert({
    user_id: userId,
    purpose,
    token_hash: sha256(token),
    expires_at: new Date(Date.now() + TOKEN_LIFETIME_MS[purpose]),
  });
  return token;
}

/** Spends a link token: returns its user id, or null when unknown, used or expired. */
async function consumeToken(
  trx: DbOrTransaction,
  token: string,
  purpose: TokenPurpose,
): Promise<string | null> {
  const [row] = await trx("account_tokens")
    .where({ token_hash: sha256(token), purpose })
    .whereNull("used_at")
    .where("expires_at", ">", trx.fn.now())
    .update({ used_at: trx.fn.now() })
    .returning("user_id");
  return row?.user_id ?? null;
}

export type SignUpInput = { email: string; password: string; displayName?: string; locale: Locale };

/**
 * Creates an account and mails a verification link. When the address already has an account,
 * nothing is created and its owner is told someone tried: the answer on screen is the same.
 */
export async function signUp(db: Db, input: SignUpInput, actor: Actor): Promise<void> {
  const email = normaliseEmail(input.email);
  const passwordHash = await hashPassword(input.password);
  await db.transaction(async (trx) => {
    const existing = await trx("users").where({ email }).first("id", "locale");
    if (existing) {
      await enqueue(trx, "send_email", {
        template: "account_exists",
        to: email,
        locale: existing.locale,
        params: { url: new URL("/sign-in", config().APP_URL).toString() },
      });
      return;
    }
    const [user] = await trx("users")
      .insert({
        email,
        password_hash: passwordHash,
        password_changed_at: trx.fn.now(),
        display_name: input.displayName || null,
        locale: input.locale,
      })
      .returning("id");
    const token = await issueToken(trx, user.id, "verify_email");
    await enqueue(trx, "send_email", {
      template: "verify_email",
      to: email,
      locale: input.locale,
      params: { url: link("/verify-email", token) },
    });
    await audit(
      trx,
      { ...actor, userId: user.id },
      { action: "account.sign_up", targetType: "user", targetId: user.id },
    );
  });
}

export async function verifyEmail(db: Db, token: string, actor: Actor): Promise<boolean> {
  return db.transaction(async (trx) => {
    const userId = await consumeToken(trx, token, "verify_email");
    if (!userId) return false;
    await trx("users")
      .where({ id: userId })
      .update({ email_verified_at: trx.fn.now(), updated_at: trx.fn.now() });
    await audit(
      trx,
      { ...actor, userId },
      { action: "account.email_verified", targetType: "user", targetId: userId },
    );
    return true;
  });
}

export class SignInError extends Error {
  constructor(
    readonly reason: "invalid" | "locked",
    readonly retryAfterSeconds = 0,
  ) {
    super(reason);
  }
}

/**
 * Checks an email and password. Failures in a row lock the account briefly (1 min after 5,
 * doubling to at most 15 min) so guessing is slow, but an attacker can never lock the owner out
 * for long, and an emailed code or a password reset still works meanwhile.
 */
export async function signInWithPassword(
  db: Db,
  input: { email: string; password: string },
  actor: Actor,
): Promise<AccountUser> {
  const email = normaliseEmail(input.email);
  const user = await db("users").where({ email }).first();
  if (user?.locked_until && user.locked_until > new Date()) {
    await audit(db, actor, {
      action: "auth.sign_in_locked",
      targetType: "user",
      targetId: user.id,
    });
    throw new SignInError("locked", Math.ceil((user.locked_until.getTime() - Date.now()) / 1000));
  }
  // compare even without a user, so timing does not tell whether the address has an account
  const ok = await verifyPassword(input.password, user?.password_hash ?? DUMMY_HASH);
  if (!user || !user.password_hash || !ok) {
    if (user) {
      const failures = user.failed_sign_ins + 1;
      const lockMs =
        failures >= FAILURES_BEFORE_LOCK
          ? Math.min(MAX_LOCK_MS, 60_000 * 2 ** (failures - FAILURES_BEFORE_LOCK))
          : 0;
      await db("users")
        .where({ id: user.id })
        .update({
          failed_sign_ins: failures,
          locked_until: lockMs ? new Date(Date.now() + lockMs) : null,
        });
    }
    await audit(db, actor, {
      action: "auth.sign_in_failed",
      targetType: "user",
      targetId: user?.id,
      details: { email },
    });
    throw new SignInError("invalid");
  }
  await db("users").where({ id: user.id }).update({ failed_sign_ins: 0, locked_until: null });
  return {
    id: user.id,
    email: user.email,
    mfaEnabled: Boolean(user.mfa_enabled_at),
    locale: user.locale,
  };
}

/**
 * Mails a six-digit sign-in code. An address without an account gets one (a voter who never
 * wants a password); the code's first use verifies the address.
 */
export async function requestSignInCode(
  db: Db,
  input: { email: string; locale: Locale },
  actor: Actor,
): Promise<void> {
  const email = normaliseEmail(input.email);
  await db.transaction(async (trx) => {
    let user = await trx("users").where({ email }).first("id", "locale");
    if (!user) {
      [user] = await trx("users")
        .insert({ email, locale: input.locale })
        .returning(["id", "locale"]);
      await audit(
        trx,
        { ...actor, userId: user.id },
        {
          action: "account.sign_up",
          targetType: "user",
          targetId: user.id,
          details: { method: "email_code" },
        },
      );
    }
    const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
    await trx("account_tokens")
      .where({ user_id: user.id, purpose: "sign_in_code" })
      .whereNull("used_at")
      .update({ used_at: trx.fn.now() });
    await trx("account_tokens").insert({
      user_id: user.id,
      purpose: "sign_in_code",
      token_hash: codeHash(user.id, code),
      expires_at: new Date(Date.now() + TOKEN_LIFETIME_MS.sign_in_code),
    });
    await enqueue(trx, "send_email", {
      template: "sign_in_code",
      to: email,
      locale: user.locale,
      params: { code },
    });
  });
}

/** Signs in with an emailed code: single use, ten minutes, five tries. */
export async function signInWithCode(
  db: Db,
  input: { email: string; code: string },
  actor: Actor,
): Promise<AccountUser> {
  const email = normaliseEmail(input.email);
  // The outcome is decided inside the transaction but thrown after it commits: a wrong try must
  // be counted (and audited) even though the sign-in fails.
  const outcome = await db.transaction(async (trx) => {
    const user = await trx("users").where({ email }).first();
    const pending = user
      ? await trx("account_tokens")
          .where({ user_id: user.id, purpose: "sign_in_code" })
          .whereNull("used_at")
          .where("expires_at", ">", trx.fn.now())
          .orderBy("created_at", "desc")
          .forUpdate()
          .first()
      : undefined;
    if (!user || !pending) {
      await audit(trx, actor, {
        action: "auth.sign_in_failed",
        details: { email, method: "email_code" },
      });
      return null;
    }
    if (pending.token_hash !== codeHash(user.id, input.code.trim())) {
      const attempts = pending.attempts + 1;
      await trx("account_tokens")
        .where({ id: pending.id })
        .update({ attempts, used_at: attempts >= CODE_ATTEMPTS ? trx.fn.now() : null });
      await audit(trx, actor, {
        action: "auth.sign_in_failed",
        targetType: "user",
        targetId: user.id,
        details: { method: "email_code" },
      });
      return null;
    }
    await trx("account_tokens").where({ id: pending.id }).update({ used_at: trx.fn.now() });
    const firstProof = !user.email_verified_at;
    await trx("users")
      .where({ id: user.id })
      .update({
        email_verified_at: user.email_verified_at ?? trx.fn.now(),
        // Whoever set a password before the address was proven may not be its owner
        // (account pre-hijacking): the first proof of the mailbox drops that password.
        ...(firstProof && user.password_hash ? { password_hash: null } : {}),
        failed_sign_ins: 0,
        locked_until: null,
      });
    if (firstProof)
      await audit(
        trx,
        { ...actor, userId: user.id },
        {
          action: "account.email_verified",
          targetType: "user",
          targetId: user.id,
          details: { method: "email_code", passwordRemoved: Boolean(user.password_hash) },
        },
      );
    return {
      id: user.id,
      email: user.email,
      mfaEnabled: Boolean(user.mfa_enabled_at),
      locale: user.locale,
    } as AccountUser;
  });
  if (!outcome) throw new SignInError("invalid");
  return outcome;
}

/** Mails a reset link when the address has an account; says nothing either way. */
export async function requestPasswordReset(
  db: Db,
  input: { email: string },
  actor: Actor,
): Promise<void> {
  const email = normaliseEmail(input.email);
  await db.transaction(async (trx) => {
    const user = await trx("users").where({ email }).first("id", "locale");
    if (!user) return;
    const token = await issueToken(trx, user.id, "reset_password");
    await enqueue(trx, "send_email", {
      template: "reset_password",
      to: email,
      locale: user.locale,
      params: { url: link("/reset-password", token) },
    });
    await audit(
      trx,
      { ...actor, userId: null },
      { action: "account.password_reset_requested", targetType: "user", targetId: user.id },
    );
  });
}

/** Whether a reset link is still good (the page shows the form only then). */
export async function resetTokenIsValid(db: Db, token: string): Promise<boolean> {
  const row = await db("account_tokens")
    .where({ token_hash: sha256(token), purpose: "reset_password" })
    .whereNull("used_at")
    .where("expires_at", ">", db.fn.now())
    .first("id");
  return Boolean(row);
}

/**
 * Sets a new password from a reset link, ends every session of the account (whoever had it is
 * out), and counts as proof of the mailbox. The password rule depends on the account's MFA.
 */
export async function resetPassword(
  db: Db,
  input: { token: string; password: string },
  actor: Actor,
): Promise<"changed" | "invalidToken" | PasswordProblem> {
  const owner = await db("account_tokens as t")
    .join("users as u", "u.id", "t.user_id")
    .where({ "t.token_hash": sha256(input.token), "t.purpose": "reset_password" })
    .whereNull("t.used_at")
    .where("t.expires_at", ">", db.fn.now())
    .first("u.id", "u.mfa_enabled_at");
  if (!owner) return "invalidToken";
  const problem = passwordProblem(input.password, Boolean(owner.mfa_enabled_at));
  if (problem) return problem;
  const passwordHash = await hashPassword(input.password);
  const userId = await db.transaction(async (trx) => {
    const id = await consumeToken(trx, input.token, "reset_password");
    if (!id) return null;
    await trx("users")
      .where({ id })
      .update({
        password_hash: passwordHash,
        password_changed_at: trx.fn.now(),
        email_verified_at: trx.raw("coalesce(email_verified_at, now())"),
        failed_sign_ins: 0,
        locked_until: null,
        updated_at: trx.fn.now(),
      });
    await audit(
      trx,
      { ...actor, userId: id },
      {
        action: "account.password_changed",
        targetType: "user",
        targetId: id,
        details: { via: "reset" },
      },
    );
    return id as string;
  });
  if (!userId) return "invalidToken";
  await endOtherSessions(userId);
  return "changed";
}
