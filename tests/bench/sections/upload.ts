import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import type { App } from "../../support/app-server";
import { signedIn } from "../../support/app-server";
import { createVideoCandidate, MP4_HEADER } from "../../support/video-fixtures";
import { postVideo, residentBytes } from "../../support/video-upload-client";
import type { Dataset } from "../dataset";
import { measurement, type Measurement } from "../report";
import type { Scale } from "../scale";

const run = promisify(execFile);
const MB = 1024 ** 2;

/**
 * Section 6. A video of the scale's size (1 GB at "large") streamed through the app's plain upload
 * form to local storage, while the app's resident memory is sampled; against `cp` of a file of
 * the same size on the same disk.
 */
export async function benchUpload(input: {
  scale: Scale;
  data: Dataset;
  app: App;
  workDir: string;
  log: (line: string) => void;
}) {
  const { scale, data, app, workDir, log } = input;
  const candidate = await createVideoCandidate(data.db);
  const { cookie } = await signedIn(candidate.userId, { hasMfa: true });
  const warmUp = await postVideo(app, cookie, candidate.questionId, 4 * MB);
  if (warmUp.statusCode !== 303)
    throw new Error(`the warm-up upload answered ${warmUp.statusCode}`);

  const before = residentBytes(app.pid);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, residentBytes(app.pid))), 50);
  const uploadAt = performance.now();
  let status: number | undefined;
  try {
    status = (await postVideo(app, cookie, candidate.questionId, scale.uploadBytes)).statusCode;
  } finally {
    clearInterval(sampler);
  }
  const uploadSeconds = (performance.now() - uploadAt) / 1000;
  peak = Math.max(peak, residentBytes(app.pid));
  if (status !== 303) throw new Error(`the upload answered ${status}`);

  const source = path.join(workDir, "upload-source.bin");
  const handle = fs.openSync(source, "w");
  // the same bytes the upload sends, written out (not a sparse file, which cp would skip over)
  fs.writeSync(handle, MP4_HEADER);
  const zeros = Buffer.alloc(MB);
  for (let written = MP4_HEADER.length; written < scale.uploadBytes; written += zeros.length)
    fs.writeSync(handle, zeros, 0, Math.min(zeros.length, scale.uploadBytes - written));
  fs.closeSync(handle);
  const copy = path.join(workDir, "storage", "cp-copy.bin");
  const copyAt = performance.now();
  await run("cp", ["--sparse=never", source, copy]);
  const copySeconds = (performance.now() - copyAt) / 1000;
  fs.rmSync(source);
  fs.rmSync(copy);
  const growthMb = (peak - before) / MB;
  log(
    `  upload ${(scale.uploadBytes / MB / uploadSeconds).toFixed(0)} MB/s, RSS growth ${growthMb.toFixed(1)} MB; cp ${(scale.uploadBytes / MB / copySeconds).toFixed(0)} MB/s`,
  );

  const measurements: Measurement[] = [
    measurement({
      section: "upload",
      name: `${scale.uploadBytes / MB} MB video streamed through the app to local storage`,
      unit: "MB/s",
      value: scale.uploadBytes / MB / uploadSeconds,
      baseline: { name: "cp of the same size", value: scale.uploadBytes / MB / copySeconds },
    }),
    measurement({
      section: "upload",
      name: "app peak RSS during the upload",
      unit: "MB",
      value: peak / MB,
      baseline: { name: "app RSS before it", value: before / MB },
      details: { growthMb },
      target: { text: "growth < 100 MB", test: () => growthMb < 100 },
    }),
  ];
  return { measurements };
}
