import type { DbOrTransaction } from "~/lib/db.server";
import type { LocalizedText } from "~/lib/i18n";
import type { ElectionStatus } from "./elections.server";

/** What the privileged roles see first: the election office's console and the candidate's desk. */

export type Jurisdiction = { id: string; slug: string; name: LocalizedText };

export async function listJurisdictions(db: DbOrTransaction): Promise<Jurisdiction[]> {
  return db("jurisdictions").orderBy("slug").select("id", "slug", "name");
}

export type ConsoleElection = {
  id: string;
  slug: string;
  name: LocalizedText;
  status: ElectionStatus;
  electionDate: string;
  questionsOpenAt: string | null;
  questionsCloseAt: string | null;
  answersOpenAt: string | null;
  answersCloseAt: string | null;
  pendingQuestions: number;
  openReports: number;
};

/** The jurisdiction's elections, newest first, each with the moderation work waiting on it. */
export async function consoleElections(
  db: DbOrTransaction,
  jurisdictionId: string,
): Promise<ConsoleElection[]> {
  const rows = await db("elections as e")
    .where("e.jurisdiction_id", jurisdictionId)
    .orderBy([{ column: "e.election_date", order: "desc" }, { column: "e.slug" }])
    .select(
      "e.id",
      "e.slug",
      "e.name",
      "e.status",
      db.raw("to_char(e.election_date, 'YYYY-MM-DD') as election_date"),
      "e.questions_open_at",
      "e.questions_close_at",
      "e.answers_open_at",
      "e.answers_close_at",
      db.raw(
        "(select count(*)::int from questions q where q.election_id = e.id and q.status = 'pending') as pending_questions",
      ),
      // a report names a question or an answer; either way it belongs to the question's election
      db.raw(`(select count(*)::int from user_reports r
        left join answers a on a.id = r.answer_id
        join questions q on q.id = coalesce(r.question_id, a.question_id)
        where q.election_id = e.id and r.status = 'open') as open_reports`),
    );
  return rows.map((row) => ({
    id: row.id,
    slug: row.slug,
    name: row.name,
    status: row.status,
    electionDate: row.election_date,
    questionsOpenAt: row.questions_open_at?.toISOString() ?? null,
    questionsCloseAt: row.questions_close_at?.toISOString() ?? null,
    answersOpenAt: row.answers_open_at?.toISOString() ?? null,
    answersCloseAt: row.answers_close_at?.toISOString() ?? null,
    pendingQuestions: row.pending_questions,
    openReports: row.open_reports,
  }));
}

export type Candidacy = {
  id: string;
  ballotName: string;
  status: "active" | "withdrawn";
  contestTitle: LocalizedText;
  electionName: LocalizedText;
  electionDate: string;
  jurisdictionName: LocalizedText;
};

/** The candidacies linked to an account (a candidate may run in several contests). */
export async function candidaciesOf(db: DbOrTransaction, userId: string): Promise<Candidacy[]> {
  const rows = await db("candidates as c")
    .join("contests as k", "k.id", "c.contest_id")
    .join("elections as e", "e.id", "k.election_id")
    .join("jurisdictions as j", "j.id", "e.jurisdiction_id")
    .where("c.user_id", userId)
    .orderBy([{ column: "e.election_date", order: "desc" }, { column: "k.ballot_order" }])
    .select(
      "c.id",
      "c.ballot_name",
      "c.status",
      "k.title",
      "e.name as election_name",
      db.raw("to_char(e.election_date, 'YYYY-MM-DD') as election_date"),
      "j.name as jurisdiction_name",
    );
  return rows.map((row) => ({
    id: row.id,
    ballotName: row.ballot_name,
    status: row.status,
    contestTitle: row.title,
    electionName: row.election_name,
    electionDate: row.election_date,
    jurisdictionName: row.jurisdiction_name,
  }));
}
