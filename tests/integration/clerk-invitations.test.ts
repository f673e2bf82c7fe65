import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Actor } from "~/lib/audit.server";
import { createDb, type Db } from "~/lib/db.server";
import {
  acceptInvitation,
  inviteCandidate,
  listInvitations,
  revokeInvitation,
} from "~/services/invitations.server";
import { createContest, createUser } from "../support/fixtures";

/**
 * Candidate invitations: a hashed, single-use token that expires after 14 days, sent by the
 * worker; revoking kills the link; re-sending issues a new token and revokes the old one.
 */
describe("candidate invitations", () => {
  let db: Db;
  let clerk: Actor;
  beforeAll(async () => {
    db = createDb(inject("databaseUrl"), 4);
    clerk = { userId: await createUser(db), ip: "203.0.113.5", requestId: "invite-test" };
  });
  afterAll(() => db.destroy());

  async function candidate() {
    const place = await createContest(db);
    const [row] = await db("candidates")
      .insert({
        contest_id: place.contestId,
        ballot_name: "Rosa Invited",
        slug: `rosa-${randomUUID().slice(0, 6)}`,
      })
      .returning("id");
    return {
      ...place,
      target: { jurisdictionId: place.jurisdictionId, candidateId: row.id as string },
    };
  }
  /** The link of the newest invitation email to `to`, as the worker would send it. */
  async function mailedToken(to: string): Promise<string> {
    const jobs = await db("graphile_worker._private_jobs as j")
      .join("graphile_worker._private_tasks as t", "t.id", "j.task_id")
      .where("t.identifier", "send_email")
      .whereRaw("j.payload->>'to' = ?", [to])
      .orderBy("j.id", "desc")
      .select("j.payload");
    const payload = jobs[0]!.payload;
    expect(payload.template).toBe("candidate_invitation");
    const match = /\/claim\/([\w-]+)$/.exec(payload.params.url);
    return match![1]!;
  }
  const email = () => `candidate-${randomUUID()}@example.test`;

  it("sends a link whose token is stored only as a hash and works exactly once", async () => {
    const { target, jurisdictionId } = await candidate();
    const to = email();
    const sent = await inviteCandidate(db, target, { email: to, locale: "es" }, clerk);
    expect(sent.ok).toBe(true);
    const token = await mailedToken(to);
    expect(token.length).toBeGreaterThanOrEqual(43);
    const row = await db("candidate_invitations")
      .where({ candidate_id: target.candidateId })
      .first();
    expect(row.token_hash).not.toContain(token);
    const days = (row.expires_at.getTime() - row.created_at.getTime()) / 86_400_000;
    expect(days).toBeCloseTo(14, 1);

    const user = await createUser(db);
    const actor = { ...clerk, userId: user };
    expect(await acceptInvitation(db, token, user, actor)).toEqual({
      ok: true,
      candidateId: target.candidateId,
    });
    expect((await db("candidates").where({ id: target.candidateId }).first()).user_id).toBe(user);
    expect(
      await db("role_grants").where({
        user_id: user,
        role: "candidate",
        jurisdiction_id: jurisdictionId,
      }),
    ).toHaveLength(1);
    expect(await acceptInvitation(db, token, user, actor)).toEqual({
      ok: false,
      problem: "invalid",
    });
    expect(await acceptInvitation(db, token, await createUser(db), actor)).toEqual({
      ok: false,
      problem: "invalid",
    });
    expect((await listInvitations(db, target.candidateId)).map((i) => i.status)).toEqual([
      "accepted",
    ]);
    // once claimed, there is nobody left to invite
    expect(await inviteCandidate(db, target, { email: to, locale: "en" }, clerk)).toEqual({
      ok: false,
      problem: "alreadyLinked",
    });
    const actions = await db("audit_log")
      .where({ target_id: target.candidateId })
      .orderBy("id")
      .pluck("action");
    expect(actions).toEqual(["invitation.sent", "invitation.accepted"]);
  });

  it("revokes a link: it stops working, and revoking again changes nothing", async () => {
    const { target } = await candidate();
    const to = email();
    const sent = await inviteCandidate(db, target, { email: to, locale: "en" }, clerk);
    const token = await mailedToken(to);
    if (!sent.ok) throw new Error("not sent");
    expect(await revokeInvitation(db, target, sent.invitationId, clerk)).toBe(true);
    expect(await revokeInvitation(db, target, sent.invitationId, clerk)).toBe(false);
    expect(await acceptInvitation(db, token, await createUser(db), clerk)).toEqual({
      ok: false,
      problem: "invalid",
    });
    expect((await listInvitations(db, target.candidateId)).map((i) => i.status)).toEqual([
      "revoked",
    ]);
    // another candidate's invitation cannot be revoked through this one
    const other = await candidate();
    const otherSent = await inviteCandidate(
      db,
      other.target,
      { email: email(), locale: "en" },
      clerk,
    );
    if (!otherSent.ok) throw new Error("not sent");
    expect(await revokeInvitation(db, target, otherSent.invitationId, clerk)).toBe(false);
  });

  it("re-sends with a new token and revokes the old one", async () => {
    const { target } = await candidate();
    const to = email();
    await inviteCandidate(db, target, { email: to, locale: "en" }, clerk);
    const first = await mailedToken(to);
    await inviteCandidate(db, target, { email: to, locale: "en" }, clerk);
    const second = await mailedToken(to);
    expect(second).not.toBe(first);
    expect((await listInvitations(db, target.candidateId)).map((i) => i.status)).toEqual([
      "sent",
      "revoked",
    ]);
    const user = await createUser(db);
    expect(await acceptInvitation(db, first, user, clerk)).toEqual({
      ok: false,
      problem: "invalid",
    });
    expect(await acceptInvitation(db, second, user, clerk)).toMatchObject({ ok: true });
  });

  it("expires after its time", async () => {
    const { target } = await candidate();
    const to = email();
    await inviteCandidate(db, target, { email: to, locale: "en" }, clerk);
    const token = await mailedToken(to);
    await db("candidate_invitations")
      .where({ candidate_id: target.candidateId })
      .update({ expires_at: new Date(Date.now() - 1000) });
    expect((await listInvitations(db, target.candidateId)).map((i) => i.status)).toEqual([
      "expired",
    ]);
    expect(await acceptInvitation(db, token, await createUser(db), clerk)).toEqual({
      ok: false,
      problem: "invalid",
    });
  });
});
