import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { createDb, type Db } from "~/lib/db.server";
import { generateTestClip, probe } from "~/lib/media-tools.server";
import { storage } from "~/lib/storage.server";
import { enqueueTranscode, FAILURE, processVideo, storeOriginal } from "~/services/videos.server";
import { createVideoCandidate } from "../support/video-fixtures";
import { exited, startTs, waitFor } from "../support/processes";

/**
 * The transcoding pipeline against real ffmpeg: refusals with a reason the candidate reads,
 * phones' rotation, no upscaling, idempotence under duplicated jobs, and the real worker killed
 * with SIGKILL mid-transcode, then restarted.
 */
// Before any import reads the configuration; handed on to the workers this test starts.
const { storageDir, previousEnv } = await vi.hoisted(async () => {
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const previous = { ...process.env };
  const directory = mkdtempSync(`${tmpdir()}/civicq-transcode-`);
  Object.assign(process.env, { STORAGE_DIR: directory, VIDEO_MAX_SECONDS: "30" });
  return { storageDir: directory, previousEnv: previous };
});
const work = fs.mkdtempSync(path.join(os.tmpdir(), "civicq-transcode-clips-"));

type Rendition = { width: number; height: number; storage_key: string };

describe("transcoding", () => {
  let db: Db;
  let url: string;
  let candidateId: string;

  beforeAll(async () => {
    url = inject("databaseUrl");
    db = createDb(url, 4);
    ({ candidateId } = await createVideoCandidate(db));
  });
  afterAll(async () => {
    await db?.destroy();
    fs.rmSync(storageDir, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
    process.env = previousEnv;
  });

  const clip = async (name: string, options: Parameters<typeof generateTestClip>[1]) => {
    const file = path.join(work, name);
    await generateTestClip(file, options);
    return file;
  };
  const store = (file: string, contentType = "video/mp4") =>
    storeOriginal(db, candidateId, fs.createReadStream(file), contentType);
  const video = (id: string) => db("videos").where({ id }).first();
  const renditions = (id: string): Promise<Rendition[]> =>
    db("video_renditions")
      .where({ video_id: id })
      .orderBy("height")
      .select("width", "height", "storage_key");
  /** Every stored file made from the video (not its original). */
  const outputs = async (id: string) => [
    ...(await storage().list(`videos/transcoded/${id}/`)),
    ...(await storage().list(`videos/thumbnails/${id}/`)),
  ];

  describe("refuses what is not a playable video, with the reason the candidate reads", () => {
    it.each([
      [
        "a text file renamed .mp4",
        "notes.mp4",
        () => Buffer.from("Dear voters,\nthank you.\n".repeat(50)),
        FAILURE.notVideo,
      ],
      ["a 0-byte file", "empty.mp4", () => Buffer.alloc(0), FAILURE.empty],
    ])("%s", async (_label, name, bytes, reason) => {
      const file = path.join(work, name);
      fs.writeFileSync(file, bytes());
      const id = await store(file);
      expect(await processVideo(db, id)).toMatchObject({ status: "failed", reason });
      expect(await video(id)).toMatchObject({ status: "failed", failure_reason: reason });
      expect(await renditions(id)).toEqual([]);
      expect(await outputs(id)).toEqual([]);
      console.info(`${_label}: failed, "${reason}"`);
    });

    it("a truncated MP4, whether its index comes first or last", async () => {
      const whole = await clip("whole.mp4", { seconds: 4, width: 320, height: 240, fps: 15 });
      const bytes = fs.readFileSync(whole);
      // generateTestClip writes the index first (faststart): cut, the file still probes.
      const cut = path.join(work, "cut.mp4");
      fs.writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
      const cutId = await store(cut);
      expect(await processVideo(db, cutId)).toMatchObject({
        status: "failed",
        reason: FAILURE.damaged,
      });
      // Cut before its index: ffprobe cannot read it at all, yet it starts like an MP4.
      const headless = path.join(work, "headless.mp4");
      fs.writeFileSync(headless, bytes.subarray(0, 32));
      const headlessId = await store(headless);
      expect(await processVideo(db, headlessId)).toMatchObject({
        status: "failed",
        reason: FAILURE.damaged,
      });
      for (const id of [cutId, headlessId]) {
        expect(await video(id)).toMatchObject({
          status: "failed",
          failure_reason: FAILURE.damaged,
        });
        expect(await outputs(id)).toEqual([]);
      }
      console.info(`a truncated MP4: failed, "${FAILURE.damaged}"`);
    });

    it("a video longer than VIDEO_MAX_SECONDS", async () => {
      const long = await clip("long.mp4", { seconds: 31, width: 160, height: 120, fps: 5 });
      const id = await store(long);
      expect(await processVideo(db, id)).toMatchObject({
        status: "failed",
        reason: FAILURE.tooLong,
      });
    });
  });

  it("keeps a phone's portrait video portrait (rotation metadata) and never upscales", async () => {
    // Landscape frames with a 90° display rotation: how phones record portrait video.
    const portrait = await clip("portrait.mp4", {
      seconds: 2,
      width: 640,
      height: 360,
      fps: 15,
      rotation: 90,
    });
    expect(await probe(portrait)).toMatchObject({ width: 360, height: 640 });
    const id = await store(portrait);
    expect(await processVideo(db, id)).toEqual({ status: "ready" });
    // 360 pixels wide: the 360p box only (720p would be an upscale).
    const made = await renditions(id);
    expect(made.map(({ width, height }) => ({ width, height }))).toEqual([
      { width: 360, height: 640 },
    ]);
    const file = path.join(storageDir, made[0]!.storage_key);
    expect(await probe(file)).toMatchObject({ width: 360, height: 640 });
    console.info(`portrait 640x360 + rotation 90 → rendition ${made[0]!.width}x${made[0]!.height}`);

    const sizes = async (width: number, height: number) => {
      const source = await clip(`${width}x${height}.mp4`, { seconds: 1, width, height, fps: 10 });
      const videoId = await store(source);
      expect(await processVideo(db, videoId)).toEqual({ status: "ready" });
      return (await renditions(videoId)).map((r) => `${r.width}x${r.height}`);
    };
    expect(await sizes(854, 480)).toEqual(["640x360"]); // 480p: no 720p
    expect(await sizes(1280, 720)).toEqual(["640x360", "1280x720"]);
    expect(await sizes(320, 240)).toEqual(["320x240"]); // smaller than 360p: its own size
    const ready = await video(id);
    expect(Number(ready.duration_seconds)).toBeCloseTo(2, 0);
    expect(ready.poster_key).toMatch(/^videos\/thumbnails\/.+\/poster\.jpg$/);
    expect(ready.sprite_vtt_key).toMatch(/sprite\.vtt$/);
    expect(fs.readFileSync(path.join(storageDir, ready.sprite_vtt_key), "utf8")).toMatch(
      /^WEBVTT\n\n00:00:00\.000 --> 00:00:01\.000\n\/media\/videos\/thumbnails\/.+\/sprite\.jpg#xywh=0,0,/,
    );
  });

  it("a duplicated job leaves one set of renditions, and a later one does nothing", async () => {
    const source = await clip("twice.mp4", { seconds: 2, width: 1280, height: 720, fps: 10 });
    const id = await store(source);
    const outcomes = await Promise.all([processVideo(db, id), processVideo(db, id)]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(["ready", "skipped"]);
    expect(await processVideo(db, id)).toEqual({ status: "skipped" });
    const made = await renditions(id);
    expect(made).toHaveLength(2);
    const row = await video(id);
    expect((await outputs(id)).sort()).toEqual(
      [
        ...made.map((r) => r.storage_key),
        row.poster_key,
        row.sprite_key,
        row.sprite_vtt_key,
      ].sort(),
    );
  });

  describe("the worker", () => {
    const startWorker = (env: Record<string, string> = {}) =>
      startTs("worker/index.ts", {
        DATABASE_URL: url,
        STORAGE_DIR: storageDir,
        WORKER_CONCURRENCY: "1",
        LOG_LEVEL: "warn",
        ...env,
      });

    /** The worker's ffmpeg children still running (a killed one lingers as a zombie: not counted). */
    const ffmpegChildren = (pid: number) =>
      fs
        .readdirSync("/proc")
        .filter((entry) => /^\d+$/.test(entry))
        .flatMap((entry) => {
          try {
            const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
            // pid (comm) state ppid …
            const [, comm, state, ppid] = /^\d+ \((.*)\) (\S) (\d+)/.exec(stat) ?? [];
            return comm === "ffmpeg" && state !== "Z" && Number(ppid) === pid
              ? [Number(entry)]
              : [];
          } catch {
            return []; // gone meanwhile
          }
        });
    const alive = (pid: number) => {
      try {
        return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
      } catch {
        return false;
      }
    };

    it("killed with SIGKILL mid-transcode and restarted, ends with exactly one ready set", async () => {
      const source = await clip("killed.mp4", { seconds: 20, width: 1280, height: 720, fps: 30 });
      const id = await store(source);
      await enqueueTranscode(db, id);

      const first = startWorker();
      const ffmpeg = await waitFor(
        async () => {
          const children = ffmpegChildren(first.pid!);
          return (await video(id)).status === "processing" && children.length > 0 && children;
        },
        30_000,
        "ffmpeg to be transcoding",
      );
      first.kill("SIGKILL");
      await exited(first);
      // ffmpeg was started to die with its parent (setpriv --pdeathsig): nothing transcodes on.
      await waitFor(async () => ffmpeg.every((pid) => !alive(pid)), 5_000, "ffmpeg to die");
      expect(await video(id)).toMatchObject({ status: "processing" });
      const leftover = fs
        .readdirSync(os.tmpdir())
        .filter((entry) => entry.startsWith(`civicq-video-${id}-`));
      expect(leftover).toHaveLength(1);
      // A killed run that got as far as storing a rendition: the next run must remove it.
      const stray = `videos/transcoded/${id}/0123456789abcdef/720p.mp4`;
      await storage().put(stray, Buffer.from("partial"), { contentType: "video/mp4" });

      // What Graphile's lock expiry does after 4 hours: the job is due again.
      const released = await db("graphile_worker._private_jobs")
        .where({ key: `transcode:${id}` })
        .update({ locked_at: null, locked_by: null, run_at: db.fn.now() });
      expect(released).toBe(1);
      const second = startWorker();
      try {
        await waitFor(
          async () => (await video(id)).status === "ready",
          60_000,
          "the video to be ready",
        );
      } finally {
        second.kill("SIGTERM");
        await exited(second);
      }

      const made = await renditions(id);
      const row = await video(id);
      const stored = (await outputs(id)).sort();
      expect(made.map((r) => `${r.width}x${r.height}`)).toEqual(["640x360", "1280x720"]);
      expect(stored).toEqual(
        [
          ...made.map((r) => r.storage_key),
          row.poster_key,
          row.sprite_key,
          row.sprite_vtt_key,
        ].sort(),
      );
      expect(stored).not.toContain(stray);
      // the killed run's work directory is gone too
      expect(
        fs.readdirSync(os.tmpdir()).filter((entry) => entry.startsWith(`civicq-video-${id}-`)),
      ).toEqual([]);
      const job = await db("graphile_worker._private_jobs")
        .where({ key: `transcode:${id}` })
        .first();
      expect(job).toBeUndefined();
      console.info(
        `SIGKILL mid-transcode (ffmpeg ${ffmpeg.join(",")} died with the worker), restart: ` +
          `${made.length} rendition rows, ${stored.length} stored files (${made.length} MP4 + poster, sprite, map)`,
      );
    }, 120_000);

    it("stops a transcode at its time limit and fails the video with the reason", async () => {
      const source = await clip("slow.mp4", { seconds: 25, width: 1280, height: 720, fps: 30 });
      const id = await store(source);
      await enqueueTranscode(db, id);
      const worker = startWorker({ TRANSCODE_TIMEOUT_SECONDS: "1" });
      try {
        await waitFor(
          async () => (await video(id)).status === "failed",
          30_000,
          "the video to fail",
        );
      } finally {
        worker.kill("SIGTERM");
        await exited(worker);
      }
      expect(await video(id)).toMatchObject({ failure_reason: FAILURE.timedOut });
      expect(await outputs(id)).toEqual([]);
    }, 60_000);
  });
});
