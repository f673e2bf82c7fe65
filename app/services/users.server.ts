import { audit, type Actor } from "~/lib/audit.server";
import type { Role } from "~/lib/auth.server";
import type { Db, DbOrTransaction } from "~/lib/db.server";
import type { LocalizedText } from "~/lib/i18n";
import { endOtherSessions, type SessionRecord } from "~/lib/session.server";
import { normaliseEmail } from "./accounts.server";

/**
 * What an account owner can take with them and take away (their data, their account), and the
 * role grants an admin hands out. Every change is audited in the transaction that makes it.
 */

/** Users holding an admin grant over every jurisdiction: the ones who can hand out roles. */
async function globalAdminIds(trx: DbOrTransaction): Promise<string[]> {
  // In a transaction, locks them (always in one order): two admins leaving at once must not
  // both count the other one as staying.
  const rows = await trx("role_grants")
    .where({ role: "admin" })
    .whereNull("jurisdiction_id")
    .orderBy("id")
    .forUpdate()
    .select("user_id");
  return rows.map((row: { user_id: string }) => row.user_id);
}

/** Whether the user is the last global admin, whom no one could replace once gone. */
export async function isSoleAdmin(db: DbOrTransaction, userId: string): Promise<boolean> {
  const admins = await globalAdminIds(db);
  return admins.length === 1 && admins[0] === userId;
}

/**
 * Everything CivicQ holds about the user, for the data download. Secrets stay out: no password
 * hash, no TOTP secret, no token or recovery-code hashes, no unsubscribe tokens (a session's id
 * is its token's hash, so sessions are listed without it). The export is audited, and included.
 */
export async function exportUserData(
  db: Db,
  userId: string,
  sessions: SessionRecord[],
  actor: Actor,
) {
  // one snapshot (repeatable read), so the parts of the file agree with each other
  return db.transaction(
    async (trx) => {
      await audit(trx, actor, {
        action: "account.data_exported",
        targetType: "user",
        targetId: userId,
      });
      return {
        exportedAt: new Date().toISOString(),
        profile: await trx("users")
          .where({ id: userId })
          .first(
            "id",
            "email",
            "email_verified_at",
            "display_name",
            "locale",
            "mfa_enabled_at",
            "password_changed_at",
            "created_at",
            "updated_at",
            trx.raw("password_hash is not null as has_password"),
          ),
        roleGrants: await trx("role_grants as g")
          .leftJoin("jurisdictions as j", "j.id", "g.jurisdiction_id")
          .where("g.user_id", userId)
          .orderBy("g.created_at")
          .select("g.role", "j.slug as jurisdiction", "g.created_at"),
        linkedSignIns: await trx("oauth_identities")
          .where({ user_id: userId })
          .orderBy("created_at")
          .select("provider", "subject", "created_at"),
        candidacies: await trx("candidates")
          .where({ user_id: userId })
          .orderBy("created_at")
          .select("id", "contest_id", "ballot_name", "status", "created_at"),
        questions: await trx("questions")
          .where({ author_id: userId })
          .orderBy("created_at")
          .select(
            "id",
            "election_id",
            "contest_id",
            "candidate_id",
            "body",
            "language",
            "status",
            "vote_count",
            "created_at",
          ),
        votes: await trx("question_votes")
          .where({ user_id: userId })
          .orderBy("created_at")
          .select("question_id", "created_at"),
        follows: await trx("question_follows")
          .where({ user_id: userId })
          .orderBy("created_at")
          .select("question_id", "notified_at", "created_at"),
        reports: await trx("user_reports")
          .where({ reporter_id: userId })
          .orderBy("created_at")
          .select("id", "question_id", "answer_id", "reason", "details", "status", "created_at"),
        constituentVerifications: await trx("constituent_verifications as v")
          .join("jurisdictions as j", "j.id", "v.jurisdiction_id")
          .where("v.user_id", userId)
          .orderBy("v.created_at")
          .select("j.slug as jurisdiction", "v.method", "v.created_at"),
        appeals: await trx("moderation_appeals")
          .where({ appellant_id: userId })
          .orderBy("created_at")
          .select("decision_id", "body", "outcome", "created_at", "decided_at"),
        sessions: sessions.map(({ ip, userAgent, createdAt, lastSeenAt, expiresAt }) => ({
          ip,
          userAgent,
          createdAt: new Date(createdAt).toISOString(),
          lastSeenAt: new Date(lastSeenAt).toISOString(),
          expiresAt: new Date(expiresAt).toISOString(),
        })),
        auditLog: await trx("audit_log")
          .where({ actor_id: userId })
          .orderBy("id")
          .select(
            "occurred_at",
            "action",
            "target_type",
            "target_id",
            "jurisdiction_id",
            "ip",
            "details",
          ),
      };
    },
    { isolationLevel: "repeatable read" },
  );
}

/**
 * Deletes the account. By the schema's foreign keys its questions stay as a "former voter's",
 * its votes stay counted but unlinked, candidacies lose their link, and grants, tokens and
 * sessions go. The audit row keeps the id (the audit log has no foreign keys).
 */
export async function deleteAccount(
  db: Db,
  userId: string,
  actor: Actor,
): Promise<"deleted" | "soleAdmin"> {
  const outcome = await db.transaction(async (trx) => {
    if (await isSoleAdmin(trx, userId)) return "soleAdmin" as const;
    await trx("users").where({ id: userId }).delete();
    await audit(trx, actor, { action: "account.deleted", targetType: "user", targetId: userId });
    return "deleted" as const;
  });
  // Postgres sessions went with the user; Redis ones do not know about foreign keys.
  if (outcome === "deleted") await endOtherSessions(userId);
  return outcome;
}

export type GrantRow = {
  id: string;
  email: string;
  role: Role;
  jurisdictionId: string | null;
  jurisdictionSlug: string | null;
  jurisdictionName: LocalizedText | null;
};

/**
 * Grants, filtered: one account's (by id or email), else the staff ones. Voter grants are
 * left out of the unfiltered list: there is one per voter, far too many to read.
 */
export async function listGrants(
  db: DbOrTransaction,
  filter: { userId?: string; email?: string } = {},
): Promise<GrantRow[]> {
  return db("role_grants as g")
    .join("users as u", "u.id", "g.user_id")
    .leftJoin("jurisdictions as j", "j.id", "g.jurisdiction_id")
    .modify((query) => {
      if (filter.userId) query.where("g.user_id", filter.userId);
      else if (filter.email) query.where("u.email", normaliseEmail(filter.email));
      else query.whereNot("g.role", "voter");
    })
    .orderBy([{ column: "u.email" }, { column: "g.role" }, { column: "j.slug" }])
    .select(
      "g.id",
      "u.email",
      "g.role",
      "g.jurisdiction_id as jurisdictionId",
      "j.slug as jurisdictionSlug",
      "j.name as jurisdictionName",
    );
}

export type GrantProblem = "unknownEmail" | "unknownJurisdiction" | "alreadyGranted";

/** Gives `role` in `jurisdictionId` (null: every jurisdiction, admins only) to an account. */
export async function grantRole(
  db: Db,
  input: { email: string; role: Role; jurisdictionId: string | null },
  actor: Actor,
): Promise<GrantProblem | null> {
  return db.transaction(async (trx) => {
    const user = await trx("users")
      .where({ email: normaliseEmail(input.email) })
      .first("id");
    if (!user) return "unknownEmail";
    if (input.jurisdictionId) {
      const exists = await trx("jurisdictions").where({ id: input.jurisdictionId }).first("id");
      if (!exists) return "unknownJurisdiction";
    }
    const [grant] = await trx("role_grants")
      .insert({
        user_id: user.id,
        role: input.role,
        jurisdiction_id: input.jurisdictionId,
        granted_by: actor.userId,
      })
      .onConflict()
      .ignore()
      .returning("id");
    if (!grant) return "alreadyGranted";
    await audit(trx, actor, {
      action: "role.granted",
      targetType: "user",
      targetId: user.id,
      jurisdictionId: input.jurisdictionId,
      details: { role: input.role, grantId: grant.id },
    });
    return null;
  });
}

/** Takes a grant back. The last global admin grant stays: someone must be able to grant. */
export async function revokeGrant(
  db: Db,
  grantId: string,
  actor: Actor,
): Promise<"revoked" | "notFound" | "soleAdmin"> {
  return db.transaction(async (trx) => {
    // the admin grants first, then this one: the order every revoke and deletion locks in
    const admins = await globalAdminIds(trx);
    const grant = await trx("role_grants").where({ id: grantId }).forUpdate().first();
    if (!grant) return "notFound";
    if (grant.role === "admin" && grant.jurisdiction_id === null && admins.length === 1) {
      return "soleAdmin";
    }
    await trx("role_grants").where({ id: grantId }).delete();
    await audit(trx, actor, {
      action: "role.revoked",
      targetType: "user",
      targetId: grant.user_id,
      jurisdictionId: grant.jurisdiction_id,
      details: { role: grant.role, grantId },
    });
    return "revoked";
  });
}
