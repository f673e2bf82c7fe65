import type { DbOrTransaction } from "~/lib/db.server";
import type { LocalizedText } from "~/lib/i18n";

export type ElectionStatus = "draft" | "questions_open" | "answers_open" | "closed" | "archived";

export type ElectionSummary = {
  id: string;
  slug: string;
  name: LocalizedText;
  electionDate: string;
  status: ElectionStatus;
  jurisdictionSlug: string;
  jurisdictionName: LocalizedText;
  contestCount: number;
};

/** Elections voters can see on the home page: published (not draft or archived), soonest first. */
export async function listUpcomingElections(db: DbOrTransaction): Promise<ElectionSummary[]> {
  const rows = await db("elections as e")
    .join("jurisdictions as j", "j.id", "e.jurisdiction_id")
    .whereIn("e.status", ["questions_open", "answers_open", "closed"])
    .select(
      "e.id",
      "e.slug",
      "e.name",
      db.raw("to_char(e.election_date, 'YYYY-MM-DD') as election_date"),
      "e.status",
      "j.slug as jurisdiction_slug",
      "j.name as jurisdiction_name",
      db.raw("(select count(*)::int from contests c where c.election_id = e.id) as contest_count"),
    )
    .orderBy([{ column: "e.election_date" }, { column: "e.slug" }]);
  return rows.map((row) => ({
    id: row.id,
    slug: row.slug,
    name: row.name,
    electionDate: row.election_date,
    status: row.status,
    jurisdictionSlug: row.jurisdiction_slug,
    jurisdictionName: row.jurisdiction_name,
    contestCount: row.contest_count,
  }));
}
