import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import type { Dataset } from "../dataset";
import { measurement, type Measurement } from "../report";
import type { Scale } from "../scale";
import { generateTestClip } from "~/lib/media-tools.server";
import { processVideo, storeOriginal } from "~/services/videos.server";

const run = promisify(execFile);

/** A directory of `ffmpeg` and `ffprobe` stand-ins that log their arguments, then run the real tool. */
function recordingTools(directory: string, logFile: string): void {
  fs.mkdirSync(directory, { recursive: true });
  for (const tool of ["ffmpeg", "ffprobe"]) {
    const real = process.env
      .PATH!.split(":")
      .map((dir) => path.join(dir, tool))
      .find((file) => fs.existsSync(file))!;
    fs.writeFileSync(
      path.join(directory, tool),
      `#!/usr/bin/env node\nrequire("fs").appendFileSync(${JSON.stringify(logFile)}, JSON.stringify([${JSON.stringify(tool)}, ...process.argv.slice(2)]) + "\\n");\n` +
        `const r = require("child_process").spawnSync(${JSON.stringify(real)}, process.argv.slice(2), { stdio: "inherit" });\nprocess.exit(r.status ?? 1);\n`,
      { mode: 0o755 },
    );
  }
}

/**
 * Section 5. The transcode task's work (processVideo: probe, renditions, poster, sprite, store)
 * on a generated clip, against the same ffmpeg/ffprobe command lines run directly one after the
 * other. The command lines are recorded by stand-ins on PATH while the task runs once (not
 * timed); the timed runs use the real tools.
 */
export async function benchTranscode(input: {
  scale: Scale;
  data: Dataset;
  workDir: string;
  log: (line: string) => void;
}) {
  const { scale, data, workDir, log } = input;
  const { seconds, width, height } = scale.clip;
  const clip = path.join(workDir, "clip.mp4");
  await generateTestClip(clip, { seconds, width, height, fps: 30 });
  const [candidate] = await data.db("candidates").orderBy("ballot_order").limit(1).pluck("id");
  const store = () => storeOriginal(data.db, candidate, fs.createReadStream(clip), "video/mp4");

  const tools = path.join(workDir, "recording-tools");
  const commands = path.join(workDir, "commands.jsonl");
  recordingTools(tools, commands);
  const originalPath = process.env.PATH;
  process.env.PATH = `${tools}:${originalPath}`;
  try {
    const outcome = await processVideo(data.db, await store());
    if (outcome.status !== "ready")
      throw new Error(`transcoding failed: ${JSON.stringify(outcome)}`);
  } finally {
    process.env.PATH = originalPath;
  }
  const lines = fs
    .readFileSync(commands, "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as string[]);

  const taskAt = performance.now();
  const outcome = await processVideo(data.db, await store());
  const taskSeconds = (performance.now() - taskAt) / 1000;
  if (outcome.status !== "ready") throw new Error(`transcoding failed: ${JSON.stringify(outcome)}`);

  // the recorded lines name the first run's work directory (gone now): replay them in another,
  // holding the same input ("original", which the task copies out of storage first)
  const firstWork = /(\/[^\s]*civicq-video-[^/]+)\/original/.exec(
    lines.map((line) => line.join(" ")).join("\n"),
  )?.[1];
  if (!firstWork) throw new Error("no recorded command read the original");
  const replay = path.join(workDir, "replay");
  fs.mkdirSync(replay, { recursive: true });
  fs.copyFileSync(clip, path.join(replay, "original"));
  const replayed = lines.map((line) => line.map((arg) => arg.split(firstWork).join(replay)));
  const directAt = performance.now();
  for (const [tool, ...args] of replayed) await run(tool!, args, { maxBuffer: 64 * 1024 * 1024 });
  const directSeconds = (performance.now() - directAt) / 1000;
  log(
    `  ${lines.length} ffmpeg/ffprobe runs; task ${taskSeconds.toFixed(1)} s, direct ${directSeconds.toFixed(1)} s`,
  );

  const measurements: Measurement[] = [
    measurement({
      section: "transcode",
      name: `transcode task on a ${seconds} s ${height}p clip (${lines.length} ffmpeg/ffprobe runs)`,
      unit: "s",
      value: taskSeconds,
      baseline: { name: "same command lines run directly", value: directSeconds },
      target: { text: "overhead < 10% (ratio < 1.1)", test: ({ ratio }) => ratio < 1.1 },
    }),
    measurement({
      section: "transcode",
      name: "transcode task speed",
      unit: "× realtime",
      value: seconds / taskSeconds,
      baseline: { name: "direct ffmpeg × realtime", value: seconds / directSeconds },
    }),
  ];
  return { measurements };
}
