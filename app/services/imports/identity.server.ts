import type { ExternalId, I18n } from "./records.server";

/**
 * How a feed's element is recognised as one we already hold (docs/imports.md, "Identity"): by an
 * external identifier when the feed gives one, else by a natural key made of names — never by the
 * feed's own ids. Keys are stored in `import_key`, so the next import finds the same row.
 */

/** The identifiers that outlive a feed, strongest first. */
const EXTERNAL_TYPES = ["ocd-id", "fips", "state-level", "national-level", "local-level", "other"];

/** "  Mayor of  Port Alder " → "mayor of port alder": the same words, whatever the typing. */
export function normalizeName(name: string): string {
  return name.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
}

/** "ocd-id:ocd-division/…", "state-level:123", "other:vendor-id:77", or null. */
export function externalKey(ids: readonly ExternalId[]): string | null {
  for (const type of EXTERNAL_TYPES) {
    const found = ids.find((id) => id.type === type);
    if (!found) continue;
    const value = type === "ocd-id" ? found.value.toLowerCase() : found.value;
    return type === "other" ? `other:${found.otherType ?? ""}:${value}` : `${type}:${value}`;
  }
  return null;
}

export function ocdIdOf(ids: readonly ExternalId[]): string | null {
  return ids.find((id) => id.type === "ocd-id")?.value.toLowerCase() ?? null;
}

export function nameKey(...parts: Array<string | undefined>): string {
  return `name:${parts.map((part) => normalizeName(part ?? "")).join("|")}`;
}

/** "Sofía Castellanos" → "sofia-castellanos" (the demo seed's rule), at most 80 characters. */
export function slugify(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .slice(0, 80)
    .replace(/^-+|-+$/g, "");
}

/** A slug not in `taken` (which it joins): the base, else base-2, base-3, … */
export function freeSlug(base: string, taken: Set<string>, fallback: string): string {
  const root = slugify(base) || fallback;
  let slug = root;
  for (let n = 2; taken.has(slug); n++) slug = `${root}-${n}`;
  taken.add(slug);
  return slug;
}

/**
 * A feed's text over what we hold: the feed's languages replace ours, languages it lacks are
 * kept (a clerk's own translation survives a feed that has none).
 */
export function mergeText(held: I18n | null | undefined, feed: I18n | undefined): I18n {
  return { ...(held ?? {}), ...(feed ?? {}) };
}
