import { createHmac } from "node:crypto";
import { config } from "./config.server";

/**
 * The keyed hashes a voter roll and one-time constituent codes are stored as
 * (docs/decisions/018-verified-constituents.md): HMAC-SHA-256 under CONSTITUENT_HASH_SECRET,
 * so a copy of the database alone cannot test guesses of a name and birth date against it.
 * Inputs are normalised first, so the roll's spelling and the voter's typing meet.
 */

/** "García-López, María José" and "maria jose garcia lopez" → "garcia jose lopez maria". */
export function normaliseName(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .sort()
    .join(" ");
}

/** 1984-07-09, 7/9/1984 or 07/09/1984 (US order) → "1984-07-09"; null when not a real date. */
export function normaliseBirthDate(value: string): string | null {
  const text = value.trim();
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  const [year, month, day] = iso
    ? [iso[1], iso[2], iso[3]]
    : us
      ? [us[3], us[1], us[2]]
      : [undefined, undefined, undefined];
  if (!year || !month || !day) return null;
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (
    date.getUTCFullYear() !== Number(year) ||
    date.getUTCMonth() !== Number(month) - 1 ||
    date.getUTCDate() !== Number(day) ||
    Number(year) < 1880
  )
    return null;
  return date.toISOString().slice(0, 10);
}

/** "95401", "95401-1234" → "95401"; null otherwise. */
export function normaliseZip(value: string): string | null {
  const match = /^(\d{5})(-?\d{4})?$/.exec(value.trim());
  return match ? match[1]! : null;
}

function keyed(purpose: string, parts: string[]): string {
  return createHmac("sha256", config().CONSTITUENT_HASH_SECRET)
    .update([purpose, ...parts].join("\u001f"))
    .digest("hex");
}

export type RollIdentity = { name: string; birthDate: string; zip: string };

/**
 * The hash of one person in one jurisdiction's roll, or null when a part is missing or
 * malformed after normalising. The jurisdiction is part of the key: the same person on two
 * counties' rolls gives two unrelated hashes.
 */
export function rollHash(jurisdictionId: string, identity: RollIdentity): string | null {
  const name = normaliseName(identity.name);
  const birthDate = normaliseBirthDate(identity.birthDate);
  const zip = normaliseZip(identity.zip);
  if (!name || !birthDate || !zip) return null;
  return keyed("roll", [jurisdictionId, name, birthDate, zip]);
}

/** A one-time code as typed ("abcd-efgh-jk", any case or spacing) → its stored hash. */
export function codeHash(code: string): string {
  return keyed("code", [code.toUpperCase().replace(/[^0-9A-Z]/g, "")]);
}
