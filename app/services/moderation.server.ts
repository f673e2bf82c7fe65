import { audit, type Actor } from "~/lib/audit.server";
import { config } from "~/lib/config.server";
import type { Db, DbOrTransaction } from "~/lib/db.server";
import { isLocale, type LocalizedText } from "~/lib/i18n";
import { enqueue } from "~/lib/queue.server";
import { isUuid } from "./console-common.server";
import { MODERATION_POLICY, type PolicyCode } from "./moderation-policy";

/**
 * Moderation of a jurisdiction: the queue (pending questions and open user reports, oldest
 * first) and the decisions on it — approve, reject with a policy reason (the author is emailed),
 * merge a duplicate into another question (votes and followers move, nobody counted twice),
 * hide an answer with a public reason, dismiss a report. Every decision writes its
 * `moderation_decisions` row and its audit row in the transaction of the change. A rejection or
 * a hidden answer is appealable once by its author (moderation-appeals.server.ts), and every
 * decision is listed publicly in the election's ledger (moderation-ledger.server.ts).
 * Everything is scoped to the jurisdiction: another county's questions are not found.
 */

type Scope = { jurisdictionId: string };
export type Page<T> = { items: T[]; total: number; page: number; pageCount: number };

const QUEUE_PAGE_SIZE = 20;

function paged<T>(items: T[], total: number, page: number): Page<T> {
  return { items, total, page, pageCount: Math.max(1, Math.ceil(total / QUEUE_PAGE_SIZE)) };
}

export type QueuedQuestion = {
  id: string;
  body: string;
  language: string;
  createdAt: Date;
  contestTitle: LocalizedText;
  electionName: LocalizedText;
  candidateName: string | null;
};

/** The jurisdiction's questions waiting for a decision, oldest first. */
export async function pendingQuestions(
  db: DbOrTransaction,
  scope: Scope,
  page: number,
): Promise<Page<QueuedQuestion>> {
  const base = db("questions as q")
    .join("elections as e", "e.id", "q.election_id")
    .where("e.jurisdiction_id", scope.jurisdictionId)
    .where("q.status", "pending");
  const [items, counted] = await Promise.all([
    base
      .clone()
      .join("contests as k", "k.id", "q.contest_id")
      .leftJoin("candidates as c", "c.id", "q.candidate_id")
      .orderBy([{ column: "q.created_at" }, { column: "q.id" }])
      .offset((page - 1) * QUEUE_PAGE_SIZE)
      .limit(QUEUE_PAGE_SIZE)
      .select(
        "q.id",
        "q.body",
        "q.language",
        "q.created_at as createdAt",
        "k.title as contestTitle",
        "e.name as electionName",
        "c.ballot_name as candidateName",
      ),
    base.clone().count<Array<{ total: string }>>({ total: "*" }),
  ]);
  return paged(items, Number(counted[0]?.total ?? 0), page);
}

export type QueuedReport = {
  id: string;
  reason: string;
  details: string | null;
  createdAt: Date;
  questionId: string;
  questionBody: string;
  questionStatus: string;
  /** set when the report is about an answer rather than the question */
  answer: { id: string; body: string | null; kind: "text" | "video"; candidateName: string } | null;
};

/** The jurisdiction's open reports (on questions or on answers), oldest first. */
export async function openReports(
  db: DbOrTransaction,
  scope: Scope,
  page: number,
): Promise<Page<QueuedReport>> {
  const base = db("user_reports as r")
    .leftJoin("answers as a", "a.id", "r.answer_id")
    .join("questions as q", "q.id", db.raw("coalesce(r.question_id, a.question_id)"))
    .join("elections as e", "e.id", "q.election_id")
    .where("e.jurisdiction_id", scope.jurisdictionId)
    .where("r.status", "open");
  const [rows, counted] = await Promise.all([
    base
      .clone()
      .leftJoin("candidates as c", "c.id", "a.candidate_id")
      .orderBy([{ column: "r.created_at" }, { column: "r.id" }])
      .offset((page - 1) * QUEUE_PAGE_SIZE)
      .limit(QUEUE_PAGE_SIZE)
      .select(
        "r.id",
        "r.reason",
        "r.details",
        "r.created_at",
        "q.id as question_id",
        "q.body as question_body",
        "q.status as question_status",
        "a.id as answer_id",
        "a.body as answer_body",
        "a.kind as answer_kind",
        "c.ballot_name",
      ),
    base.clone().count<Array<{ total: string }>>({ total: "*" }),
  ]);
  const items = rows.map((row) => ({
    id: row.id,
    reason: row.reason,
    details: row.details,
    createdAt: row.created_at,
    questionId: row.question_id,
    questionBody: row.question_body,
    questionStatus: row.question_status,
    answer: row.answer_id
      ? {
          id: row.answer_id,
          body: row.answer_body,
          kind: row.answer_kind,
          candidateName: row.ballot_name,
        }
      : null,
  }));
  return paged(items, Number(counted[0]?.total ?? 0), page);
}

export type QuestionStatus = "pending" | "published" | "rejected" | "merged" | "hidden";

export type ContestQuestion = {
  id: string;
  body: string;
  status: QuestionStatus;
  voteCount: number;
  createdAt: Date;
};

/**
 * A contest's live questions (pending or published), most voted first: where a clerk finds
 * published duplicates to merge, which the pending queue does not show.
 */
export async function contestQuestions(
  db: DbOrTransaction,
  contestId: string,
  limit = 50,
): Promise<ContestQuestion[]> {
  return db("questions")
    .where({ contest_id: contestId })
    .whereIn("status", ["pending", "published"])
    .orderBy([
      { column: "vote_count", order: "desc" },
      { column: "created_at", order: "desc" },
    ])
    .limit(limit)
    .select("id", "body", "status", "vote_count as voteCount", "created_at as createdAt");
}

export type ModeratedQuestion = {
  id: string;
  body: string;
  language: string;
  status: QuestionStatus;
  voteCount: number;
  followerCount: number;
  answerCount: number;
  createdAt: Date;
  mergedIntoId: string | null;
  contest: { id: string; title: LocalizedText };
  election: { slug: string; name: LocalizedText };
  candidateName: string | null;
};

/** One question of the jurisdiction, as the moderation page shows it. */
export async function findQuestion(
  db: DbOrTransaction,
  scope: Scope,
  questionId: string,
): Promise<ModeratedQuestion | undefined> {
  if (!isUuid(questionId)) return undefined;
  const row = await db("questions as q")
    .join("elections as e", "e.id", "q.election_id")
    .join("contests as k", "k.id", "q.contest_id")
    .leftJoin("candidates as c", "c.id", "q.candidate_id")
    .where({ "q.id": questionId, "e.jurisdiction_id": scope.jurisdictionId })
    .first(
      "q.id",
      "q.body",
      "q.language",
      "q.status",
      "q.vote_count",
      "q.created_at",
      "q.merged_into_id",
      db.raw(
        "(select count(*)::int from question_follows f where f.question_id = q.id) as followers",
      ),
      db.raw("(select count(*)::int from answers a where a.question_id = q.id) as answers"),
      "k.id as contest_id",
      "k.title as contest_title",
      "e.slug as election_slug",
      "e.name as election_name",
      "c.ballot_name",
    );
  if (!row) return undefined;
  return {
    id: row.id,
    body: row.body,
    language: row.language,
    status: row.status,
    voteCount: row.vote_count,
    followerCount: row.followers,
    answerCount: row.answers,
    createdAt: row.created_at,
    mergedIntoId: row.merged_into_id,
    contest: { id: row.contest_id, title: row.contest_title },
    election: { slug: row.election_slug, name: row.election_name },
    candidateName: row.ballot_name,
  };
}

export type SimilarQuestion = {
  id: string;
  body: string;
  status: QuestionStatus;
  voteCount: number;
  /** cosine similarity of the embeddings, 1 = same wording */
  similarity: number;
};

/** Below this cosine similarity, wording has too little in common to suggest a merge. */
const SIMILAR_ENOUGH = 0.3;

/**
 * The questions of the same contest most like this one (pgvector cosine distance over the
 * embeddings), best first: the candidates for a merge. Only questions that can still take part
 * (pending or published) and share enough wording; empty while this question has no embedding.
 */
export async function similarQuestions(
  db: DbOrTransaction,
  questionId: string,
  limit = 8,
): Promise<SimilarQuestion[]> {
  const rows = await db("questions as q")
    .join("questions as source", "source.contest_id", "q.contest_id")
    .where("source.id", questionId)
    .whereNot("q.id", questionId)
    .whereIn("q.status", ["pending", "published"])
    .whereNotNull("q.embedding")
    .whereNotNull("source.embedding")
    .whereRaw("q.embedding <=> source.embedding <= ?", [1 - SIMILAR_ENOUGH])
    .orderByRaw("q.embedding <=> source.embedding")
    .limit(limit)
    .select(
      "q.id",
      "q.body",
      "q.status",
      "q.vote_count",
      db.raw("1 - (q.embedding <=> source.embedding) as similarity"),
    );
  return rows.map((row) => ({
    id: row.id,
    body: row.body,
    status: row.status,
    voteCount: row.vote_count,
    similarity: Number(row.similarity),
  }));
}

export type Decision = {
  action: "approve" | "reject" | "merge" | "hide" | "dismiss_report" | "restore";
  questionId?: string;
  answerId?: string;
  reportId?: string;
  reasonCode?: PolicyCode;
  mergedIntoId?: string;
  details?: Record<string, unknown>;
};

/** The decision's two records: its moderation_decisions row and its audit row; its id. */
export async function recordDecision(
  trx: DbOrTransaction,
  scope: Scope,
  actor: Actor,
  decision: Decision,
): Promise<string> {
  const [row] = await trx("moderation_decisions")
    .insert({
      jurisdiction_id: scope.jurisdictionId,
      moderator_id: actor.userId,
      question_id: decision.questionId ?? null,
      answer_id: decision.answerId ?? null,
      report_id: decision.reportId ?? null,
      action: decision.action,
      reason_code: decision.reasonCode ?? null,
      merged_into_id: decision.mergedIntoId ?? null,
    })
    .returning<Array<{ id: string }>>("id");
  const [targetType, targetId] = decision.answerId
    ? ["answer", decision.answerId]
    : decision.questionId
      ? ["question", decision.questionId]
      : ["report", decision.reportId!];
  await audit(trx, actor, {
    action: `moderation.${decision.action}`,
    targetType,
    targetId,
    jurisdictionId: scope.jurisdictionId,
    details: {
      decisionId: row!.id,
      ...(decision.reportId ? { reportId: decision.reportId } : {}),
      ...(decision.reasonCode ? { reasonCode: decision.reasonCode } : {}),
      ...(decision.mergedIntoId ? { mergedIntoId: decision.mergedIntoId } : {}),
      ...decision.details,
    },
  });
  return row!.id;
}

/**
 * Tells the author of rejected or hidden content why, in their language, with the rule, the
 * policy page and where to appeal (once). Nothing is sent when the account is gone.
 */
async function tellAuthor(
  trx: DbOrTransaction,
  input: {
    authorId: string | null;
    template: "question_rejected" | "answer_hidden";
    content: string;
    reasonCode: PolicyCode;
    decisionId: string;
  },
) {
  const author = input.authorId
    ? await trx("users")
        .where({ id: input.authorId })
        .first<{ email: string; locale: string } | undefined>("email", "locale")
    : undefined;
  if (!author) return;
  const locale = isLocale(author.locale) ? author.locale : "en";
  await enqueue(trx, "send_email", {
    template: input.template,
    to: author.email,
    locale,
    params: {
      content: input.content,
      reason: MODERATION_POLICY[input.reasonCode][locale].title,
      explanation: MODERATION_POLICY[input.reasonCode][locale].description,
      policyUrl: new URL("/moderation-policy", config().APP_URL).toString(),
      appealUrl: new URL(`/appeals/${input.decisionId}`, config().APP_URL).toString(),
    },
  });
}

/** Closes the open reports on a question or an answer the decision has dealt with. */
async function resolveReports(
  trx: DbOrTransaction,
  target: { questionId: string } | { answerId: string },
) {
  await trx("user_reports")
    .where(
      "questionId" in target ? { question_id: target.questionId } : { answer_id: target.answerId },
    )
    .where("status", "open")
    .update({ status: "resolved", resolved_at: trx.fn.now() });
}

/** A question of the jurisdiction, locked for the decision; undefined when not found there. */
async function lockQuestion(trx: DbOrTransaction, scope: Scope, questionId: string) {
  return trx("questions as q")
    .join("elections as e", "e.id", "q.election_id")
    .where({ "q.id": questionId, "e.jurisdiction_id": scope.jurisdictionId })
    .forUpdate("q")
    .first<
      | {
          id: string;
          status: QuestionStatus;
          contest_id: string;
          author_id: string | null;
          body: string;
        }
      | undefined
    >("q.id", "q.status", "q.contest_id", "q.author_id", "q.body");
}

export type DecisionOutcome = "done" | "notFound" | "notAllowed";

/** Publishes a pending question. */
export async function approveQuestion(
  db: Db,
  scope: Scope,
  questionId: string,
  actor: Actor,
): Promise<DecisionOutcome> {
  return db.transaction(async (trx) => {
    const question = await lockQuestion(trx, scope, questionId);
    if (!question) return "notFound";
    if (question.status !== "pending") return "notAllowed";
    await trx("questions")
      .where({ id: questionId })
      .update({ status: "published", published_at: trx.fn.now(), updated_at: trx.fn.now() });
    await recordDecision(trx, scope, actor, { action: "approve", questionId });
    return "done";
  });
}

/**
 * Rejects a pending question, or takes down a published one (after a report), for a reason of
 * the published policy. The author, if their account still exists, is emailed the reason.
 */
export async function rejectQuestion(
  db: Db,
  scope: Scope,
  input: { questionId: string; reasonCode: PolicyCode; reportId?: string },
  actor: Actor,
): Promise<DecisionOutcome> {
  return db.transaction(async (trx) => {
    const question = await lockQuestion(trx, scope, input.questionId);
    if (!question) return "notFound";
    if (question.status !== "pending" && question.status !== "published") return "notAllowed";
    await trx("questions")
      .where({ id: question.id })
      .update({ status: "rejected", updated_at: trx.fn.now() });
    await resolveReports(trx, { questionId: question.id });
    const decisionId = await recordDecision(trx, scope, actor, {
      action: "reject",
      questionId: question.id,
      reportId: input.reportId,
      reasonCode: input.reasonCode,
      details: { previousStatus: question.status },
    });
    await tellAuthor(trx, {
      authorId: question.author_id,
      template: "question_rejected",
      content: question.body,
      reasonCode: input.reasonCode,
      decisionId,
    });
    return "done";
  });
}

export type MergeOutcome =
  | "done"
  | "notFound"
  /** the same question, another contest, or a question that can no longer take part */
  | "notAllowed"
  /** answers hang on the question: merging it away would hide them */
  | "answered";

/**
 * Merges `sourceId` into `targetId` (same contest). Votes move without anyone counted twice:
 * each voter's vote is copied to the target unless they already voted for it (the unique
 * index and `on conflict do nothing`), then the source's votes are deleted; the vote_count
 * trigger adjusts both counts in this transaction, so the target ends with exactly its
 * distinct voters. Votes of deleted accounts (no voter to compare) move as they are.
 * Followers move the same way. The source becomes `merged` into the target, questions merged
 * into it before now point at the target, and its open reports are closed.
 */
export async function mergeQuestion(
  db: Db,
  scope: Scope,
  input: { sourceId: string; targetId: string },
  actor: Actor,
): Promise<MergeOutcome> {
  const { sourceId, targetId } = input;
  if (sourceId === targetId) return "notAllowed";
  return db.transaction(async (trx) => {
    // both rows locked, in one order whoever merges, so two merges cannot deadlock
    const locked = new Map<string, NonNullable<Awaited<ReturnType<typeof lockQuestion>>>>();
    for (const id of [sourceId, targetId].sort()) {
      const question = await lockQuestion(trx, scope, id);
      if (!question) return "notFound";
      locked.set(id, question);
    }
    const source = locked.get(sourceId)!;
    const target = locked.get(targetId)!;
    const live = (status: QuestionStatus) => status === "pending" || status === "published";
    if (source.contest_id !== target.contest_id || !live(source.status) || !live(target.status))
      return "notAllowed";
    // a published question's voters must land on a question they can see
    if (source.status === "published" && target.status !== "published") return "notAllowed";
    const answered = await trx("answers").where({ question_id: sourceId }).first("id");
    if (answered) return "answered";

    const copied = await trx.raw(
      `insert into question_votes (question_id, user_id, created_at)
       select ?, user_id, created_at from question_votes
        where question_id = ? and user_id is not null
       on conflict (question_id, user_id) do nothing`,
      [targetId, sourceId],
    );
    await trx("question_votes")
      .where({ question_id: sourceId })
      .whereNull("user_id")
      .update({ question_id: targetId });
    const removed = await trx("question_votes").where({ question_id: sourceId }).delete();

    await trx.raw(
      `update question_follows f set question_id = ?, notified_at = null
        where f.question_id = ?
          and not exists (select 1 from question_follows t
                           where t.question_id = ? and t.user_id = f.user_id)`,
      [targetId, sourceId, targetId],
    );
    await trx("question_follows").where({ question_id: sourceId }).delete();

    await trx("questions")
      .where({ merged_into_id: sourceId })
      .update({ merged_into_id: targetId, updated_at: trx.fn.now() });
    await trx("questions")
      .where({ id: sourceId })
      .update({ status: "merged", merged_into_id: targetId, updated_at: trx.fn.now() });
    await resolveReports(trx, { questionId: sourceId });
    await recordDecision(trx, scope, actor, {
      action: "merge",
      questionId: sourceId,
      mergedIntoId: targetId,
      details: { votesCopied: copied.rowCount, votesRemoved: removed },
    });
    return "done";
  });
}

/**
 * Hides an answer from voters, with a public reason from the policy (stored as its code in
 * `answers.hidden_reason`, shown in the reader's language with `policyTitle`).
 */
export async function hideAnswer(
  db: Db,
  scope: Scope,
  input: { answerId: string; reasonCode: PolicyCode; reportId?: string },
  actor: Actor,
): Promise<DecisionOutcome> {
  return db.transaction(async (trx) => {
    const answer = await trx("answers as a")
      .join("questions as q", "q.id", "a.question_id")
      .join("elections as e", "e.id", "q.election_id")
      .where({ "a.id": input.answerId, "e.jurisdiction_id": scope.jurisdictionId })
      .leftJoin("candidates as c", "c.id", "a.candidate_id")
      .forUpdate("a")
      .first(
        "a.id",
        "a.status",
        "a.question_id",
        "a.kind",
        "a.body",
        "c.user_id",
        "q.body as question_body",
      );
    if (!answer) return "notFound";
    if (answer.status === "hidden") return "notAllowed";
    await trx("answers")
      .where({ id: answer.id })
      .update({ status: "hidden", hidden_reason: input.reasonCode, updated_at: trx.fn.now() });
    await resolveReports(trx, { answerId: answer.id });
    const decisionId = await recordDecision(trx, scope, actor, {
      action: "hide",
      questionId: answer.question_id,
      answerId: answer.id,
      reportId: input.reportId,
      reasonCode: input.reasonCode,
    });
    await tellAuthor(trx, {
      authorId: answer.user_id,
      template: "answer_hidden",
      // a video answer is named by the question it answers
      content: answer.kind === "text" ? answer.body : answer.question_body,
      reasonCode: input.reasonCode,
      decisionId,
    });
    return "done";
  });
}

/** Closes a report as unfounded; what it reported stays as it is. */
export async function dismissReport(
  db: Db,
  scope: Scope,
  reportId: string,
  actor: Actor,
): Promise<DecisionOutcome> {
  return db.transaction(async (trx) => {
    const report = await trx("user_reports as r")
      .leftJoin("answers as a", "a.id", "r.answer_id")
      .join("questions as q", "q.id", trx.raw("coalesce(r.question_id, a.question_id)"))
      .join("elections as e", "e.id", "q.election_id")
      .where({ "r.id": reportId, "e.jurisdiction_id": scope.jurisdictionId })
      .forUpdate("r")
      .first("r.id", "r.status", "r.question_id", "r.answer_id");
    if (!report) return "notFound";
    if (report.status !== "open") return "notAllowed";
    await trx("user_reports")
      .where({ id: reportId })
      .update({ status: "dismissed", resolved_at: trx.fn.now() });
    await recordDecision(trx, scope, actor, {
      action: "dismiss_report",
      reportId,
      questionId: report.question_id ?? undefined,
      answerId: report.answer_id ?? undefined,
    });
    return "done";
  });
}
