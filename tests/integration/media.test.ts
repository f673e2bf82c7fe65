import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type Db } from "~/lib/db.server";
import { generateTestClip } from "~/lib/media-tools.server";
import { newStorageKey } from "~/lib/storage.server";
import { answersForQuestions } from "~/services/answers.server";
import { attachCaptions, processVideo, storeOriginal } from "~/services/videos.server";
import { createContest, createUser } from "../support/fixtures";
import { startApp, type App } from "../support/app-server";

/**
 * /media over HTTP against the built app (`npm run build`), with one ready video made by ffmpeg
 * the way the seed makes its demo video, and one still processing.
 */
const storageDir = fs.mkdtempSync(path.join(os.tmpdir(), "civicq-media-"));
// Read by this process's storage() and passed on to the app (startApp hands it the environment).
const previousStorageDir = process.env.STORAGE_DIR;
process.env.STORAGE_DIR = storageDir;

const CAPTIONS = `WEBVTT

00:00:00.000 --> 00:00:01.000
Thank you for asking &amp; listening.

00:00:01.000 --> 00:00:02.000
<v Candidate>We will fix the buses.</v>
`;

type Video = {
  id: string;
  original_key: string;
  poster_key: string;
  sprite_key: string;
  sprite_vtt_key: string;
  captions_key: string;
};

describe("public media", () => {
  let db: Db;
  let app: App;
  let video: Video;
  let rendition: { storage_key: string; size_bytes: string };
  let renditionBytes: Buffer;
  let notReadyKey: string;
  let questionId: string;
  let candidateId: string;

  beforeAll(async () => {
    db = createDb(inject("databaseUrl"), 2);
    const { electionId, contestId } = await createContest(db);
    [{ id: candidateId }] = await db("candidates")
      .insert({ contest_id: contestId, ballot_name: "Media Candidate", slug: "media-candidate" })
      .returning("id");
    // A small source: one 360p rendition is enough to test serving, and quick to make.
    const clip = path.join(storageDir, "clip.mp4");
    await generateTestClip(clip, { seconds: 2, width: 640, height: 360, fps: 15 });
    const videoId = await storeOriginal(db, candidateId, fs.createReadStream(clip), "video/mp4");
    await processVideo(db, videoId);
    await attachCaptions(db, videoId, CAPTIONS);
    video = await db("videos").where({ id: videoId }).first();
    rendition = await db("video_renditions").where({ video_id: videoId }).first();
    renditionBytes = fs.readFileSync(path.join(storageDir, rendition.storage_key));

    // A video still processing: its rendition exists on disk and in the table, but is not public.
    const pendingId = await storeOriginal(db, candidateId, fs.createReadStream(clip), "video/mp4");
    notReadyKey = newStorageKey("videos/transcoded", pendingId, "360p.mp4");
    fs.mkdirSync(path.dirname(path.join(storageDir, notReadyKey)), { recursive: true });
    fs.copyFileSync(clip, path.join(storageDir, notReadyKey));
    await db("video_renditions").insert({
      video_id: pendingId,
      width: 640,
      height: 360,
      storage_key: notReadyKey,
      size_bytes: fs.statSync(clip).size,
    });
    await db("videos").where({ id: pendingId }).update({ status: "processing" });

    [{ id: questionId }] = await db("questions")
      .insert({
        election_id: electionId,
        contest_id: contestId,
        author_id: await createUser(db),
        body: "How would you fix the bus routes that were cut?",
        status: "published",
        published_at: db.fn.now(),
      })
      .returning("id");
    await db("answers").insert({
      question_id: questionId,
      candidate_id: candidateId,
      kind: "video",
      video_id: videoId,
      status: "published",
      published_at: db.fn.now(),
    });

    app = await startApp(inject("databaseUrl"));
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    await db?.destroy();
    fs.rmSync(storageDir, { recursive: true, force: true });
    if (previousStorageDir === undefined) delete process.env.STORAGE_DIR;
    else process.env.STORAGE_DIR = previousStorageDir;
  });

  const get = (key: string, headers: Record<string, string> = {}, method = "GET") =>
    fetch(`${app.url}/media/${key}`, { method, headers });

  it("serves a rendition whole, with its type, ranges, nosniff and a year-long cache", async () => {
    const response = await get(rendition.storage_key);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("video/mp4");
    expect(response.headers.get("accept-ranges")).toBe("bytes");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("cache-control")).toMatch(/^public, max-age=31536000, immutable\b/);
    expect(response.headers.get("content-length")).toBe(String(renditionBytes.length));
    expect(Buffer.from(await response.arrayBuffer()).equals(renditionBytes)).toBe(true);
  });

  it("answers a range with 206 and exactly those bytes", async () => {
    const size = renditionBytes.length;
    for (const [range, start, end] of [
      ["bytes=0-99", 0, 99],
      ["bytes=1000-1999", 1000, 1999],
      [`bytes=${size - 10}-`, size - 10, size - 1],
      ["bytes=-25", size - 25, size - 1],
      [`bytes=${size - 5}-${size + 1000}`, size - 5, size - 1], // clamped to the end
    ] as const) {
      const response = await get(rendition.storage_key, { Range: range });
      expect(response.status, range).toBe(206);
      expect(response.headers.get("content-range"), range).toBe(`bytes ${start}-${end}/${size}`);
      expect(response.headers.get("content-length"), range).toBe(String(end - start + 1));
      const body = Buffer.from(await response.arrayBuffer());
      expect(body.equals(renditionBytes.subarray(start, end + 1)), range).toBe(true);
    }
  });

  it("refuses a range past the end with 416, and ignores one it cannot parse", async () => {
    const size = renditionBytes.length;
    for (const range of [`bytes=${size}-`, `bytes=${size + 100}-${size + 200}`, "bytes=-0"]) {
      const response = await get(rendition.storage_key, { Range: range });
      expect(response.status, range).toBe(416);
      expect(response.headers.get("content-range"), range).toBe(`bytes */${size}`);
      await response.body?.cancel();
    }
    for (const range of ["bytes=5-2", "items=0-10", "bytes=0-1,5-6"]) {
      const response = await get(rendition.storage_key, { Range: range });
      expect(response.status, range).toBe(200);
      await response.body?.cancel();
    }
  });

  it("answers HEAD with the headers and no body", async () => {
    const whole = await get(rendition.storage_key, {}, "HEAD");
    expect(whole.status).toBe(200);
    expect(whole.headers.get("content-length")).toBe(String(renditionBytes.length));
    expect(whole.headers.get("content-type")).toBe("video/mp4");
    expect((await whole.arrayBuffer()).byteLength).toBe(0);
    const part = await get(rendition.storage_key, { Range: "bytes=0-9" }, "HEAD");
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 0-9/${renditionBytes.length}`);
  });

  it("revalidates with the ETag, and drops a range whose If-Range no longer matches", async () => {
    const etag = (await get(rendition.storage_key, {}, "HEAD")).headers.get("etag")!;
    expect(etag).toMatch(/^".+"$/);
    expect((await get(rendition.storage_key, { "If-None-Match": etag })).status).toBe(304);
    const stale = await get(rendition.storage_key, { Range: "bytes=0-9", "If-Range": '"old"' });
    expect(stale.status).toBe(200);
    await stale.body?.cancel();
    const current = await get(rendition.storage_key, { Range: "bytes=0-9", "If-Range": etag });
    expect(current.status).toBe(206);
    await current.body?.cancel();
  });

  it("serves posters, sprites, their map and captions with the types from the records", async () => {
    for (const [key, type] of [
      [video.poster_key, "image/jpeg"],
      [video.sprite_key, "image/jpeg"],
      [video.sprite_vtt_key, "text/vtt; charset=utf-8"],
      [video.captions_key, "text/vtt; charset=utf-8"],
    ] as const) {
      const response = await get(key);
      expect(response.status, key).toBe(200);
      expect(response.headers.get("content-type"), key).toBe(type);
      expect(response.headers.get("x-content-type-options"), key).toBe("nosniff");
      const body = Buffer.from(await response.arrayBuffer());
      expect(body.equals(fs.readFileSync(path.join(storageDir, key))), key).toBe(true);
    }
  });

  it("never serves an original, a video not ready, or a key nothing publishes", async () => {
    expect(fs.existsSync(path.join(storageDir, video.original_key))).toBe(true);
    const unknown = newStorageKey("videos/transcoded", video.id, "360p.mp4");
    for (const key of [
      video.original_key,
      notReadyKey,
      unknown,
      `videos/transcoded/${randomUUID()}/0123456789abcdef/360p.mp4`,
      "videos/transcoded/not-a-uuid/0123456789abcdef/360p.mp4",
      "images/profiles/00000000-0000-4000-8000-000000000000/0123456789abcdef/photo.jpg",
      "videos/transcoded/..%2f..%2f..%2fetc/passwd",
      "clip.mp4",
      "",
    ]) {
      const response = await get(key);
      expect(response.status, key).toBe(404);
      await response.body?.cancel();
    }
    const head = await get(video.original_key, { Range: "bytes=0-9" }, "HEAD");
    expect(head.status).toBe(404);
  });

  it("gives the pages a ready video answer whose every URL the app serves", async () => {
    const answers = (await answersForQuestions(db, [questionId])).get(questionId)!;
    expect(answers).toHaveLength(1);
    const answer = answers[0]!;
    expect(answer).toMatchObject({
      kind: "video",
      body: null,
      candidate: { id: candidateId, ballotName: "Media Candidate", slug: "media-candidate" },
      editedAt: null,
    });
    const media = answer.video!;
    expect(media.durationSeconds).toBeCloseTo(2, 0);
    expect(media.captionsLanguage).toBe("en");
    expect(media.transcript).toBe("Thank you for asking & listening. We will fix the buses.");
    expect(media.sources).toEqual([
      { url: `/media/${rendition.storage_key}`, type: "video/mp4", width: 640, height: 360 },
    ]);
    for (const url of [
      media.posterUrl,
      media.captionsUrl,
      media.spriteVttUrl,
      media.sources[0]!.url,
    ]) {
      const response = await fetch(`${app.url}${url}`, { method: "HEAD" });
      expect(response.status, url!).toBe(200);
    }

    // Once the video is no longer ready (say, being re-processed), the answer is not shown.
    await db("videos").where({ id: video.id }).update({ status: "processing" });
    expect((await answersForQuestions(db, [questionId])).get(questionId)).toBeUndefined();
    await db("videos").where({ id: video.id }).update({ status: "ready" });
  });
});
