import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Actor } from "~/lib/audit.server";
import { createDb, type Db } from "~/lib/db.server";
import {
  allowedTransitions,
  permissionsAt,
  transitionElection,
} from "~/services/election-lifecycle.server";
import { findElection } from "~/services/election-setup.server";
import type { ElectionStatus } from "~/services/elections.server";
import { createContest } from "../support/fixtures";

/**
 * The election lifecycle: one step at a time, each audited with its jurisdiction; invalid,
 * stale and pointless steps refused; what voters and candidates may do follows the state and
 * the windows.
 */
const actor: Actor = { userId: null, ip: "203.0.113.7", requestId: "lifecycle-test" };
const HOUR = 3600_000;

describe("election lifecycle", () => {
  let db: Db;
  beforeAll(() => {
    db = createDb(inject("databaseUrl"), 4);
  });
  afterAll(() => db.destroy());

  async function draftElection(windows: Record<string, Date | null> = {}) {
    const { jurisdictionId, electionId } = await createContest(db);
    await db("elections")
      .where({ id: electionId })
      .update({ status: "draft", ...windows });
    return { jurisdictionId, electionId };
  }
  const statusOf = async (electionId: string) =>
    (await db("elections").where({ id: electionId }).first("status")).status as ElectionStatus;

  it("allows only the next step, from draft to archived", async () => {
    expect(allowedTransitions("draft")).toEqual(["questions_open"]);
    expect(allowedTransitions("questions_open")).toEqual(["answers_open"]);
    expect(allowedTransitions("answers_open")).toEqual(["closed"]);
    expect(allowedTransitions("closed")).toEqual(["archived"]);
    expect(allowedTransitions("archived")).toEqual([]);

    const { jurisdictionId, electionId } = await draftElection();
    const steps: ElectionStatus[] = [
      "draft",
      "questions_open",
      "answers_open",
      "closed",
      "archived",
    ];
    for (let i = 1; i < steps.length; i++) {
      const outcome = await transitionElection(
        db,
        { jurisdictionId, electionId, from: steps[i - 1]!, to: steps[i]! },
        actor,
      );
      expect(outcome).toEqual({ ok: true });
      expect(await statusOf(electionId)).toBe(steps[i]);
    }
    const audited = await db("audit_log")
      .where({ action: "election.status_changed", target_id: electionId })
      .orderBy("id")
      .select("details", "jurisdiction_id", "request_id");
    expect(audited.map((row) => row.details)).toEqual([
      { from: "draft", to: "questions_open" },
      { from: "questions_open", to: "answers_open" },
      { from: "answers_open", to: "closed" },
      { from: "closed", to: "archived" },
    ]);
    expect(new Set(audited.map((row) => row.jurisdiction_id))).toEqual(new Set([jurisdictionId]));
  });

  it("refuses skipping, going back, a stale status and another jurisdiction's election", async () => {
    const { jurisdictionId, electionId } = await draftElection();
    const attempt = (from: ElectionStatus, to: ElectionStatus, scope = jurisdictionId) =>
      transitionElection(db, { jurisdictionId: scope, electionId, from, to }, actor);
    expect(await attempt("draft", "answers_open")).toEqual({ ok: false, problem: "notAllowed" });
    expect(await attempt("draft", "closed")).toEqual({ ok: false, problem: "notAllowed" });
    expect(await attempt("questions_open", "draft")).toEqual({ ok: false, problem: "notAllowed" });
    // the page said "questions open", but the election is still a draft
    expect(await attempt("questions_open", "answers_open")).toEqual({
      ok: false,
      problem: "stale",
    });
    const other = await createContest(db);
    expect(await attempt("draft", "questions_open", other.jurisdictionId)).toEqual({
      ok: false,
      problem: "stale",
    });
    expect(await statusOf(electionId)).toBe("draft");
    expect(
      await db("audit_log").where({ action: "election.status_changed", target_id: electionId }),
    ).toHaveLength(0);
  });

  it("moves once when two clerks confirm the same step at the same time", async () => {
    const { jurisdictionId, electionId } = await draftElection();
    const step = () =>
      transitionElection(
        db,
        { jurisdictionId, electionId, from: "draft", to: "questions_open" },
        actor,
      );
    const outcomes = await Promise.all([step(), step()]);
    expect(outcomes).toContainEqual({ ok: true });
    expect(outcomes).toContainEqual({ ok: false, problem: "stale" });
    expect(
      await db("audit_log").where({ action: "election.status_changed", target_id: electionId }),
    ).toHaveLength(1);
  });

  it("refuses to open a window whose closing time has passed", async () => {
    const { jurisdictionId, electionId } = await draftElection({
      questions_open_at: new Date(Date.now() - 3 * HOUR),
      questions_close_at: new Date(Date.now() - HOUR),
    });
    expect(
      await transitionElection(
        db,
        { jurisdictionId, electionId, from: "draft", to: "questions_open" },
        actor,
      ),
    ).toEqual({ ok: false, problem: "windowOver" });
    expect(await statusOf(electionId)).toBe("draft");
  });

  it("records when each phase really opened and closed", async () => {
    const { jurisdictionId, electionId } = await draftElection();
    const t0 = new Date();
    await transitionElection(
      db,
      { jurisdictionId, electionId, from: "draft", to: "questions_open" },
      actor,
      t0,
    );
    const t1 = new Date(t0.getTime() + HOUR);
    await transitionElection(
      db,
      { jurisdictionId, electionId, from: "questions_open", to: "answers_open" },
      actor,
      t1,
    );
    const t2 = new Date(t0.getTime() + 2 * HOUR);
    await transitionElection(
      db,
      { jurisdictionId, electionId, from: "answers_open", to: "closed" },
      actor,
      t2,
    );
    const row = await db("elections").where({ id: electionId }).first();
    expect(row.questions_open_at).toEqual(t0);
    expect(row.questions_close_at).toEqual(t1);
    expect(row.answers_open_at).toEqual(t1);
    expect(row.answers_close_at).toEqual(t2);
  });

  it("lets voters ask, vote and candidates answer only in their phase and window", async () => {
    const now = new Date("2027-01-10T12:00:00Z");
    const before = new Date("2027-01-09T12:00:00Z");
    const after = new Date("2027-01-11T12:00:00Z");
    const election = (status: ElectionStatus, windows: Partial<Record<string, Date>> = {}) => ({
      status,
      questionsOpenAt: windows.questionsOpenAt ?? null,
      questionsCloseAt: windows.questionsCloseAt ?? null,
      answersOpenAt: windows.answersOpenAt ?? null,
      answersCloseAt: windows.answersCloseAt ?? null,
    });
    expect(permissionsAt(election("draft"), now)).toEqual({
      ask: false,
      vote: false,
      answer: false,
    });
    expect(permissionsAt(election("questions_open"), now)).toEqual({
      ask: true,
      vote: true,
      answer: false,
    });
    expect(permissionsAt(election("answers_open"), now)).toEqual({
      ask: false,
      vote: true,
      answer: true,
    });
    expect(permissionsAt(election("closed"), now)).toEqual({
      ask: false,
      vote: false,
      answer: false,
    });
    expect(permissionsAt(election("archived"), now)).toEqual({
      ask: false,
      vote: false,
      answer: false,
    });
    // windows narrow what the phase allows
    expect(permissionsAt(election("questions_open", { questionsOpenAt: after }), now).ask).toBe(
      false,
    );
    expect(permissionsAt(election("questions_open", { questionsCloseAt: before }), now).ask).toBe(
      false,
    );
    expect(
      permissionsAt(
        election("questions_open", { questionsOpenAt: before, questionsCloseAt: after }),
        now,
      ).ask,
    ).toBe(true);
    expect(permissionsAt(election("answers_open", { answersOpenAt: after }), now).answer).toBe(
      false,
    );
    expect(permissionsAt(election("answers_open", { answersCloseAt: now }), now).answer).toBe(
      false,
    );
  });

  it("reads an election only through its own jurisdiction", async () => {
    const a = await createContest(db);
    const b = await createContest(db);
    await db("elections").where({ id: a.electionId }).update({ slug: "only-in-a" });
    expect(await findElection(db, a.jurisdictionId, "only-in-a")).toMatchObject({
      id: a.electionId,
    });
    expect(await findElection(db, b.jurisdictionId, "only-in-a")).toBeUndefined();
  });
});
