import { z } from "zod";
import { audit, type Actor } from "~/lib/audit.server";
import type { Db, DbOrTransaction } from "~/lib/db.server";
import type { FieldErrors } from "~/lib/forms.server";
import {
  ocdIdField,
  optionalIdField,
  optionalText,
  requiredText,
  slugField,
} from "~/lib/form-schemas.server";
import type { LocalizedText } from "~/lib/i18n";
import { isTimeZone } from "~/lib/time-zone";
import { changedFields, isUniqueViolation, localizedText } from "./console-common.server";

/**
 * Jurisdictions, set up by admins: the election offices CivicQ serves (a state, a county, a city
 * or district inside one), each with its Open Civic Data division id, its parent and the time
 * zone its clerks work in. Every change is audited.
 */
export const JURISDICTION_KINDS = ["state", "county", "city", "district", "other"] as const;

export const jurisdictionForm = z
  .object({
    slug: slugField,
    nameEn: requiredText(200),
    nameEs: optionalText(200),
    kind: z.enum(JURISDICTION_KINDS, { error: "form.invalid" }),
    ocdId: ocdIdField,
    fips: z
      .string()
      .trim()
      .regex(/^(\d{2}|\d{5}|\d{7}|\d{10})?$/, { error: "admin.jurisdictions.fips" })
      .optional()
      .transform((value) => value || null),
    parentId: optionalIdField,
    timeZone: z.string().refine(isTimeZone, { error: "admin.jurisdictions.timeZone" }),
  })
  .transform((f) => ({
    slug: f.slug,
    name: localizedText(f.nameEn, f.nameEs),
    kind: f.kind,
    ocdId: f.ocdId,
    fips: f.fips,
    parentId: f.parentId,
    timeZone: f.timeZone,
  }));
export type JurisdictionInput = z.output<typeof jurisdictionForm>;

export type JurisdictionRecord = {
  id: string;
  slug: string;
  name: LocalizedText;
  kind: (typeof JURISDICTION_KINDS)[number];
  ocdId: string | null;
  fips: string | null;
  parentId: string | null;
  timeZone: string;
};

const COLUMNS = [
  "id",
  "slug",
  "name",
  "kind",
  "ocd_id as ocdId",
  "fips",
  "parent_id as parentId",
  "time_zone as timeZone",
] as const;

export async function listJurisdictionRecords(db: DbOrTransaction): Promise<JurisdictionRecord[]> {
  return db("jurisdictions")
    .orderBy("slug")
    .select(...COLUMNS);
}

export async function findJurisdictionRecord(
  db: DbOrTransaction,
  slug: string,
): Promise<JurisdictionRecord | undefined> {
  return db("jurisdictions")
    .where({ slug })
    .first(...COLUMNS);
}

function row(input: JurisdictionInput) {
  return {
    slug: input.slug,
    name: input.name,
    kind: input.kind,
    ocd_id: input.ocdId,
    fips: input.fips,
    parent_id: input.parentId,
    time_zone: input.timeZone,
  };
}

/** Field errors for a slug or OCD id another jurisdiction has, or a parent that makes a loop. */
async function problems(
  trx: DbOrTransaction,
  id: string | null,
  input: JurisdictionInput,
): Promise<FieldErrors | null> {
  const others = trx("jurisdictions").whereNot("id", id ?? "00000000-0000-0000-0000-000000000000");
  if (await others.clone().where({ slug: input.slug }).first("id"))
    return { slug: "admin.jurisdictions.slugTaken" };
  if (input.ocdId && (await others.clone().where({ ocd_id: input.ocdId }).first("id")))
    return { ocdId: "admin.jurisdictions.ocdTaken" };
  if (input.parentId) {
    // the parent, its parent and so on up: none may be this jurisdiction (or be missing)
    const chain = await trx.raw(
      `with recursive up(id, parent_id) as (
         select id, parent_id from jurisdictions where id = ?
         union all
         select j.id, j.parent_id from jurisdictions j join up on j.id = up.parent_id
       ) select id from up`,
      [input.parentId],
    );
    const ancestors = (chain.rows as Array<{ id: string }>).map((r) => r.id);
    if (ancestors.length === 0 || (id && ancestors.includes(id)))
      return { parentId: "admin.jurisdictions.parentLoop" };
  }
  return null;
}

export type SaveOutcome = { ok: true; slug: string } | { ok: false; errors: FieldErrors };

/** Creates (no id) or updates a jurisdiction. */
export async function saveJurisdiction(
  db: Db,
  id: string | null,
  input: JurisdictionInput,
  actor: Actor,
): Promise<SaveOutcome> {
  try {
    return await db.transaction(async (trx) => {
      const errors = await problems(trx, id, input);
      if (errors) return { ok: false, errors };
      if (!id) {
        const [created] = await trx("jurisdictions")
          .insert(row(input))
          .returning<Array<{ id: string }>>("id");
        await audit(trx, actor, {
          action: "jurisdiction.created",
          targetType: "jurisdiction",
          targetId: created!.id,
          jurisdictionId: created!.id,
          details: row(input),
        });
        return { ok: true, slug: input.slug };
      }
      const before = await trx("jurisdictions").where({ id }).forUpdate().first();
      const changes = changedFields(before, row(input));
      if (Object.keys(changes).length > 0) {
        await trx("jurisdictions")
          .where({ id })
          .update({ ...row(input), updated_at: trx.fn.now() });
        await audit(trx, actor, {
          action: "jurisdiction.updated",
          targetType: "jurisdiction",
          targetId: id,
          jurisdictionId: id,
          details: { changes },
        });
      }
      return { ok: true, slug: input.slug };
    });
  } catch (error) {
    if (isUniqueViolation(error))
      return { ok: false, errors: { slug: "admin.jurisdictions.slugTaken" } };
    throw error;
  }
}
