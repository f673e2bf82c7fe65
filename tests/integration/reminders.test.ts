import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type Db } from "~/lib/db.server";
import { followItem, setListSubscription } from "~/services/follows.server";
import { sendCandidateDigests, sendElectionReminders } from "~/services/reminders.server";
import { createContest } from "../support/fixtures";

/**
 * Election reminders go to voters who opted in and follow something in the election, 7 days and
 * 1 day before; candidates get their top unanswered questions; a second run for the same period
 * (a retried or duplicated job) queues nothing.
 */
describe("reminders", () => {
  let db: Db;
  let contest: Awaited<ReturnType<typeof createContest>>;
  const sent = async (to: string) =>
    (
      await db("graphile_worker._private_jobs as j")
        .join("graphile_worker._private_tasks as t", "t.id", "j.task_id")
        .where("t.identifier", "send_email")
        .whereRaw("j.payload->>'to' = ?", [to])
        .select<Array<{ payload: { template: string; headers: Record<string, string> } }>>(
          "j.payload",
        )
    ).map((row) => row.payload);

  beforeAll(async () => {
    db = createDb(inject("databaseUrl"));
    contest = await createContest(db);
  });
  afterAll(async () => {
    await db?.destroy();
  });

  it("reminds opted-in followers 7 days before, once, and not those who did not opt in", async () => {
    const now = new Date("2027-02-23T15:00:00Z"); // the fixture's election is on 2027-03-02
    const voter = async (email: string) =>
      (await db("users").insert({ email, email_verified_at: db.fn.now() }).returning("id"))[0]
        .id as string;
    const optedIn = await voter(`opted-${contest.contestId}@example.test`);
    const silent = await voter(`silent-${contest.contestId}@example.test`);
    for (const user of [optedIn, silent])
      await followItem(db, user, { kind: "contest", id: contest.contestId }, "none");
    await setListSubscription(db, optedIn, "election_reminders", true);

    expect(await sendElectionReminders(db, now)).toBe(1);
    expect(await sendElectionReminders(db, now)).toBe(0);
    const [mail, ...more] = await sent(`opted-${contest.contestId}@example.test`);
    expect(more).toEqual([]);
    expect(mail!.template).toBe("election_reminder");
    expect(mail!.headers["List-Unsubscribe"]).toMatch(/^<http.*\/unsubscribe\/[\w-]{43}>$/);
    expect(mail!.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    expect(await sent(`silent-${contest.contestId}@example.test`)).toEqual([]);
    // a day that is neither 7 nor 1 day before: nothing
    expect(await sendElectionReminders(db, new Date("2027-02-25T15:00:00Z"))).toBe(0);
  });

  it("sends a candidate their top unanswered questions once a week", async () => {
    const email = `candidate-${contest.contestId}@example.test`;
    const [user] = await db("users")
      .insert({ email, email_verified_at: db.fn.now() })
      .returning("id");
    await db("candidates").insert({
      contest_id: contest.contestId,
      ballot_name: "Dana Reyes",
      slug: "dana-reyes",
      user_id: user.id,
    });
    await db("questions").insert({
      election_id: contest.electionId,
      contest_id: contest.contestId,
      body: "Will you keep the harbour ferry running all winter?",
      status: "published",
      published_at: db.fn.now(),
    });
    const monday = new Date("2027-02-15T09:00:00Z");
    expect(await sendCandidateDigests(db, monday)).toBeGreaterThanOrEqual(1);
    const before = (await sent(email)).length;
    expect(before).toBe(1);
    await sendCandidateDigests(db, monday);
    expect((await sent(email)).length).toBe(1);
  });
});
