import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { audit, type Actor } from "~/lib/audit.server";
import { config } from "~/lib/config.server";
import type { Db, DbOrTransaction } from "~/lib/db.server";
import type { MessageKey } from "~/lib/i18n";
import {
  extractPoster,
  fitWithin,
  makeSprite,
  MediaToolError,
  MediaToolTimeoutError,
  probe,
  spriteLayout,
  transcodeRenditions,
  type MediaInfo,
  type SpriteLayout,
} from "~/lib/media-tools.server";
import { enqueue } from "~/lib/queue.server";
import { mediaUrl, newStorageKey, storage } from "~/lib/storage.server";
import { parseCaptions, vttTime, type CaptionsProblem } from "./captions.server";

/**
 * A candidate's video, from the stored original to what voters play: the transcoding pipeline
 * the worker runs (`processVideo`), captions, and the video's own page (status, try again,
 * discard, the original by a short-lived signed URL). Uploads: ./video-uploads.server.ts.
 *
 * Status: uploading → uploaded → processing → ready, or failed with a reason the candidate reads
 * (a message key in `failure_reason`). A failed video can be tried again (back to uploaded).
 */
export type VideoStatus = "uploading" | "uploaded" | "processing" | "ready" | "failed";

/**
 * Renditions voters are served, smallest first. 360p plays on a weak phone connection; 720p is
 * sharp enough for a talking head on a laptop. A source smaller than a box gets no upscaled copy.
 */
export const RENDITION_BOXES = [
  { name: "360p", longSide: 640, shortSide: 360 },
  { name: "720p", longSide: 1280, shortSide: 720 },
] as const;

const SPRITE_TILE_WIDTH = 160;

/** Why a video was refused: message keys, stored as they are and shown in the reader's language. */
export const FAILURE = {
  empty: "transcode.reason.empty",
  notVideo: "transcode.reason.notVideo",
  noPicture: "transcode.reason.noPicture",
  damaged: "transcode.reason.damaged",
  tooLong: "transcode.reason.tooLong",
  timedOut: "transcode.reason.timedOut",
  missing: "transcode.reason.missing",
  failed: "transcode.reason.failed",
} as const satisfies Record<string, MessageKey>;
type Failure = (typeof FAILURE)[keyof typeof FAILURE];

/** Retries of a job that failed for a passing reason (storage, database), with Graphile's backoff. */
export const TRANSCODE_MAX_ATTEMPTS = 5;

/** One job per video at a time: a second enqueue (try again) replaces a job not yet started. */
export function enqueueTranscode(db: DbOrTransaction, videoId: string): Promise<void> {
  return enqueue(
    db,
    "transcode_video",
    { videoId },
    { jobKey: `transcode:${videoId}`, maxAttempts: TRANSCODE_MAX_ATTEMPTS },
  );
}

// ---------------------------------------------------------------------------------------------
// Content sniffing
// ---------------------------------------------------------------------------------------------

/** Bytes enough to recognise every container below (MPEG-TS's second sync byte is at 188). */
export const SNIFF_BYTES = 192;

/**
 * The container a file's first bytes announce, as the content type we store and serve it with;
 * null for anything else. Only a first check (the worker's probe decides): it keeps documents,
 * images and executables out of storage, whatever name or type the browser gave them.
 */
export function sniffVideoType(head: Buffer): string | null {
  const ascii = (start: number, end: number) => head.subarray(start, end).toString("latin1");
  if (head.length >= 12 && ascii(4, 8) === "ftyp") {
    const brand = ascii(8, 12);
    // The same box starts HEIC and AVIF photos: images, not video.
    if (IMAGE_BRANDS.has(brand)) return null;
    if (brand === "qt  ") return "video/quicktime";
    if (brand.startsWith("3g")) return "video/3gpp";
    return "video/mp4";
  }
  // QuickTime files older than the ftyp box start straight with one of these atoms.
  if (head.length >= 8 && ["moov", "mdat", "wide", "free", "skip"].includes(ascii(4, 8))) {
    return "video/quicktime";
  }
  if (head.length >= 4 && head.readUInt32BE(0) === 0x1a45dfa3) {
    return head.includes("webm", 0, "latin1") ? "video/webm" : "video/x-matroska";
  }
  if (head.length >= 12 && ascii(0, 4) === "RIFF" && ascii(8, 12) === "AVI ") {
    return "video/x-msvideo";
  }
  if (head.length >= 189 && head[0] === 0x47 && head[188] === 0x47) return "video/mp2t";
  if (head.length >= 4 && head.readUInt32BE(0) === 0x000001ba) return "video/mpeg";
  if (ascii(0, 4) === "OggS") return "video/ogg";
  if (ascii(0, 3) === "FLV") return "video/x-flv";
  if (head.length >= 8 && head.readBigUInt64BE(0) === 0x3026b2758e66cf11n) return "video/x-ms-asf";
  return null;
}

const IMAGE_BRANDS = new Set([
  "heic",
  "heix",
  "heim",
  "heis",
  "hevc",
  "hevx",
  "mif1",
  "msf1",
  "avif",
  "avis",
]);

const EXTENSIONS: Record<string, string> = {
  "video/mp4": "mp4",
  "video/quicktime": "mov",
  "video/3gpp": "3gp",
  "video/webm": "webm",
  "video/x-matroska": "mkv",
  "video/x-msvideo": "avi",
  "video/mp2t": "ts",
  "video/mpeg": "mpg",
  "video/ogg": "ogv",
  "video/x-flv": "flv",
  "video/x-ms-asf": "wmv",
};

// ---------------------------------------------------------------------------------------------
// Originals
// ---------------------------------------------------------------------------------------------

/**
 * Stores an original as given and records it ("uploaded": not yet playable); returns the
 * video's id. For the seed and tests, which make their own files; candidates' uploads go
 * through ./video-uploads.server.ts, which checks what they send.
 */
export async function storeOriginal(
  db: DbOrTransaction,
  candidateId: string,
  body: Readable,
  contentType: string,
): Promise<string> {
  const videoId = randomUUID();
  const key = newStorageKey("videos/originals", videoId, "original");
  const { size } = await storage().put(key, body, { contentType });
  await db("videos").insert({
    id: videoId,
    candidate_id: candidateId,
    original_key: key,
    content_type: contentType,
    size_bytes: size,
    status: "uploaded",
  });
  return videoId;
}

const ORIGINAL_URL_SECONDS = 5 * 60;

function originalSignature(videoId: string, expires: number): string {
  return createHmac("sha256", config().SESSION_SECRET)
    .update(`video-original:${videoId}:${expires}`)
    .digest("base64url");
}

/**
 * Where the candidate can fetch their original for the next five minutes: a presigned URL on S3,
 * else our own /media-original URL signed with the session secret. Originals are never public;
 * this link is the only way to them, and it downloads (Content-Disposition: attachment).
 */
export async function originalUrl(video: {
  id: string;
  originalKey: string;
  contentType: string | null;
}): Promise<string> {
  const { contentType, disposition } = originalHeaders(video.id, video.contentType);
  const presigned = await storage().signedUrl(video.originalKey, {
    expiresInSeconds: ORIGINAL_URL_SECONDS,
    contentType,
    contentDisposition: disposition,
  });
  if (presigned) return presigned;
  const expires = Math.floor(Date.now() / 1000) + ORIGINAL_URL_SECONDS;
  const query = new URLSearchParams({
    expires: String(expires),
    signature: originalSignature(video.id, expires),
  });
  return `/media-original/${video.id}?${query}`;
}

/** The type we recorded (never the browser's claim) and a download file name we make up. */
export function originalHeaders(videoId: string, contentType: string | null) {
  const type = contentType && EXTENSIONS[contentType] ? contentType : "application/octet-stream";
  const extension = EXTENSIONS[type] ?? "bin";
  return {
    contentType: type,
    disposition: `attachment; filename="video-${videoId}.${extension}"`,
  };
}

/** The original a signed /media-original URL names, while its signature holds; else null. */
export async function originalBySignature(
  db: DbOrTransaction,
  videoId: string,
  expires: string | null,
  signature: string | null,
  now: Date = new Date(),
): Promise<{ originalKey: string; contentType: string | null } | null> {
  if (!/^\d{1,12}$/.test(expires ?? "") || !signature) return null;
  const expiresAt = Number(expires);
  if (expiresAt * 1000 < now.getTime()) return null;
  const expected = Buffer.from(originalSignature(videoId, expiresAt));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const row = await db("videos")
    .where({ id: videoId })
    .whereNot({ status: "uploading" })
    .first<{ original_key: string; content_type: string | null } | undefined>(
      "original_key",
      "content_type",
    );
  return row ? { originalKey: row.original_key, contentType: row.content_type } : null;
}

// ---------------------------------------------------------------------------------------------
// Processing (the worker's transcode_video job)
// ---------------------------------------------------------------------------------------------

export type ProcessOutcome =
  | { status: "ready" }
  /** `detail`: what ffmpeg or the error said, for the job's log (the candidate reads `reason`) */
  | { status: "failed"; reason: Failure; detail?: string }
  /** nothing to do: the video is gone, already ready, or not waiting to be processed */
  | { status: "skipped" };

/** A refusal: the file itself is the problem, so trying again cannot help. */
class Refusal extends Error {
  constructor(
    readonly reason: Failure,
    readonly detail?: string,
  ) {
    super(reason);
  }
}

/** A produced file and the key it is stored under. */
type Output = { file: string; key: string; contentType: string };

/**
 * Turns a stored original into what voters play: H.264/AAC renditions, a poster, a seek-preview
 * sprite with its WebVTT map; stores them under fresh keys; then, in one transaction, records the
 * renditions and marks the video ready. A file that is not a playable video (empty, not video,
 * no picture, damaged or cut short, too long) or that takes longer than TRANSCODE_TIMEOUT_SECONDS
 * fails the video with its reason. Anything else (storage, database) throws, for the job to be
 * retried.
 *
 * Idempotent: a duplicated or retried job, or one run again after its worker was killed, ends
 * with exactly one set of renditions. A run finding the video already ready does nothing; the
 * run that marks it ready deletes every other output under the video's keys (a killed run's
 * leftovers); a run that loses the race deletes its own.
 */
export async function processVideo(db: DbOrTransaction, videoId: string): Promise<ProcessOutcome> {
  const started = await db("videos")
    .where({ id: videoId })
    .whereIn("status", ["uploaded", "processing"])
    .update({ status: "processing", failure_reason: null, updated_at: db.fn.now() })
    .returning<Array<{ original_key: string }>>("original_key");
  if (started.length === 0) return { status: "skipped" };

  const deadline = AbortSignal.timeout(config().TRANSCODE_TIMEOUT_SECONDS * 1000);
  const work = await freshWorkDirectory(videoId);
  const outputs: Output[] = [];
  try {
    const made = await transcode(started[0]!.original_key, videoId, work, deadline);
    outputs.push(...made.outputs);
    const sizes = new Map<string, number>();
    for (const output of outputs) {
      const { size } = await storage().put(output.key, fs.createReadStream(output.file), {
        contentType: output.contentType,
      });
      sizes.set(output.key, size);
    }
    if (!(await markReady(db, videoId, made, sizes))) {
      await deleteKeys(outputs.map((output) => output.key));
      return { status: "skipped" };
    }
    // Ours now: an error past this point must not delete them (the clean-up gets what is left).
    outputs.length = 0;
    await deleteStaleOutputs(db, videoId);
    return { status: "ready" };
  } catch (error) {
    const reason =
      error instanceof Refusal
        ? error.reason
        : error instanceof MediaToolTimeoutError && deadline.aborted
          ? FAILURE.timedOut
          : null;
    await deleteKeys(outputs.map((output) => output.key));
    if (!reason) throw error;
    await markFailed(db, videoId, reason);
    const detail = error instanceof Refusal ? error.detail : (error as Error).message;
    return { status: "failed", reason, ...(detail ? { detail } : {}) };
  } finally {
    await fsp.rm(work, { recursive: true, force: true });
  }
}

/**
 * The transcode job: processing, where a passing failure on the last attempt fails the video
 * ("try again" on its page) instead of leaving it processing for ever.
 */
export async function runTranscodeJob(
  db: Db,
  videoId: string,
  attempt: { number: number; max: number },
): Promise<ProcessOutcome> {
  try {
    return await processVideo(db, videoId);
  } catch (error) {
    if (attempt.number < attempt.max) throw error;
    await markFailed(db, videoId, FAILURE.failed);
    return { status: "failed", reason: FAILURE.failed, detail: String(error) };
  }
}

/**
 * A work directory of this run's own, named for its process, after removing those of runs that
 * died (a worker killed mid-transcode leaves its files behind): any whose process is gone or
 * which is older than any run may last. A live run's, even of the same video, is left alone.
 */
async function freshWorkDirectory(videoId: string): Promise<string> {
  const oldest = Date.now() - 2 * config().TRANSCODE_TIMEOUT_SECONDS * 1000;
  for (const entry of await fsp.readdir(os.tmpdir())) {
    const owner = /^civicq-video-[0-9a-f-]{36}-(\d+)-/.exec(entry);
    if (!owner) continue;
    const directory = path.join(os.tmpdir(), entry);
    const stats = await fsp.stat(directory).catch(() => null);
    if (stats && (!processAlive(Number(owner[1])) || stats.mtimeMs < oldest)) {
      await fsp.rm(directory, { recursive: true, force: true });
    }
  }
  return fsp.mkdtemp(path.join(os.tmpdir(), `civicq-video-${videoId}-${process.pid}-`));
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

type Transcoded = {
  outputs: Output[];
  renditions: Array<{ key: string; width: number; height: number; bitrateKbps: number | null }>;
  durationSeconds: number;
  posterKey: string;
  spriteKey: string;
  spriteVttKey: string;
};

async function transcode(
  originalKey: string,
  videoId: string,
  work: string,
  deadline: AbortSignal,
): Promise<Transcoded> {
  const original = path.join(work, "original");
  const source = await storage().get(originalKey);
  if (!source) throw new Refusal(FAILURE.missing);
  await pipeline(source.stream, fs.createWriteStream(original));
  const info = await probeOriginal(original, deadline);

  const shortSide = Math.min(info.width, info.height);
  const sizes = RENDITION_BOXES.filter((box, index) => index === 0 || box.shortSide <= shortSide)
    .map((box) => ({ name: box.name, ...fitWithin(info.width, info.height, box) }))
    // a source smaller than 360p gets one rendition at its own size, not two alike
    .filter((size, index, all) => all.findIndex((other) => other.height === size.height) === index);
  const targets = sizes.map((size) => ({ ...size, file: path.join(work, `${size.name}.mp4`) }));
  await runMedia(() =>
    transcodeRenditions(original, targets, { hasAudio: info.hasAudio, signal: deadline }),
  );

  const renditions: Transcoded["renditions"] = [];
  const outputs: Output[] = [];
  for (const target of targets) {
    const made = await probe(target.file, deadline);
    // ffmpeg reads a cut-off file up to the cut without failing: the result is shorter.
    if ((made.durationSeconds ?? 0) < info.durationSeconds * 0.9 - 0.5) {
      throw new Refusal(FAILURE.damaged);
    }
    const key = newStorageKey("videos/transcoded", videoId, `${target.name}.mp4`);
    outputs.push({ file: target.file, key, contentType: "video/mp4" });
    renditions.push({
      key,
      width: made.width ?? target.width,
      height: made.height ?? target.height,
      bitrateKbps: made.bitrateKbps,
    });
  }

  // From the renditions, already scaled and upright: the smallest is the quickest to decode.
  const poster = path.join(work, "poster.jpg");
  const sprite = path.join(work, "sprite.jpg");
  const layout = spriteLayout(info.durationSeconds);
  await runMedia(() =>
    Promise.all([
      extractPoster(targets.at(-1)!.file, poster, {
        atSeconds: Math.min(1, info.durationSeconds / 2),
        signal: deadline,
      }),
      makeSprite(targets[0]!.file, sprite, layout, SPRITE_TILE_WIDTH, deadline),
    ]),
  );
  const spriteInfo = await probe(sprite, deadline);
  const posterKey = newStorageKey("videos/thumbnails", videoId, "poster.jpg");
  const spriteKey = newStorageKey("videos/thumbnails", videoId, "sprite.jpg");
  const spriteVttKey = newStorageKey("videos/thumbnails", videoId, "sprite.vtt");
  const spriteVtt = path.join(work, "sprite.vtt");
  await fsp.writeFile(
    spriteVtt,
    spriteMap(mediaUrl(spriteKey), layout, info.durationSeconds, {
      width: Math.floor((spriteInfo.width ?? 0) / layout.columns),
      height: Math.floor((spriteInfo.height ?? 0) / layout.rows),
    }),
  );
  outputs.push(
    { file: poster, key: posterKey, contentType: "image/jpeg" },
    { file: sprite, key: spriteKey, contentType: "image/jpeg" },
    { file: spriteVtt, key: spriteVttKey, contentType: "text/vtt" },
  );
  return {
    outputs,
    renditions,
    durationSeconds: info.durationSeconds,
    posterKey,
    spriteKey,
    spriteVttKey,
  };
}

type PlayableInfo = MediaInfo & { width: number; height: number; durationSeconds: number };

/** The original's facts, or the refusal the candidate reads. */
async function probeOriginal(file: string, deadline: AbortSignal): Promise<PlayableInfo> {
  const { size } = await fsp.stat(file);
  if (size === 0) throw new Refusal(FAILURE.empty);
  let info: MediaInfo;
  try {
    info = await probe(file, deadline);
  } catch (error) {
    if (!(error instanceof MediaToolError) || error instanceof MediaToolTimeoutError) throw error;
    // A video container ffprobe cannot read is damaged (often cut off); anything else is no video.
    const container = sniffVideoType(await readHead(file));
    throw new Refusal(container ? FAILURE.damaged : FAILURE.notVideo, error.message);
  }
  if (!info.width || !info.height) {
    throw new Refusal(info.durationSeconds || info.hasAudio ? FAILURE.noPicture : FAILURE.notVideo);
  }
  if (!info.durationSeconds || info.durationSeconds <= 0) throw new Refusal(FAILURE.damaged);
  if (info.durationSeconds > config().VIDEO_MAX_SECONDS) throw new Refusal(FAILURE.tooLong);
  return { ...info, width: info.width, height: info.height, durationSeconds: info.durationSeconds };
}

async function readHead(file: string): Promise<Buffer> {
  const handle = await fsp.open(file, "r");
  try {
    const head = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(head, 0, SNIFF_BYTES, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * ffmpeg failing on a file ffprobe could read means the data is damaged: a refusal. Killed by a
 * signal (the machine out of memory) is a passing failure, and a timeout is the caller's.
 */
async function runMedia<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (
      error instanceof MediaToolError &&
      !(error instanceof MediaToolTimeoutError) &&
      / exited with \d+/.test(error.message)
    ) {
      throw new Refusal(FAILURE.damaged, error.message);
    }
    throw error;
  }
}

/**
 * Records the renditions and marks the video ready, in one transaction; false when this run must
 * not (the video was discarded, or another run finished first).
 */
async function markReady(
  db: DbOrTransaction,
  videoId: string,
  made: Transcoded,
  sizes: Map<string, number>,
): Promise<boolean> {
  return db.transaction(async (trx) => {
    const video = await trx("videos")
      .where({ id: videoId })
      .forUpdate()
      .first<{ status: VideoStatus } | undefined>("status");
    if (video?.status !== "processing") return false;
    await trx("video_renditions").where({ video_id: videoId }).delete();
    await trx("video_renditions").insert(
      made.renditions.map((rendition) => ({
        video_id: videoId,
        width: rendition.width,
        height: rendition.height,
        bitrate_kbps: rendition.bitrateKbps,
        storage_key: rendition.key,
        size_bytes: sizes.get(rendition.key),
      })),
    );
    await trx("videos").where({ id: videoId }).update({
      status: "ready",
      failure_reason: null,
      duration_seconds: made.durationSeconds,
      poster_key: made.posterKey,
      sprite_key: made.spriteKey,
      sprite_vtt_key: made.spriteVttKey,
      updated_at: trx.fn.now(),
    });
    return true;
  });
}

async function markFailed(db: DbOrTransaction, videoId: string, reason: Failure): Promise<void> {
  await db("videos")
    .where({ id: videoId })
    .whereIn("status", ["uploaded", "processing"])
    .update({ status: "failed", failure_reason: reason, updated_at: db.fn.now() });
}

/** What processing writes (captions, written by the candidate, are never among them). */
const PROCESSING_OUTPUT = /\/(?:\d+p\.mp4|poster\.jpg|sprite\.jpg|sprite\.vtt)$/;

/** Removes the processing outputs of this video that its row no longer names. */
async function deleteStaleOutputs(db: DbOrTransaction, videoId: string): Promise<void> {
  const row = await db("videos")
    .where({ id: videoId })
    .first<{ poster_key: string; sprite_key: string; sprite_vtt_key: string } | undefined>(
      "poster_key",
      "sprite_key",
      "sprite_vtt_key",
    );
  if (!row) return;
  const renditions = await db("video_renditions").where({ video_id: videoId }).pluck("storage_key");
  const current = new Set<string>([
    row.poster_key,
    row.sprite_key,
    row.sprite_vtt_key,
    ...renditions,
  ]);
  const keys = [
    ...(await storage().list(`videos/transcoded/${videoId}/`)),
    ...(await storage().list(`videos/thumbnails/${videoId}/`)),
  ];
  await deleteKeys(keys.filter((key) => PROCESSING_OUTPUT.test(key) && !current.has(key)));
}

async function deleteKeys(keys: string[]): Promise<void> {
  for (const key of keys) await storage().delete(key);
}

/** The WebVTT map of a sprite: one cue per thumbnail, pointing at its tile (`#xywh=`). */
export function spriteMap(
  spriteUrl: string,
  layout: SpriteLayout,
  durationSeconds: number,
  tile: { width: number; height: number },
): string {
  const cues = Array.from({ length: layout.count }, (_, index) => {
    const start = index * layout.intervalSeconds;
    const end = Math.min(start + layout.intervalSeconds, durationSeconds);
    const x = (index % layout.columns) * tile.width;
    const y = Math.floor(index / layout.columns) * tile.height;
    const time = (seconds: number) => vttTime(Math.round(seconds * 1000));
    return `${time(start)} --> ${time(end)}\n${spriteUrl}#xywh=${x},${y},${tile.width},${tile.height}`;
  });
  return `WEBVTT\n\n${cues.join("\n\n")}\n`;
}

// ---------------------------------------------------------------------------------------------
// Captions
// ---------------------------------------------------------------------------------------------

export type CaptionsOutcome = { ok: true; key: string } | { ok: false; problem: CaptionsProblem };

/**
 * Stores a video's captions (WebVTT or SRT, sanitised and written as WebVTT, see
 * ./captions.server.ts) under a fresh key and links them to the video; the captions they
 * replace are deleted. They become the answer's transcript on the question page.
 */
export async function attachCaptions(
  db: DbOrTransaction,
  videoId: string,
  captions: Buffer | string,
): Promise<CaptionsOutcome> {
  const parsed = parseCaptions(Buffer.isBuffer(captions) ? captions : Buffer.from(captions));
  if (!parsed.ok) return parsed;
  const key = newStorageKey("videos/transcoded", videoId, "captions.vtt");
  await storage().put(key, Buffer.from(parsed.vtt, "utf8"), { contentType: "text/vtt" });
  const previous = await db.transaction(async (trx) => {
    const row = await trx("videos")
      .where({ id: videoId })
      .forUpdate()
      .first<{ captions_key: string | null } | undefined>("captions_key");
    if (!row) throw new Error(`no video ${videoId}`);
    await trx("videos")
      .where({ id: videoId })
      .update({ captions_key: key, updated_at: trx.fn.now() });
    return row.captions_key;
  });
  if (previous) await storage().delete(previous);
  return { ok: true, key };
}

// ---------------------------------------------------------------------------------------------
// The candidate's video page
// ---------------------------------------------------------------------------------------------

export type CandidateVideo = {
  id: string;
  candidateId: string;
  jurisdictionId: string;
  status: VideoStatus;
  failureReason: string | null;
  createdAt: string;
  sizeBytes: number | null;
  durationSeconds: number | null;
  originalKey: string;
  contentType: string | null;
  question: { id: string; body: string } | null;
  /** while ready: what the preview plays */
  posterUrl: string | null;
  sources: Array<{ url: string; type: string; width: number; height: number }>;
  captionsUrl: string | null;
  /** this candidate's answer to the question, and whether it is this video */
  answer: {
    status: "draft" | "published" | "hidden";
    kind: "text" | "video";
    isThisVideo: boolean;
  } | null;
  /** the resumable upload still running, if any */
  upload: { receivedBytes: number; totalBytes: number } | null;
};

type CandidateVideoRow = {
  id: string;
  candidate_id: string;
  jurisdiction_id: string;
  status: VideoStatus;
  failure_reason: string | null;
  created_at: Date;
  size_bytes: string | null;
  duration_seconds: string | null;
  original_key: string;
  content_type: string | null;
  poster_key: string | null;
  captions_key: string | null;
  question_id: string | null;
  question_body: string | null;
  answer_status: "draft" | "published" | "hidden" | null;
  answer_kind: "text" | "video" | null;
  answer_video_id: string | null;
  received_bytes: string | null;
  total_bytes: string | null;
};

/** One of the candidate's own videos (by their candidacies); null for anyone else's. */
export async function candidateVideo(
  db: DbOrTransaction,
  candidacyIds: string[],
  videoId: string,
): Promise<CandidateVideo | null> {
  if (!/^[0-9a-f-]{36}$/.test(videoId)) return null;
  const row = await db("videos as v")
    .join("candidates as c", "c.id", "v.candidate_id")
    .join("contests as k", "k.id", "c.contest_id")
    .join("elections as e", "e.id", "k.election_id")
    .leftJoin("questions as q", "q.id", "v.question_id")
    .leftJoin("answers as a", function () {
      this.on("a.question_id", "=", "v.question_id").andOn("a.candidate_id", "=", "v.candidate_id");
    })
    .leftJoin("video_uploads as u", "u.video_id", "v.id")
    .where("v.id", videoId)
    .whereIn("v.candidate_id", candidacyIds)
    .first<CandidateVideoRow | undefined>(
      "v.id",
      "v.candidate_id",
      "e.jurisdiction_id",
      "v.status",
      "v.failure_reason",
      "v.created_at",
      "v.size_bytes",
      "v.duration_seconds",
      "v.original_key",
      "v.content_type",
      "v.poster_key",
      "v.captions_key",
      "q.id as question_id",
      "q.body as question_body",
      "a.status as answer_status",
      "a.kind as answer_kind",
      "a.video_id as answer_video_id",
      "u.received_bytes",
      "u.total_bytes",
    );
  if (!row) return null;
  const ready = row.status === "ready";
  const renditions = ready
    ? await db("video_renditions")
        .where({ video_id: row.id })
        .orderBy([{ column: "height" }, { column: "width" }])
        .select<Array<{ storage_key: string; width: number; height: number }>>(
          "storage_key",
          "width",
          "height",
        )
    : [];
  return {
    id: row.id,
    candidateId: row.candidate_id,
    jurisdictionId: row.jurisdiction_id,
    status: row.status,
    failureReason: row.failure_reason,
    createdAt: row.created_at.toISOString(),
    sizeBytes: row.size_bytes === null ? null : Number(row.size_bytes),
    durationSeconds: row.duration_seconds === null ? null : Number(row.duration_seconds),
    originalKey: row.original_key,
    contentType: row.content_type,
    question: row.question_id ? { id: row.question_id, body: row.question_body ?? "" } : null,
    posterUrl: ready && row.poster_key ? mediaUrl(row.poster_key) : null,
    sources: renditions.map((rendition) => ({
      url: mediaUrl(rendition.storage_key),
      type: "video/mp4",
      width: rendition.width,
      height: rendition.height,
    })),
    captionsUrl: ready && row.captions_key ? mediaUrl(row.captions_key) : null,
    answer:
      row.answer_status && row.answer_kind
        ? {
            status: row.answer_status,
            kind: row.answer_kind,
            isThisVideo: row.answer_video_id === row.id,
          }
        : null,
    upload:
      row.status === "uploading" && row.total_bytes !== null
        ? { receivedBytes: Number(row.received_bytes), totalBytes: Number(row.total_bytes) }
        : null,
  };
}

/** Sends a failed video back to be processed again. False when it is not failed. */
export async function retryVideo(db: Db, video: CandidateVideo, actor: Actor): Promise<boolean> {
  return db.transaction(async (trx) => {
    const updated = await trx("videos")
      .where({ id: video.id, status: "failed" })
      .update({ status: "uploaded", failure_reason: null, updated_at: trx.fn.now() });
    if (updated === 0) return false;
    await enqueueTranscode(trx, video.id);
    await audit(trx, actor, {
      action: "video.retried",
      targetType: "video",
      targetId: video.id,
      jurisdictionId: video.jurisdictionId,
    });
    return true;
  });
}

/**
 * Deletes a video the candidate no longer wants, with every file stored for it, giving its
 * space back to their quota. Refused ("inUse") while an answer shows it.
 */
export async function discardVideo(
  db: Db,
  video: CandidateVideo,
  actor: Actor,
): Promise<"discarded" | "inUse"> {
  const deleted = await db.transaction(async (trx) => {
    const inUse = await trx("answers").where({ video_id: video.id }).first("id");
    if (inUse) return null;
    const upload = await trx("video_uploads")
      .where({ video_id: video.id })
      .first<{ storage_upload_id: string } | undefined>("storage_upload_id");
    const removed = await trx("videos").where({ id: video.id }).delete();
    if (removed === 0) return null;
    await audit(trx, actor, {
      action: "video.discarded",
      targetType: "video",
      targetId: video.id,
      jurisdictionId: video.jurisdictionId,
    });
    return { upload };
  });
  if (!deleted) return "inUse";
  // After the commit: a file left by a failure here is the clean-up's (no row names it).
  if (deleted.upload)
    await storage().abortMultipart(video.originalKey, deleted.upload.storage_upload_id);
  await deleteVideoFiles(video.id);
  return "discarded";
}

/** Every stored file of a video: its original, renditions, thumbnails and captions. */
export async function deleteVideoFiles(videoId: string): Promise<void> {
  for (const area of ["videos/originals", "videos/transcoded", "videos/thumbnails"]) {
    await deleteKeys(await storage().list(`${area}/${videoId}/`));
  }
}

export type QuestionVideo = { id: string; status: VideoStatus; createdAt: string };

/** The candidate's videos recorded for a question, newest first (the upload page lists them). */
export async function videosForQuestion(
  db: DbOrTransaction,
  candidateId: string,
  questionId: string,
): Promise<QuestionVideo[]> {
  const rows = await db("videos")
    .where({ candidate_id: candidateId, question_id: questionId })
    .orderBy("created_at", "desc")
    .select<Array<{ id: string; status: VideoStatus; created_at: Date }>>(
      "id",
      "status",
      "created_at",
    );
  return rows.map((row) => ({
    id: row.id,
    status: row.status,
    createdAt: row.created_at.toISOString(),
  }));
}
