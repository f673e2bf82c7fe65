import path from "node:path";
import type { Readable } from "node:stream";
import yauzl from "yauzl";
import { FeedError } from "./records.server";

/**
 * A zip archive read defensively. A zip bomb is refused twice over: by what the central
 * directory declares (total size, compression ratio, number of entries) before anything is
 * inflated, and by counting what actually comes out while streaming (an entry that inflates past
 * its declared size, or past the budget left, stops the read).
 */
export const ZIP_LIMITS = {
  /** everything inflated, all entries together */
  maxTotalBytes: 4 * 1024 ** 3,
  maxEntries: 1_000,
  /**
   * Plain-text feeds compress around 10–30 to 1; far beyond that is a bomb. Small entries are
   * exempt (a few kilobytes of one repeated character can legitimately compress very well).
   */
  maxRatio: 200,
  ratioExemptBytes: 1024 ** 2,
};

export type ZipEntry = { name: string; baseName: string; size: number; entry: yauzl.Entry };

export type ZipArchive = {
  entries: ZipEntry[];
  /** the entry's inflated bytes, counted against its declared size and the archive's budget */
  read(entry: ZipEntry): AsyncGenerator<Buffer>;
  close(): void;
};

export async function openZip(file: string, limits = ZIP_LIMITS): Promise<ZipArchive> {
  let zip: yauzl.ZipFile;
  try {
    // autoClose off: the entries are listed (and checked) first, read afterwards
    zip = await yauzl.openPromise(file, {
      lazyEntries: true,
      validateEntrySizes: true,
      autoClose: false,
    });
  } catch (error) {
    throw new FeedError("zipInvalid", { message: (error as Error).message });
  }
  try {
    if (zip.entryCount > limits.maxEntries)
      throw new FeedError("zipBomb", { entry: "", why: `${zip.entryCount} entries` });
    const entries: ZipEntry[] = [];
    let declared = 0;
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName.endsWith("/")) continue;
      const ratio = entry.uncompressedSize / Math.max(1, entry.compressedSize);
      if (entry.uncompressedSize > limits.ratioExemptBytes && ratio > limits.maxRatio)
        throw new FeedError("zipBomb", {
          entry: entry.fileName,
          why: `compressed ${Math.round(ratio)} to 1`,
        });
      declared += entry.uncompressedSize;
      if (declared > limits.maxTotalBytes)
        throw new FeedError("zipBomb", { entry: entry.fileName, why: "declares too much data" });
      entries.push({
        name: entry.fileName,
        baseName: path.posix.basename(entry.fileName).toLowerCase(),
        size: entry.uncompressedSize,
        entry,
      });
    }
    let budget = limits.maxTotalBytes;
    return {
      entries,
      async *read({ name, entry }) {
        let stream: Readable;
        try {
          stream = await zip.openReadStreamPromise(entry);
        } catch (error) {
          throw new FeedError("zipInvalid", { message: (error as Error).message });
        }
        try {
          for await (const chunk of stream as AsyncIterable<Buffer>) {
            budget -= chunk.length;
            if (budget < 0)
              throw new FeedError("zipBomb", { entry: name, why: "inflates past the limit" });
            yield chunk;
          }
        } catch (error) {
          if (error instanceof FeedError) throw error;
          const message = (error as Error).message;
          // yauzl's own check: an entry inflating to more than it declares
          if (/too many bytes/i.test(message))
            throw new FeedError("zipBomb", { entry: name, why: "inflates past its declared size" });
          throw new FeedError("zipInvalid", { message: `${name}: ${message}` });
        } finally {
          stream.destroy();
        }
      },
      close: () => zip.close(),
    };
  } catch (error) {
    zip.close();
    if (error instanceof FeedError) throw error;
    throw new FeedError("zipInvalid", { message: (error as Error).message });
  }
}
