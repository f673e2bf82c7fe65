import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type Db } from "~/lib/db.server";
import { answersForQuestions } from "~/services/answers.server";
import { createContest, createUser } from "../support/fixtures";

describe("answers for display", () => {
  let db: Db;
  beforeAll(() => {
    db = createDb(inject("databaseUrl"), 2);
  });
  afterAll(() => db.destroy());

  it("gives published answers (hidden ones as their reason), ready videos only, renditions smallest first, in three queries", async () => {
    const { electionId, contestId } = await createContest(db);
    const candidate = async (name: string, order: number) =>
      (
        await db("candidates")
          .insert({
            contest_id: contestId,
            ballot_name: name,
            slug: name.toLowerCase().replace(/ /g, "-"),
            ballot_order: order,
          })
          .returning("id")
      )[0].id as string;
    const [ana, ben, cy] = [
      await candidate("Ana Arce", 2),
      await candidate("Ben Bell", 1),
      await candidate("Cy Cole", 3),
    ];
    const author = await createUser(db);
    const question = async (language = "en") =>
      (
        await db("questions")
          .insert({
            election_id: electionId,
            contest_id: contestId,
            author_id: author,
            body: "What would you do about the buses?",
            language,
            status: "published",
            published_at: db.fn.now(),
          })
          .returning("id")
      )[0].id as string;
    const [q1, q2, q3] = [await question(), await question("es"), await question()];

    const video = async (status: string) => {
      const id = randomUUID();
      await db("videos").insert({
        id,
        candidate_id: cy,
        original_key: `videos/originals/${id}/0000/original`,
        status,
        duration_seconds: 42.5,
        poster_key: `videos/thumbnails/${id}/0000/poster.jpg`,
      });
      // inserted largest first: the order must come from the query
      await db("video_renditions").insert(
        [720, 360].map((height) => ({
          video_id: id,
          width: (height * 16) / 9,
          height,
          storage_key: `videos/transcoded/${id}/0000/${height}p.mp4`,
          size_bytes: height * 1000,
        })),
      );
      return id;
    };
    const readyVideo = await video("ready");
    const processingVideo = await video("processing");

    const publishedAt = new Date("2026-11-20T10:00:00Z");
    const editedAt = new Date("2026-11-21T09:30:00Z");
    await db("answers").insert([
      {
        question_id: q1,
        candidate_id: ana,
        kind: "text",
        body: "Ana's answer.\n\nTwo paragraphs.",
        status: "published",
        published_at: publishedAt,
        edited_at: editedAt,
      },
      {
        question_id: q1,
        candidate_id: ben,
        kind: "text",
        body: "Ben's answer.",
        status: "published",
        published_at: publishedAt,
      },
      { question_id: q1, candidate_id: cy, kind: "text", body: "A draft.", status: "draft" },
      {
        question_id: q2,
        candidate_id: ana,
        kind: "text",
        body: "Hidden.",
        status: "hidden",
        published_at: publishedAt,
      },
      {
        question_id: q2,
        candidate_id: cy,
        kind: "video",
        video_id: readyVideo,
        status: "published",
        published_at: publishedAt,
      },
      {
        question_id: q3,
        candidate_id: cy,
        kind: "video",
        video_id: processingVideo,
        status: "published",
        published_at: publishedAt,
      },
    ]);

    const queries: string[] = [];
    const count = (query: { sql: string }) => queries.push(query.sql);
    db.on("query", count);
    const answers = await answersForQuestions(db, [q1, q2, q3]);
    db.off("query", count);
    // answers, renditions, rebuttals
    expect(queries).toHaveLength(3);

    expect(answers.get(q1)!.map((answer) => answer.candidate.ballotName)).toEqual([
      "Ben Bell",
      "Ana Arce",
    ]);
    expect(answers.get(q1)![1]).toEqual({
      id: expect.any(String),
      questionId: q1,
      candidate: { id: ana, ballotName: "Ana Arce", slug: "ana-arce" },
      kind: "text",
      body: "Ana's answer.\n\nTwo paragraphs.",
      parts: {},
      sources: [],
      publishedAt: publishedAt.toISOString(),
      editedAt: editedAt.toISOString(),
      hiddenReason: null,
      rebuttals: [],
      video: null,
    });
    // a hidden answer keeps its place, its reason instead of its words
    const [hiddenAnswer, videoAnswer] = answers.get(q2)!;
    expect(answers.get(q2)).toHaveLength(2);
    expect(hiddenAnswer).toMatchObject({ body: null, video: null, hiddenReason: "" });
    expect(videoAnswer!.video).toEqual({
      posterUrl: `/media/videos/thumbnails/${readyVideo}/0000/poster.jpg`,
      sources: [360, 720].map((height) => ({
        url: `/media/videos/transcoded/${readyVideo}/0000/${height}p.mp4`,
        type: "video/mp4",
        width: (height * 16) / 9,
        height,
      })),
      captionsUrl: null,
      captionsLanguage: "es",
      spriteVttUrl: null,
      transcript: null,
      durationSeconds: 42.5,
    });
    expect(answers.has(q3)).toBe(false);
    expect(await answersForQuestions(db, [])).toEqual(new Map());
  });
});
