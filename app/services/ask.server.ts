import { z } from "zod";
import { audit, type Actor } from "~/lib/audit.server";
import type { Db, DbOrTransaction } from "~/lib/db.server";
import { embeddingProvider } from "~/lib/embeddings.server";
import { findDuplicates, type DuplicateSuggestion } from "./duplicates.server";
import type { ModerationMode } from "./election-setup.server";
import { followQuestion } from "./follows.server";
import { submitQuestion } from "./questions.server";
import { setQuestionTags } from "./topics.server";

/** A question's length as voters may write it (the schema allows more, for imported ones). */
export const QUESTION_MIN_LENGTH = 10;
export const QUESTION_MAX_LENGTH = 500;

/** A question's text in a voter's form (asking, or editing it). */
export const questionBodyField = z
  .string()
  .trim()
  .min(QUESTION_MIN_LENGTH, { error: "ask.error.tooShort" })
  .max(QUESTION_MAX_LENGTH, { error: "ask.error.tooLong" });

/** The election's setting: are voters' questions checked before or after they are published? */
export async function moderationMode(
  db: DbOrTransaction,
  electionId: string,
): Promise<ModerationMode> {
  const election = await db("elections")
    .where({ id: electionId })
    .first<{ moderation_mode: ModerationMode }>("moderation_mode");
  return election.moderation_mode;
}

export type AskInput = {
  electionId: string;
  jurisdictionId: string;
  contestId: string;
  /** null: to every candidate of the contest; otherwise one of its active candidates */
  candidateId: string | null;
  authorId: string;
  body: string;
  language: string;
  /** the voter saw the near-duplicates and chose to post anyway */
  confirmed: boolean;
  /** topic tags chosen from the jurisdiction's list (at most five are kept) */
  tagIds: string[];
};

export type AskOutcome =
  | { kind: "duplicates"; suggestions: DuplicateSuggestion[] }
  | { kind: "stored"; questionId: string; status: "pending" | "published" };

/**
 * A voter's question. Unless they already confirmed it is different, near-duplicates in the
 * contest come back first (one embedding, used for the search and then stored). Stored, it
 * is published or held for moderation per the election's setting, followed by its author
 * (they get the "answered" email), and audited — all in one transaction.
 */
export async function askQuestion(db: Db, input: AskInput, actor: Actor): Promise<AskOutcome> {
  const embedding = await embeddingProvider().embed(input.body);
  if (!input.confirmed) {
    const suggestions = await findDuplicates(db, {
      contestId: input.contestId,
      body: input.body,
      embedding,
    });
    if (suggestions.length > 0) return { kind: "duplicates", suggestions };
  }
  const stored = await db.transaction(async (trx) => {
    const status: "pending" | "published" =
      (await moderationMode(trx, input.electionId)) === "before_publishing"
        ? "pending"
        : "published";
    const id = await submitQuestion(trx, {
      electionId: input.electionId,
      contestId: input.contestId,
      candidateId: input.candidateId,
      authorId: input.authorId,
      body: input.body,
      language: input.language,
      status,
      embedding,
    });
    await setQuestionTags(trx, { id, jurisdictionId: input.jurisdictionId }, input.tagIds);
    await followQuestion(trx, input.authorId, id);
    await audit(trx, actor, {
      action: "question.submitted",
      targetType: "question",
      targetId: id,
      jurisdictionId: input.jurisdictionId,
      details: { contestId: input.contestId, status, confirmedDifferent: input.confirmed },
    });
    return { questionId: id, status };
  });
  return { kind: "stored", ...stored };
}
