import pgvector from "pgvector/knex";
import type { DbOrTransaction } from "~/lib/db.server";
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
  /**
   * The embedding already computed for the duplicate search at submission: stored as is, so
   * the search and the stored question use the same vector and no job is needed.
   */
  embedding?: number[];
};

/**
 * Stores a question with its embedding (used to find near-duplicates) or, when none was given,
 * queues its computation in the same transaction, so no question is left without one for long.
 * Given a transaction, it joins it (as a savepoint).
 */
export async function submitQuestion(db: DbOrTransaction, question: NewQuestion): Promise<string> {
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
        embedding: question.embedding ? pgvector.toSql(question.embedding) : null,
      })
      .returning<Array<{ id: string }>>("id");
    if (!question.embedding)
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
