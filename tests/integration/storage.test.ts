import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalDiskStorage, S3Storage } from "~/lib/storage.server";
import { startS3Server, type S3Server } from "../support/s3-server";
import { storageDriverSuite } from "../support/storage-suite";

const roots: string[] = [];
function emptyRoot(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "civicq-storage-"));
  roots.push(root);
  return root;
}
afterAll(() => {
  for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
});

storageDriverSuite("local disk", async () => new LocalDiskStorage(emptyRoot()));

describe("local disk storage", () => {
  it("keeps a key at the same path under its directory, and no temporary file after a put", async () => {
    const root = emptyRoot();
    const storage = new LocalDiskStorage(root);
    const key = "images/candidates/00000000-0000-4000-8000-000000000001/0a1b/photo.jpg";
    await storage.put(key, Buffer.from("jpeg"), { contentType: "image/jpeg" });
    expect(fs.readFileSync(path.join(root, key), "utf8")).toBe("jpeg");
    expect(fs.readdirSync(path.join(root, ".incoming"))).toEqual([]);
  });
});

// The same suite against a real S3-compatible server (s3rver, started here), a fresh bucket for
// each test.
let s3: S3Server | undefined;
beforeAll(async () => {
  s3 = await startS3Server();
});
afterAll(() => s3?.stop());
storageDriverSuite("S3", async () => new S3Storage(await s3!.newBucket()));
