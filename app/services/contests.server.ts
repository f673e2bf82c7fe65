import { mediaUrl } from "~/lib/storage.server";
import type { DbOrTransaction } from "~/lib/db.server";
import type { LocalizedText } from "~/lib/i18n";

export type ContestKind = "candidate" | "measure" | "retention" | "party";

export type ContestCandidate = {
  id: string;
  slug: string;
  ballotName: string;
  party: { name: LocalizedText; abbreviation: string | null } | null;
};

export type MeasureText = {
  summary: LocalizedText;
  fullText: LocalizedText;
  proStatement: LocalizedText;
  conStatement: LocalizedText;
  passageThreshold: LocalizedText;
};

export type ContestDetail = {
  id: string;
  slug: string;
  kind: ContestKind;
  title: LocalizedText;
  office: LocalizedText;
  description: LocalizedText;
  votesAllowed: number;
  /** null: jurisdiction-wide */
  districtName: LocalizedText | null;
  /** the measure's texts, for a measure contest */
  measure: MeasureText | null;
};

/** A contest of the election by its slug, with its measure's texts when it is one. */
export async function findContest(
  db: DbOrTransaction,
  electionId: string,
  slug: string,
): Promise<ContestDetail | null> {
  const row = await db("contests as c")
    .leftJoin("electoral_districts as d", "d.id", "c.electoral_district_id")
    .leftJoin("ballot_measures as m", "m.contest_id", "c.id")
    .where({ "c.election_id": electionId, "c.slug": slug })
    .first(
      "c.id",
      "c.slug",
      "c.kind",
      "c.title",
      "c.office",
      "c.description",
      "c.votes_allowed",
      "d.name as district_name",
      "m.id as measure_id",
      "m.summary",
      "m.full_text",
      "m.pro_statement",
      "m.con_statement",
      "m.passage_threshold",
    );
  if (!row) return null;
  return {
    id: row.id,
    slug: row.slug,
    kind: row.kind,
    title: row.title,
    office: row.office,
    description: row.description,
    votesAllowed: row.votes_allowed,
    districtName: row.district_name,
    measure: row.measure_id
      ? {
          summary: row.summary,
          fullText: row.full_text,
          proStatement: row.pro_statement,
          conStatement: row.con_statement,
          passageThreshold: row.passage_threshold,
        }
      : null,
  };
}

type CandidateRow = {
  id: string;
  slug: string;
  ballot_name: string;
  party_name: LocalizedText | null;
  party_abbreviation: string | null;
};

function toCandidate(row: CandidateRow): ContestCandidate {
  return {
    id: row.id,
    slug: row.slug,
    ballotName: row.ballot_name,
    party: row.party_name ? { name: row.party_name, abbreviation: row.party_abbreviation } : null,
  };
}

const CANDIDATE_COLUMNS = [
  "k.id",
  "k.slug",
  "k.ballot_name",
  "p.name as party_name",
  "p.abbreviation as party_abbreviation",
];

/** The candidates still running in the contest, in ballot order. */
export async function contestCandidates(
  db: DbOrTransaction,
  contestId: string,
): Promise<ContestCandidate[]> {
  const rows = await db("candidates as k")
    .leftJoin("parties as p", "p.id", "k.party_id")
    .where({ "k.contest_id": contestId, "k.status": "active" })
    .orderBy([{ column: "k.ballot_order" }, { column: "k.ballot_name" }])
    .select<CandidateRow[]>(CANDIDATE_COLUMNS);
  return rows.map(toCandidate);
}

export type CandidateProfile = ContestCandidate & {
  bio: LocalizedText;
  /** only an http(s) address: anything else is not worth a link (and could be a script) */
  website: string | null;
  /** the candidate's other links (social profiles), http(s) only */
  links: string[];
  /** the re-encoded profile photo, when the candidate uploaded one */
  photoUrl: string | null;
  withdrawn: boolean;
};

function safeWebsite(value: string | null): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:" ? url.toString() : null;
  } catch {
    return null;
  }
}

/** A candidate of the contest by slug, withdrawn ones included (their answers stay readable). */
export async function findCandidate(
  db: DbOrTransaction,
  contestId: string,
  slug: string,
): Promise<CandidateProfile | null> {
  const row = await db("candidates as k")
    .leftJoin("parties as p", "p.id", "k.party_id")
    .where({ "k.contest_id": contestId, "k.slug": slug })
    .first<
      | (CandidateRow & {
          bio: LocalizedText;
          website: string | null;
          links: string[];
          photo_key: string | null;
          status: string;
        })
      | undefined
    >(...CANDIDATE_COLUMNS, "k.bio", "k.website", "k.links", "k.photo_key", "k.status");
  if (!row) return null;
  return {
    ...toCandidate(row),
    bio: row.bio,
    website: safeWebsite(row.website),
    links: row.links.map(safeWebsite).filter((link): link is string => link !== null),
    photoUrl: row.photo_key ? mediaUrl(row.photo_key) : null,
    withdrawn: row.status === "withdrawn",
  };
}
