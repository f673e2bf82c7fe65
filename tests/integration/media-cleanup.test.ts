import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { parseCrontab } from "graphile-worker";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { createDb, type Db } from "~/lib/db.server";
import { MIN_PART_BYTES, newStorageKey, storage } from "~/lib/storage.server";
import { cleanupMedia } from "~/services/media-cleanup.server";
import { createVideoCandidate } from "../support/video-fixtures";

/** The hourly clean-up: abandoned uploads and files no row names, a day after they stopped. */
const { storageDir, previousEnv } = await vi.hoisted(async () => {
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const previous = { ...process.env };
  const directory = mkdtempSync(`${tmpdir()}/civicq-cleanup-`);
  process.env.STORAGE_DIR = directory; // before any import reads the configuration
  return { storageDir: directory, previousEnv: previous };
});

const DAY = 24 * 60 * 60 * 1000;
const twoDaysAgo = () => new Date(Date.now() - 2 * DAY);

describe("media clean-up", () => {
  let db: Db;
  let candidateId: string;

  beforeAll(async () => {
    db = createDb(inject("databaseUrl"), 2);
    ({ candidateId } = await createVideoCandidate(db));
  });
  afterAll(async () => {
    await db?.destroy();
    fs.rmSync(storageDir, { recursive: true, force: true });
    process.env = previousEnv;
  });

  /** A video still uploading in parts, its last part written at `lastPart`. */
  async function uploading(lastPart: Date) {
    const id = randomUUID();
    const key = newStorageKey("videos/originals", id, "original");
    const uploadId = await storage().createMultipart(key, {
      contentType: "application/octet-stream",
      partSize: MIN_PART_BYTES,
    });
    await storage().putPart(
      key,
      uploadId,
      1,
      Readable.from([Buffer.alloc(MIN_PART_BYTES)]),
      MIN_PART_BYTES,
    );
    await db("videos").insert({
      id,
      candidate_id: candidateId,
      original_key: key,
      size_bytes: 20 * MIN_PART_BYTES,
      status: "uploading",
      updated_at: lastPart,
    });
    const [user] = await db("users")
      .insert({ email: `${id}@example.test` })
      .returning("id");
    await db("video_uploads").insert({
      video_id: id,
      user_id: user.id,
      storage_upload_id: uploadId,
      total_bytes: 20 * MIN_PART_BYTES,
      part_bytes: MIN_PART_BYTES,
      received_bytes: MIN_PART_BYTES,
    });
    return { id, uploadId };
  }

  /** A stored file, its modification time set to `written`. */
  async function file(key: string, written: Date) {
    await storage().put(key, Buffer.from("bytes"), { contentType: "video/mp4" });
    fs.utimesSync(path.join(storageDir, key), written, written);
    return key;
  }

  it("removes abandoned uploads and day-old files no row names, and nothing else", async () => {
    const stale = await uploading(twoDaysAgo());
    const fresh = await uploading(new Date());

    // A ready video whose files are old: all named by its rows, all kept.
    const readyId = randomUUID();
    const named = {
      original: await file(newStorageKey("videos/originals", readyId, "original"), twoDaysAgo()),
      rendition: await file(newStorageKey("videos/transcoded", readyId, "360p.mp4"), twoDaysAgo()),
      poster: await file(newStorageKey("videos/thumbnails", readyId, "poster.jpg"), twoDaysAgo()),
      captions: await file(
        newStorageKey("videos/transcoded", readyId, "captions.vtt"),
        twoDaysAgo(),
      ),
    };
    await db("videos").insert({
      id: readyId,
      candidate_id: candidateId,
      original_key: named.original,
      size_bytes: 5,
      status: "ready",
      poster_key: named.poster,
      captions_key: named.captions,
    });
    await db("video_renditions").insert({
      video_id: readyId,
      width: 640,
      height: 360,
      storage_key: named.rendition,
      size_bytes: 5,
    });
    // Files no row names: a day old (a killed transcode's), and minutes old (one still writing).
    const orphan = await file(
      newStorageKey("videos/transcoded", readyId, "720p.mp4"),
      twoDaysAgo(),
    );
    const gone = await file(
      newStorageKey("videos/thumbnails", randomUUID(), "sprite.jpg"),
      twoDaysAgo(),
    );
    const young = await file(newStorageKey("videos/transcoded", readyId, "1080p.mp4"), new Date());
    // A put that died half-way, two days ago.
    const partial = path.join(storageDir, ".incoming", randomUUID());
    fs.writeFileSync(partial, "half");
    fs.utimesSync(partial, twoDaysAgo(), twoDaysAgo());

    const report = await cleanupMedia(db);
    console.info(`media clean-up: ${JSON.stringify(report)}`);
    expect(report).toEqual({ staleUploads: 1, orphanFiles: 2, incomplete: 1 });

    expect(await db("videos").where({ id: stale.id }).first()).toBeUndefined();
    expect(await db("video_uploads").where({ video_id: stale.id }).first()).toBeUndefined();
    expect(fs.existsSync(path.join(storageDir, ".multipart", stale.uploadId))).toBe(false);
    expect(await db("videos").where({ id: fresh.id }).first()).toMatchObject({
      status: "uploading",
    });
    expect(fs.existsSync(path.join(storageDir, ".multipart", fresh.uploadId))).toBe(true);

    for (const key of Object.values(named)) expect(await storage().stat(key), key).not.toBeNull();
    expect(await storage().stat(young)).not.toBeNull();
    expect(await storage().stat(orphan)).toBeNull();
    expect(await storage().stat(gone)).toBeNull();
    expect(fs.existsSync(partial)).toBe(false);

    // Nothing left to do: a second run removes nothing.
    expect(await cleanupMedia(db)).toEqual({ staleUploads: 0, orphanFiles: 0, incomplete: 0 });
  });

  it("runs hourly from the worker's crontab", () => {
    const items = parseCrontab(fs.readFileSync("worker/crontab", "utf8"));
    const item = items.find((entry) => entry.task === "cleanup_media");
    expect(item?.match).toBeDefined();
    const hours = [...Array(24).keys()].filter((hour) =>
      item!.match({ min: 43, hour, date: 1, month: 1, dow: 1 }),
    );
    expect(hours).toHaveLength(24);
  });
});
