import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { unstable_parseMultipartFormData } from "@remix-run/node";
import { audit, type Actor } from "~/lib/audit.server";
import type { OwnCandidacy } from "~/lib/candidate-access.server";
import { config } from "~/lib/config.server";
import type { Db, DbOrTransaction } from "~/lib/db.server";
import { log } from "~/lib/log.server";
import { newStorageKey, storage } from "~/lib/storage.server";
import { enqueueTranscode, SNIFF_BYTES, sniffVideoType } from "./videos.server";

/**
 * How a candidate's video arrives: a plain multipart form (`receiveFormUpload`), or with
 * JavaScript a resumable upload in fixed-size parts (`createUploadSession`, `receiveUploadPart`;
 * docs/decisions/009-resumable-uploads.md). Either way the bytes stream into storage and are
 * never held whole in memory or on the app's disk; the type is decided from the first bytes, the
 * size and the candidate's quota are enforced as they arrive, and an upload that completes is
 * queued for processing.
 */

/** Parts of a resumable upload: small enough to resend cheaply on a bad connection. */
export const UPLOAD_PART_BYTES = 8 * 1024 * 1024;
/** Room for a form's boundaries and other fields around the file in its Content-Length. */
const FORM_OVERHEAD_BYTES = 64 * 1024;

export type UploadProblem =
  "noFile" | "empty" | "notVideo" | "tooLarge" | "quotaExceeded" | "interrupted";

export type UploadOutcome = { ok: true; videoId: string } | { ok: false; problem: UploadProblem };

/** Bytes the candidate's videos take (originals or what an upload reserved, and renditions). */
async function storedBytes(db: DbOrTransaction, candidateId: string): Promise<number> {
  const row = await db("videos as v")
    .where("v.candidate_id", candidateId)
    .first<{ total: string }>(
      db.raw(
        `coalesce(sum(v.size_bytes), 0) + coalesce((select sum(r.size_bytes) from video_renditions r
           join videos w on w.id = r.video_id where w.candidate_id = ?), 0) as total`,
        [candidateId],
      ),
    );
  return Number(row?.total ?? 0);
}

/** What the candidate may still store, for the upload page. */
export async function quotaLeft(db: DbOrTransaction, candidateId: string): Promise<number> {
  return Math.max(0, config().VIDEO_QUOTA_BYTES - (await storedBytes(db, candidateId)));
}

type NewVideo = {
  candidacy: OwnCandidacy;
  questionId: string;
  /** bytes set aside against the quota until the upload ends (then its real size) */
  reserve: number;
};

/**
 * Records a video about to arrive (status uploading, its key generated) if the candidate's quota
 * has room for `reserve` bytes; null when it has not. Serialised per candidate, so two uploads at
 * once cannot both take the last of the quota.
 */
async function startVideo(trx: DbOrTransaction, video: NewVideo) {
  await trx("candidates").where({ id: video.candidacy.id }).forNoKeyUpdate().first("id");
  if ((await storedBytes(trx, video.candidacy.id)) + video.reserve > config().VIDEO_QUOTA_BYTES) {
    return null;
  }
  const id = randomUUID();
  const key = newStorageKey("videos/originals", id, "original");
  await trx("videos").insert({
    id,
    candidate_id: video.candidacy.id,
    question_id: video.questionId,
    original_key: key,
    size_bytes: video.reserve,
    status: "uploading",
  });
  return { id, key };
}

/** Marks an upload complete and queues its processing, in one transaction. */
async function finishVideo(
  trx: DbOrTransaction,
  video: { id: string; size: number; contentType: string; candidacy: OwnCandidacy },
  actor: Actor,
): Promise<void> {
  await trx("videos").where({ id: video.id, status: "uploading" }).update({
    status: "uploaded",
    size_bytes: video.size,
    content_type: video.contentType,
    updated_at: trx.fn.now(),
  });
  await enqueueTranscode(trx, video.id);
  await audit(trx, actor, {
    action: "video.uploaded",
    targetType: "video",
    targetId: video.id,
    jurisdictionId: video.candidacy.jurisdictionId,
    details: { sizeBytes: video.size, contentType: video.contentType },
  });
}

class UploadRefused extends Error {
  constructor(readonly problem: UploadProblem) {
    super(problem);
  }
}

/**
 * The plain form (`<input type="file" name="video">` in a multipart form): the file part streams
 * into storage as it is parsed. Refused before a byte is stored when the declared length is
 * over VIDEO_MAX_BYTES or the quota; refused as soon as the bytes cross the limit otherwise (the
 * partial object is removed).
 */
export async function receiveFormUpload(
  db: Db,
  request: Request,
  target: { candidacy: OwnCandidacy; questionId: string },
  actor: Actor,
): Promise<UploadOutcome> {
  const type = request.headers.get("Content-Type") ?? "";
  if (!request.body || !/^multipart\/form-data;/i.test(type)) {
    return { ok: false, problem: "noFile" };
  }
  // A refusal is answered at once, the rest of the body unread (the route closes the
  // connection after it); browsers show the answer while still sending.
  const refuse = (problem: UploadProblem): UploadOutcome => ({ ok: false, problem });
  const declared = Number(request.headers.get("Content-Length") ?? Number.NaN);
  const maxBytes = config().VIDEO_MAX_BYTES;
  if (declared > maxBytes + FORM_OVERHEAD_BYTES) return refuse("tooLarge");
  const left = await quotaLeft(db, target.candidacy.id);
  // The file is smaller than the body, so its declared length is enough to set aside. A body
  // of unknown length may take what the quota has left, up to the size limit.
  const limit = Number.isFinite(declared) ? Math.min(declared, maxBytes) : Math.min(maxBytes, left);
  if (limit > left || limit === 0) return refuse("quotaExceeded");
  const crossing: UploadProblem =
    limit < maxBytes && !Number.isFinite(declared) ? "quotaExceeded" : "tooLarge";
  const video = await db.transaction((trx) => startVideo(trx, { ...target, reserve: limit }));
  if (!video) return refuse("quotaExceeded");

  const received: { file?: { size: number; contentType: string } } = {};
  try {
    await unstable_parseMultipartFormData(request, async (part) => {
      if (part.name !== "video" || part.filename === undefined || received.file) {
        // Read past anything else: left unread, the parser would buffer it.
        for await (const chunk of part.data) void chunk;
        return undefined;
      }
      // What a browser sends for a file input left empty.
      if (part.filename === "") throw new UploadRefused("noFile");
      received.file = await storeFilePart(part.data, video.key, limit, crossing);
      return video.id;
    });
    if (!received.file) throw new UploadRefused("noFile");
  } catch (error) {
    await db("videos").where({ id: video.id }).delete();
    await storage().delete(video.key);
    if (error instanceof UploadRefused) return refuse(error.problem);
    // The request broke off (the connection dropped) or was not a form: nothing to answer.
    log.info({ err: error, videoId: video.id }, "a video upload broke off");
    return { ok: false, problem: "interrupted" };
  }
  const { size, contentType } = received.file;
  await db.transaction((trx) =>
    finishVideo(trx, { id: video.id, size, contentType, candidacy: target.candidacy }, actor),
  );
  return { ok: true, videoId: video.id };
}

/**
 * Streams one file part into storage under `key`: its first bytes decide its type (refused
 * when they are no video container we know), and crossing `limit` refuses it at once.
 */
async function storeFilePart(
  data: AsyncIterable<Uint8Array>,
  key: string,
  limit: number,
  crossing: UploadProblem,
): Promise<{ size: number; contentType: string }> {
  const iterator = data[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headBytes = 0;
  while (headBytes < SNIFF_BYTES) {
    const next = await iterator.next();
    if (next.done) break;
    head.push(Buffer.from(next.value));
    headBytes += next.value.length;
  }
  if (headBytes === 0) throw new UploadRefused("empty");
  const first = Buffer.concat(head);
  const contentType = sniffVideoType(first);
  if (!contentType) throw new UploadRefused("notVideo");
  let size = 0;
  async function* counted() {
    for (let chunk: Uint8Array | undefined = first; chunk;) {
      size += chunk.length;
      if (size > limit) throw new UploadRefused(crossing);
      yield chunk;
      const next = await iterator.next();
      chunk = next.done ? undefined : next.value;
    }
  }
  await storage().put(key, Readable.from(counted()), { contentType });
  return { size, contentType };
}

// ---------------------------------------------------------------------------------------------
// Resumable uploads
// ---------------------------------------------------------------------------------------------

export type UploadSession = {
  id: string;
  videoId: string;
  totalBytes: number;
  partBytes: number;
  receivedBytes: number;
  complete: boolean;
};

/**
 * Starts a resumable upload of `size` bytes for the question: reserves the bytes against the
 * quota, records the video (uploading) and opens the driver's multipart upload.
 */
export async function createUploadSession(
  db: Db,
  target: { candidacy: OwnCandidacy; questionId: string; userId: string; size: number },
): Promise<{ ok: true; session: UploadSession } | { ok: false; problem: UploadProblem }> {
  if (!Number.isSafeInteger(target.size) || target.size <= 0)
    return { ok: false, problem: "empty" };
  if (target.size > config().VIDEO_MAX_BYTES) return { ok: false, problem: "tooLarge" };
  const session = await db.transaction(async (trx) => {
    const video = await startVideo(trx, { ...target, reserve: target.size });
    if (!video) return null;
    // The object's type is ours to decide once its first part arrives; S3 needs one now.
    const uploadId = await storage().createMultipart(video.key, {
      contentType: "application/octet-stream",
      partSize: UPLOAD_PART_BYTES,
    });
    const [row] = await trx("video_uploads")
      .insert({
        video_id: video.id,
        user_id: target.userId,
        storage_upload_id: uploadId,
        total_bytes: target.size,
        part_bytes: UPLOAD_PART_BYTES,
      })
      .returning<Array<{ id: string }>>("id");
    return { id: row!.id, videoId: video.id };
  });
  if (!session) return { ok: false, problem: "quotaExceeded" };
  return {
    ok: true,
    session: {
      ...session,
      totalBytes: target.size,
      partBytes: UPLOAD_PART_BYTES,
      receivedBytes: 0,
      complete: false,
    },
  };
}

type SessionRow = {
  id: string;
  video_id: string;
  storage_upload_id: string;
  total_bytes: string;
  part_bytes: number;
  received_bytes: string;
  receipts: string[];
  original_key: string;
  candidate_id: string;
  status: string;
};

function sessionRow(db: DbOrTransaction, userId: string, uploadId: string) {
  if (!/^[0-9a-f-]{36}$/.test(uploadId)) return Promise.resolve(undefined);
  return db("video_uploads as u")
    .join("videos as v", "v.id", "u.video_id")
    .where({ "u.id": uploadId, "u.user_id": userId })
    .first<SessionRow | undefined>(
      "u.id",
      "u.video_id",
      "u.storage_upload_id",
      "u.total_bytes",
      "u.part_bytes",
      "u.received_bytes",
      "u.receipts",
      "v.original_key",
      "v.candidate_id",
      "v.status",
    );
}

function sessionOf(row: SessionRow): UploadSession {
  return {
    id: row.id,
    videoId: row.video_id,
    totalBytes: Number(row.total_bytes),
    partBytes: row.part_bytes,
    receivedBytes: Number(row.received_bytes),
    complete: row.status !== "uploading",
  };
}

/**
 * The account's upload: how far it got (the client resumes from there), and whether it is
 * complete (the row stays, so a client whose last answer was lost still learns its video).
 */
export async function uploadSession(
  db: DbOrTransaction,
  userId: string,
  uploadId: string,
): Promise<UploadSession | null> {
  const row = await sessionRow(db, userId, uploadId);
  return row ? sessionOf(row) : null;
}

export type PartOutcome =
  | { ok: true; session: UploadSession }
  | {
      ok: false;
      problem: "notFound" | "offsetMismatch" | "badLength" | "notVideo" | "interrupted";
      session?: UploadSession;
    };

/**
 * Stores the part starting at `offset` (which must be where the upload stands) of exactly the
 * part size, or what is left for the last one. A part cut off by the connection is not counted:
 * the client asks where the upload stands and sends that part again. The first part's bytes
 * decide the type (not a video: the upload ends there). The last part completes the upload; an
 * empty part at the end completes it again if that failed (storage was unavailable).
 */
export async function receiveUploadPart(
  db: Db,
  target: { userId: string; uploadId: string; candidacies: OwnCandidacy[] },
  part: { offset: number; length: number; body: Readable },
  actor: Actor,
): Promise<PartOutcome> {
  const row = await sessionRow(db, target.userId, target.uploadId);
  const candidacy = row && target.candidacies.find((c) => c.id === row.candidate_id);
  if (!row || !candidacy || row.status !== "uploading") return { ok: false, problem: "notFound" };
  const session = sessionOf(row);
  if (part.offset !== session.receivedBytes) {
    return { ok: false, problem: "offsetMismatch", session };
  }
  if (session.receivedBytes === session.totalBytes && part.length === 0) {
    await completeUpload(db, row, candidacy, actor);
    return { ok: true, session: { ...session, complete: true } };
  }
  const expected = Math.min(session.partBytes, session.totalBytes - session.receivedBytes);
  if (part.length !== expected || expected === 0)
    return { ok: false, problem: "badLength", session };

  let body = part.body;
  let contentType: string | undefined;
  if (part.offset === 0) {
    const peeked = await peek(part.body, SNIFF_BYTES);
    contentType = sniffVideoType(peeked.head) ?? undefined;
    if (!contentType) {
      // The rest is left unread: the refusal closes the connection (the route says so).
      await abandonUpload(db, row);
      return { ok: false, problem: "notVideo" };
    }
    body = peeked.stream;
  }
  const partNumber = part.offset / session.partBytes + 1;
  let receipt: string;
  try {
    receipt = await storage().putPart(
      row.original_key,
      row.storage_upload_id,
      partNumber,
      body,
      expected,
    );
  } catch (error) {
    log.info({ err: error, uploadId: row.id }, "an upload part broke off");
    return { ok: false, problem: "interrupted", session };
  }
  const received = part.offset + expected;
  const advanced = await db.transaction(async (trx) => {
    const updated = await trx("video_uploads")
      .where({ id: row.id, received_bytes: part.offset })
      .update({
        received_bytes: received,
        receipts: trx.raw("array_append(receipts, ?)", [receipt]),
        updated_at: trx.fn.now(),
      });
    if (updated === 0) return false;
    // The clean-up measures an upload's age from its last part.
    await trx("videos")
      .where({ id: row.video_id })
      .update({ updated_at: trx.fn.now(), ...(contentType ? { content_type: contentType } : {}) });
    return true;
  });
  if (!advanced) {
    // A duplicate of this part (a client retry) was counted first; it wrote the same bytes.
    const now = await uploadSession(db, target.userId, target.uploadId);
    return now
      ? { ok: false, problem: "offsetMismatch", session: now }
      : { ok: false, problem: "notFound" };
  }
  const next = { ...session, receivedBytes: received };
  if (received < session.totalBytes) return { ok: true, session: next };
  await completeUpload(db, { ...row, receipts: [...row.receipts, receipt] }, candidacy, actor);
  return { ok: true, session: { ...next, complete: true } };
}

/** Joins the parts into the original and queues its processing. */
async function completeUpload(
  db: Db,
  row: SessionRow,
  candidacy: OwnCandidacy,
  actor: Actor,
): Promise<void> {
  // Already joined when an earlier completion failed only at the database.
  const joined = await storage().stat(row.original_key);
  const { size } =
    joined?.size === Number(row.total_bytes)
      ? joined
      : await storage().completeMultipart(row.original_key, row.storage_upload_id, row.receipts);
  await db.transaction(async (trx) => {
    const video = await trx("videos")
      .where({ id: row.video_id })
      .first<{ content_type: string | null }>("content_type");
    await finishVideo(
      trx,
      {
        id: row.video_id,
        size,
        contentType: video?.content_type ?? "application/octet-stream",
        candidacy,
      },
      actor,
    );
  });
}

/** Ends an upload that will not complete: its parts, its reservation and its video row. */
async function abandonUpload(db: Db, row: SessionRow): Promise<void> {
  await storage().abortMultipart(row.original_key, row.storage_upload_id);
  await db("videos").where({ id: row.video_id, status: "uploading" }).delete();
}

/**
 * The first `bytes` of a stream, and a stream that still yields everything from the start.
 */
async function peek(source: Readable, bytes: number): Promise<{ head: Buffer; stream: Readable }> {
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const chunks: Buffer[] = [];
  let length = 0;
  while (length < bytes) {
    const next = await iterator.next();
    if (next.done) break;
    chunks.push(next.value);
    length += next.value.length;
  }
  async function* replay() {
    yield* chunks;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      yield next.value;
    }
  }
  return { head: Buffer.concat(chunks), stream: Readable.from(replay(), { objectMode: false }) };
}
