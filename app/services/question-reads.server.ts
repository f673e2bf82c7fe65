import type { Knex } from "knex";
import type { DbOrTransaction } from "~/lib/db.server";
import type { LocalizedText } from "~/lib/i18n";
import type { QuestionSort } from "~/lib/listing";
import type { ElectionStatus } from "./elections.server";
import {
  recentSupportCount,
  supportCount,
  supportFilterFor,
  type Electorate,
  type SupportFilter,
} from "./vote-counting.server";

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
  /** in the representative ranking: the near-duplicate cluster it stands for, when ranked */
  cluster: { supporters: number; size: number } | null;
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
  cluster_support: number | null;
  cluster_size: number | null;
};

/** Answers voters can see: published, and for a video, once the video is ready. */
const VISIBLE_ANSWER = `a.status = 'published'
  and (a.kind = 'text' or exists (select 1 from videos v where v.id = a.video_id and v.status = 'ready'))`;

/** The columns of a QuestionSummary, over `questions as q`, its votes counted by `filter`. */
function selectSummary(
  db: DbOrTransaction,
  query: Knex.QueryBuilder,
  filter: SupportFilter,
): Knex.QueryBuilder {
  const votes = supportCount(filter);
  return query
    .leftJoin("candidates as k", "k.id", "q.candidate_id")
    .select(
      "q.id",
      "q.body",
      "q.language",
      db.raw(`${votes.sql} as vote_count`, votes.bindings),
      "q.published_at",
      "k.slug as candidate_slug",
      "k.ballot_name as candidate_name",
      "q.cluster_support",
      "q.cluster_size",
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
    cluster:
      row.cluster_size !== null && row.cluster_support !== null
        ? { supporters: row.cluster_support, size: row.cluster_size }
        : null,
  };
}

/**
 * The trending score (docs/decisions/006-question-ranking.md): votes, with the last 48 hours'
 * counted three times, over the question's age in hours plus two, to the power 1.5. In double
 * precision: numeric `power` over thousands of rows costs more than the rest of the query.
 */
const trendingScore = (votes: string) => `(${votes} + 2 * r.recent_votes)::float8
  / power(extract(epoch from now() - coalesce(q.published_at, q.created_at))::float8 / 3600 + 2, 1.5)`;

/**
/**
 * One page of a contest's published questions, all or those of one topic tag. "top": the
 * representative ranking the worker stores (docs/ranking.md) — one question per near-duplicate
 * cluster, questions not ranked yet after the ranked ones by votes; "votes": most votes;
 * "new": most recently published; "trending": the decayed score above. Votes are those `filter`
 * counts (every voter's, or verified constituents' only). Ties fall back to newer first, then
 * id, so pages never overlap or skip a question.
 */
export async function listContestQuestions(
  db: DbOrTransaction,
  contestId: string,
  sort: QuestionSort,
  requestedPage: number,
  filter: SupportFilter,
  tagId: string | null = null,
): Promise<QuestionPage> {
  // With a topic chosen every question of it is listed: its cluster's representative may not
  // carry the tag.
  const collapse = sort === "top" && !tagId;
  const published = (query: Knex.QueryBuilder) => {
    query.where({ "q.contest_id": contestId, "q.status": "published" });
    if (collapse) query.whereNull("q.represented_by");
    if (tagId)
      query.whereExists((tagged) =>
        tagged
          .select(db.raw("1"))
          .from("question_tags as qt")
          .whereRaw("qt.question_id = q.id")
          .where("qt.tag_id", tagId),
      );
    return query;
  };
  const countRow = await published(db("questions as q")).first<{ total: number }>(
    db.raw("count(*)::int as total"),
  );
  const total = countRow?.total ?? 0;
  const pageCount = Math.max(1, Math.ceil(total / QUESTIONS_PER_PAGE));
  const page = Math.min(requestedPage, pageCount);

  const query = selectSummary(db, published(db("questions as q")), filter);
  const votes = supportCount(filter);
  if (sort === "trending") {
    // Each question's recent votes: one range of question_votes_question_recent, read from the
    // index alone, so the cost follows the contest's size, never the size of the votes table.
    const recent = recentSupportCount(filter, 48);
    query
      .joinRaw(`cross join lateral (select ${recent.sql} as recent_votes) r`, recent.bindings)
      .orderByRaw(`${trendingScore(votes.sql)} desc`, votes.bindings);
  } else if (sort === "top") {
    query
      .orderByRaw("q.rank_position asc nulls last")
      .orderByRaw(`${votes.sql} desc`, votes.bindings);
  } else if (sort === "votes") {
    query.orderByRaw(`${votes.sql} desc`, votes.bindings);
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
  filter: SupportFilter,
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
  const rows: SummaryRow[] = await selectSummary(db, answered(db("questions as q")), filter)
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
    jurisdictionId: string;
    rankingElectorate: Electorate;
  };
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A question by id, whatever its status (the page decides who may see it); null if unknown.
 * Its votes are counted as its election ranks them.
 */
export async function findQuestion(
  db: DbOrTransaction,
  id: string,
): Promise<QuestionDetail | null> {
  if (!UUID.test(id)) return null;
  const place = await db("questions as q")
    .join("elections as e", "e.id", "q.election_id")
    .where("q.id", id)
    .first<{ ranking_electorate: Electorate; jurisdiction_id: string } | undefined>(
      "e.ranking_electorate",
      "e.jurisdiction_id",
    );
  if (!place) return null;
  const filter = supportFilterFor({
    rankingElectorate: place.ranking_electorate,
    jurisdictionId: place.jurisdiction_id,
  });
  const row = await selectSummary(db, db("questions as q"), filter)
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
      jurisdictionId: place.jurisdiction_id,
      rankingElectorate: place.ranking_electorate,
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
  filter: SupportFilter,
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
  const rows: SummaryRow[] = await selectSummary(db, nearest, filter);
  return rows.map(toSummary);
}
