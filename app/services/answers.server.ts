import type { DbOrTransaction } from "~/lib/db.server";
import { mediaUrl, storage } from "~/lib/storage.server";
import type { AnswerParts, Source } from "./answer-content";
import { readParts, readSources } from "./answer-content.server";
import { rebuttalsForAnswers, type RebuttalForDisplay } from "./rebuttals.server";

/**
 * One published answer as voters see it: a text, or a ready video with its renditions, with its
 * structured parts, sources and other candidates' rebuttals. An answer moderators hid keeps its
 * place, showing only the public reason (`hiddenReason`, a policy code) instead of its content.
 */
export type AnswerForDisplay = {
  id: string;
  questionId: string;
  candidate: { id: string; ballotName: string; slug: string };
  kind: "text" | "video";
  body: string | null;
  parts: AnswerParts;
  sources: Source[];
  publishedAt: string;
  editedAt: string | null;
  hiddenReason: string | null;
  rebuttals: RebuttalForDisplay[];
  video: null | {
    posterUrl: string | null;
    /** smallest first: a browser plays the first it can, so phones on slow links get the small one */
    sources: Array<{ url: string; type: string; width: number; height: number }>;
    captionsUrl: string | null;
    /** the language the candidate answered in (the question's), for the captions track */
    captionsLanguage: string;
    spriteVttUrl: string | null;
    transcript: string | null;
    durationSeconds: number | null;
  };
};

type AnswerRow = {
  id: string;
  question_id: string;
  question_language: string;
  candidate_id: string;
  ballot_name: string;
  candidate_slug: string;
  kind: "text" | "video";
  status: "published" | "hidden";
  body: string | null;
  parts: unknown;
  sources: unknown;
  hidden_reason: string | null;
  published_at: Date;
  edited_at: Date | null;
  video_id: string | null;
  poster_key: string | null;
  captions_key: string | null;
  sprite_vtt_key: string | null;
  duration_seconds: string | null;
};

type RenditionRow = { video_id: string; width: number; height: number; storage_key: string };

/**
 * Published answers to these questions, keyed by question id, in ballot order of the candidates.
 * A video answer appears only once its video is ready; a hidden answer (once published) appears
 * as its reason alone. Three queries whatever the number of questions (answers with their
 * candidates and videos, every rendition, every rebuttal), no N+1.
 */
export async function answersForQuestions(
  db: DbOrTransaction,
  questionIds: string[],
): Promise<Map<string, AnswerForDisplay[]>> {
  const byQuestion = new Map<string, AnswerForDisplay[]>();
  if (questionIds.length === 0) return byQuestion;
  const rows = await db("answers as a")
    .join("questions as q", "q.id", "a.question_id")
    .join("candidates as c", "c.id", "a.candidate_id")
    .leftJoin("videos as v", "v.id", "a.video_id")
    .whereIn("a.question_id", questionIds)
    .where((scope) =>
      scope
        .where("a.status", "hidden")
        .whereNotNull("a.published_at")
        .orWhere((shown) =>
          shown
            .where("a.status", "published")
            .where((ready) => ready.where("a.kind", "text").orWhere("v.status", "ready")),
        ),
    )
    .orderBy([
      { column: "c.ballot_order" },
      { column: "c.ballot_name" },
      { column: "a.published_at" },
    ])
    .select<AnswerRow[]>(
      "a.id",
      "a.question_id",
      "q.language as question_language",
      "a.candidate_id",
      "c.ballot_name",
      "c.slug as candidate_slug",
      "a.kind",
      "a.status",
      "a.body",
      "a.parts",
      "a.sources",
      "a.hidden_reason",
      "a.published_at",
      "a.edited_at",
      "a.video_id",
      "v.poster_key",
      "v.captions_key",
      "v.sprite_vtt_key",
      "v.duration_seconds",
    );

  const shown = rows.filter((row) => row.status === "published");
  const videoIds = shown.flatMap((row) => (row.video_id ? [row.video_id] : []));
  const renditions =
    videoIds.length === 0
      ? []
      : await db("video_renditions")
          .whereIn("video_id", videoIds)
          .orderBy([{ column: "height" }, { column: "width" }])
          .select<RenditionRow[]>("video_id", "width", "height", "storage_key");
  const captionKeys = shown.flatMap((row) => (row.captions_key ? [row.captions_key] : []));
  const rebuttals = await rebuttalsForAnswers(
    db,
    shown.map((row) => row.id),
  );
  const transcripts = new Map(
    await Promise.all(captionKeys.map(async (key) => [key, await transcriptOf(key)] as const)),
  );

  for (const row of rows) {
    const hidden = row.status === "hidden";
    const answer: AnswerForDisplay = {
      id: row.id,
      questionId: row.question_id,
      candidate: { id: row.candidate_id, ballotName: row.ballot_name, slug: row.candidate_slug },
      kind: row.kind,
      body: hidden ? null : row.body,
      parts: hidden ? {} : readParts(row.parts),
      sources: hidden ? [] : readSources(row.sources),
      publishedAt: row.published_at.toISOString(),
      editedAt: row.edited_at?.toISOString() ?? null,
      hiddenReason: hidden ? (row.hidden_reason ?? "") : null,
      rebuttals: rebuttals.get(row.id) ?? [],
      video:
        row.video_id && !hidden
          ? {
              posterUrl: row.poster_key ? mediaUrl(row.poster_key) : null,
              sources: renditions
                .filter((rendition) => rendition.video_id === row.video_id)
                .map((rendition) => ({
                  url: mediaUrl(rendition.storage_key),
                  type: "video/mp4",
                  width: rendition.width,
                  height: rendition.height,
                })),
              captionsUrl: row.captions_key ? mediaUrl(row.captions_key) : null,
              captionsLanguage: row.question_language,
              spriteVttUrl: row.sprite_vtt_key ? mediaUrl(row.sprite_vtt_key) : null,
              transcript: row.captions_key ? (transcripts.get(row.captions_key) ?? null) : null,
              durationSeconds: row.duration_seconds === null ? null : Number(row.duration_seconds),
            }
          : null,
    };
    const list = byQuestion.get(row.question_id);
    if (list) list.push(answer);
    else byQuestion.set(row.question_id, [answer]);
  }
  return byQuestion;
}

/**
 * Transcripts, by captions key. A key names one immutable file (a new captions file gets a new
 * key), so an entry never goes stale; the cap only bounds memory.
 */
const TRANSCRIPT_CACHE_LIMIT = 500;
const transcriptCache = new Map<string, string | null>();

async function transcriptOf(captionsKey: string): Promise<string | null> {
  if (transcriptCache.has(captionsKey)) return transcriptCache.get(captionsKey) ?? null;
  const file = await storage().get(captionsKey);
  if (!file) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of file.stream) chunks.push(chunk as Buffer);
  const transcript = transcriptFromWebVtt(Buffer.concat(chunks).toString("utf8"));
  if (transcriptCache.size >= TRANSCRIPT_CACHE_LIMIT) {
    transcriptCache.delete(transcriptCache.keys().next().value!);
  }
  transcriptCache.set(captionsKey, transcript);
  return transcript;
}

/**
 * The spoken text of a WebVTT file: cue payloads in order, without the header, cue ids, timings,
 * NOTE/STYLE/REGION blocks or markup tags; consecutive cues joined into one paragraph.
 */
export function transcriptFromWebVtt(vtt: string): string | null {
  const blocks = vtt.replace(/\r\n?/g, "\n").split(/\n{2,}/);
  const lines: string[] = [];
  for (const block of blocks) {
    const blockLines = block.split("\n");
    const timing = blockLines.findIndex((line) => line.includes("-->"));
    if (timing === -1) continue; // the WEBVTT header, NOTE, STYLE and REGION blocks
    for (const line of blockLines.slice(timing + 1)) {
      const text = decodeEntities(line.replace(/<[^>]*>/g, "")).trim();
      if (text) lines.push(text);
    }
  }
  return lines.length ? lines.join(" ") : null;
}

const ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  nbsp: "\u00a0",
  lrm: "\u200e",
  rlm: "\u200f",
};

function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|nbsp|lrm|rlm);/g, (_, name: string) => ENTITIES[name]!);
}
