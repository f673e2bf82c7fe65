import type { DbOrTransaction } from "~/lib/db.server";
import type { LocalizedText } from "~/lib/i18n";
import type { Electorate } from "./vote-counting.server";

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

/** Elections listed for voters (home page, ballots): published, not draft or archived. */
export const LISTED_ELECTION_STATUSES: ElectionStatus[] = [
  "questions_open",
  "answers_open",
  "closed",
];

/** Elections voters can see on the home page: published (not draft or archived), soonest first. */
export async function listUpcomingElections(db: DbOrTransaction): Promise<ElectionSummary[]> {
  const rows = await db("elections as e")
    .join("jurisdictions as j", "j.id", "e.jurisdiction_id")
    .whereIn("e.status", LISTED_ELECTION_STATUSES)
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

export type ElectionDetail = Omit<ElectionSummary, "contestCount"> & {
  jurisdictionId: string;
  /** the jurisdiction's IANA zone, for showing the windows' times as its voters read clocks */
  timeZone: string;
  questionsOpenAt: string | null;
  questionsCloseAt: string | null;
  answersOpenAt: string | null;
  answersCloseAt: string | null;
  /** whose votes rank its questions: every voter's, or verified constituents' only */
  rankingElectorate: Electorate;
};

type ElectionRow = {
  id: string;
  slug: string;
  name: LocalizedText;
  election_date: string;
  status: ElectionStatus;
  jurisdiction_id: string;
  jurisdiction_slug: string;
  jurisdiction_name: LocalizedText;
  time_zone: string;
  questions_open_at: Date | null;
  questions_close_at: Date | null;
  answers_open_at: Date | null;
  answers_close_at: Date | null;
  ranking_electorate: Electorate;
};

/**
 * An election by its URL slugs, as voters may see it: any status but draft (an archived
 * election stays readable at its address).
 */
export async function findElection(
  db: DbOrTransaction,
  jurisdictionSlug: string,
  electionSlug: string,
): Promise<ElectionDetail | null> {
  const row = await db("elections as e")
    .join("jurisdictions as j", "j.id", "e.jurisdiction_id")
    .where({ "j.slug": jurisdictionSlug, "e.slug": electionSlug })
    .whereNot("e.status", "draft")
    .first<ElectionRow | undefined>(
      "e.id",
      "e.slug",
      "e.name",
      db.raw("to_char(e.election_date, 'YYYY-MM-DD') as election_date"),
      "e.status",
      "e.jurisdiction_id",
      "j.slug as jurisdiction_slug",
      "j.name as jurisdiction_name",
      "j.time_zone",
      "e.questions_open_at",
      "e.questions_close_at",
      "e.answers_open_at",
      "e.answers_close_at",
      "e.ranking_electorate",
    );
  if (!row) return null;
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    electionDate: row.election_date,
    status: row.status,
    jurisdictionId: row.jurisdiction_id,
    jurisdictionSlug: row.jurisdiction_slug,
    jurisdictionName: row.jurisdiction_name,
    timeZone: row.time_zone,
    questionsOpenAt: row.questions_open_at?.toISOString() ?? null,
    questionsCloseAt: row.questions_close_at?.toISOString() ?? null,
    answersOpenAt: row.answers_open_at?.toISOString() ?? null,
    answersCloseAt: row.answers_close_at?.toISOString() ?? null,
    rankingElectorate: row.ranking_electorate,
  };
}

export type ElectionContest = {
  slug: string;
  kind: "candidate" | "measure" | "retention" | "party";
  title: LocalizedText;
  candidateCount: number;
  questionCount: number;
};

/** Contests sharing a district; `districtName` null for jurisdiction-wide contests. */
export type DistrictGroup = { districtName: LocalizedText | null; contests: ElectionContest[] };

/**
 * The election's contests in ballot order, grouped by district; a group sits where its first
 * contest does on the ballot.
 */
export async function electionContestsByDistrict(
  db: DbOrTransaction,
  electionId: string,
): Promise<DistrictGroup[]> {
  const rows = await db("contests as c")
    .leftJoin("electoral_districts as d", "d.id", "c.electoral_district_id")
    .where("c.election_id", electionId)
    .orderBy([{ column: "c.ballot_order" }, { column: "c.slug" }])
    .select<
      Array<{
        slug: string;
        kind: ElectionContest["kind"];
        title: LocalizedText;
        district_id: string | null;
        district_name: LocalizedText | null;
        candidate_count: number;
        question_count: number;
      }>
    >(
      "c.slug",
      "c.kind",
      "c.title",
      "d.id as district_id",
      "d.name as district_name",
      db.raw(
        "(select count(*)::int from candidates k where k.contest_id = c.id and k.status = 'active') as candidate_count",
      ),
      db.raw(
        "(select count(*)::int from questions q where q.contest_id = c.id and q.status = 'published') as question_count",
      ),
    );
  const groups = new Map<string | null, DistrictGroup>();
  for (const row of rows) {
    let group = groups.get(row.district_id);
    if (!group) {
      group = { districtName: row.district_name, contests: [] };
      groups.set(row.district_id, group);
    }
    group.contests.push({
      slug: row.slug,
      kind: row.kind,
      title: row.title,
      candidateCount: row.candidate_count,
      questionCount: row.question_count,
    });
  }
  return [...groups.values()];
}
