import { audit, type Actor } from "~/lib/audit.server";
import type { Db, DbOrTransaction } from "~/lib/db.server";
import { isUuid } from "~/lib/ids";
import { enqueue } from "~/lib/queue.server";
import { moderationMode } from "./ask.server";
import { setQuestionTags } from "./topics.server";

/**
 * A question's versions. Version 1 is the question as asked (a trigger writes it on insert);
 * its author may edit it until a candidate publishes the first answer; a moderator may edit it
 * any time to fix a typo or redact personal data, with a reason. Every version is kept and shown,
 * except the text of versions a redaction replaced: that is deleted, since it held the data.
 * Answers record the version they answered (a trigger on answers, at publication).
 */

export type EditKind = "original" | "author" | "moderator_typo" | "moderator_redaction";

export type QuestionVersion = {
  version: number;
  /** null: removed by a moderator's redaction */
  body: string | null;
  kind: EditKind;
  reason: string | null;
  createdAt: string;
};

export async function questionVersions(
  db: DbOrTransaction,
  questionId: string,
): Promise<QuestionVersion[]> {
  const rows = await db("question_versions")
    .where({ question_id: questionId })
    .orderBy("version")
    .select<
      Array<{
        version: number;
        body: string | null;
        edit_kind: EditKind;
        reason: string | null;
        created_at: Date;
      }>
    >("version", "body", "edit_kind", "reason", "created_at");
  return rows.map((row) => ({
    version: row.version,
    body: row.body,
    kind: row.edit_kind,
    reason: row.reason,
    createdAt: row.created_at.toISOString(),
  }));
}

/** The version each answer to the question answered, by answer id. */
export async function answeredVersions(
  db: DbOrTransaction,
  questionId: string,
): Promise<Record<string, number>> {
  const rows = await db("answers as a")
    .join("question_versions as v", "v.id", "a.question_version_id")
    .where("a.question_id", questionId)
    .select<Array<{ id: string; version: number }>>("a.id", "v.version");
  return Object.fromEntries(rows.map((row) => [row.id, row.version]));
}

type EditableRow = {
  id: string;
  body: string;
  status: string;
  author_id: string | null;
  election_id: string;
  jurisdiction_id: string;
  answered: boolean;
};

function editableQuestion(db: DbOrTransaction, questionId: string) {
  return db("questions as q")
    .join("elections as e", "e.id", "q.election_id")
    .where("q.id", questionId)
    .first<EditableRow | undefined>(
      "q.id",
      "q.body",
      "q.status",
      "q.author_id",
      "q.election_id",
      "e.jurisdiction_id",
      db.raw(
        "exists (select 1 from answers a where a.question_id = q.id and a.status = 'published') as answered",
      ),
    );
}

/** Whether this user may edit this question now: theirs, live, and not answered yet. */
export function authorMayEdit(
  row: Pick<EditableRow, "author_id" | "status" | "answered">,
  userId: string,
) {
  return (
    row.author_id === userId &&
    (row.status === "pending" || row.status === "published") &&
    !row.answered
  );
}

/** The question as its author edits it: null when they may not (now). */
export async function questionForAuthorEdit(
  db: DbOrTransaction,
  userId: string,
  questionId: string,
): Promise<{ id: string; body: string; jurisdictionId: string } | null> {
  if (!isUuid(questionId)) return null;
  const row = await editableQuestion(db, questionId);
  return row && authorMayEdit(row, userId)
    ? { id: row.id, body: row.body, jurisdictionId: row.jurisdiction_id }
    : null;
}

export type EditOutcome =
  /** requeued: the edit sent a published question back to moderation */
  | { ok: true; version: number; requeued: boolean }
  | { ok: false; problem: "notFound" | "answered" };

/**
 * Writes a new version: the question takes the new text, loses its embedding and cluster (both
 * recomputed by the worker), and the change is audited — without the text, which a redaction
 * must be able to remove.
 */
async function writeVersion(
  trx: DbOrTransaction,
  question: EditableRow,
  edit: {
    body: string;
    kind: Exclude<EditKind, "original">;
    reason: string | null;
    editorId: string | null;
  },
  actor: Actor,
  status: string,
): Promise<number> {
  const last = await trx("question_versions")
    .where({ question_id: question.id })
    .max<{ max: number }>("version as max")
    .first();
  const version = (last?.max ?? 0) + 1;
  if (edit.kind === "moderator_redaction")
    await trx("question_versions")
      .where({ question_id: question.id })
      .update({ body: null, redacted_at: trx.fn.now() });
  await trx("question_versions").insert({
    question_id: question.id,
    version,
    body: edit.body,
    edit_kind: edit.kind,
    reason: edit.reason,
    edited_by: edit.editorId,
  });
  await trx("questions").where({ id: question.id }).update({
    body: edit.body,
    status,
    embedding: null,
    cluster_id: null,
    updated_at: trx.fn.now(),
  });
  await enqueue(
    trx,
    "embed_question",
    { questionId: question.id },
    { jobKey: `embed:${question.id}` },
  );
  await audit(trx, actor, {
    action: edit.kind === "author" ? "question.edited" : "question.moderator_edited",
    targetType: "question",
    targetId: question.id,
    jurisdictionId: question.jurisdiction_id,
    details: { version, kind: edit.kind, reason: edit.reason, status },
  });
  return version;
}

/**
 * The author's edit (text and topic tags). Under moderation before publishing, a published
 * question edited goes back to the queue: the new text is checked like a new question.
 * The row lock orders it with an answer's publication (whose trigger takes a share lock), so
 * an answer never lands on a version its author changed after it.
 */
export async function editQuestionByAuthor(
  db: Db,
  input: { questionId: string; userId: string; body: string; tagIds: string[] },
  actor: Actor,
): Promise<EditOutcome> {
  if (!isUuid(input.questionId)) return { ok: false, problem: "notFound" };
  return db.transaction(async (trx) => {
    await trx("questions").where({ id: input.questionId }).forUpdate().first("id");
    const question = await editableQuestion(trx, input.questionId);
    if (!question || question.author_id !== input.userId) return { ok: false, problem: "notFound" };
    if (!authorMayEdit(question, input.userId))
      return { ok: false, problem: question.answered ? "answered" : "notFound" };
    await setQuestionTags(
      trx,
      { id: question.id, jurisdictionId: question.jurisdiction_id },
      input.tagIds,
    );
    if (input.body === question.body) return { ok: true, version: 0, requeued: false };
    const status =
      question.status === "published" &&
      (await moderationMode(trx, question.election_id)) === "before_publishing"
        ? "pending"
        : question.status;
    const version = await writeVersion(
      trx,
      question,
      { body: input.body, kind: "author", reason: null, editorId: input.userId },
      actor,
      status,
    );
    return { ok: true, version, requeued: status !== question.status };
  });
}

/** A moderator's correction or redaction, with its reason; any time, answered or not. */
export async function editQuestionByModerator(
  db: Db,
  scope: { jurisdictionId: string },
  input: {
    questionId: string;
    body: string;
    kind: "moderator_typo" | "moderator_redaction";
    reason: string;
  },
  actor: Actor,
): Promise<EditOutcome> {
  if (!isUuid(input.questionId)) return { ok: false, problem: "notFound" };
  return db.transaction(async (trx) => {
    await trx("questions").where({ id: input.questionId }).forUpdate().first("id");
    const question = await editableQuestion(trx, input.questionId);
    if (!question || question.jurisdiction_id !== scope.jurisdictionId)
      return { ok: false, problem: "notFound" };
    const version = await writeVersion(
      trx,
      question,
      { body: input.body, kind: input.kind, reason: input.reason, editorId: actor.userId },
      actor,
      question.status,
    );
    return { ok: true, version, requeued: false };
  });
}
