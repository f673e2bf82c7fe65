import { createHash, randomBytes } from "node:crypto";
import { audit, type Actor } from "~/lib/audit.server";
import { config } from "~/lib/config.server";
import type { Db, DbOrTransaction } from "~/lib/db.server";
import { formatDate, localized, type Locale, type LocalizedText } from "~/lib/i18n";
import { enqueue } from "~/lib/queue.server";

/**
 * Candidate invitations: the clerk invites a candidate by email, with a link that lets them
 * claim their profile (`/claim/<token>`, the candidate's side). The token is random, stored only
 * as its hash, works once and for 14 days; one invitation per candidate is live at a time, so
 * inviting again or re-sending revokes the one before. The email goes out through the worker,
 * queued in the transaction that creates the invitation.
 */
const INVITATION_LIFETIME_MS = 14 * 24 * 3600_000;

export type InvitationStatus = "sent" | "expired" | "revoked" | "accepted";

export type Invitation = {
  id: string;
  email: string;
  status: InvitationStatus;
  createdAt: Date;
  expiresAt: Date;
  invitedBy: string | null;
};

const hashToken = (token: string) => createHash("sha256").update(token).digest("base64url");

type InvitationRow = {
  accepted_at: Date | null;
  revoked_at: Date | null;
  expires_at: Date;
};

export function invitationStatus(row: InvitationRow, now: Date = new Date()): InvitationStatus {
  if (row.accepted_at) return "accepted";
  if (row.revoked_at) return "revoked";
  return row.expires_at <= now ? "expired" : "sent";
}

/** The candidate's invitations, newest first, each with its status now. */
export async function listInvitations(
  db: DbOrTransaction,
  candidateId: string,
  now: Date = new Date(),
): Promise<Invitation[]> {
  const rows = await db("candidate_invitations as i")
    .leftJoin("users as u", "u.id", "i.invited_by")
    .where("i.candidate_id", candidateId)
    .orderBy("i.created_at", "desc")
    .select(
      "i.id",
      "i.email",
      "i.created_at",
      "i.expires_at",
      "i.accepted_at",
      "i.revoked_at",
      "u.email as invited_by",
    );
  return rows.map((row) => ({
    id: row.id,
    email: row.email,
    status: invitationStatus(row, now),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    invitedBy: row.invited_by,
  }));
}

export type InvitationTarget = {
  jurisdictionId: string;
  candidateId: string;
};

export type InviteOutcome =
  { ok: true; invitationId: string } | { ok: false; problem: "alreadyLinked" };

/** Revokes the candidate's live invitations (not accepted, not revoked yet); returns their ids. */
async function revokeLive(trx: DbOrTransaction, candidateId: string): Promise<string[]> {
  const rows = await trx("candidate_invitations")
    .where({ candidate_id: candidateId })
    .whereNull("accepted_at")
    .whereNull("revoked_at")
    .update({ revoked_at: trx.fn.now() })
    .returning<Array<{ id: string }>>("id");
  return rows.map((row) => row.id);
}

/**
 * Invites the candidate at `email`, in `locale`. Refused once the candidate's profile is claimed
 * by an account. Any earlier live invitation is revoked (its link stops working), which is also
 * how the clerk re-sends one: a new token to the same address.
 */
export async function inviteCandidate(
  db: Db,
  target: InvitationTarget,
  input: { email: string; locale: Locale },
  actor: Actor,
  now: Date = new Date(),
): Promise<InviteOutcome> {
  return db.transaction(async (trx) => {
    const candidate = await trx("candidates as c")
      .join("contests as k", "k.id", "c.contest_id")
      .join("elections as e", "e.id", "k.election_id")
      .where("c.id", target.candidateId)
      .where("e.jurisdiction_id", target.jurisdictionId)
      .forUpdate("c")
      .first("c.ballot_name", "c.user_id", "k.title", "e.name as election_name");
    if (!candidate) throw new Error(`candidate ${target.candidateId} is not in this jurisdiction`);
    if (candidate.user_id) return { ok: false, problem: "alreadyLinked" };
    const revoked = await revokeLive(trx, target.candidateId);
    const token = randomBytes(32).toString("base64url");
    const expiresAt = new Date(now.getTime() + INVITATION_LIFETIME_MS);
    const email = input.email.trim().toLowerCase();
    const [row] = await trx("candidate_invitations")
      .insert({
        candidate_id: target.candidateId,
        email,
        token_hash: hashToken(token),
        expires_at: expiresAt,
        invited_by: actor.userId,
      })
      .returning<Array<{ id: string }>>("id");
    await enqueue(trx, "send_email", {
      template: "candidate_invitation",
      to: email,
      locale: input.locale,
      params: {
        candidate: candidate.ballot_name,
        contest: localized(candidate.title, input.locale),
        election: localized(candidate.election_name, input.locale),
        expires: formatDate(expiresAt, input.locale),
        url: new URL(`/claim/${token}`, config().APP_URL).toString(),
      },
    });
    await audit(trx, actor, {
      action: "invitation.sent",
      targetType: "candidate",
      targetId: target.candidateId,
      jurisdictionId: target.jurisdictionId,
      details: { invitationId: row!.id, email, revoked },
    });
    return { ok: true, invitationId: row!.id };
  });
}

/** Revokes one live invitation of the candidate; false when it was not live (or not theirs). */
export async function revokeInvitation(
  db: Db,
  target: InvitationTarget,
  invitationId: string,
  actor: Actor,
): Promise<boolean> {
  return db.transaction(async (trx) => {
    const revoked = await trx("candidate_invitations")
      .where({ id: invitationId, candidate_id: target.candidateId })
      .whereNull("accepted_at")
      .whereNull("revoked_at")
      .update({ revoked_at: trx.fn.now() });
    if (revoked === 0) return false;
    await audit(trx, actor, {
      action: "invitation.revoked",
      targetType: "candidate",
      targetId: target.candidateId,
      jurisdictionId: target.jurisdictionId,
      details: { invitationId },
    });
    return true;
  });
}

/** The address an invitation of this candidate went to, to send a new one there. */
export async function invitationEmail(
  db: DbOrTransaction,
  candidateId: string,
  invitationId: string,
): Promise<string | undefined> {
  const row = await db("candidate_invitations")
    .where({ id: invitationId, candidate_id: candidateId })
    .whereNull("accepted_at")
    .first("email");
  return row?.email;
}

export type InvitationForClaim = {
  status: InvitationStatus;
  candidateId: string;
  ballotName: string;
  contestTitle: LocalizedText;
  electionName: LocalizedText;
  jurisdictionName: LocalizedText;
  /** the account the candidacy is linked to already, if any */
  linkedUserId: string | null;
};

/**
 * What an invitation token is for, in any state, for the claim page to say so (its holder may
 * learn that their own link expired or was used); null for a token we never issued.
 */
export async function findInvitation(
  db: DbOrTransaction,
  token: string,
  now: Date = new Date(),
): Promise<InvitationForClaim | null> {
  const row = await db("candidate_invitations as i")
    .join("candidates as c", "c.id", "i.candidate_id")
    .join("contests as k", "k.id", "c.contest_id")
    .join("elections as e", "e.id", "k.election_id")
    .join("jurisdictions as j", "j.id", "e.jurisdiction_id")
    .where("i.token_hash", hashToken(token))
    .first(
      "i.accepted_at",
      "i.revoked_at",
      "i.expires_at",
      "c.id as candidate_id",
      "c.ballot_name",
      "c.user_id",
      "k.title",
      "e.name as election_name",
      "j.name as jurisdiction_name",
    );
  if (!row) return null;
  return {
    status: invitationStatus(row, now),
    candidateId: row.candidate_id,
    ballotName: row.ballot_name,
    contestTitle: row.title,
    electionName: row.election_name,
    jurisdictionName: row.jurisdiction_name,
    linkedUserId: row.user_id,
  };
}

export type AcceptOutcome =
  { ok: true; candidateId: string } | { ok: false; problem: "invalid" | "claimedByAnother" };

/**
 * Spends an invitation token for `userId`: links the candidate to the account and grants the
 * candidate role in the jurisdiction. A token works once, until it expires or is revoked; an
 * unknown, used, revoked or expired token is "invalid" (which one is not told).
 */
export async function acceptInvitation(
  db: Db,
  token: string,
  userId: string,
  actor: Actor,
): Promise<AcceptOutcome> {
  return db.transaction(async (trx) => {
    const invitation = await trx("candidate_invitations as i")
      .join("candidates as c", "c.id", "i.candidate_id")
      .join("contests as k", "k.id", "c.contest_id")
      .join("elections as e", "e.id", "k.election_id")
      .where("i.token_hash", hashToken(token))
      .whereNull("i.accepted_at")
      .whereNull("i.revoked_at")
      .where("i.expires_at", ">", trx.fn.now())
      .forUpdate("i", "c")
      .first("i.id", "i.candidate_id", "c.user_id", "e.jurisdiction_id");
    if (!invitation) return { ok: false, problem: "invalid" };
    if (invitation.user_id && invitation.user_id !== userId)
      return { ok: false, problem: "claimedByAnother" };
    await trx("candidate_invitations")
      .where({ id: invitation.id })
      .update({ accepted_at: trx.fn.now(), accepted_by: userId });
    await trx("candidates")
      .where({ id: invitation.candidate_id })
      .update({ user_id: userId, updated_at: trx.fn.now() });
    await trx("role_grants")
      .insert({ user_id: userId, role: "candidate", jurisdiction_id: invitation.jurisdiction_id })
      .onConflict(["user_id", "role", "jurisdiction_id"])
      .ignore();
    await audit(trx, actor, {
      action: "invitation.accepted",
      targetType: "candidate",
      targetId: invitation.candidate_id,
      jurisdictionId: invitation.jurisdiction_id,
      details: { invitationId: invitation.id, userId },
    });
    return { ok: true, candidateId: invitation.candidate_id };
  });
}
