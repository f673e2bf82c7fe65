import pgvector from "pgvector/knex";
import type { Db, DbOrTransaction } from "~/lib/db.server";
import { embeddingProvider } from "~/lib/embeddings.server";
import { enqueue } from "~/lib/queue.server";

export type NewQuestion = {
  electionId: string;
  contestId: string;
  candidateId?: string | null;
  authorId: string | null;
  body: string;
  language: string;
  status: "pending" | "published";
};

/**
 * Stores a question and, in the same transaction, queues the computation of its embedding
 * (used to find near-duplicates), so no question is ever left without one for long.
 */
export async function submitQuestion(db: Db, question: NewQuestion): Promise<string> {
  return db.transaction(async (trx) => {
    const [row] = await trx("questions")
      .insert({
        election_id: question.electionId,
        contest_id: question.contestId,
        candidate_id: question.candidateId ?? null,
        author_id: question.authorId,
        body: question.body,
        language: question.language,
        status: question.status,
        published_at: question.status === "published" ? trx.fn.now() : null,
      })
      .returning<Array<{ id: string }>>("id");
    await enqueue(trx, "embed_question", { questionId: row!.id }, { jobKey: `embed:${row!.id}` });
    return row!.id;
  });
}

/**
 * Computes and stores one question's embedding. Idempotent: running it again (a retried job)
 * writes the same vector. Returns false when the question no longer exists.
 */
export async function embedQuestion(db: DbOrTransaction, questionId: string): Promise<boolean> {
  const question = await db("questions")
    .where({ id: questionId })
    .first<{ body: string } | undefined>("body");
  if (!question) return false;
  const vector = await embeddingProvider().embed(question.body);
  await db("questions")
    .where({ id: questionId })
    .update({ embedding: pgvector.toSql(vector) });
  return true;
}

/** Questions still without an embedding (a failed job, a changed provider), oldest first. */
export async function questionsMissingEmbedding(
  db: DbOrTransaction,
  limit: number,
): Promise<string[]> {
  const rows = await db("questions")
    .whereNull("embedding")
    .orderBy("created_at")
    .limit(limit)
    .select<Array<{ id: string }>>("id");
  return rows.map((row) => row.id);
}
