import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type Db } from "~/lib/db.server";
import { countCompletion, countPlay, videoAnswerStats } from "~/services/video-stats.server";
import { createContest } from "../support/fixtures";

/**
 * Video statistics (docs/decisions/017-video-statistics.md): plays and completions of a
 * published video answer, one counter row per day, and nothing stored about the viewer.
 */
describe("video statistics", () => {
  let db: Db;

  beforeAll(() => {
    db = createDb(inject("databaseUrl"), 2);
  });
  afterAll(() => db?.destroy());

  it("counts plays by rendition and completions by answer, per day, for published video answers only", async () => {
    const { electionId, contestId } = await createContest(db);
    const [candidate] = await db("candidates")
      .insert({ contest_id: contestId, ballot_name: "Ana Arce", slug: "ana-arce" })
      .returning("id");
    const [question] = await db("questions")
      .insert({
        election_id: electionId,
        contest_id: contestId,
        body: "What about the ferry?",
        status: "published",
        published_at: db.fn.now(),
      })
      .returning("id");
    const [video] = await db("videos")
      .insert({
        candidate_id: candidate.id,
        question_id: question.id,
        original_key: `videos/originals/${randomUUID()}/original`,
        status: "ready",
      })
      .returning("id");
    const renditionKey = `videos/transcoded/${video.id}/0000/360p.mp4`;
    await db("video_renditions").insert({
      video_id: video.id,
      width: 640,
      height: 360,
      storage_key: renditionKey,
      size_bytes: 1000,
    });
    const [answer] = await db("answers")
      .insert({
        question_id: question.id,
        candidate_id: candidate.id,
        kind: "video",
        video_id: video.id,
        status: "published",
        published_at: db.fn.now(),
      })
      .returning("id");

    await Promise.all([
      countPlay(db, renditionKey),
      countPlay(db, renditionKey),
      countPlay(db, renditionKey),
      countCompletion(db, answer.id),
      countPlay(db, "videos/transcoded/unknown/0000/360p.mp4"),
      countCompletion(db, randomUUID()),
      countCompletion(db, "not-an-id"),
    ]);
    const stats = await videoAnswerStats(db, { electionId });
    console.log("video statistics:", JSON.stringify(stats));
    expect(stats).toEqual([
      {
        answerId: answer.id,
        candidateName: "Ana Arce",
        questionBody: "What about the ferry?",
        plays: 3,
        completions: 1,
        days: 1,
      },
    ]);
    expect(await videoAnswerStats(db, { candidateId: candidate.id })).toEqual(stats);

    // a hidden answer is counted no more
    await db("answers").where({ id: answer.id }).update({ status: "hidden" });
    await countPlay(db, renditionKey);
    expect((await videoAnswerStats(db, { electionId }))[0]!.plays).toBe(3);

    // the counters hold a day and two numbers: nothing about who watched
    const columns = await db("information_schema.columns")
      .where({ table_name: "answer_video_stats" })
      .orderBy("column_name")
      .pluck("column_name");
    expect(columns).toEqual(["answer_id", "completions", "day", "plays"]);
  });
});
