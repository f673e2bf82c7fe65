import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import v8 from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import {
  IncompletePartError,
  InvalidStorageKeyError,
  MIN_PART_BYTES,
  type StorageDriver,
} from "~/lib/storage.server";

/**
 * What every storage driver must do, as one suite over a driver: the local disk and the S3
 * driver (against a real S3-compatible server) both run it, in tests/integration/storage.test.ts.
 * `makeDriver` gives a driver over an empty store.
 */
export function storageDriverSuite(name: string, makeDriver: () => Promise<StorageDriver>) {
  describe(`storage driver: ${name}`, () => {
    const key = (file: string) => `videos/transcoded/00000000-0000-4000-8000-000000000001/${file}`;

    it("puts, gets, stats, lists and deletes", async () => {
      const storage = await makeDriver();
      const body = Buffer.from("0123456789abcdefghij");
      expect(await storage.put(key("a/one.mp4"), body, { contentType: "video/mp4" })).toEqual(
        expect.objectContaining({ size: 20 }),
      );
      await storage.put(key("a/two.vtt"), Readable.from(["WEBVTT\n"]), {
        contentType: "text/vtt",
      });
      await storage.put(key("b/three.jpg"), Buffer.from("jpeg"), { contentType: "image/jpeg" });

      const stat = await storage.stat(key("a/one.mp4"));
      expect(stat).toEqual(expect.objectContaining({ size: 20 }));
      // the clean-up spares young objects, so the age must be right
      expect(Math.abs(stat!.lastModified.getTime() - Date.now())).toBeLessThan(60_000);
      const whole = await storage.get(key("a/one.mp4"));
      expect(whole?.size).toBe(20);
      expect(await read(whole!.stream)).toEqual(body);
      const part = await storage.get(key("a/one.mp4"), { start: 5, end: 9 });
      expect(part?.size).toBe(20); // the object's, for Content-Range
      expect((await read(part!.stream)).toString()).toBe("56789");
      const clamped = await storage.get(key("a/one.mp4"), { start: 15, end: 1000 });
      expect((await read(clamped!.stream)).toString()).toBe("fghij");
      await expect(storage.get(key("a/one.mp4"), { start: 20, end: 25 })).rejects.toThrow();

      expect(await storage.list(key("a/"))).toEqual([key("a/one.mp4"), key("a/two.vtt")]);
      expect(await storage.list(key(""))).toEqual([
        key("a/one.mp4"),
        key("a/two.vtt"),
        key("b/three.jpg"),
      ]);
      expect(await storage.list("videos/originals/")).toEqual([]);

      await storage.delete(key("a/one.mp4"));
      await storage.delete(key("a/one.mp4")); // twice: not an error
      expect(await storage.stat(key("a/one.mp4"))).toBeNull();
      expect(await storage.get(key("a/one.mp4"))).toBeNull();
      expect(await storage.list(key("a/"))).toEqual([key("a/two.vtt")]);
    });

    it("replaces an object whole", async () => {
      const storage = await makeDriver();
      await storage.put(key("replace.vtt"), Buffer.from("old contents"), {
        contentType: "text/vtt",
      });
      await storage.put(key("replace.vtt"), Buffer.from("new"), { contentType: "text/vtt" });
      expect((await read((await storage.get(key("replace.vtt")))!.stream)).toString()).toBe("new");
    });

    it("streams a 50 MB body in and out without holding it in memory", async () => {
      const storage = await makeDriver();
      const size = 50 * 1024 * 1024;
      const chunk = 256 * 1024;
      const sampleEvery = 5 * 1024 * 1024;
      const written = createHash("sha256");
      // Memory is sampled after a full collection, so garbage (chunks already written) does
      // not count: what remains is what the driver holds on to.
      const before = retainedRss();
      let peak = before;
      let produced = 0;
      // Fresh buffers, so a driver that kept them all would show it in the RSS.
      const body = new Readable({
        read() {
          if (produced % sampleEvery === 0) peak = Math.max(peak, retainedRss());
          if (produced >= size) return void this.push(null);
          const bytes = Buffer.alloc(chunk, produced / chunk);
          written.update(bytes);
          produced += chunk;
          this.push(bytes);
        },
      });
      const info = await storage.put(key("large.mp4"), body, { contentType: "video/mp4" });
      expect(info.size).toBe(size);

      const stored = await storage.get(key("large.mp4"));
      const readBack = createHash("sha256");
      let consumed = 0;
      for await (const bytes of stored!.stream) {
        readBack.update(bytes as Buffer);
        consumed += (bytes as Buffer).length;
        if (consumed % sampleEvery < (bytes as Buffer).length) {
          peak = Math.max(peak, retainedRss());
        }
      }
      expect(consumed).toBe(size);
      expect(readBack.digest("hex")).toBe(written.digest("hex"));
      const growthMb = (peak - before) / 1024 / 1024;
      console.info(
        `storage driver ${name}: 50 MB in and out, RSS grew by ${growthMb.toFixed(1)} MB`,
      );
      // A body held whole would add 50 MB at least; S3 multipart keeps a few 5 MB parts in
      // flight (and s3rver runs in this same process), so the bound leaves room for those.
      expect(growthMb, `RSS grew by ${growthMb.toFixed(1)} MB`).toBeLessThan(40);
      await storage.delete(key("large.mp4"));
    });

    it("never shows a partial write, and leaves nothing behind when one fails", async () => {
      const storage = await makeDriver();
      await storage.put(key("atomic.mp4"), Buffer.from("previous"), { contentType: "video/mp4" });

      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let firstHalfWritten!: () => void;
      const midway = new Promise<void>((resolve) => (firstHalfWritten = resolve));
      async function* slowBody() {
        yield Buffer.alloc(1024 * 1024, 1);
        firstHalfWritten();
        await gate;
        yield Buffer.alloc(1024 * 1024, 2);
      }
      const writing = storage.put(key("atomic.mp4"), Readable.from(slowBody()), {
        contentType: "video/mp4",
      });
      const fresh = storage.put(key("fresh.mp4"), Readable.from(slowBody()), {
        contentType: "video/mp4",
      });
      await midway;
      await new Promise((resolve) => setTimeout(resolve, 50)); // let the first half reach the disk
      expect(await storage.stat(key("atomic.mp4"))).toEqual(expect.objectContaining({ size: 8 }));
      expect((await read((await storage.get(key("atomic.mp4")))!.stream)).toString()).toBe(
        "previous",
      );
      expect(await storage.stat(key("fresh.mp4"))).toBeNull();
      expect(await storage.list(key(""))).toEqual([key("atomic.mp4")]);
      release();
      await Promise.all([writing, fresh]);
      expect(await storage.stat(key("atomic.mp4"))).toEqual(
        expect.objectContaining({ size: 2 * 1024 * 1024 }),
      );

      async function* failingBody() {
        yield Buffer.alloc(64 * 1024);
        throw new Error("the upload was cut off");
      }
      await expect(
        storage.put(key("failed.mp4"), Readable.from(failingBody()), { contentType: "video/mp4" }),
      ).rejects.toThrow("cut off");
      expect(await storage.stat(key("failed.mp4"))).toBeNull();
      expect(await storage.list(key(""))).toEqual([key("atomic.mp4"), key("fresh.mp4")]);
    });

    it("assembles a multipart upload whose parts were resent, and shows nothing before", async () => {
      const storage = await makeDriver();
      const partSize = MIN_PART_BYTES;
      const parts = [Buffer.alloc(partSize, 1), Buffer.alloc(partSize, 2), Buffer.from("tail")];
      const target = key("multi.mp4");
      const uploadId = await storage.createMultipart(target, {
        contentType: "video/mp4",
        partSize,
      });
      const receipts: string[] = [];
      receipts.push(
        await storage.putPart(target, uploadId, 1, Readable.from([parts[0]!]), partSize),
      );

      // Part 2 cut off halfway (the connection dropped): refused, and sent again whole.
      async function* cutOff() {
        yield parts[1]!.subarray(0, partSize / 2);
        throw new Error("the connection dropped");
      }
      await expect(
        storage.putPart(target, uploadId, 2, Readable.from(cutOff()), partSize),
      ).rejects.toThrow();
      // A body shorter than announced is refused too (a client that lied about its length).
      await expect(
        storage.putPart(target, uploadId, 2, Readable.from([parts[1]!.subarray(0, 10)]), partSize),
      ).rejects.toBeInstanceOf(IncompletePartError);
      receipts.push(
        await storage.putPart(target, uploadId, 2, Readable.from([parts[1]!]), partSize),
      );
      receipts.push(await storage.putPart(target, uploadId, 3, Readable.from([parts[2]!]), 4));

      expect(await storage.stat(target)).toBeNull();
      expect(await storage.list(key(""))).toEqual([]);
      expect(await storage.completeMultipart(target, uploadId, receipts)).toEqual(
        expect.objectContaining({ size: 2 * partSize + 4 }),
      );
      const stored = await read((await storage.get(target))!.stream);
      expect(stored.equals(Buffer.concat(parts))).toBe(true);

      // An abandoned upload, aborted, leaves nothing; aborting twice is not an error.
      const other = key("abandoned.mp4");
      const abandoned = await storage.createMultipart(other, {
        contentType: "video/mp4",
        partSize,
      });
      await storage.putPart(other, abandoned, 1, Readable.from([parts[0]!]), partSize);
      await storage.abortMultipart(other, abandoned);
      await storage.abortMultipart(other, abandoned);
      expect(await storage.stat(other)).toBeNull();
      expect(await storage.list(key(""))).toEqual([target]);
      await expect(
        storage.createMultipart("../escape", { contentType: "video/mp4", partSize }),
      ).rejects.toBeInstanceOf(InvalidStorageKeyError);
    });

    it("refuses hostile and malformed keys for every operation", async () => {
      const storage = await makeDriver();
      const hostile = [
        "",
        "/etc/passwd",
        "../etc/passwd",
        "videos/transcoded/../../../etc/passwd",
        "videos/transcoded/./a.mp4",
        "videos/transcoded//a.mp4",
        "videos/transcoded/.incoming/a",
        "videos/transcoded/a.mp4/",
        "videos/transcoded/A.mp4",
        "videos/transcoded/a b.mp4",
        "videos/transcoded/a%2f..%2fb",
        "videos\\transcoded\\a.mp4",
        "videos/transcoded/a\u0000.mp4",
        "videos/transcoded/caf\u00e9.mp4",
        "etc/passwd", // not one of our areas
        "videos/a.mp4", // nor is "videos" alone
        `videos/transcoded/${"a".repeat(600)}`,
      ];
      for (const bad of hostile) {
        const label = JSON.stringify(bad.slice(0, 40));
        await expect(
          storage.put(bad, Buffer.from("x"), { contentType: "text/plain" }),
          label,
        ).rejects.toBeInstanceOf(InvalidStorageKeyError);
        await expect(storage.get(bad), label).rejects.toBeInstanceOf(InvalidStorageKeyError);
        await expect(storage.stat(bad), label).rejects.toBeInstanceOf(InvalidStorageKeyError);
        await expect(storage.delete(bad), label).rejects.toBeInstanceOf(InvalidStorageKeyError);
      }
      for (const prefix of ["../", "/etc", "videos/../..", "videos/.incoming/"]) {
        await expect(storage.list(prefix), prefix).rejects.toBeInstanceOf(InvalidStorageKeyError);
      }
    });
  });
}

// The collector, which vitest does not expose: switched on at run time.
v8.setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

function retainedRss(): number {
  collectGarbage();
  return process.memoryUsage().rss;
}

async function read(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
