import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type Db } from "~/lib/db.server";
import type { castVote as CastVote } from "~/services/votes.server";
import {
  closeSharedClients,
  shareSessionStore,
  signedIn,
  startApp,
  type App,
} from "../support/app-server";
import { createContest } from "../support/fixtures";

/**
 * Votes are exact under concurrency: the database's unique (question_id, user_id) makes a
 * repeated vote a no-op and the trigger keeps `vote_count` in step, whatever the interleaving.
 */
const VOTERS = 500;
const REPEATS = 200;
const HTTP_VOTERS = 60;

describe("votes", () => {
  let db: Db;
  let app: App;
  let castVote: typeof CastVote;
  let contest: Awaited<ReturnType<typeof createContest>>;

  beforeAll(async () => {
    const url = inject("databaseUrl");
    shareSessionStore(url);
    // a pool as large as a busy app's: the votes really do run side by side
    db = createDb(url, 20);
    ({ castVote } = await import("~/services/votes.server"));
    contest = await createContest(db);
    app = await startApp(url);
  });

  afterAll(async () => {
    await app?.stop();
    await closeSharedClients();
    await db?.destroy();
  });

  async function question(status: "published" | "pending" = "published", electionId?: string) {
    const [row] = await db("questions")
      .insert({
        election_id: electionId ?? contest.electionId,
        contest_id: contest.contestId,
        body: `Will you publish the county budget online every month? ${randomUUID()}`,
        status,
        published_at: status === "published" ? db.fn.now() : null,
      })
      .returning("id");
    return row.id as string;
  }

  async function voters(count: number): Promise<string[]> {
    const rows = await db("users")
      .insert(
        Array.from({ length: count }, () => ({
          email: `voter-${randomUUID()}@example.test`,
          email_verified_at: db.fn.now(),
        })),
      )
      .returning("id");
    return rows.map((row: { id: string }) => row.id);
  }

  const stored = async (questionId: string) => {
    const row = await db("questions").where({ id: questionId }).first("vote_count");
    const votes = await db("question_votes")
      .where({ question_id: questionId })
      .first<{ count: string }>(db.raw("count(*) as count"));
    return { voteCount: row.vote_count as number, rows: Number(votes.count) };
  };

  it(`counts ${VOTERS} concurrent voters plus ${REPEATS} repeats exactly, and un-votes`, async () => {
    const questionId = await question();
    const ids = await voters(VOTERS);
    const repeaters = ids.slice(0, REPEATS);
    const outcomes = await Promise.all(
      [...ids, ...repeaters, ...repeaters].map((userId) =>
        castVote(db, { questionId, userId, intent: "vote" }),
      ),
    );
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    expect(await stored(questionId)).toEqual({ voteCount: VOTERS, rows: VOTERS });

    const leaving = ids.slice(0, 100);
    await Promise.all(
      [...leaving, ...leaving].map((userId) =>
        castVote(db, { questionId, userId, intent: "unvote" }),
      ),
    );
    expect(await stored(questionId)).toEqual({ voteCount: VOTERS - 100, rows: VOTERS - 100 });
  });

  it("refuses votes on a pending question and in an election that is closed", async () => {
    const [userId] = await voters(1);
    const pending = await question("pending");
    expect(await castVote(db, { questionId: pending, userId: userId!, intent: "vote" })).toEqual({
      ok: false,
      reason: "notVotable",
    });

    const closedContest = await createContest(db);
    await db("elections").where({ id: closedContest.electionId }).update({ status: "closed" });
    const [closed] = await db("questions")
      .insert({
        election_id: closedContest.electionId,
        contest_id: closedContest.contestId,
        body: "Will the county keep the ferry running after the election?",
        status: "published",
        published_at: db.fn.now(),
      })
      .returning("id");
    expect(await castVote(db, { questionId: closed.id, userId: userId!, intent: "vote" })).toEqual({
      ok: false,
      reason: "notVotable",
    });
    expect((await stored(pending)).voteCount + (await stored(closed.id)).voteCount).toBe(0);
  });

  describe("over HTTP", () => {
    const vote = (questionId: string, cookie: string, intent: "vote" | "unvote", accept?: string) =>
      fetch(`${app.url}/questions/${questionId}/vote`, {
        method: "POST",
        headers: {
          Cookie: cookie,
          Origin: app.url,
          ...(accept ? { Accept: accept } : {}),
        },
        body: new URLSearchParams({ intent, returnTo: "/some/page?sort=top" }),
        redirect: "manual",
      });

    it(`counts ${HTTP_VOTERS} concurrent voters with repeats, by form post and by script`, async () => {
      const questionId = await question();
      const cookies = await Promise.all(
        (await voters(HTTP_VOTERS)).map(
          async (userId) => (await signedIn(userId, { hasMfa: false })).cookie,
        ),
      );
      const responses = await Promise.all(
        cookies.flatMap((cookie, i) => [
          vote(questionId, cookie, "vote"),
          vote(questionId, cookie, "vote", i % 2 ? "application/json" : undefined),
        ]),
      );
      for (const response of responses) {
        if (response.status === 303)
          // back to the page, at the question's place on it
          expect(response.headers.get("Location")).toBe(`/some/page?sort=top`);
        else expect(response.status).toBe(200);
        await response.body?.cancel();
      }
      expect(await stored(questionId)).toEqual({ voteCount: HTTP_VOTERS, rows: HTTP_VOTERS });

      const json = await vote(questionId, cookies[0]!, "unvote", "application/json");
      expect(await json.json()).toEqual({
        questionId,
        count: HTTP_VOTERS - 1,
        voted: false,
      });
    });

    it("sends a refused vote back with a notice (a form) or a 409 (the script)", async () => {
      const [userId] = await voters(1);
      const { cookie } = await signedIn(userId!, { hasMfa: false });
      const pending = await question("pending");
      const form = await vote(pending, cookie, "vote");
      expect(form.status).toBe(303);
      expect(form.headers.get("Location")).toBe("/some/page?sort=top&notice=voteRefused");
      const script = await vote(pending, cookie, "vote", "application/json");
      expect(script.status).toBe(409);
      expect(await script.json()).toEqual({ notice: "voteRefused" });
    });

    it("asks an unverified account to confirm its address first", async () => {
      const [row] = await db("users")
        .insert({ email: `unverified-${randomUUID()}@example.test` })
        .returning("id");
      const { cookie } = await signedIn(row.id, { hasMfa: false });
      const questionId = await question();
      const response = await vote(questionId, cookie, "vote");
      expect(response.headers.get("Location")).toBe("/some/page?sort=top&notice=verifyToVote");
      expect((await stored(questionId)).voteCount).toBe(0);
    });

    it("pushes the new count to the contest's event stream", async () => {
      const questionId = await question();
      const [userId] = await voters(1);
      const { cookie } = await signedIn(userId!, { hasMfa: false });
      const controller = new AbortController();
      const stream = await fetch(`${app.url}/events/contests/${contest.contestId}`, {
        signal: controller.signal,
      });
      expect(stream.headers.get("Content-Type")).toMatch(/^text\/event-stream/);
      expect(stream.headers.get("X-Accel-Buffering")).toBe("no");
      const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
      let received = "";
      // the stream opens with its retry interval: subscribed from then on
      while (!received.includes("retry:")) received += (await reader.read()).value ?? "";
      await (await vote(questionId, cookie, "vote")).body?.cancel();
      while (!received.includes(questionId)) received += (await reader.read()).value ?? "";
      expect(received).toContain(
        `event: count\ndata: ${JSON.stringify({ questionId, count: 1 })}\n\n`,
      );
      controller.abort();
    });
  });
});
