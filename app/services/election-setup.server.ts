import { z } from "zod";
import { audit, type Actor } from "~/lib/audit.server";
import type { Db, DbOrTransaction } from "~/lib/db.server";
import type { FieldErrors } from "~/lib/forms.server";
import { isoDateField, optionalText, requiredText, slugField } from "~/lib/form-schemas.server";
import type { LocalizedText, MessageKey } from "~/lib/i18n";
import { ANSWER_RULE_DEFAULTS } from "~/lib/answer-rule-defaults";
import { fromLocalInput } from "~/lib/time-zone";
import { CANDIDATE_ORDERS, type CandidateOrder } from "./answer-rules.server";
import { changedFields, isUniqueViolation, localizedText } from "./console-common.server";
import type { ElectionStatus } from "./elections.server";

/**
 * Elections as the clerk sets them up by hand: name, date, the question and answer windows
 * (typed in the jurisdiction's local time), the moderation mode and the fair rules candidates
 * answer under (word and video limits, the order they are listed in; the answers' close is
 * their lock date, before election day). The status moves only
 * through the lifecycle (election-lifecycle.server.ts), never through this form.
 */
const MODERATION_MODES = ["before_publishing", "after_publishing"] as const;
export type ModerationMode = (typeof MODERATION_MODES)[number];

export type ElectionInput = {
  slug: string;
  name: LocalizedText;
  electionDate: string;
  questionsOpenAt: Date | null;
  questionsCloseAt: Date | null;
  answersOpenAt: Date | null;
  answersCloseAt: Date | null;
  moderationMode: ModerationMode;
  answerMaxWords: number;
  answerMaxVideoSeconds: number;
  candidateOrder: CandidateOrder;
};

/** A whole number within [min, max] typed in a form field; `fallback` when left empty. */
const boundedCount = (min: number, max: number, fallback: number, error: MessageKey) =>
  z
    .string()
    .trim()
    .optional()
    .refine((value) => !value || /^\d{1,5}$/.test(value), { error })
    .transform((value) => (value ? Number(value) : fallback))
    .refine((value) => value >= min && value <= max, { error });

/** The election form, reading window times in the jurisdiction's zone. */
export function electionForm(timeZone: string) {
  const instant = optionalText(20).transform((value, ctx) => {
    if (!value) return null;
    const date = fromLocalInput(value, timeZone);
    if (!date) ctx.addIssue({ code: "custom", message: "console.form.dateTime" });
    return date;
  });
  return (
    z
      .object({
        slug: slugField,
        nameEn: requiredText(200),
        nameEs: optionalText(200),
        electionDate: isoDateField,
        questionsOpenAt: instant,
        questionsCloseAt: instant,
        answersOpenAt: instant,
        answersCloseAt: instant,
        moderationMode: z.enum(MODERATION_MODES, { error: "form.invalid" }),
        answerMaxWords: boundedCount(
          50,
          1500,
          ANSWER_RULE_DEFAULTS.maxWords,
          "answers.rules.wordsRange",
        ),
        answerMaxVideoMinutes: boundedCount(
          1,
          60,
          ANSWER_RULE_DEFAULTS.maxVideoMinutes,
          "answers.rules.minutesRange",
        ),
        candidateOrder: z.enum(CANDIDATE_ORDERS, { error: "form.invalid" }).default("ballot"),
      })
      .refine(
        (f) => !f.questionsOpenAt || !f.questionsCloseAt || f.questionsCloseAt > f.questionsOpenAt,
        {
          path: ["questionsCloseAt"],
          error: "console.election.closeBeforeOpen",
        },
      )
      .refine((f) => !f.answersOpenAt || !f.answersCloseAt || f.answersCloseAt > f.answersOpenAt, {
        path: ["answersCloseAt"],
        error: "console.election.closeBeforeOpen",
      })
      // Answers lock before election day begins, in the jurisdiction's zone.
      .refine(
        (f) =>
          !f.answersCloseAt ||
          f.answersCloseAt <=
            (fromLocalInput(`${f.electionDate}T00:00`, timeZone) ?? f.answersCloseAt),
        { path: ["answersCloseAt"], error: "answers.rules.lockAfterElectionDay" },
      )
      .transform((f): ElectionInput => ({
        slug: f.slug,
        name: localizedText(f.nameEn, f.nameEs),
        electionDate: f.electionDate,
        questionsOpenAt: f.questionsOpenAt,
        questionsCloseAt: f.questionsCloseAt,
        answersOpenAt: f.answersOpenAt,
        answersCloseAt: f.answersCloseAt,
        moderationMode: f.moderationMode,
        answerMaxWords: f.answerMaxWords,
        answerMaxVideoSeconds: f.answerMaxVideoMinutes * 60,
        candidateOrder: f.candidateOrder,
      }))
  );
}

export type ConsoleElectionDetail = {
  id: string;
  slug: string;
  name: LocalizedText;
  electionDate: string;
  status: ElectionStatus;
  questionsOpenAt: Date | null;
  questionsCloseAt: Date | null;
  answersOpenAt: Date | null;
  answersCloseAt: Date | null;
  moderationMode: ModerationMode;
  answerMaxWords: number;
  answerMaxVideoSeconds: number;
  candidateOrder: CandidateOrder;
};

const DETAIL_COLUMNS = [
  "id",
  "slug",
  "name",
  "status",
  "questions_open_at as questionsOpenAt",
  "questions_close_at as questionsCloseAt",
  "answers_open_at as answersOpenAt",
  "answers_close_at as answersCloseAt",
  "moderation_mode as moderationMode",
  "answer_max_words as answerMaxWords",
  "answer_max_video_seconds as answerMaxVideoSeconds",
  "candidate_order as candidateOrder",
] as const;

/** One election of the jurisdiction, by its slug; undefined for another jurisdiction's. */
export async function findElection(
  db: DbOrTransaction,
  jurisdictionId: string,
  slug: string,
): Promise<ConsoleElectionDetail | undefined> {
  return db("elections")
    .where({ jurisdiction_id: jurisdictionId, slug })
    .first(...DETAIL_COLUMNS, db.raw("to_char(election_date, 'YYYY-MM-DD') as \"electionDate\""));
}

function electionRow(input: ElectionInput) {
  return {
    name: input.name,
    election_date: input.electionDate,
    questions_open_at: input.questionsOpenAt,
    questions_close_at: input.questionsCloseAt,
    answers_open_at: input.answersOpenAt,
    answers_close_at: input.answersCloseAt,
    moderation_mode: input.moderationMode,
    answer_max_words: input.answerMaxWords,
    answer_max_video_seconds: input.answerMaxVideoSeconds,
    candidate_order: input.candidateOrder,
  };
}

const SLUG_TAKEN: FieldErrors = { slug: "console.election.slugTaken" };

export type SaveOutcome = { ok: true; slug: string } | { ok: false; errors: FieldErrors };

/** A new election, in draft: voters see it only once questions open. */
export async function createElection(
  db: Db,
  jurisdictionId: string,
  input: ElectionInput,
  actor: Actor,
): Promise<SaveOutcome> {
  try {
    return await db.transaction(async (trx) => {
      const taken = await trx("elections")
        .where({ jurisdiction_id: jurisdictionId, slug: input.slug })
        .first("id");
      if (taken) return { ok: false, errors: SLUG_TAKEN };
      const [row] = await trx("elections")
        .insert({ jurisdiction_id: jurisdictionId, slug: input.slug, ...electionRow(input) })
        .returning<Array<{ id: string }>>("id");
      await audit(trx, actor, {
        action: "election.created",
        targetType: "election",
        targetId: row!.id,
        jurisdictionId,
        details: { slug: input.slug, name: input.name, electionDate: input.electionDate },
      });
      return { ok: true, slug: input.slug };
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, errors: SLUG_TAKEN };
    throw error;
  }
}

/**
 * Saves the form's fields. The slug is the election's address for voters: it stays as created
 * once questions have opened, so links already shared keep working.
 */
export async function updateElection(
  db: Db,
  jurisdictionId: string,
  electionId: string,
  input: ElectionInput,
  actor: Actor,
): Promise<SaveOutcome> {
  try {
    return await db.transaction(async (trx) => {
      const before = await trx("elections")
        .where({ id: electionId, jurisdiction_id: jurisdictionId })
        .forUpdate()
        .first("*", trx.raw("to_char(election_date, 'YYYY-MM-DD') as election_day"));
      if (!before) throw new Error(`election ${electionId} is not in ${jurisdictionId}`);
      const slug = before.status === "draft" ? input.slug : before.slug;
      if (slug !== before.slug) {
        const taken = await trx("elections")
          .where({ jurisdiction_id: jurisdictionId, slug })
          .first("id");
        if (taken) return { ok: false, errors: SLUG_TAKEN };
      }
      const after = { slug, ...electionRow(input) };
      const changes = changedFields({ ...before, election_date: before.election_day }, after);
      if (Object.keys(changes).length === 0) return { ok: true, slug };
      await trx("elections")
        .where({ id: electionId })
        .update({ ...after, updated_at: trx.fn.now() });
      await audit(trx, actor, {
        action: "election.updated",
        targetType: "election",
        targetId: electionId,
        jurisdictionId,
        details: { changes },
      });
      return { ok: true, slug };
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, errors: SLUG_TAKEN };
    throw error;
  }
}
