import { z } from "zod";
import {
  ANSWER_PARTS,
  SOURCE_FIELDS,
  sourceTitle,
  sourceUrl,
  type AnswerParts,
  type Source,
  type WrittenContent,
} from "./answer-content";

/**
 * What a candidate writes, in an answer or a rebuttal: the text, optional structured parts
 * (answers only) and cited sources. One election-wide word limit covers the text and the parts
 * together, the same for every candidate (docs/decisions/015-fair-answer-rules.md).
 */

/** The database's ceiling for one text (a check constraint), whatever the word limit. */
const TEXT_MAX_CHARACTERS = 10000;

/** Words as a reader counts them: runs of non-space characters. */
export function countWords(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** The words of the text and every part: what the election's limit counts. */
export function contentWords(content: Pick<WrittenContent, "body" | "parts">): number {
  return [content.body, ...Object.values(content.parts)].reduce(
    (sum, text) => sum + countWords(text ?? ""),
    0,
  );
}

/** Typed text: line breaks as one character each, without surrounding blank space. */
const typed = z
  .string()
  .optional()
  .transform((value) => (value ?? "").replace(/\r\n?/g, "\n").trim())
  .refine((value) => value.length <= TEXT_MAX_CHARACTERS, { error: "answers.tooLong" });

/** Only an http(s) address with a host: anything else could be a script or lead nowhere. */
export function isWebAddress(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "https:" || url.protocol === "http:") && url.hostname !== "";
  } catch {
    return false;
  }
}

const SLOTS = SOURCE_FIELDS.map((_, index) => index + 1);

/**
 * The form of an answer (`withParts`) or a rebuttal under the election's word limit. Fields:
 * `body`, `part_<name>` for each part, `source<N>Url` / `source<N>Title` for each source row
 * (an empty row is skipped; a row needs both, the address http or https).
 */
export function writtenContentForm(maxWords: number, { withParts }: { withParts: boolean }) {
  const shape: Record<string, z.ZodType> = { body: typed };
  if (withParts) for (const part of ANSWER_PARTS) shape[`part_${part}`] = typed;
  for (const slot of SLOTS) {
    shape[sourceUrl(slot)] = z
      .string()
      .trim()
      .max(2000, { error: "answers.source.url" })
      .optional()
      .refine((value) => !value || isWebAddress(value), { error: "answers.source.url" });
    shape[sourceTitle(slot)] = z
      .string()
      .trim()
      .max(200, { error: "answers.source.titleTooLong" })
      .optional();
  }
  return z.object(shape).transform((fields, ctx): WrittenContent => {
    const text = (name: string) => (fields[name] as string | undefined) ?? "";
    const parts: AnswerParts = {};
    if (withParts) {
      for (const part of ANSWER_PARTS) if (text(`part_${part}`)) parts[part] = text(`part_${part}`);
    }
    const sources: Source[] = [];
    for (const slot of SLOTS) {
      const url = text(sourceUrl(slot));
      const title = text(sourceTitle(slot));
      if (!url && !title) continue;
      if (!url)
        ctx.addIssue({ code: "custom", path: [sourceUrl(slot)], message: "answers.source.url" });
      else if (!title)
        ctx.addIssue({
          code: "custom",
          path: [sourceTitle(slot)],
          message: "answers.source.title",
        });
      else sources.push({ url, title });
    }
    const body = text("body");
    if (!body) ctx.addIssue({ code: "custom", path: ["body"], message: "answers.empty" });
    else if (contentWords({ body, parts }) > maxWords) {
      ctx.addIssue({ code: "custom", path: ["body"], message: "answers.tooManyWords" });
    }
    return { body, parts, sources };
  });
}

/** Sources as stored, keeping only web addresses (older rows, or rows written by hand). */
export function readSources(value: unknown): Source[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (source): source is Source =>
      typeof source?.url === "string" &&
      typeof source?.title === "string" &&
      isWebAddress(source.url),
  );
}

/** Parts as stored, keeping only known parts with text. */
export function readParts(value: unknown): AnswerParts {
  const parts: AnswerParts = {};
  if (!value || typeof value !== "object") return parts;
  for (const part of ANSWER_PARTS) {
    const text = (value as Record<string, unknown>)[part];
    if (typeof text === "string" && text) parts[part] = text;
  }
  return parts;
}

/** Whether two contents say the same (the text, every part and every source). */
export function sameContent(a: WrittenContent, b: WrittenContent): boolean {
  return (
    a.body === b.body &&
    ANSWER_PARTS.every((part) => (a.parts[part] ?? "") === (b.parts[part] ?? "")) &&
    JSON.stringify(a.sources) === JSON.stringify(b.sources)
  );
}
