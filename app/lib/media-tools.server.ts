import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/**
 * Every ffmpeg and ffprobe invocation, as small functions over `spawn` (no shell, arguments as an
 * array, so no file name is ever parsed as a command). The demo seed and the video worker use the
 * same functions. See docs/decisions/008-ffmpeg-behind-one-module.md.
 */

export class MediaToolError extends Error {}

/** Longest any one invocation may run; a stuck ffmpeg is killed rather than holding a job slot. */
const DEFAULT_TIMEOUT_MS = 10 * 60_000;
/** Enough of ffmpeg's error output to say what went wrong, without keeping all of it. */
const STDERR_TAIL_CHARS = 4000;

/** Thrown when a run was stopped by its time limit, not by a failure. */
export class MediaToolTimeoutError extends MediaToolError {}

/**
 * util-linux's setpriv, where there is one (Linux, our images): started through it, ffmpeg is
 * killed by the kernel when the worker dies, even by SIGKILL, instead of transcoding on for
 * nobody while the retried job starts another.
 */
const SETPRIV = (process.env.PATH ?? "")
  .split(path.delimiter)
  .map((directory) => path.join(directory, "setpriv"))
  .find((candidate) => process.platform === "linux" && fs.existsSync(candidate));

/**
 * Runs ffmpeg or ffprobe to the end and returns its output. `limit` is how long it may take: a
 * number of milliseconds, or a signal that aborts it (one deadline over several runs).
 */
function run(
  command: "ffmpeg" | "ffprobe",
  args: string[],
  limit: number | AbortSignal = DEFAULT_TIMEOUT_MS,
): Promise<string> {
  const signal = typeof limit === "number" ? AbortSignal.timeout(limit) : limit;
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      return reject(new MediaToolTimeoutError(`${command} was not started: out of time`));
    }
    const [file, argv] = SETPRIV
      ? [SETPRIV, ["--pdeathsig", "KILL", "--", command, ...args]]
      : [command, args];
    const child = spawn(file, argv, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
    });
    const stop = () => child.kill("SIGKILL");
    signal.addEventListener("abort", stop, { once: true });
    child.on("error", (error: NodeJS.ErrnoException) => {
      signal.removeEventListener("abort", stop);
      reject(
        new MediaToolError(
          error.code === "ENOENT" ? `${command} is not installed` : `${command}: ${error.message}`,
        ),
      );
    });
    child.on("close", (code, killedBy) => {
      signal.removeEventListener("abort", stop);
      if (code === 0) resolve(stdout);
      else if (signal.aborted) {
        reject(new MediaToolTimeoutError(`${command} ran out of time and was killed`));
      } else if (SETPRIV && code === 127) {
        // setpriv's own "could not execute"
        reject(new MediaToolError(`${command} is not installed`));
      } else {
        const why = killedBy ? `was killed (${killedBy})` : `exited with ${code}`;
        reject(new MediaToolError(`${command} ${why}: ${stderr.trim()}`));
      }
    });
  });
}

/** Options every ffmpeg run shares: no prompts, no banner, errors only, overwrite outputs. */
const FFMPEG = ["-nostdin", "-hide_banner", "-loglevel", "error", "-y"];

/** True when both ffmpeg and ffprobe can be run. */
export async function mediaToolsAvailable(): Promise<boolean> {
  try {
    await Promise.all([run("ffmpeg", ["-version"], 10_000), run("ffprobe", ["-version"], 10_000)]);
    return true;
  } catch {
    return false;
  }
}

export type MediaInfo = {
  durationSeconds: number | null;
  /** of the first video stream, as displayed (rotation applied); null for audio-only files */
  width: number | null;
  height: number | null;
  bitrateKbps: number | null;
  hasAudio: boolean;
};

type ProbeOutput = {
  format?: { duration?: string; bit_rate?: string };
  streams?: Array<{
    codec_type?: string;
    width?: number;
    height?: number;
    disposition?: { attached_pic?: number };
    side_data_list?: Array<{ rotation?: number }>;
  }>;
};

/** Throws MediaToolError when ffprobe cannot read the file at all (not media, or damaged). */
export async function probe(file: string, limit?: AbortSignal): Promise<MediaInfo> {
  const output = await run(
    "ffprobe",
    ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", file],
    limit,
  );
  const data = JSON.parse(output) as ProbeOutput;
  // Cover art in an audio file is a "video" stream of one picture: not a video.
  const video = data.streams?.find(
    (stream) => stream.codec_type === "video" && !stream.disposition?.attached_pic,
  );
  // Phones record portrait video as landscape frames plus a rotation; ffmpeg applies it.
  const rotation = Math.abs(video?.side_data_list?.find((side) => side.rotation)?.rotation ?? 0);
  const sideways = rotation % 180 === 90;
  const number = (value: string | undefined) =>
    value !== undefined && Number.isFinite(Number(value)) ? Number(value) : null;
  const bitRate = number(data.format?.bit_rate);
  return {
    durationSeconds: number(data.format?.duration),
    width: (sideways ? video?.height : video?.width) ?? null,
    height: (sideways ? video?.width : video?.height) ?? null,
    bitrateKbps: bitRate === null ? null : Math.round(bitRate / 1000),
    hasAudio: Boolean(data.streams?.some((stream) => stream.codec_type === "audio")),
  };
}

/**
 * A synthetic clip (ffmpeg's test pattern and a tone), for demo data and tests. `rotation`
 * records it the way a phone records portrait video: landscape frames plus a display rotation.
 */
export async function generateTestClip(
  file: string,
  options: {
    seconds: number;
    width: number;
    height: number;
    fps: number;
    rotation?: 90 | 180 | 270;
  },
): Promise<void> {
  const { seconds, width, height, fps, rotation } = options;
  // ffmpeg 5.1 writes a rotation only when copying streams, hence a second, copying pass.
  const encoded = rotation ? `${file}.unrotated.mp4` : file;
  await run("ffmpeg", [
    ...FFMPEG,
    ...["-f", "lavfi", "-i", `testsrc2=size=${width}x${height}:rate=${fps}:duration=${seconds}`],
    ...["-f", "lavfi", "-i", `sine=frequency=440:sample_rate=48000:duration=${seconds}`],
    ...["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"],
    ...["-c:a", "aac", "-b:a", "96k", "-shortest", "-movflags", "+faststart", encoded],
  ]);
  if (!rotation) return;
  try {
    await run("ffmpeg", [
      ...FFMPEG,
      ...["-i", encoded, "-map", "0", "-c", "copy", "-metadata:s:v:0", `rotate=${rotation}`],
      ...["-movflags", "+faststart", file],
    ]);
  } finally {
    await fs.promises.rm(encoded, { force: true });
  }
}

/** A box of at most `longSide` × `shortSide`, turned to suit the picture (portrait or landscape). */
export type RenditionBox = { longSide: number; shortSide: number };

/**
 * The size of a `width`×`height` picture scaled to fit `box`: the aspect ratio kept, never
 * enlarged, both sides even (what H.264 in yuv420p needs).
 */
export function fitWithin(
  width: number,
  height: number,
  box: RenditionBox,
): { width: number; height: number } {
  const scale = Math.min(
    1,
    box.longSide / Math.max(width, height),
    box.shortSide / Math.min(width, height),
  );
  // The nearest even size, but never past the picture's own (an odd 853 gives 852, not 854).
  const even = (side: number) =>
    Math.max(2, Math.min(2 * Math.round((side * scale) / 2), 2 * Math.floor(side / 2)));
  return { width: even(width), height: even(height) };
}

export type RenditionTarget = { file: string; width: number; height: number };

/**
 * Transcodes one input into several H.264/AAC MP4 renditions in one pass (decoded once), each
 * at exactly its width×height (see `fitWithin`). ffmpeg applies a phone's rotation while
 * decoding, so the sizes are the upright picture's. `+faststart` puts the index first, so
 * playback starts before the download ends.
 */
export async function transcodeRenditions(
  input: string,
  targets: RenditionTarget[],
  { hasAudio, signal }: { hasAudio: boolean; signal?: AbortSignal },
): Promise<void> {
  const outputs = targets.flatMap(({ file, width, height }) => [
    ...["-map", "0:v:0", ...(hasAudio ? ["-map", "0:a:0"] : [])],
    ...["-vf", `scale=${width}:${height},setsar=1`],
    ...["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-profile:v", "main"],
    ...["-pix_fmt", "yuv420p"],
    ...(hasAudio ? ["-c:a", "aac", "-b:a", "128k", "-ac", "2"] : []),
    ...["-movflags", "+faststart", file],
  ]);
  await run("ffmpeg", [...FFMPEG, "-i", input, ...outputs], signal);
}

/** One JPEG frame at `atSeconds`, at the input's size. */
export async function extractPoster(
  input: string,
  file: string,
  { atSeconds, signal }: { atSeconds: number; signal?: AbortSignal },
): Promise<void> {
  await run(
    "ffmpeg",
    [
      ...FFMPEG,
      ...["-ss", String(atSeconds), "-i", input, "-frames:v", "1"],
      ...["-q:v", "3", "-f", "image2", file],
    ],
    signal,
  );
}

export type SpriteLayout = {
  /** seconds between two thumbnails */
  intervalSeconds: number;
  count: number;
  columns: number;
  rows: number;
};

/** How many thumbnails a preview sprite of a video this long gets: one every few seconds, ≤ 100. */
export function spriteLayout(durationSeconds: number): SpriteLayout {
  const intervalSeconds = Math.max(1, Math.ceil(durationSeconds / 100));
  const count = Math.max(1, Math.ceil(durationSeconds / intervalSeconds));
  const columns = Math.min(count, 10);
  return { intervalSeconds, count, columns, rows: Math.ceil(count / columns) };
}

/** A grid of thumbnails `tileWidth` wide, one per interval, in one JPEG (seek-bar previews). */
export async function makeSprite(
  input: string,
  file: string,
  layout: SpriteLayout,
  tileWidth: number,
  signal?: AbortSignal,
): Promise<void> {
  await run(
    "ffmpeg",
    [
      ...FFMPEG,
      "-i",
      input,
      ...[
        "-vf",
        `fps=1/${layout.intervalSeconds},scale=${tileWidth}:-2,tile=${layout.columns}x${layout.rows}`,
      ],
      ...["-frames:v", "1", "-q:v", "5", "-f", "image2", file],
    ],
    signal,
  );
}

/**
 * Still-image formats a photo may arrive in, as ffprobe names them when it reads them by content
 * (the files we probe have no extension, so neither the name nor the browser's claim counts).
 */
const IMAGE_FORMATS = new Set([
  "jpeg_pipe",
  "png_pipe",
  "webp_pipe",
  "gif",
  "bmp_pipe",
  "tiff_pipe",
]);
/** Larger images are refused before decoding: a small file can decode to gigabytes of pixels. */
const MAX_IMAGE_PIXELS = 50_000_000;
const IMAGE_TIMEOUT_MS = 60_000;

export type ImageRejection = "notAnImage" | "tooManyPixels";

/** An upload that is not an image we can read, or one too large to decode safely. */
export class ImageRejectedError extends MediaToolError {
  constructor(
    readonly reason: ImageRejection,
    detail: string,
  ) {
    super(`image refused (${reason}): ${detail}`);
  }
}

type ImageProbe = {
  format?: { format_name?: string };
  streams?: Array<{ codec_type?: string; width?: number; height?: number }>;
};

/**
 * Decodes an uploaded image and writes it again as a baseline JPEG that fits in
 * `maxSide`×`maxSide` (never upscaled), upright (a phone's EXIF orientation is applied), with
 * no metadata: EXIF, GPS position, comments and embedded thumbnails are all left behind. An
 * animated image gives its first frame. Throws ImageRejectedError for anything else.
 */
export async function reencodeImage(
  input: string,
  output: string,
  { maxSide }: { maxSide: number },
): Promise<void> {
  let data: ImageProbe;
  try {
    data = JSON.parse(
      await run(
        "ffprobe",
        ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", input],
        IMAGE_TIMEOUT_MS,
      ),
    ) as ImageProbe;
  } catch (error) {
    if (error instanceof MediaToolError && !/not installed/.test(error.message)) {
      throw new ImageRejectedError("notAnImage", error.message);
    }
    throw error;
  }
  const format = data.format?.format_name ?? "";
  const picture = data.streams?.find((stream) => stream.codec_type === "video");
  if (!IMAGE_FORMATS.has(format) || !picture?.width || !picture.height) {
    throw new ImageRejectedError("notAnImage", `format ${format || "unknown"}`);
  }
  if (picture.width * picture.height > MAX_IMAGE_PIXELS) {
    throw new ImageRejectedError("tooManyPixels", `${picture.width}x${picture.height}`);
  }
  const fit = `min(${maxSide},iw)`;
  const fitHeight = `min(${maxSide},ih)`;
  try {
    await run(
      "ffmpeg",
      [
        ...FFMPEG,
        // the demuxer ffprobe found, so ffmpeg reads the file as the same thing
        ...["-f", format, "-i", input, "-frames:v", "1", "-map_metadata", "-1"],
        ...[
          "-vf",
          `scale=w='${fit}':h='${fitHeight}':force_original_aspect_ratio=decrease:force_divisible_by=2,format=yuvj420p`,
        ],
        // bitexact: not even the encoder's name is written into the file
        ...["-flags", "+bitexact", "-fflags", "+bitexact"],
        ...["-c:v", "mjpeg", "-q:v", "3", "-f", "image2", output],
      ],
      IMAGE_TIMEOUT_MS,
    );
  } catch (error) {
    if (error instanceof MediaToolError && !/not installed|killed/.test(error.message)) {
      throw new ImageRejectedError("notAnImage", error.message);
    }
    throw error;
  }
}
