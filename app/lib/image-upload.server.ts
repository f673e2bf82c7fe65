import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import {
  MaxPartSizeExceededError,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
} from "@remix-run/node";
import { badRequest } from "./http.server";
import { ImageRejectedError, reencodeImage, type ImageRejection } from "./media-tools.server";
import { storage } from "./storage.server";

/**
 * Images sent in a plain multipart form (a candidate's photo, an office's logo): the file goes
 * to a private temporary directory (never memory), under a name of ours, at most `maxBytes`;
 * then it is decoded and written again by ffmpeg (media-tools: its pixel count is checked before
 * decoding, so a decompression bomb is refused) before anything is stored.
 */
export type ReceivedImageForm =
  | { ok: true; form: FormData; file: string | null }
  | { ok: false; problem: "tooLarge" | "fieldTooLarge" };

/**
 * Reads the multipart form of `request`: the file of `field` to disk, every other field a few
 * bytes; calls `handle` with it, then removes the file. A body that is not such a form is a 400.
 */
export async function withImageUpload<T>(
  request: Request,
  options: { field: string; maxBytes: number },
  handle: (received: ReceivedImageForm) => Promise<T>,
): Promise<T> {
  const work = await fsp.mkdtemp(path.join(os.tmpdir(), "civicq-upload-"));
  try {
    const file = path.join(work, "upload");
    let received: ReceivedImageForm;
    try {
      let size: number | null = null;
      const fields = unstable_createMemoryUploadHandler({ maxPartSize: 1024 });
      const form = await unstable_parseMultipartFormData(request, async (part) => {
        if (part.name !== options.field || !part.filename) return fields(part);
        if (size !== null) throw new MaxPartSizeExceededError(part.name, 0); // a second file
        let bytes = 0;
        await pipeline(
          part.data,
          async function* (chunks: AsyncIterable<Uint8Array>) {
            for await (const chunk of chunks) {
              bytes += chunk.byteLength;
              if (bytes > options.maxBytes)
                throw new MaxPartSizeExceededError(part.name, options.maxBytes);
              yield chunk;
            }
          },
          fs.createWriteStream(file, { flags: "wx" }),
        );
        size = bytes;
        // the file stays on disk; the form only notes that it came
        return "received";
      });
      received = { ok: true, form, file: size ? file : null };
    } catch (error) {
      if (!(error instanceof MaxPartSizeExceededError)) throw badRequest();
      received = {
        ok: false,
        problem: error.field === options.field ? "tooLarge" : "fieldTooLarge",
      };
    }
    return await handle(received);
  } finally {
    await fsp.rm(work, { recursive: true, force: true });
  }
}

export type StoredImage = { ok: true } | { ok: false; problem: ImageRejection };

/** Re-encodes `upload` as a JPEG within `maxSide`×`maxSide`, without metadata, and stores it at `key`. */
export async function storeImage(
  upload: string,
  key: string,
  maxSide: number,
): Promise<StoredImage> {
  const work = await fsp.mkdtemp(path.join(os.tmpdir(), "civicq-image-"));
  try {
    const encoded = path.join(work, "image.jpg");
    try {
      await reencodeImage(upload, encoded, { maxSide });
    } catch (error) {
      if (error instanceof ImageRejectedError) return { ok: false, problem: error.reason };
      throw error;
    }
    await storage().put(key, fs.createReadStream(encoded), { contentType: "image/jpeg" });
    return { ok: true };
  } finally {
    await fsp.rm(work, { recursive: true, force: true });
  }
}
