import { audit, type Actor } from "~/lib/audit.server";
import type { Db } from "~/lib/db.server";
import {
  answerWindowOpen,
  questionWindowOpen,
  votingAllowed,
  type AnswerWindow,
  type QuestionWindow,
} from "./election-rules.server";
import type { ElectionStatus } from "./elections.server";

/**
 * The election's lifecycle: draft → questions open → answers open → closed → archived, one step
 * at a time, each an explicit, audited action. What voters and candidates may do in each phase
 * is decided by election-rules.server.ts (`questionWindowOpen`, `votingAllowed`,
 * `answerWindowOpen`), which the voter and candidate actions ask on the server.
 */
/** A status an election can move to: any but the first. */
export type LaterStatus = Exclude<ElectionStatus, "draft">;

const NEXT_STATUS: Record<ElectionStatus, LaterStatus | null> = {
  draft: "questions_open",
  questions_open: "answers_open",
  answers_open: "closed",
  closed: "archived",
  archived: null,
};

/** The states the clerk may move the election to now (one, or none once archived). */
export function allowedTransitions(status: ElectionStatus): LaterStatus[] {
  const next = NEXT_STATUS[status];
  return next ? [next] : [];
}

/** What the election allows at `now`: the console shows it beside the status. */
export function permissionsAt(election: QuestionWindow & AnswerWindow, now: Date = new Date()) {
  return {
    ask: questionWindowOpen(election, now),
    vote: votingAllowed(election.status),
    answer: answerWindowOpen(election, now),
  };
}

export type TransitionProblem =
  /** not a next step of the lifecycle */
  | "notAllowed"
  /** someone changed the status since the clerk loaded the page */
  | "stale"
  /** opening a window whose closing time has already passed: nobody could use it */
  | "windowOver";

export type TransitionOutcome = { ok: true } | { ok: false; problem: TransitionProblem };

/**
 * Moves the election from `from` (the status the clerk saw) to `to`. The update is conditional
 * on the status still being `from`, so two clerks confirming at once move it only once.
 * The windows record what happened: a phase that opens without an opening time gets now, a
 * phase that ends before its closing time is closed now.
 */
export async function transitionElection(
  db: Db,
  target: { jurisdictionId: string; electionId: string; from: ElectionStatus; to: ElectionStatus },
  actor: Actor,
  now: Date = new Date(),
): Promise<TransitionOutcome> {
  const { jurisdictionId, electionId, from, to } = target;
  if (NEXT_STATUS[from] !== to) return { ok: false, problem: "notAllowed" };
  return db.transaction(async (trx) => {
    const election = await trx("elections")
      .where({ id: electionId, jurisdiction_id: jurisdictionId })
      .forUpdate()
      .first("status", "questions_close_at", "answers_close_at");
    if (!election || election.status !== from) return { ok: false, problem: "stale" };
    const closesAt =
      to === "questions_open"
        ? election.questions_close_at
        : to === "answers_open"
          ? election.answers_close_at
          : null;
    if (closesAt && closesAt <= now) return { ok: false, problem: "windowOver" };

    // "close now" for a phase that is ending, unless it never opened (opening time still ahead)
    const closeNow = (open: string, close: string) =>
      trx.raw(
        `case when ${open} is null or ${open} < ? then least(coalesce(${close}, ?), ?) else ${close} end`,
        [now, now, now],
      );
    const stamps: Record<string, unknown> = {};
    if (to === "questions_open")
      stamps.questions_open_at = trx.raw("coalesce(questions_open_at, ?)", [now]);
    if (from === "questions_open")
      stamps.questions_close_at = closeNow("questions_open_at", "questions_close_at");
    if (to === "answers_open")
      stamps.answers_open_at = trx.raw("coalesce(answers_open_at, ?)", [now]);
    if (from === "answers_open")
      stamps.answers_close_at = closeNow("answers_open_at", "answers_close_at");
    await trx("elections")
      .where({ id: electionId })
      .update({ status: to, ...stamps, updated_at: trx.fn.now() });
    await audit(trx, actor, {
      action: "election.status_changed",
      targetType: "election",
      targetId: electionId,
      jurisdictionId,
      details: { from, to },
    });
    return { ok: true };
  });
}
