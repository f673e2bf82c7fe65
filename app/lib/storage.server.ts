import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { config } from "./config.server";

/**
 * The one place files are stored: uploaded originals, transcoded video, images, source documents.
 * A driver behind one interface (local disk, or S3 in app/lib/storage-s3.server.ts), addressed by
 * keys we generate, never by a name a user sent.
 *
 * Key layout: `<area>/<owner id>/<random token>/<file name>`, for example
 * `videos/transcoded/<video id>/<token>/720p.mp4`. The token makes every key name one content
 * for ever (a new transcode writes new keys), which is what lets /media cache for a year.
 */
export const STORAGE_AREAS = [
  "videos/originals",
  "videos/transcoded",
  "videos/thumbnails",
  "images/profiles",
  "images/candidates",
  "images/measures",
  "images/offices",
  "documents/sources",
  "exports/open-data",
] as const;
export type StorageArea = (typeof STORAGE_AREAS)[number];

/** Served to anyone by /media once a record publishes them; the other areas never are. */
export const PUBLIC_AREAS: readonly StorageArea[] = [
  "videos/transcoded",
  "videos/thumbnails",
  "images/profiles",
  "images/candidates",
  "images/measures",
  "images/offices",
  "exports/open-data",
];

// Segments start with a letter or digit: no "", ".", ".." or hidden names, so a key can never
// climb out of its area nor address the driver's own dot-directories (the local driver's temp).
const KEY_PATTERN = /^[a-z0-9][a-z0-9_.-]*(?:\/[a-z0-9][a-z0-9_.-]*)*$/;
const MAX_KEY_LENGTH = 512;

export class InvalidStorageKeyError extends Error {
  constructor(key: string) {
    super(`invalid storage key: ${JSON.stringify(key.slice(0, 100))}`);
  }
}

export function isValidKey(key: string): boolean {
  return (
    key.length <= MAX_KEY_LENGTH &&
    KEY_PATTERN.test(key) &&
    STORAGE_AREAS.some((area) => key.startsWith(`${area}/`))
  );
}

function assertValidKey(key: string): void {
  if (!isValidKey(key)) throw new InvalidStorageKeyError(key);
}

/** A listing prefix: key characters, and no segment before the last that a key could not have. */
function assertValidPrefix(prefix: string): void {
  const directory = prefix.includes("/") ? prefix.slice(0, prefix.lastIndexOf("/")) : "";
  if (
    (prefix !== "" && !/^[a-z0-9][a-z0-9_./-]*$/.test(prefix)) ||
    directory.split("/").some((segment) => segment.startsWith("."))
  ) {
    throw new InvalidStorageKeyError(prefix);
  }
}

/** The area a valid key lies in. */
export function areaOf(key: string): StorageArea | null {
  if (!isValidKey(key)) return null;
  return STORAGE_AREAS.find((area) => key.startsWith(`${area}/`)) ?? null;
}

/** The owner id (a video's, a candidate's, …) a key was generated for: its third segment. */
export function ownerIdOf(key: string): string | null {
  return isValidKey(key) ? (key.split("/")[2] ?? null) : null;
}

/** A fresh key for one file of `ownerId` (a uuid) in `area`; `fileName` is ours, e.g. "720p.mp4". */
export function newStorageKey(area: StorageArea, ownerId: string, fileName: string): string {
  const key = `${area}/${ownerId}/${randomBytes(8).toString("hex")}/${fileName}`;
  assertValidKey(key);
  return key;
}

/** The public address of a public key; the one place /media URLs are built. */
export function mediaUrl(key: string): string {
  const area = areaOf(key);
  if (!area || !PUBLIC_AREAS.includes(area)) throw new InvalidStorageKeyError(key);
  return `/media/${key}`;
}

/** Inclusive byte offsets, as HTTP ranges count them. */
export type ByteRange = { start: number; end: number };

export type ObjectInfo = {
  size: number;
  /** as the driver stored it; the local disk keeps none. Our records are the authority. */
  contentType?: string;
};

/** What `stat` tells: the age lets clean-up spare objects an upload is still writing. */
export type ObjectStat = ObjectInfo & { lastModified: Date };

/** `size` is the whole object's, so a caller can write Content-Range; `stream` holds the range. */
export type StoredObject = ObjectInfo & { stream: Readable };

/**
 * The smallest part of a multipart upload but the last (S3's own floor), and the largest a
 * caller may send: parts are held to one size so a driver can place part N at (N-1) × size.
 */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
export const MAX_PART_BYTES = 64 * 1024 * 1024;

export interface StorageDriver {
  /**
   * Stores a body under a key, streaming (a body is never held in memory whole). Readers see the
   * previous object or the complete new one, never a partial write.
   */
  put(key: string, body: Readable | Buffer, options: { contentType: string }): Promise<ObjectInfo>;
  /** null when there is no such object. A range past the end is clamped; one starting past it throws. */
  get(key: string, range?: ByteRange): Promise<StoredObject | null>;
  stat(key: string): Promise<ObjectStat | null>;
  /** Deleting a missing object is not an error (a retried job may delete twice). */
  delete(key: string): Promise<void>;
  /** Every key beginning with `prefix` (which need not end at a "/"), sorted. */
  list(prefix: string): Promise<string[]>;

  /**
   * Multipart upload: one object sent as numbered parts over many requests (a resumable upload),
   * invisible until completed. Every part but the last is exactly `partSize` bytes
   * (MIN_PART_BYTES to MAX_PART_BYTES); a part sent again replaces the earlier one. Returns the
   * upload's id.
   */
  createMultipart(key: string, options: { contentType: string; partSize: number }): Promise<string>;
  /**
   * Stores part `partNumber` (from 1) of `size` bytes, streaming; throws when the body is not
   * exactly that long (a cut-off request). Returns a receipt to pass to `completeMultipart`.
   */
  putPart(
    key: string,
    uploadId: string,
    partNumber: number,
    body: Readable,
    size: number,
  ): Promise<string>;
  /** Assembles the parts (their receipts in order) into the object, which appears whole. */
  completeMultipart(key: string, uploadId: string, receipts: string[]): Promise<ObjectInfo>;
  /** Discards an unfinished upload's parts; an unknown or finished upload is not an error. */
  abortMultipart(key: string, uploadId: string): Promise<void>;
  /**
   * Removes what writes left behind when their process died (partial puts, multipart uploads
   * nobody will finish) untouched since `before`; returns how many. For the hourly clean-up.
   */
  sweepIncomplete(before: Date): Promise<number>;

  /**
   * A URL the browser fetches the object from directly, valid for `expiresInSeconds`, served
   * with the given headers; null when the driver has no such URLs (the app serves the object).
   */
  signedUrl(
    key: string,
    options: { expiresInSeconds: number; contentType: string; contentDisposition: string },
  ): Promise<string | null>;
}

/** A multipart upload id as the local driver makes them (it names a directory). */
const LOCAL_UPLOAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function assertPartSize(partSize: number): void {
  if (!Number.isSafeInteger(partSize) || partSize < MIN_PART_BYTES || partSize > MAX_PART_BYTES) {
    throw new RangeError(`a part size must be ${MIN_PART_BYTES} to ${MAX_PART_BYTES} bytes`);
  }
}

export class IncompletePartError extends Error {
  constructor(expected: number, received: number | string) {
    super(`the part was ${received} bytes where ${expected} were announced`);
  }
}

/**
 * Passes a part's body through, failing it when it runs past `size` bytes or ends short (a
 * cut-off request), so a store never keeps the wrong bytes as the part.
 */
function exactly(size: number): Transform {
  let bytes = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      callback(bytes > size ? new IncompletePartError(size, `more than ${size}`) : null, chunk);
    },
    flush(callback) {
      callback(bytes === size ? null : new IncompletePartError(size, bytes));
    },
  });
}

/** Keys on a local disk: files under one directory, `<dir>/<key>`. */
export class LocalDiskStorage implements StorageDriver {
  readonly root: string;
  /** Inside the root, so a rename into place never crosses filesystems; no key can name it. */
  private readonly incoming: string;
  /** Unfinished multipart uploads, one directory each (a `meta.json` and the growing `data`). */
  private readonly multipart: string;

  constructor(root: string) {
    this.root = path.resolve(root);
    this.incoming = path.join(this.root, ".incoming");
    this.multipart = path.join(this.root, ".multipart");
  }

  private pathOf(key: string): string {
    assertValidKey(key);
    return path.join(this.root, ...key.split("/"));
  }

  async put(
    key: string,
    body: Readable | Buffer,
    // Unused: a local disk keeps no content type, and /media reads it from our records.
    _options: { contentType: string },
  ): Promise<ObjectInfo> {
    const target = this.pathOf(key);
    await fsp.mkdir(this.incoming, { recursive: true });
    await fsp.mkdir(path.dirname(target), { recursive: true });
    const temporary = path.join(this.incoming, randomUUID());
    try {
      // flush: fsync before close, so the renamed file is complete on disk after a crash too
      const out = fs.createWriteStream(temporary, { flags: "wx", flush: true });
      await pipeline(Buffer.isBuffer(body) ? Readable.from([body]) : body, out);
      await fsp.rename(temporary, target);
    } catch (error) {
      await fsp.rm(temporary, { force: true });
      throw error;
    }
    const { size } = await fsp.stat(target);
    return { size };
  }

  async get(key: string, range?: ByteRange): Promise<StoredObject | null> {
    const handle = await openIfExists(this.pathOf(key));
    if (!handle) return null;
    try {
      // Sized from the open file: a put replacing it meanwhile cannot change what this stream reads.
      const stats = await handle.stat();
      if (!stats.isFile()) {
        await handle.close();
        return null;
      }
      const size = stats.size;
      if (range && (range.start < 0 || range.start > range.end || range.start >= size)) {
        throw new RangeError(`range ${range.start}-${range.end} is outside 0-${size - 1}`);
      }
      const stream = handle.createReadStream(
        range ? { start: range.start, end: Math.min(range.end, size - 1) } : {},
      );
      return { size, stream };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async stat(key: string): Promise<ObjectStat | null> {
    try {
      const stats = await fsp.stat(this.pathOf(key));
      return stats.isFile() ? { size: stats.size, lastModified: stats.mtime } : null;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await fsp.rm(this.pathOf(key), { force: true });
  }

  async list(prefix: string): Promise<string[]> {
    assertValidPrefix(prefix);
    // Walk only the deepest directory the prefix fully names.
    const directory = prefix.includes("/") ? prefix.slice(0, prefix.lastIndexOf("/")) : "";
    let entries: fs.Dirent[];
    try {
      entries = await fsp.readdir(path.join(this.root, directory), {
        recursive: true,
        withFileTypes: true,
      });
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
    return entries
      .filter((entry) => entry.isFile())
      .map((entry) =>
        path.relative(this.root, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"),
      )
      .filter((key) => key.startsWith(prefix) && isValidKey(key))
      .sort();
  }

  /**
   * Parts are written in place into one file (part N at (N-1) × partSize), so completing is a
   * rename, not a copy of the whole video.
   */
  async createMultipart(
    key: string,
    { partSize }: { contentType: string; partSize: number },
  ): Promise<string> {
    assertValidKey(key);
    assertPartSize(partSize);
    const uploadId = randomUUID();
    const directory = path.join(this.multipart, uploadId);
    await fsp.mkdir(directory, { recursive: true });
    await fsp.writeFile(path.join(directory, "data"), "");
    await fsp.writeFile(path.join(directory, "meta.json"), JSON.stringify({ key, partSize }));
    return uploadId;
  }

  private async openUpload(key: string, uploadId: string) {
    assertValidKey(key);
    if (!LOCAL_UPLOAD_ID.test(uploadId)) throw new Error("no such multipart upload");
    const directory = path.join(this.multipart, uploadId);
    let meta: { key: string; partSize: number };
    try {
      meta = JSON.parse(await fsp.readFile(path.join(directory, "meta.json"), "utf8"));
    } catch (error) {
      if (isMissing(error)) throw new Error("no such multipart upload");
      throw error;
    }
    if (meta.key !== key) throw new Error("no such multipart upload");
    return { directory, data: path.join(directory, "data"), partSize: meta.partSize };
  }

  async putPart(
    key: string,
    uploadId: string,
    partNumber: number,
    body: Readable,
    size: number,
  ): Promise<string> {
    const upload = await this.openUpload(key, uploadId);
    if (!Number.isSafeInteger(partNumber) || partNumber < 1 || size < 0 || size > upload.partSize) {
      throw new RangeError(`part ${partNumber} of ${size} bytes does not fit this upload`);
    }
    const out = fs.createWriteStream(upload.data, {
      flags: "r+",
      start: (partNumber - 1) * upload.partSize,
      flush: true,
    });
    // A cut-off part leaves bytes past the received ones; the part sent again overwrites them.
    await pipeline(body, exactly(size), out);
    return String(size);
  }

  async completeMultipart(key: string, uploadId: string, receipts: string[]): Promise<ObjectInfo> {
    const upload = await this.openUpload(key, uploadId);
    const sizes = receipts.map(Number);
    if (sizes.some((size, index) => index < sizes.length - 1 && size !== upload.partSize)) {
      throw new Error("every part but the last must be the upload's part size");
    }
    const total = sizes.reduce((sum, size) => sum + size, 0);
    await fsp.truncate(upload.data, total);
    const target = this.pathOf(key);
    await fsp.mkdir(path.dirname(target), { recursive: true });
    await fsp.rename(upload.data, target);
    await fsp.rm(upload.directory, { recursive: true, force: true });
    return { size: total };
  }

  async abortMultipart(key: string, uploadId: string): Promise<void> {
    assertValidKey(key);
    if (!LOCAL_UPLOAD_ID.test(uploadId)) return;
    await fsp.rm(path.join(this.multipart, uploadId), { recursive: true, force: true });
  }

  async sweepIncomplete(before: Date): Promise<number> {
    let removed = 0;
    for (const directory of [this.incoming, this.multipart]) {
      let entries: string[];
      try {
        entries = await fsp.readdir(directory);
      } catch (error) {
        if (isMissing(error)) continue;
        throw error;
      }
      for (const entry of entries) {
        const target = path.join(directory, entry);
        // A multipart upload's age is its data's: each part written touches it.
        const touched = await fsp
          .stat(directory === this.multipart ? path.join(target, "data") : target)
          .catch(() => fsp.stat(target));
        if (touched.mtime < before) {
          await fsp.rm(target, { recursive: true, force: true });
          removed += 1;
        }
      }
    }
    return removed;
  }

  /** None: the app serves local objects itself (see the video service's signed original URLs). */
  async signedUrl(): Promise<string | null> {
    return null;
  }
}

async function openIfExists(file: string): Promise<fsp.FileHandle | null> {
  try {
    return await fsp.open(file, "r");
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR";
}

export type S3Settings = {
  bucket: string;
  region: string;
  /** an S3-compatible server (MinIO, s3rver); unset for AWS */
  endpoint?: string;
  forcePathStyle: boolean;
  /** for tests against a local server; otherwise the SDK's default chain (environment, role) */
  credentials?: { accessKeyId: string; secretAccessKey: string };
};

/**
 * Keys as objects of one S3 bucket. A put whose length is unknown (an upload arriving) goes up
 * as a multipart upload of MIN_PART_BYTES parts, one in memory at a time; either way the object
 * appears whole or not at all.
 */
export class S3Storage implements StorageDriver {
  private readonly client: S3Client;
  private readonly bucket: string;

  constructor(settings: S3Settings) {
    this.bucket = settings.bucket;
    this.client = new S3Client({
      region: settings.region,
      endpoint: settings.endpoint,
      forcePathStyle: settings.forcePathStyle,
      credentials: settings.credentials,
      // Checksums only where S3 demands them: the newer default sends streamed bodies in
      // aws-chunked framing, which S3-compatible servers store verbatim inside the object.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      // Warnings into our JSON log, not the console; the SDK logs every call at info level.
      logger: {
        trace() {},
        debug() {},
        info() {},
        warn: (...content: unknown[]) => logLater("warn", { content }, "S3 client"),
        error: (...content: unknown[]) => logLater("error", { content }, "S3 client"),
      },
    });
  }

  async put(
    key: string,
    body: Readable | Buffer,
    { contentType }: { contentType: string },
  ): Promise<ObjectInfo> {
    assertValidKey(key);
    if (Buffer.isBuffer(body)) return this.putWhole(key, body, contentType);
    let uploadId: string | undefined;
    const receipts: string[] = [];
    let part = Buffer.allocUnsafe(MIN_PART_BYTES);
    let filled = 0;
    let total = 0;
    const sendPart = async () => {
      uploadId ??= await this.createMultipart(key, { contentType, partSize: MIN_PART_BYTES });
      receipts.push(
        await this.uploadPart(key, uploadId, receipts.length + 1, part.subarray(0, filled)),
      );
      part = Buffer.allocUnsafe(MIN_PART_BYTES);
      filled = 0;
    };
    try {
      for await (const chunk of body) {
        let bytes = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
        total += bytes.length;
        while (bytes.length > 0) {
          const taken = bytes.copy(part, filled);
          filled += taken;
          bytes = bytes.subarray(taken);
          if (filled === MIN_PART_BYTES) await sendPart();
        }
      }
      // Small enough for one part: a plain put, no multipart upload at all.
      if (!uploadId) return await this.putWhole(key, part.subarray(0, filled), contentType);
      if (filled > 0) await sendPart();
      await this.completeMultipart(key, uploadId, receipts);
      return { size: total, contentType };
    } catch (error) {
      if (uploadId) await this.abortMultipart(key, uploadId);
      throw error;
    }
  }

  private async putWhole(key: string, body: Buffer, contentType: string): Promise<ObjectInfo> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: body,
        ContentType: contentType,
        ContentLength: body.length,
      }),
    );
    return { size: body.length, contentType };
  }

  async get(key: string, range?: ByteRange): Promise<StoredObject | null> {
    assertValidKey(key);
    if (range && (range.start < 0 || range.start > range.end)) {
      throw new RangeError(`range ${range.start}-${range.end} is not a range`);
    }
    try {
      const response = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Range: range ? `bytes=${range.start}-${range.end}` : undefined,
        }),
      );
      const stream = response.Body as Readable;
      // "bytes 5-9/20": the whole object's size is after the slash.
      const size = range
        ? Number(response.ContentRange?.split("/")[1])
        : Number(response.ContentLength);
      if (range && !response.ContentRange) {
        // A server that ignored the range sent the whole object; nothing here can use it.
        stream.destroy();
        throw new RangeError(`range ${range.start}-${range.end} was not honoured`);
      }
      return { size, contentType: response.ContentType, stream };
    } catch (error) {
      if (isS3Error(error, "NoSuchKey", 404)) return null;
      if (isS3Error(error, "InvalidRange", 416)) {
        throw new RangeError(`range ${range?.start}-${range?.end} is outside the object`);
      }
      throw error;
    }
  }

  async stat(key: string): Promise<ObjectStat | null> {
    assertValidKey(key);
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        size: Number(head.ContentLength),
        contentType: head.ContentType,
        lastModified: head.LastModified ?? new Date(),
      };
    } catch (error) {
      if (isS3Error(error, "NotFound", 404)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async list(prefix: string): Promise<string[]> {
    assertValidPrefix(prefix);
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const item of page.Contents ?? []) {
        if (item.Key && isValidKey(item.Key)) keys.push(item.Key);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  }

  async createMultipart(
    key: string,
    { contentType, partSize }: { contentType: string; partSize: number },
  ): Promise<string> {
    assertValidKey(key);
    assertPartSize(partSize);
    const created = await this.client.send(
      new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key, ContentType: contentType }),
    );
    if (!created.UploadId) throw new Error("S3 returned no upload id");
    return created.UploadId;
  }

  async putPart(
    key: string,
    uploadId: string,
    partNumber: number,
    body: Readable,
    size: number,
  ): Promise<string> {
    assertValidKey(key);
    if (size < 0 || size > MAX_PART_BYTES) throw new RangeError(`a part of ${size} bytes`);
    const checked = exactly(size);
    // A body that fails or ends short must end the request too: the SDK only pipes it, and S3
    // would wait for the bytes still owed.
    const abort = new AbortController();
    let bodyError: unknown;
    checked.once("error", (error) => {
      bodyError = error;
      abort.abort(error);
    });
    body.once("error", (error) => checked.destroy(error));
    try {
      return await this.uploadPart(
        key,
        uploadId,
        partNumber,
        body.pipe(checked),
        size,
        abort.signal,
      );
    } catch (error) {
      throw bodyError ?? error;
    }
  }

  private async uploadPart(
    key: string,
    uploadId: string,
    partNumber: number,
    body: Buffer | Readable,
    size = (body as Buffer).length,
    abortSignal?: AbortSignal,
  ): Promise<string> {
    const uploaded = await this.client.send(
      new UploadPartCommand({
        Bucket: this.bucket,
        Key: key,
        UploadId: uploadId,
        PartNumber: partNumber,
        Body: body,
        ContentLength: size,
      }),
      { abortSignal },
    );
    if (!uploaded.ETag) throw new Error(`S3 returned no ETag for part ${partNumber}`);
    return uploaded.ETag;
  }

  async completeMultipart(key: string, uploadId: string, receipts: string[]): Promise<ObjectInfo> {
    assertValidKey(key);
    await this.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: this.bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: {
          Parts: receipts.map((etag, index) => ({ ETag: etag, PartNumber: index + 1 })),
        },
      }),
    );
    const info = await this.stat(key);
    if (!info) throw new Error(`${key} is missing after its multipart upload completed`);
    return { size: info.size, contentType: info.contentType };
  }

  /**
   * Best effort: parts left behind cost storage, not correctness, and the bucket's lifecycle
   * rule (AbortIncompleteMultipartUpload) removes them in the end; a failed abort must not hide
   * the error that led to it.
   */
  async abortMultipart(key: string, uploadId: string): Promise<void> {
    assertValidKey(key);
    try {
      await this.client.send(
        new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }),
      );
    } catch (error) {
      if (isS3Error(error, "NoSuchUpload", 404)) return;
      logLater(
        "warn",
        { key, err: error },
        "could not abort a multipart upload; the lifecycle rule will",
      );
    }
  }

  /**
   * Nothing to do: a failed put aborts its own multipart upload, and the bucket's lifecycle rule
   * (AbortIncompleteMultipartUpload, deploy/aws/civicq-stack.ts) removes what a dead process left.
   */
  async sweepIncomplete(): Promise<number> {
    return 0;
  }

  async signedUrl(
    key: string,
    options: { expiresInSeconds: number; contentType: string; contentDisposition: string },
  ): Promise<string | null> {
    assertValidKey(key);
    return getSignedUrl(
      this.client,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ResponseContentType: options.contentType,
        ResponseContentDisposition: options.contentDisposition,
      }),
      { expiresIn: options.expiresInSeconds },
    );
  }
}

/**
 * The log, loaded when first needed: importing it reads the configuration, and modules that
 * only need storage keys (tests setting STORAGE_DIR among them) must not fix it at import.
 */
function logLater(level: "warn" | "error", details: object, message: string): void {
  void import("./log.server").then(({ log }) => log[level](details, message));
}

function isS3Error(error: unknown, name: string, status: number): boolean {
  return (
    error instanceof S3ServiceException &&
    (error.name === name || error.$metadata.httpStatusCode === status)
  );
}

let shared: StorageDriver | undefined;

/** The configured driver (STORAGE_DRIVER), created on first use. */
export function storage(): StorageDriver {
  if (shared) return shared;
  const settings = config();
  shared =
    settings.STORAGE_DRIVER === "s3"
      ? new S3Storage({
          bucket: settings.S3_BUCKET!,
          region: settings.S3_REGION,
          endpoint: settings.S3_ENDPOINT,
          forcePathStyle: settings.S3_FORCE_PATH_STYLE,
        })
      : new LocalDiskStorage(settings.STORAGE_DIR);
  return shared;
}
