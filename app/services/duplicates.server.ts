import pgvector from "pgvector/knex";
import type { Db } from "~/lib/db.server";

/**
 * Near-duplicate questions: before a voter's question is stored, the published questions of the
 * same contest that may already ask it, so the voter can upvote one instead. Two searches,
 * merged: nearest neighbours of the new text's embedding (pgvector cosine distance on the HNSW
 * index) and a full-text match (every word of the new text appears in the old one). The
 * thresholds are calibrated on the demo data: docs/decisions/007-duplicate-detection.md.
 */

/** Cosine similarity (1 − distance) from which a question counts as a near-duplicate. */
export const DUPLICATE_MIN_SIMILARITY = 0.65;
/**
 * A full-text match is strong evidence on its own, but a short question ("what about rent?")
 * matches many longer ones word for word: it must also be this similar.
 */
export const FULL_TEXT_MIN_SIMILARITY = 0.5;
/** Ranking boost of a full-text match: it outranks a merely similar question. */
const FULL_TEXT_BONUS = 0.1;
export const MAX_SUGGESTIONS = 5;
/** How many rows each search hands to the merge: enough to survive the thresholds. */
const CANDIDATES = 20;

export type DuplicateSuggestion = {
  id: string;
  body: string;
  candidateId: string | null;
  voteCount: number;
  similarity: number;
  fullTextMatch: boolean;
};

type Row = {
  id: string;
  body: string;
  candidate_id: string | null;
  vote_count: number;
  distance: number | null;
};

export async function findDuplicates(
  db: Db,
  input: { contestId: string; body: string; embedding: number[] },
): Promise<DuplicateSuggestion[]> {
  const vector = pgvector.toSql(input.embedding);
  const [nearest, textual] = await db.transaction(async (trx) => {
    // The contest filter applies after the index scan: let the scan go on past the first
    // ef_search neighbours (pgvector ≥ 0.8) until it has found enough in this contest.
    await trx.raw("set local hnsw.iterative_scan = strict_order");
    const published = () =>
      trx("questions")
        .where({ contest_id: input.contestId, status: "published" })
        .select<Row[]>(
          "id",
          "body",
          "candidate_id",
          "vote_count",
          trx.raw("embedding <=> ?::vector as distance", [vector]),
        )
        .limit(CANDIDATES);
    return [
      await published().whereNotNull("embedding").orderByRaw("embedding <=> ?::vector", [vector]),
      await published()
        .whereRaw("search @@ websearch_to_tsquery('simple', ?)", [input.body])
        .orderByRaw("ts_rank(search, websearch_to_tsquery('simple', ?)) desc", [input.body]),
    ];
  });
  const fullText = new Set(textual.map((row) => row.id));
  const merged = new Map<string, DuplicateSuggestion>();
  for (const row of [...nearest, ...textual]) {
    // a question still without its embedding (the job has not run yet) is matched by text only
    const similarity = row.distance === null ? FULL_TEXT_MIN_SIMILARITY : 1 - row.distance;
    const fullTextMatch = fullText.has(row.id);
    const threshold = fullTextMatch ? FULL_TEXT_MIN_SIMILARITY : DUPLICATE_MIN_SIMILARITY;
    if (similarity < threshold) continue;
    merged.set(row.id, {
      id: row.id,
      body: row.body,
      candidateId: row.candidate_id,
      voteCount: row.vote_count,
      similarity,
      fullTextMatch,
    });
  }
  const score = (suggestion: DuplicateSuggestion) =>
    suggestion.similarity + (suggestion.fullTextMatch ? FULL_TEXT_BONUS : 0);
  return [...merged.values()]
    .sort((a, b) => score(b) - score(a) || b.voteCount - a.voteCount)
    .slice(0, MAX_SUGGESTIONS);
}
