import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { audit, type Actor } from "~/lib/audit.server";
import { config } from "~/lib/config.server";
import type { Db, DbOrTransaction } from "~/lib/db.server";
import type { FieldErrors } from "~/lib/forms.server";
import { requiredText, slugField } from "~/lib/form-schemas.server";
import type { Locale } from "~/lib/i18n";
import { enqueue } from "~/lib/queue.server";
import { isTimeZone } from "~/lib/time-zone";
import { saveJurisdiction } from "./jurisdictions.server";
import { inviteStaff } from "./staff.server";

/**
 * An election office asks for a CivicQ space (`/offices/request`, anyone, JS off): its name, its
 * state, its Open Civic Data division id and an official contact address. The address proves
 * itself through an emailed link (token hashed, 3 days); a confirmed request waits for a CivicQ
 * admin, who activates it — creating the jurisdiction and inviting the contact as its owner — or
 * rejects it. Every decision is audited.
 */
const CONFIRM_LIFETIME_MS = 3 * 24 * 3600_000;

const hashToken = (token: string) => createHash("sha256").update(token).digest("base64url");

/** An OCD id inside the named state: `ocd-division/country:us/state:ca[/county:…]`. */
const OCD_IN_STATE = /^ocd-division\/country:us\/state:([a-z]{2})(\/[a-z_]+:[a-z0-9_.~%-]+)*$/;

export const officeRequestForm = z
  .object({
    officeName: requiredText(200),
    state: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z]{2}$/, { error: "office.request.stateInvalid" }),
    ocdId: z
      .string()
      .trim()
      .toLowerCase()
      .regex(OCD_IN_STATE, { error: "office.request.ocdInvalid" }),
    contactEmail: z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.email({ error: "office.request.emailInvalid" })),
  })
  .refine((f) => OCD_IN_STATE.exec(f.ocdId)?.[1] === f.state, {
    path: ["ocdId"],
    error: "office.request.ocdOtherState",
  });
export type OfficeRequestInput = z.output<typeof officeRequestForm>;

export async function requestOffice(
  db: Db,
  input: OfficeRequestInput,
  locale: Locale,
  actor: Actor,
  now: Date = new Date(),
): Promise<void> {
  const token = randomBytes(32).toString("base64url");
  await db.transaction(async (trx) => {
    const [row] = await trx("office_requests")
      .insert({
        office_name: input.officeName,
        state: input.state,
        ocd_id: input.ocdId,
        contact_email: input.contactEmail,
        locale,
        token_hash: hashToken(token),
        token_expires_at: new Date(now.getTime() + CONFIRM_LIFETIME_MS),
      })
      .returning<Array<{ id: string }>>("id");
    await enqueue(trx, "send_email", {
      template: "office_request_confirm",
      to: input.contactEmail,
      locale,
      params: {
        office: input.officeName,
        url: new URL(`/offices/confirm/${token}`, config().APP_URL).toString(),
      },
    });
    await audit(trx, actor, {
      action: "office.requested",
      targetType: "office_request",
      targetId: row!.id,
      details: { officeName: input.officeName, ocdId: input.ocdId, email: input.contactEmail },
    });
  });
}

/** Confirms the contact address; false for an unknown, expired or already used link. */
export async function confirmOfficeRequest(
  db: Db,
  token: string,
  actor: Actor,
  now: Date = new Date(),
): Promise<boolean> {
  return db.transaction(async (trx) => {
    const [row] = await trx("office_requests")
      .where({ token_hash: hashToken(token), status: "unconfirmed" })
      .where("token_expires_at", ">", now)
      .update({ status: "confirmed", confirmed_at: now })
      .returning<Array<{ id: string }>>("id");
    if (!row) return false;
    await audit(trx, actor, {
      action: "office.confirmed",
      targetType: "office_request",
      targetId: row.id,
    });
    return true;
  });
}

export type OfficeRequest = {
  id: string;
  officeName: string;
  state: string;
  ocdId: string;
  contactEmail: string;
  locale: Locale;
  status: "unconfirmed" | "confirmed" | "activated" | "rejected";
  createdAt: Date;
};

/** Requests waiting for an admin (confirmed), then the latest decided ones. */
export async function listOfficeRequests(db: DbOrTransaction): Promise<OfficeRequest[]> {
  return db("office_requests")
    .whereIn("status", ["confirmed", "activated", "rejected"])
    .orderByRaw("status = 'confirmed' desc, created_at desc")
    .limit(100)
    .select(
      "id",
      "office_name as officeName",
      "state",
      "ocd_id as ocdId",
      "contact_email as contactEmail",
      "locale",
      "status",
      "created_at as createdAt",
    );
}

export const activationForm = z.object({
  requestId: z.uuid({ error: "form.invalid" }),
  slug: slugField,
  timeZone: z.string().refine(isTimeZone, { error: "admin.jurisdictions.timeZone" }),
});

/** The jurisdiction kind an OCD id names by its last part. */
function kindOf(ocdId: string): "state" | "county" | "city" | "district" | "other" {
  const last = ocdId.split("/").at(-1)!.split(":")[0];
  if (last === "state") return "state";
  if (last === "county") return "county";
  if (last === "place") return "city";
  return last?.endsWith("district") ? "district" : "other";
}

export type ActivationOutcome =
  { ok: true; slug: string } | { ok: false; errors: FieldErrors } | { ok: false; notFound: true };

/**
 * Activates a confirmed request: creates its jurisdiction and invites the contact as its owner,
 * in one transaction with the audit records.
 */
export async function activateOfficeRequest(
  db: Db,
  input: z.output<typeof activationForm>,
  actor: Actor,
): Promise<ActivationOutcome> {
  return db.transaction(async (trx) => {
    const request = await trx("office_requests")
      .where({ id: input.requestId, status: "confirmed" })
      .forUpdate()
      .first();
    if (!request) return { ok: false, notFound: true };
    const saved = await saveJurisdiction(
      trx,
      null,
      {
        slug: input.slug,
        name: { en: request.office_name },
        kind: kindOf(request.ocd_id),
        ocdId: request.ocd_id,
        fips: null,
        parentId: null,
        timeZone: input.timeZone,
      },
      actor,
    );
    if (!saved.ok) return saved;
    const jurisdiction = await trx("jurisdictions").where({ slug: saved.slug }).first("id");
    await trx("office_requests").where({ id: request.id }).update({
      status: "activated",
      jurisdiction_id: jurisdiction.id,
      decided_by: actor.userId,
      decided_at: trx.fn.now(),
    });
    await audit(trx, actor, {
      action: "office.activated",
      targetType: "office_request",
      targetId: request.id,
      jurisdictionId: jurisdiction.id,
    });
    await inviteStaff(
      trx,
      {
        jurisdictionId: jurisdiction.id,
        email: request.contact_email,
        role: "owner",
        locale: request.locale,
      },
      actor,
      null,
    );
    return { ok: true, slug: saved.slug };
  });
}

export async function rejectOfficeRequest(
  db: Db,
  requestId: string,
  actor: Actor,
): Promise<boolean> {
  return db.transaction(async (trx) => {
    const updated = await trx("office_requests")
      .where({ id: requestId, status: "confirmed" })
      .update({ status: "rejected", decided_by: actor.userId, decided_at: trx.fn.now() });
    if (!updated) return false;
    await audit(trx, actor, {
      action: "office.rejected",
      targetType: "office_request",
      targetId: requestId,
    });
    return true;
  });
}
