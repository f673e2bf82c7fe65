import { audit, type Actor } from "~/lib/audit.server";
import type { Db, DbOrTransaction } from "~/lib/db.server";
import type { LocalizedText } from "~/lib/i18n";
import { isUniqueViolation, isUuid } from "./console-common.server";
import { recordDecision } from "./moderation.server";

/**
 * Appeals (docs/decisions/019-moderation-ledger.md): the author of a rejected question or a
 * hidden answer may appeal the decision once, with a short text; a moderator of the
 * jurisdiction other than the one who decided settles it — upheld (nothing changes) or
 * overturned (the content is published again, recorded as a `restore` decision). The rule that
 * the decider differs is checked here, on the server, under the appeal's row lock.
 */

const APPEALABLE = ["reject", "hide"] as const;
export const APPEAL_MAX = 1000;

export type AppealOutcome = "upheld" | "overturned";

export type AppealableDecision = {
  id: string;
  kind: "question" | "answer";
  reasonCode: string;
  decidedAt: Date;
  /** what the author wrote (shown only to them) */
  content: string;
  electionName: LocalizedText;
  appeal: { body: string; outcome: AppealOutcome | null; createdAt: Date } | null;
};

/**
 * A rejection or hiding whose content `userId` wrote (the question's author, or the answering
 * candidate's account); undefined for anyone else, as if it did not exist.
 */
export async function appealableDecision(
  db: DbOrTransaction,
  decisionId: string,
  userId: string,
): Promise<AppealableDecision | undefined> {
  if (!isUuid(decisionId)) return undefined;
  const row = await db("moderation_decisions as d")
    .join("questions as q", "q.id", "d.question_id")
    .join("elections as e", "e.id", "q.election_id")
    .leftJoin("answers as a", "a.id", "d.answer_id")
    .leftJoin("candidates as c", "c.id", "a.candidate_id")
    .leftJoin("moderation_appeals as ap", "ap.decision_id", "d.id")
    .where("d.id", decisionId)
    .whereIn("d.action", APPEALABLE)
    .whereRaw("(case when d.answer_id is null then q.author_id else c.user_id end) = ?", [userId])
    .first(
      "d.id",
      "d.answer_id",
      "d.reason_code",
      "d.created_at",
      "q.body as question_body",
      "a.body as answer_body",
      "e.name as election_name",
      "ap.body as appeal_body",
      "ap.outcome as appeal_outcome",
      "ap.created_at as appeal_created_at",
    );
  if (!row) return undefined;
  return {
    id: row.id,
    kind: row.answer_id ? "answer" : "question",
    reasonCode: row.reason_code,
    decidedAt: row.created_at,
    content: row.answer_id ? (row.answer_body ?? row.question_body) : row.question_body,
    electionName: row.election_name,
    appeal: row.appeal_body
      ? { body: row.appeal_body, outcome: row.appeal_outcome, createdAt: row.appeal_created_at }
      : null,
  };
}

/** The author appeals, once. "notFound": not their decision, or not one that can be appealed. */
export async function submitAppeal(
  db: Db,
  input: { decisionId: string; userId: string; body: string },
  actor: Actor,
): Promise<"done" | "notFound" | "already"> {
  const decision = await appealableDecision(db, input.decisionId, input.userId);
  if (!decision) return "notFound";
  if (decision.appeal) return "already";
  try {
    return await db.transaction(async (trx) => {
      const { jurisdiction_id: jurisdictionId } = await trx("moderation_decisions")
        .where({ id: input.decisionId })
        .first<{ jurisdiction_id: string }>("jurisdiction_id");
      const [appeal] = await trx("moderation_appeals")
        .insert({
          decision_id: input.decisionId,
          jurisdiction_id: jurisdictionId,
          appellant_id: input.userId,
          body: input.body,
        })
        .returning<Array<{ id: string }>>("id");
      await audit(trx, actor, {
        action: "moderation.appeal",
        targetType: "moderation_decision",
        targetId: input.decisionId,
        jurisdictionId,
        details: { appealId: appeal!.id },
      });
      return "done" as const;
    });
  } catch (error) {
    if (isUniqueViolation(error)) return "already"; // a second submission racing the first
    throw error;
  }
}

export type OpenAppeal = {
  id: string;
  body: string;
  createdAt: Date;
  decision: {
    id: string;
    action: string;
    reasonCode: string;
    kind: "question" | "answer";
    content: string;
    /** the moderator who decided may not settle its appeal */
    decidedByYou: boolean;
  };
};

/** The jurisdiction's appeals waiting for a decision, oldest first. */
export async function openAppeals(
  db: DbOrTransaction,
  scope: { jurisdictionId: string },
  viewerId: string,
): Promise<OpenAppeal[]> {
  const rows = await db("moderation_appeals as ap")
    .join("moderation_decisions as d", "d.id", "ap.decision_id")
    .join("questions as q", "q.id", "d.question_id")
    .leftJoin("answers as a", "a.id", "d.answer_id")
    .where("ap.jurisdiction_id", scope.jurisdictionId)
    .whereNull("ap.outcome")
    .orderBy([{ column: "ap.created_at" }, { column: "ap.id" }])
    .limit(50)
    .select(
      "ap.id",
      "ap.body",
      "ap.created_at",
      "d.id as decision_id",
      "d.action",
      "d.reason_code",
      "d.answer_id",
      "d.moderator_id",
      "q.body as question_body",
      "a.body as answer_body",
    );
  return rows.map((row) => ({
    id: row.id,
    body: row.body,
    createdAt: row.created_at,
    decision: {
      id: row.decision_id,
      action: row.action,
      reasonCode: row.reason_code,
      kind: row.answer_id ? "answer" : "question",
      content: row.answer_id ? (row.answer_body ?? row.question_body) : row.question_body,
      decidedByYou: row.moderator_id === viewerId,
    },
  }));
}

export type AppealDecisionOutcome = "done" | "notFound" | "notAllowed" | "sameModerator";

/**
 * Settles an appeal. The moderator who made the decision is refused ("sameModerator").
 * Overturned: the question is published again (or the answer shown again), recorded as a
 * `restore` decision; upheld: nothing changes but the appeal's outcome. Both audited.
 */
export async function decideAppeal(
  db: Db,
  scope: { jurisdictionId: string },
  input: { appealId: string; outcome: AppealOutcome },
  actor: Actor,
): Promise<AppealDecisionOutcome> {
  if (!isUuid(input.appealId)) return "notFound";
  return db.transaction(async (trx) => {
    const appeal = await trx("moderation_appeals as ap")
      .join("moderation_decisions as d", "d.id", "ap.decision_id")
      .where({ "ap.id": input.appealId, "ap.jurisdiction_id": scope.jurisdictionId })
      .forUpdate("ap")
      .first<
        | {
            id: string;
            outcome: AppealOutcome | null;
            decision_id: string;
            moderator_id: string | null;
            question_id: string;
            answer_id: string | null;
          }
        | undefined
      >(
        "ap.id",
        "ap.outcome",
        "d.id as decision_id",
        "d.moderator_id",
        "d.question_id",
        "d.answer_id",
      );
    if (!appeal) return "notFound";
    if (appeal.outcome) return "notAllowed";
    if (appeal.moderator_id !== null && appeal.moderator_id === actor.userId)
      return "sameModerator";
    if (input.outcome === "overturned") {
      if (appeal.answer_id)
        await trx("answers")
          .where({ id: appeal.answer_id, status: "hidden" })
          .update({ status: "published", hidden_reason: null, updated_at: trx.fn.now() });
      else
        await trx("questions")
          .where({ id: appeal.question_id, status: "rejected" })
          .update({
            status: "published",
            published_at: trx.raw("coalesce(published_at, now())"),
            updated_at: trx.fn.now(),
          });
      await recordDecision(trx, scope, actor, {
        action: "restore",
        questionId: appeal.question_id,
        answerId: appeal.answer_id ?? undefined,
        details: { appealId: appeal.id, overturnedDecisionId: appeal.decision_id },
      });
    }
    await trx("moderation_appeals")
      .where({ id: appeal.id })
      .update({ outcome: input.outcome, decided_by: actor.userId, decided_at: trx.fn.now() });
    await audit(trx, actor, {
      action: `moderation.appeal_${input.outcome}`,
      targetType: "moderation_appeal",
      targetId: appeal.id,
      jurisdictionId: scope.jurisdictionId,
      details: { decisionId: appeal.decision_id },
    });
    return "done";
  });
}
