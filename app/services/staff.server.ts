import { createHash, randomBytes } from "node:crypto";
import { audit, type Actor } from "~/lib/audit.server";
import { config } from "~/lib/config.server";
import type { Db, DbOrTransaction } from "~/lib/db.server";
import { isUuid } from "~/lib/ids";
import { formatDate, localized, type Locale, type LocalizedText } from "~/lib/i18n";
import { enqueue } from "~/lib/queue.server";
import { grantableBy, STAFF_ROLES, type StaffRole } from "~/lib/staff-roles";
import { invitationStatus, type InvitationStatus } from "./invitations.server";
import { revokeGrant } from "./users.server";

/**
 * An election office's staff: who holds which staff role there, and invitations by email to
 * join it (`/staff-invitations/<token>`). As with candidate invitations, the token is random,
 * stored only as its hash, works once and expires (7 days); the account accepting it must be
 * signed in with the invited address. Who may invite or remove whom is `grantableBy`
 * (app/lib/staff-roles.ts), checked here whatever the page offered.
 */
const STAFF_INVITATION_LIFETIME_MS = 7 * 24 * 3600_000;

const hashToken = (token: string) => createHash("sha256").update(token).digest("base64url");

export type StaffMember = {
  grantId: string;
  userId: string;
  email: string;
  role: StaffRole;
  since: Date;
};
export type StaffInvitation = {
  id: string;
  email: string;
  role: StaffRole;
  status: InvitationStatus;
  expiresAt: Date;
};

export async function listStaff(
  db: DbOrTransaction,
  jurisdictionId: string,
  now: Date = new Date(),
): Promise<{ members: StaffMember[]; invitations: StaffInvitation[] }> {
  const [members, invitations] = await Promise.all([
    db("role_grants as g")
      .join("users as u", "u.id", "g.user_id")
      .where("g.jurisdiction_id", jurisdictionId)
      .whereIn("g.role", STAFF_ROLES)
      .orderBy([{ column: "u.email" }, { column: "g.role" }])
      .select("g.id as grantId", "u.id as userId", "u.email", "g.role", "g.created_at as since"),
    db("staff_invitations")
      .where({ jurisdiction_id: jurisdictionId })
      .orderBy("created_at", "desc")
      .limit(50)
      .select("id", "email", "role", "expires_at", "accepted_at", "revoked_at"),
  ]);
  return {
    members,
    invitations: invitations.map((row) => ({
      id: row.id,
      email: row.email,
      role: row.role,
      status: invitationStatus(row, now),
      expiresAt: row.expires_at,
    })),
  };
}

/**
 * Invites `email` to the jurisdiction's staff as `role`, by an actor holding `actorRole` there
 * (null: the CivicQ admin who activated the office). Earlier live invitations to the same
 * address are revoked. Returns "notAllowed" when the actor may not grant that role.
 */
export async function inviteStaff(
  db: DbOrTransaction,
  input: { jurisdictionId: string; email: string; role: StaffRole; locale: Locale },
  actor: Actor,
  actorRole: StaffRole | null,
  now: Date = new Date(),
): Promise<"sent" | "notAllowed"> {
  if (actorRole && !grantableBy(actorRole).includes(input.role)) return "notAllowed";
  const email = input.email.trim().toLowerCase();
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + STAFF_INVITATION_LIFETIME_MS);
  const jurisdiction = await db("jurisdictions")
    .where({ id: input.jurisdictionId })
    .first<{ name: LocalizedText }>("name");
  await db("staff_invitations")
    .where({ jurisdiction_id: input.jurisdictionId, email })
    .whereNull("accepted_at")
    .whereNull("revoked_at")
    .update({ revoked_at: now });
  const [row] = await db("staff_invitations")
    .insert({
      jurisdiction_id: input.jurisdictionId,
      email,
      role: input.role,
      token_hash: hashToken(token),
      expires_at: expiresAt,
      invited_by: actor.userId,
    })
    .returning<Array<{ id: string }>>("id");
  await enqueue(db, "send_email", {
    template: "staff_invitation",
    to: email,
    locale: input.locale,
    params: {
      office: localized(jurisdiction?.name, input.locale),
      role: input.role === "clerk" ? "admin" : input.role,
      expires: formatDate(expiresAt, input.locale),
      url: new URL(`/staff-invitations/${token}`, config().APP_URL).toString(),
    },
  });
  await audit(db, actor, {
    action: "staff.invited",
    targetType: "staff_invitation",
    targetId: row!.id,
    jurisdictionId: input.jurisdictionId,
    details: { email, role: input.role },
  });
  return "sent";
}

export type StaffInvitationForAccept = {
  id: string;
  email: string;
  role: StaffRole;
  status: InvitationStatus;
  jurisdictionSlug: string;
  jurisdictionName: LocalizedText;
};

export async function findStaffInvitation(
  db: DbOrTransaction,
  token: string,
  now: Date = new Date(),
): Promise<StaffInvitationForAccept | null> {
  const row = await db("staff_invitations as i")
    .join("jurisdictions as j", "j.id", "i.jurisdiction_id")
    .where("i.token_hash", hashToken(token))
    .first(
      "i.id",
      "i.email",
      "i.role",
      "i.expires_at",
      "i.accepted_at",
      "i.revoked_at",
      "j.slug",
      "j.name",
    );
  if (!row) return null;
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    status: invitationStatus(row, now),
    jurisdictionSlug: row.slug,
    jurisdictionName: row.name,
  };
}

export type StaffAcceptOutcome =
  | { ok: true; jurisdictionSlug: string }
  | { ok: false; problem: "unknown" | "expired" | "revoked" | "used" | "otherAddress" };

/** The signed-in account takes the invitation: it gets the role, in one audited transaction. */
export async function acceptStaffInvitation(
  db: Db,
  token: string,
  user: { id: string; email: string },
  actor: Actor,
  now: Date = new Date(),
): Promise<StaffAcceptOutcome> {
  return db.transaction(async (trx) => {
    const row = await trx("staff_invitations")
      .where({ token_hash: hashToken(token) })
      .forUpdate()
      .first();
    if (!row) return { ok: false, problem: "unknown" };
    const status = invitationStatus(row, now);
    if (status === "accepted") return { ok: false, problem: "used" };
    if (status !== "sent") return { ok: false, problem: status };
    if (row.email !== user.email) return { ok: false, problem: "otherAddress" };
    await trx("staff_invitations")
      .where({ id: row.id })
      .update({ accepted_at: now, accepted_by: user.id });
    const [grant] = await trx("role_grants")
      .insert({
        user_id: user.id,
        role: row.role,
        jurisdiction_id: row.jurisdiction_id,
        granted_by: row.invited_by,
      })
      .onConflict()
      .ignore()
      .returning("id");
    await audit(trx, actor, {
      action: "staff.joined",
      targetType: "user",
      targetId: user.id,
      jurisdictionId: row.jurisdiction_id,
      details: { role: row.role, invitationId: row.id, grantId: grant?.id ?? null },
    });
    const { slug } = await trx("jurisdictions").where({ id: row.jurisdiction_id }).first("slug");
    return { ok: true, jurisdictionSlug: slug };
  });
}

/**
 * Removes one staff grant of the jurisdiction, when the actor's role may grant that role — but
 * never the actor's own (an office must not lock itself out by a slip).
 */
export async function removeStaff(
  db: Db,
  input: { jurisdictionId: string; grantId: string },
  actor: Actor,
  actorRole: StaffRole,
): Promise<"removed" | "notFound" | "notAllowed"> {
  if (!isUuid(input.grantId)) return "notFound";
  const grant = await db("role_grants")
    .where({ id: input.grantId, jurisdiction_id: input.jurisdictionId })
    .whereIn("role", STAFF_ROLES)
    .first("role", "user_id");
  if (!grant) return "notFound";
  if (!grantableBy(actorRole).includes(grant.role) || grant.user_id === actor.userId)
    return "notAllowed";
  return (await revokeGrant(db, input.grantId, actor)) === "revoked" ? "removed" : "notFound";
}
