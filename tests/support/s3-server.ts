import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import type { S3Settings } from "~/lib/storage.server";
import { exited } from "./processes";

export type S3Server = {
  /** settings for a bucket of its own, created empty */
  newBucket: () => Promise<S3Settings>;
  stop: () => Promise<void>;
};

// s3rver in a process of its own: its memory is not counted as the driver's, and it stands
// where S3 stands, across the network.
const SERVER_SCRIPT = `
  const S3rver = require("s3rver");
  new S3rver({ address: "127.0.0.1", port: 0, directory: process.argv[1], silent: true })
    .run()
    .then(({ port }) => process.stdout.write(port + "\\n"));
`;

/** A real S3-compatible server (s3rver) on a random port, over a temporary directory. */
export async function startS3Server(): Promise<S3Server> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "civicq-s3-"));
  const child = spawn(process.execPath, ["-e", SERVER_SCRIPT, directory], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [line] = (await once(child.stdout, "data")) as [Buffer];
  const base = {
    region: "us-east-1",
    endpoint: `http://127.0.0.1:${Number(line.toString())}`,
    forcePathStyle: true,
    // s3rver's fixed development credentials
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  };
  const admin = new S3Client(base);
  return {
    async newBucket() {
      const bucket = `civicq-test-${randomBytes(4).toString("hex")}`;
      await admin.send(new CreateBucketCommand({ Bucket: bucket }));
      return { ...base, bucket };
    },
    async stop() {
      admin.destroy();
      child.kill("SIGTERM");
      await exited(child);
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}
