import { createHash } from "node:crypto";
import { dictionary } from "@zxcvbn-ts/language-common";
import bcrypt from "bcryptjs";

/**
 * Password rules after NIST SP 800-63B revision 4: length is what counts. At least 15
 * characters when the password alone protects the account, at least 8 once MFA is on, up to
 * 128; any characters, spaces included; no composition rules, no forced change; never one of the
 * commonly used passwords shipped with the app (zxcvbn's list of about 49,000).
 * bcrypt reads only 72 bytes, fewer than 64 non-Latin characters: the password is first
 * SHA-256'd (base64, 44 bytes, no NUL) so every character counts.
 */
export const PASSWORD_MIN_SINGLE_FACTOR = 15;
export const PASSWORD_MIN_WITH_MFA = 8;
export const PASSWORD_MAX = 128;
const BCRYPT_COST = 12;

const common = new Set<string>(
  dictionary["passwords-common"].map((entry) => String(entry).toLowerCase()),
);

export type PasswordProblem = "tooShort" | "tooShortForSingleFactor" | "tooLong" | "common";

export function passwordProblem(password: string, mfaEnabled: boolean): PasswordProblem | null {
  const length = [...password.normalize("NFKC")].length;
  if (length > PASSWORD_MAX) return "tooLong";
  if (length < PASSWORD_MIN_WITH_MFA) return "tooShort";
  if (!mfaEnabled && length < PASSWORD_MIN_SINGLE_FACTOR) return "tooShortForSingleFactor";
  if (common.has(password.toLowerCase()) || common.has(password.toLowerCase().replace(/\s+/g, "")))
    return "common";
  return null;
}

function prehash(password: string): string {
  return createHash("sha256").update(password.normalize("NFKC"), "utf8").digest("base64");
}

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(prehash(password), BCRYPT_COST);
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(prehash(password), hash);
}
