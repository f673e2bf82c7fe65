import type { DbOrTransaction } from "~/lib/db.server";
import type { LocalizedText } from "~/lib/i18n";

/** A voter's own record: the questions they asked (every status) and those they upvoted. */
export const ACTIVITY_PAGE_SIZE = 20;

export type QuestionStatus = "pending" | "published" | "rejected" | "merged" | "hidden";

export type ActivityQuestion = {
  id: string;
  body: string;
  status: QuestionStatus;
  /** where the question lives on: itself, or the question it was merged into */
  linkId: string | null;
  voteCount: number;
  contestTitle: LocalizedText;
  electionName: LocalizedText;
  /** when it was asked, or when the voter upvoted it */
  at: string;
};

export type ActivityPage = { items: ActivityQuestion[]; page: number; hasMore: boolean };

type Row = {
  id: string;
  body: string;
  status: QuestionStatus;
  merged_into_id: string | null;
  vote_count: number;
  contest_title: LocalizedText;
  election_name: LocalizedText;
  at: Date;
};

/** Pages by offset: a voter's own lists are short, and the links must be plain and shareable. */
async function activityPage(
  db: DbOrTransaction,
  page: number,
  scope: (query: ReturnType<typeof baseQuery>) => void,
): Promise<ActivityPage> {
  const rows: Row[] = await baseQuery(db)
    .modify(scope)
    .offset((page - 1) * ACTIVITY_PAGE_SIZE)
    .limit(ACTIVITY_PAGE_SIZE + 1);
  return {
    page,
    hasMore: rows.length > ACTIVITY_PAGE_SIZE,
    items: rows.slice(0, ACTIVITY_PAGE_SIZE).map((row) => ({
      id: row.id,
      body: row.body,
      status: row.status,
      // a rejected or hidden question has no page to go to
      linkId:
        row.status === "merged"
          ? row.merged_into_id
          : row.status === "published" || row.status === "pending"
            ? row.id
            : null,
      voteCount: row.vote_count,
      contestTitle: row.contest_title,
      electionName: row.election_name,
      at: row.at.toISOString(),
    })),
  };
}

function baseQuery(db: DbOrTransaction) {
  return db("questions as q")
    .join("contests as c", "c.id", "q.contest_id")
    .join("elections as e", "e.id", "q.election_id")
    .select<Row[]>(
      "q.id",
      "q.body",
      "q.status",
      "q.merged_into_id",
      "q.vote_count",
      "c.title as contest_title",
      "e.name as election_name",
    );
}

export function questionsAskedBy(db: DbOrTransaction, userId: string, page: number) {
  return activityPage(db, page, (query) =>
    query
      .where("q.author_id", userId)
      .select("q.created_at as at")
      .orderBy([
        { column: "q.created_at", order: "desc" },
        { column: "q.id", order: "desc" },
      ]),
  );
}

export function questionsVotedBy(db: DbOrTransaction, userId: string, page: number) {
  return activityPage(db, page, (query) =>
    query
      .join("question_votes as v", "v.question_id", "q.id")
      .where("v.user_id", userId)
      .select("v.created_at as at")
      .orderBy([
        { column: "v.created_at", order: "desc" },
        { column: "v.id", order: "desc" },
      ]),
  );
}
