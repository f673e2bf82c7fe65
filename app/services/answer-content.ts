/**
 * The shape of what a candidate writes (answers and rebuttals), shared by the pages that show
 * the form and the server that validates it (answer-content.server.ts).
 */

/** The structured parts, in the order voters read them. */
export const ANSWER_PARTS = ["position", "reasoning", "tradeoffs", "measures"] as const;
export type AnswerPart = (typeof ANSWER_PARTS)[number];
export type AnswerParts = Partial<Record<AnswerPart, string>>;

export type Source = { url: string; title: string };
/** How many sources one answer or rebuttal may cite (the form's rows). */
export const SOURCE_SLOTS = 3;

export type WrittenContent = { body: string; parts: AnswerParts; sources: Source[] };

export const sourceUrl = (slot: number) => `source${slot}Url`;
export const sourceTitle = (slot: number) => `source${slot}Title`;

/** The form field names of each source row. */
export const SOURCE_FIELDS = Array.from({ length: SOURCE_SLOTS }, (_, index) => ({
  url: sourceUrl(index + 1),
  title: sourceTitle(index + 1),
}));

/** The content as the form's fields, to fill the form again. */
export function contentFields(content: Partial<WrittenContent>): Record<string, string> {
  const fields: Record<string, string> = { body: content.body ?? "" };
  for (const part of ANSWER_PARTS) fields[`part_${part}`] = content.parts?.[part] ?? "";
  (content.sources ?? []).forEach((source, index) => {
    fields[sourceUrl(index + 1)] = source.url;
    fields[sourceTitle(index + 1)] = source.title;
  });
  return fields;
}
