import type { z } from "zod";
import { isMessageKey, type MessageKey } from "./i18n";

/**
 * Validation at the edge: a Zod schema per form, whose error messages are message keys
 * (translated by the page). Returns the data, or field errors plus what the user typed
 * (never passwords) so the form comes back filled in.
 */
export type FieldErrors = Partial<Record<string, MessageKey>>;
export type FormResult<T> =
  { ok: true; data: T } | { ok: false; errors: FieldErrors; values: Record<string, string> };

const SECRET_FIELDS = /password|code|token/i;

/** NUL cannot be stored in or compared with Postgres text: typed input drops it. */
export const withoutNul = (value: string) => value.replaceAll("\u0000", "");

export function parseForm<Schema extends z.ZodType>(
  schema: Schema,
  form: FormData,
): FormResult<z.output<Schema>> {
  const values: Record<string, string> = {};
  for (const [key, value] of form) {
    // a repeated field keeps its first value; files are not part of these forms
    if (typeof value === "string" && !(key in values)) values[key] = withoutNul(value);
  }
  const result = schema.safeParse(values);
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? "form");
    // a schema without its own message for this case (a missing field, a wrong type) still
    // gets a sentence the user can read, never zod's English default
    errors[field] ??= isMessageKey(issue.message) ? issue.message : "form.invalid";
  }
  const echoed = Object.fromEntries(
    Object.entries(values).filter(([key]) => !SECRET_FIELDS.test(key)),
  );
  return { ok: false, errors, values: echoed };
}

/** Reads a form body, answering a 400 (not a 500) when the body is not a form at all. */
export async function readForm(request: Request): Promise<FormData> {
  try {
    return await request.formData();
  } catch {
    throw Response.json({ reason: "badRequest" }, { status: 400 });
  }
}
