/**
 * Captions a candidate uploads, WebVTT or SRT, rebuilt as a clean WebVTT file: every cue parsed
 * and its timing checked, its text reduced to plain text with <b>, <i> and <u> (no voice spans,
 * classes, ruby, timestamps, SRT font tags or anything else a player would interpret), blocks
 * other than cues (NOTE, STYLE, REGION) and cue settings dropped. What is stored is what we wrote,
 * never the bytes we were sent; players and the question page's transcript read it.
 */

/** Larger than any real captions file for a ten-minute answer (about 20 KB), far from a video. */
export const CAPTIONS_MAX_BYTES = 512 * 1024;
const MAX_CUES = 10_000;

export type CaptionsProblem = "empty" | "notText" | "notCaptions" | "badTiming" | "tooManyCues";

export type CaptionsResult =
  | { ok: true; vtt: string; cueCount: number; format: "vtt" | "srt" }
  | { ok: false; problem: CaptionsProblem };

type Cue = { start: number; end: number; lines: string[] };

/** hh:mm:ss.mmm with optional hours; SRT writes a comma before the milliseconds. */
const TIME = String.raw`(?:(\d{1,3}):)?([0-5]\d):([0-5]\d)[.,](\d{3})`;
const TIMING = new RegExp(String.raw`^${TIME}[ \t]+-->[ \t]+${TIME}(?:[ \t].*)?$`);

/** Reads uploaded captions (bytes as received) into sanitised WebVTT. */
export function parseCaptions(bytes: Buffer): CaptionsResult {
  if (bytes.length === 0) return { ok: false, problem: "empty" };
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  // Invalid UTF-8 (decoded as U+FFFD) or NUL bytes: a binary file, or another encoding.
  if (text.includes("\uFFFD") || text.includes("\u0000")) return { ok: false, problem: "notText" };
  // Leading blank lines forgiven: editors leave them, and nothing is lost.
  const normalised = text
    .replace(/^\uFEFF/, "")
    .replace(/\r\n?/g, "\n")
    .replace(/^\s+/, "");
  if (normalised === "") return { ok: false, problem: "empty" };

  const format = /^WEBVTT(?:[ \t\n]|$)/.test(normalised) ? "vtt" : "srt";
  const blocks = normalised.split(/\n[ \t]*\n/).map((block) => block.split("\n"));
  if (format === "vtt") blocks.shift(); // the WEBVTT header block

  const cues: Cue[] = [];
  for (const lines of blocks) {
    if (lines.every((line) => line.trim() === "")) continue;
    if (format === "vtt" && /^(?:NOTE|STYLE|REGION)(?:[ \t]|$)/.test(lines[0]!)) continue;
    // An optional identifier (a cue id in WebVTT, the counter in SRT), then the timing line.
    const timingIndex = lines.findIndex((line) => line.includes("-->"));
    if (timingIndex === -1 || timingIndex > 1) return { ok: false, problem: "notCaptions" };
    const timing = TIMING.exec(lines[timingIndex]!.trim());
    if (!timing) return { ok: false, problem: "badTiming" };
    const start = milliseconds(timing.slice(1, 5));
    const end = milliseconds(timing.slice(5, 9));
    if (end <= start) return { ok: false, problem: "badTiming" };
    const payload = lines
      .slice(timingIndex + 1)
      .map(sanitiseLine)
      .filter((line) => line !== "");
    if (payload.length === 0) continue;
    if (cues.length === MAX_CUES) return { ok: false, problem: "tooManyCues" };
    cues.push({ start, end, lines: payload });
  }
  if (cues.length === 0) return { ok: false, problem: "notCaptions" };
  const body = cues
    .map((cue) => `${vttTime(cue.start)} --> ${vttTime(cue.end)}\n${cue.lines.join("\n")}`)
    .join("\n\n");
  return { ok: true, vtt: `WEBVTT\n\n${body}\n`, cueCount: cues.length, format };
}

function milliseconds([hours, minutes, seconds, millis]: Array<string | undefined>): number {
  return (
    ((Number(hours ?? 0) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000 + Number(millis)
  );
}

export function vttTime(milliseconds: number): string {
  const hours = Math.floor(milliseconds / 3_600_000);
  const minutes = Math.floor((milliseconds % 3_600_000) / 60_000);
  const seconds = Math.floor((milliseconds % 60_000) / 1000);
  const millis = milliseconds % 1000;
  const pad = (value: number, width = 2) => String(value).padStart(width, "0");
  return `${pad(hours)}:${pad(minutes)}:${pad(seconds)}.${pad(millis, 3)}`;
}

const ALLOWED_TAG = /^<\/?[biu]>$/;
const ENTITY = /^&(?:amp|lt|gt|nbsp|lrm|rlm);/;

/**
 * One line of cue text: allowed tags kept (without classes: `<b.loud>` becomes `<b>`), every
 * other tag and SRT's `{\an8}` style codes dropped, a lone `<`, `>` or `&` escaped, control
 * characters removed, and "-->" broken so no line can pass for a timing line.
 */
function sanitiseLine(line: string): string {
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  const plain = line.replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, "").replace(/\{\\[^}]*\}/g, "");
  let out = "";
  for (let index = 0; index < plain.length;) {
    const rest = plain.slice(index);
    // A tag starts like one (a letter, "/" or a timestamp's digit): "5 < 6 > 2" is text.
    const tag = /^<\/?[a-z0-9][^<>]*>/i.exec(rest)?.[0];
    if (tag) {
      const bare = tag
        .replace(/^<(\/?[a-z]+)(?:\.[^\s>]*)?(?:[ \t][^>]*)?>$/i, "<$1>")
        .toLowerCase();
      if (ALLOWED_TAG.test(bare)) out += bare;
      index += tag.length;
      continue;
    }
    const character = plain[index]!;
    if (character === "&") out += ENTITY.exec(rest)?.[0] ?? "&amp;";
    else if (character === "<") out += "&lt;";
    else if (character === ">") out += "&gt;";
    else out += character;
    index += character === "&" ? (ENTITY.exec(rest)?.[0].length ?? 1) : 1;
  }
  return out.trim();
}
