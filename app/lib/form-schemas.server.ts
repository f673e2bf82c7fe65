import { z } from "zod";

/**
 * Zod pieces shared by the console's forms. Every message is a message key (see forms.server),
 * so a field error reads the same in every form and in both languages.
 */
export const requiredText = (max: number) =>
  z
    .string({ error: "console.form.required" })
    .trim()
    .min(1, { error: "console.form.required" })
    .max(max, { error: "console.form.tooLong" });

/** An optional text: missing or blank is "". */
export const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, { error: "console.form.tooLong" })
    .optional()
    .transform((value) => value ?? "");

/** The URL-safe name of a jurisdiction or an election, as the database's check allows it. */
export const slugField = z
  .string({ error: "console.form.slug" })
  .trim()
  .max(80, { error: "console.form.tooLong" })
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, { error: "console.form.slug" });

/** A position on the ballot: a whole number, smaller first. */
export const ballotOrderField = z
  .string({ error: "console.form.ballotOrder" })
  .trim()
  .regex(/^\d{1,4}$/, { error: "console.form.ballotOrder" })
  .transform(Number);

/** A choice from a list of rows, where the empty choice means none. */
export const optionalIdField = z
  .union([z.uuid(), z.literal("")], { error: "form.invalid" })
  .optional()
  .transform((value) => value || null);

/**
 * An Open Civic Data division id (ocd-division/country:us/state:ca/county:harbor): lower-case
 * type:id pairs after the country. Optional: blank is null.
 */
export const ocdIdField = z
  .string()
  .trim()
  .max(300, { error: "console.form.tooLong" })
  .regex(/^$|^ocd-division\/country:[a-z]{2}(\/[a-z_]+:[a-z0-9_.~%-]+)*$/, {
    error: "console.form.ocdId",
  })
  .optional()
  .transform((value) => value || null);

export const isoDateField = z.iso.date({ error: "console.form.date" });

/**
 * What was typed, to show the form again when the service refused it after validation passed
 * (a name already taken). The console's forms carry no secrets.
 */
export function typedValues(body: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of body)
    if (typeof value === "string" && !(key in values)) values[key] = value;
  return values;
}
