import type { Knex } from "knex";
import type { DbOrTransaction } from "~/lib/db.server";
import type { LocalizedText } from "~/lib/i18n";
import type { QuestionSort } from "~/lib/listing";
import type { ElectionStatus } from "./elections.server";

/**
 * Reading questions for the public pages: a contest's questions ranked and paginated, a
 * candidate's answered questions, one question for its page, and its related questions.
 * Only published questions are listed; the question page alone shows an author their own
 * question before it is published.
 */

export const QUESTIONS_PER_PAGE = 20;

export type QuestionSummary = {
  id: string;
  body: string;
  /** the language the question was written in (marked up with `lang` when not the page's) */
  language: string;
  voteCount: number;
  publishedAt: string | null;
  /** null: asked of every candidate of the contest */
  candidate: { slug: string; ballotName: string } | null;
  answerCount: number;
};

export type QuestionPage = {
  questions: QuestionSummary[];
  page: number;
  pageCount: number;
  total: number;
};

type SummaryRow = {
  id: string;
  body: string;
  language: string;
  vote_count: number;
  published_at: Date | null;
  candidate_slug: string | null;
  candidate_name: string | null;
  answer_count: number;
};

/** Answers voters can see: published, and for a video, once the video is ready. */
const VISIBLE_ANSWER = `a.status = 'published'
  and (a.kind = 'text' or exists (select 1 from videos v where v.id = a.video_id and v.status = 'ready'))`;

/** The columns of a QuestionSummary, over `questions as q`. */
function selectSummary(db: DbOrTransaction, query: Knex.QueryBuilder): Knex.QueryBuilder {
  return query
    .leftJoin("candidates as k", "k.id", "q.candidate_id")
    .select(
      "q.id",
      "q.body",
      "q.language",
      "q.vote_count",
      "q.published_at",
      "k.slug as candidate_slug",
      "k.ballot_name as candidate_name",
      db.raw(
        `(select count(*)::int from answers a where a.question_id = q.id and ${VISIBLE_ANSWER}) as answer_count`,
      ),
    );
}

function toSummary(row: SummaryRow): QuestionSummary {
  return {
    id: row.id,
    body: row.body,
    language: row.language,
    voteCount: row.vote_count,
    publishedAt: row.published_at?.toISOString() ?? null,
    candidate:
      row.candidate_slug && row.candidate_name
        ? { slug: row.candidate_slug, ballotName: row.candidate_name }
        : null,
    answerCount: row.answer_count,
  };
}

/**
 * The trending score (docs/decisions/006-question-ranking.md): votes, with the last 48 hours'
 * counted three times, over the question's age in hours plus two, to the power 1.5. In double
 * precision: numeric `power` over thousands of rows costs more than the rest of the query.
 */
const TRENDING_SCORE = `(q.vote_count + 2 * r.recent_votes)::float8
  / power(extract(epoch from now() - coalesce(q.published_at, q.created_at))::float8 / 3600 + 2, 1.5)`;

/**
 * One page of a contest's published questions. "top": most votes; "new": most recently
 * published; "trending": the decayed score above. Ties fall back to newer first, then id, so
 * pages never overlap or skip a question.
 */
export async function listContestQuestions(
  db: DbOrTransaction,
  contestId: string,
  sort: QuestionSort,
  requestedPage: number,
): Promise<QuestionPage> {
  const published = { "q.contest_id": contestId, "q.status": "published" };
  const countRow = await db("questions as q")
    .where(published)
    .first<{ total: number }>(db.raw("count(*)::int as total"));
  const total = countRow?.total ?? 0;
  const pageCount = Math.max(1, Math.ceil(total / QUESTIONS_PER_PAGE));
  const page = Math.min(requestedPage, pageCount);

  const query = selectSummary(db, db("questions as q").where(published));
  if (sort === "trending") {
    // Each question's recent votes: one range of question_votes_question_recent, read from the
    // index alone, so the cost follows the contest's size, never the size of the votes table.
    query
      .joinRaw(
        `cross join lateral (select count(*)::int as recent_votes from question_votes v
          where v.question_id = q.id and v.created_at > now() - interval '48 hours') r`,
      )
      .orderByRaw(`${TRENDING_SCORE} desc`);
  } else if (sort === "top") {
    query.orderBy("q.vote_count", "desc");
  }
  const rows: SummaryRow[] = await query
    .orderByRaw("q.published_at desc nulls last")
    .orderBy("q.id")
    .limit(QUESTIONS_PER_PAGE)
    .offset((page - 1) * QUESTIONS_PER_PAGE);
  return { questions: rows.map(toSummary), page, pageCount, total };
}

/** One page of the questions a candidate has answered, most recently answered first. */
export async function listAnsweredByCandidate(
  db: DbOrTransaction,
  candidateId: string,
  requestedPage: number,
): Promise<QuestionPage> {
  const answered = (query: Knex.QueryBuilder) =>
    query
      .join("answers as a", "a.question_id", "q.id")
      .where({ "a.candidate_id": candidateId, "q.status": "published" })
      .whereRaw(VISIBLE_ANSWER);
  const countRow = await answered(db("questions as q")).first<{ total: number }>(
    db.raw("count(*)::int as total"),
  );
  const total = countRow?.total ?? 0;
  const pageCount = Math.max(1, Math.ceil(total / QUESTIONS_PER_PAGE));
  const page = Math.min(requestedPage, pageCount);
  const rows: SummaryRow[] = await selectSummary(db, answered(db("questions as q")))
    .orderBy([
      { column: "a.published_at", order: "desc" },
      { column: "q.id", order: "asc" },
    ])
    .limit(QUESTIONS_PER_PAGE)
    .offset((page - 1) * QUESTIONS_PER_PAGE);
  return { questions: rows.map(toSummary), page, pageCount, total };
}

export type QuestionStatus = "pending" | "published" | "rejected" | "merged" | "hidden";

export type QuestionDetail = QuestionSummary & {
  status: QuestionStatus;
  authorId: string | null;
  mergedIntoId: string | null;
  contest: { id: string; slug: string; kind: string; title: LocalizedText };
  election: {
    id: string;
    slug: string;
    name: LocalizedText;
    status: ElectionStatus;
    jurisdictionSlug: string;
  };
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A question by id, whatever its status (the page decides who may see it); null if unknown. */
export async function findQuestion(
  db: DbOrTransaction,
  id: string,
): Promise<QuestionDetail | null> {
  if (!UUID.test(id)) return null;
  const row = await selectSummary(db, db("questions as q"))
    .join("contests as c", "c.id", "q.contest_id")
    .join("elections as e", "e.id", "q.election_id")
    .join("jurisdictions as j", "j.id", "e.jurisdiction_id")
    .where("q.id", id)
    .whereNot("e.status", "draft")
    .first(
      "q.status",
      "q.author_id",
      "q.merged_into_id",
      "c.id as contest_id",
      "c.slug as contest_slug",
      "c.kind as contest_kind",
      "c.title as contest_title",
      "e.id as election_id",
      "e.slug as election_slug",
      "e.name as election_name",
      "e.status as election_status",
      "j.slug as jurisdiction_slug",
    );
  if (!row) return null;
  return {
    ...toSummary(row),
    status: row.status,
    authorId: row.author_id,
    mergedIntoId: row.merged_into_id,
    contest: {
      id: row.contest_id,
      slug: row.contest_slug,
      kind: row.contest_kind,
      title: row.contest_title,
    },
    election: {
      id: row.election_id,
      slug: row.election_slug,
      name: row.election_name,
      status: row.election_status,
      jurisdictionSlug: row.jurisdiction_slug,
    },
  };
}

/**
 * The published questions of the same contest nearest to this one by embedding (cosine).
 * Exact, not through the HNSW index: a contest holds at most thousands of questions, and an
 * approximate search filtered to one contest can come back with fewer than `limit`.
 */
export async function relatedQuestions(
  db: DbOrTransaction,
  question: { id: string; contestId: string },
  limit = 5,
): Promise<QuestionSummary[]> {
  // Materialized: the distances are computed over the contest's rows, so the planner cannot
  // turn ORDER BY … LIMIT into an HNSW scan; only the nearest few are then joined for display.
  const nearest = db
    .withMaterialized(
      "scored",
      db.raw(
        `select q.id, q.embedding <=> (select embedding from questions where id = ?) as distance
         from questions q
         where q.contest_id = ? and q.status = 'published' and q.id <> ? and q.embedding is not null`,
        [question.id, question.contestId, question.id],
      ),
    )
    .from(
      db.raw(
        "(select id, distance from scored where distance is not null order by distance, id limit ?) as n",
        [limit],
      ),
    )
    .join("questions as q", "q.id", "n.id")
    .orderBy([{ column: "n.distance" }, { column: "q.id" }]);
  const rows: SummaryRow[] = await selectSummary(db, nearest);
  return rows.map(toSummary);
}
