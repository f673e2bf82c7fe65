import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { readCivicqCsv } from "./civicq-csv-reader.server";
import type { ImportFormat, ReadEvent } from "./records.server";
import { readVipCsv } from "./vip-csv-reader.server";
import { readVipXml, sniffXmlEncoding } from "./xml-reader.server";

/**
 * Which reader a feed needs, told by its first bytes (never by a file name a user chose): a zip
 * is the VIP CSV form, a document starting with `<` the XML form, anything else our CSV template.
 */
export type FeedInput = {
  chunks: AsyncIterable<Buffer>;
  /** a local file holding the same bytes, when there is one (a zip needs random access) */
  path?: string;
};

export type OpenedReader = { format: ImportFormat; events: AsyncGenerator<ReadEvent> };

const ZIP_SIGNATURE = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

export async function openReader(input: FeedInput): Promise<OpenedReader> {
  const { head, chunks, close } = await peek(input.chunks, 512);
  if (head.subarray(0, 4).equals(ZIP_SIGNATURE)) {
    if (!input.path) return { format: "vip_csv", events: spoolZip(chunks) };
    await close();
    return { format: "vip_csv", events: readVipCsv(input.path) };
  }
  if (looksLikeXml(head)) {
    return { format: "vip_xml", events: readVipXml(chunks, sniffXmlEncoding(head)) };
  }
  return { format: "civicq_csv", events: readCivicqCsv(chunks) };
}

function looksLikeXml(head: Buffer): boolean {
  if (head[0] === 0xff || head[0] === 0xfe) return true; // a UTF-16 byte-order mark
  const text = head.toString("latin1").replace(/^\xef\xbb\xbf/, "");
  return text.trimStart().startsWith("<");
}

/** A zip is read from a file: a streamed one is written to a temporary file first. */
async function* spoolZip(chunks: AsyncIterable<Buffer>): AsyncGenerator<ReadEvent> {
  const spooled = path.join(os.tmpdir(), `civicq-feed-${randomUUID()}.zip`);
  try {
    await pipeline(Readable.from(chunks), fs.createWriteStream(spooled, { flags: "wx" }));
    yield* readVipCsv(spooled);
  } finally {
    await fs.promises.rm(spooled, { force: true });
  }
}

/** The first `size` bytes (or all, if fewer), and the whole stream again, head included. */
async function peek(
  source: AsyncIterable<Buffer>,
  size: number,
): Promise<{ head: Buffer; chunks: AsyncIterable<Buffer>; close: () => Promise<void> }> {
  const iterator = source[Symbol.asyncIterator]();
  const parts: Buffer[] = [];
  let length = 0;
  let finished = false;
  while (length < size) {
    const next = await iterator.next();
    if (next.done) {
      finished = true;
      break;
    }
    parts.push(next.value);
    length += next.value.length;
  }
  const head = Buffer.concat(parts);
  async function* chunks() {
    try {
      if (head.length > 0) yield head;
      while (!finished) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      // a reader that stops early (a broken feed) still closes the file or connection
      await close();
    }
  }
  const close = async () => {
    await iterator.return?.();
  };
  return { head, chunks: chunks(), close };
}
