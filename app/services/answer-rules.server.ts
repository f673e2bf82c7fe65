import type { DbOrTransaction } from "~/lib/db.server";
import { parseSort } from "~/lib/listing";
import { answerWindowOpen, type AnswerWindow } from "./election-rules.server";
import type { ElectionStatus } from "./elections.server";
import { supportFilterFor } from "./vote-counting.server";
import { listContestQuestions } from "./question-reads.server";

/**
 * The fair rules every candidate of an election answers under, set by the clerk per election and
 * stated to voters on the contest page (docs/decisions/015-fair-answer-rules.md): one word limit
 * for written answers and rebuttals, one duration limit for videos, one lock date (the answer
 * window's close, before election day), one list of top questions offered per contest, and the
 * order candidates are listed in.
 */
export const CANDIDATE_ORDERS = ["ballot", "rotated"] as const;
export type CandidateOrder = (typeof CANDIDATE_ORDERS)[number];

export type AnswerRules = {
  maxWords: number;
  maxVideoSeconds: number;
  /** answers and rebuttals are refused from this instant (null: only the phase closes them) */
  lockAt: string | null;
  candidateOrder: CandidateOrder;
  /** the jurisdiction's zone, to show the lock date as its clocks read */
  timeZone: string;
};

/** An election row selected with `rulesColumns`: its phase and window, and its rules. */
export type RulesRow = {
  status: ElectionStatus;
  answers_open_at: Date | null;
  answer_max_words: number;
  answer_max_video_seconds: number;
  answers_close_at: Date | null;
  candidate_order: CandidateOrder;
  time_zone: string;
};

/** The columns of the rules, over `elections as e`. */
export function rulesColumns(db: DbOrTransaction) {
  return [
    "e.status",
    "e.answers_open_at",
    "e.answer_max_words",
    "e.answer_max_video_seconds",
    "e.answers_close_at",
    "e.candidate_order",
    db.raw("(select j.time_zone from jurisdictions j where j.id = e.jurisdiction_id) as time_zone"),
  ];
}

/** The rules from an election row selected with `rulesColumns`. */
export function rulesOf(row: RulesRow): AnswerRules {
  return {
    maxWords: row.answer_max_words,
    maxVideoSeconds: row.answer_max_video_seconds,
    lockAt: row.answers_close_at?.toISOString() ?? null,
    candidateOrder: row.candidate_order,
    timeZone: row.time_zone,
  };
}

export async function electionAnswerRules(
  db: DbOrTransaction,
  electionId: string,
): Promise<AnswerRules> {
  const row = await db("elections as e")
    .where("e.id", electionId)
    .first<RulesRow>(rulesColumns(db));
  return rulesOf(row);
}

/** Why a candidate may not write now: the lock date has passed, or the phase is not open. */
export type WriteRefusal = "locked" | "windowClosed";

export function writeRefusal(election: AnswerWindow, now: Date = new Date()): WriteRefusal | null {
  if (answerWindowOpen(election, now)) return null;
  const lock = election.answersCloseAt ? new Date(election.answersCloseAt) : null;
  return lock && lock <= now ? "locked" : "windowClosed";
}

/** `writeRefusal` for an election row selected with `rulesColumns`. */
export function refusalOf(row: RulesRow, now: Date = new Date()): WriteRefusal | null {
  return writeRefusal(
    {
      status: row.status,
      answersOpenAt: row.answers_open_at,
      answersCloseAt: row.answers_close_at,
    },
    now,
  );
}

/** How many top questions are offered to every candidate of a contest. */
export const OFFERED_COUNT = 10;

export type OfferedSet = { takenAt: string; questionIds: string[] };
/** What the offered set needs of its election: its phase and whose votes rank its questions. */
type CountingElection = Parameters<typeof supportFilterFor>[0] & { status: string };

/**
 * The contest's offered questions: its top OFFERED_COUNT questions put to every candidate, by
 * the default ranking, at one moment — the first time they are asked for once answers are open.
 * Stored, so every candidate is offered the same list whenever they look; a question moderators
 * later take down drops out. Null before the answer phase (the ranking is still moving).
 */
export async function offeredQuestions(
  db: DbOrTransaction,
  contestId: string,
  election: CountingElection,
): Promise<OfferedSet | null> {
  const stored = await readOfferedSet(db, contestId);
  if (stored || election.status !== "answers_open") return stored;
  const ranked = await listContestQuestions(
    db,
    contestId,
    parseSort(null),
    1,
    supportFilterFor(election),
  );
  const questionIds = ranked.questions
    .filter((question) => question.candidate === null)
    .slice(0, OFFERED_COUNT)
    .map((question) => question.id);
  // Two candidates opening the desk at once: the first snapshot stands.
  await db("offered_question_sets")
    .insert({ contest_id: contestId, question_ids: questionIds })
    .onConflict("contest_id")
    .ignore();
  return readOfferedSet(db, contestId);
}

async function readOfferedSet(db: DbOrTransaction, contestId: string): Promise<OfferedSet | null> {
  const row = await db("offered_question_sets")
    .where({ contest_id: contestId })
    .first<{ question_ids: string[]; taken_at: Date } | undefined>("question_ids", "taken_at");
  if (!row) return null;
  const published = new Set(
    (
      await db("questions")
        .whereIn("id", row.question_ids)
        .where({ status: "published" })
        .select<Array<{ id: string }>>("id")
    ).map((question) => question.id),
  );
  return {
    takenAt: row.taken_at.toISOString(),
    questionIds: row.question_ids.filter((id) => published.has(id)),
  };
}

/** The rules box of a contest page: what every candidate of the contest answers under. */
export type ContestRules = AnswerRules & {
  offeredCount: number;
  /** when the offered questions were fixed; null until answers open */
  offeredAt: string | null;
};

export async function contestRules(
  db: DbOrTransaction,
  election: CountingElection & { id: string },
  contestId: string,
): Promise<ContestRules> {
  const [rules, offered] = await Promise.all([
    electionAnswerRules(db, election.id),
    offeredQuestions(db, contestId, election),
  ]);
  return {
    ...rules,
    offeredCount: offered?.questionIds.length ?? OFFERED_COUNT,
    offeredAt: offered?.takenAt ?? null,
  };
}
