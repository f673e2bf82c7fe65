import type { LocalizedText } from "~/lib/i18n";

/** Small helpers the console's services share. */

/** Stored translatable text: English always, Spanish when given. */
export function localizedText(en: string, es: string): LocalizedText {
  return es ? { en, es } : { en };
}

const comparable = (value: unknown) =>
  value instanceof Date ? value.toISOString() : (value ?? null);

/** The fields whose value changed, old and new, for the audit log of an edit. */
export function changedFields(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const [field, value] of Object.entries(after)) {
    const [from, to] = [comparable(before[field]), comparable(value)];
    if (JSON.stringify(from) !== JSON.stringify(to)) changes[field] = { from, to };
  }
  return changes;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id from a URL that can name a row (anything else is simply not found, not an error). */
export const isUuid = (value: string) => UUID.test(value);

/** Postgres said a unique index refused the row (a race the service's own check lost). */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === "23505";
}

/** A URL-safe name from a title: accents folded, anything else becomes a hyphen. */
export function slugify(text: string): string {
  const slug = text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
  return slug || "item";
}

/** `base`, or `base-2`, `base-3`… — the first one not in `taken`. */
export function firstFreeSlug(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}
