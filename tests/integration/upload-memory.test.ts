import fs from "node:fs";
import type http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type Db } from "~/lib/db.server";
import {
  closeSharedClients,
  shareSessionStore,
  signedIn,
  startApp,
  type App,
} from "../support/app-server";
import { createVideoCandidate } from "../support/video-fixtures";
import { postVideo, residentBytes } from "../support/video-upload-client";

/**
 * The acceptance test for streaming uploads: a 1 GB video sent by the plain form through the
 * built app (`npm run build`) as a candidate, while the app's resident memory is sampled from
 * /proc. The file must reach storage whole, and the app must not grow by 100 MB or more. The
 * body is generated as it is sent (an MP4 header, then zeros), so this process stays small too.
 */
const GIB = 1024 ** 3;
const storageDir = fs.mkdtempSync(path.join(os.tmpdir(), "civicq-upload-memory-"));
const previousEnv = { ...process.env };
Object.assign(process.env, {
  STORAGE_DIR: storageDir,
  VIDEO_MAX_BYTES: String(2 * GIB),
  VIDEO_QUOTA_BYTES: String(4 * GIB),
});

describe("uploading a 1 GB video through the app", () => {
  let db: Db;
  let app: App;
  let cookie: string;
  let questionId: string;

  beforeAll(async () => {
    const url = inject("databaseUrl");
    db = createDb(url, 2);
    shareSessionStore(url);
    const candidate = await createVideoCandidate(db);
    questionId = candidate.questionId;
    ({ cookie } = await signedIn(candidate.userId, { hasMfa: true }));
    app = await startApp(url);
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    await db?.destroy();
    await closeSharedClients();
    fs.rmSync(storageDir, { recursive: true, force: true });
    process.env = previousEnv;
  });

  it("streams it to storage, keeping the app's RSS growth under 100 MB", async () => {
    // Warm-up: the first upload loads and compiles the code the measured one runs.
    const warmUp = await postVideo(app, cookie, questionId, 16 * 1024 * 1024);
    expect(warmUp.statusCode).toBe(303);

    const before = residentBytes(app.pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, residentBytes(app.pid))), 50);
    const started = performance.now();
    let answer: http.IncomingMessage;
    try {
      answer = await postVideo(app, cookie, questionId, GIB);
    } finally {
      clearInterval(sampler);
    }
    const seconds = (performance.now() - started) / 1000;
    peak = Math.max(peak, residentBytes(app.pid));
    const growthMb = (peak - before) / 1024 / 1024;
    console.info(
      `1 GB upload through the app: ${seconds.toFixed(1)} s (${(1024 / seconds).toFixed(0)} MB/s); ` +
        `app RSS ${(before / 1024 / 1024).toFixed(0)} MB before, peak ${(peak / 1024 / 1024).toFixed(0)} MB, ` +
        `growth ${growthMb.toFixed(1)} MB; this test's own RSS ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MB`,
    );

    expect(answer.statusCode, app.output()).toBe(303);
    const videoId = /\/candidate\/videos\/([0-9a-f-]{36})$/.exec(
      answer.headers.location ?? "",
    )![1]!;
    const video = await db("videos").where({ id: videoId }).first();
    expect(video).toMatchObject({
      status: "uploaded",
      content_type: "video/mp4",
      size_bytes: String(GIB),
    });
    expect(fs.statSync(path.join(storageDir, video.original_key)).size).toBe(GIB);
    // Processing was queued in the same transaction (the worker is not running here).
    const job = await db("graphile_worker._private_jobs")
      .where({ key: `transcode:${videoId}` })
      .first("id");
    expect(job).toBeDefined();
    expect(growthMb).toBeLessThan(100);
    fs.rmSync(path.join(storageDir, video.original_key));
  }, 300_000);
});
