import type { DbOrTransaction } from "~/lib/db.server";
import type { LocalizedText } from "~/lib/i18n";
import { LISTED_ELECTION_STATUSES, type ElectionStatus } from "./elections.server";

/**
 * Find your ballot: a ZIP code or a street address → street segments → one precinct → the
 * electoral districts it votes in → the contests of upcoming elections in those districts (and
 * the jurisdiction-wide contests, which have no district), in ballot order.
 *
 * Street names are stored normalised by `normalizeStreetName` (the seed and any import use it
 * too), so "123 Main Street" and "123 MAIN ST." find the same segment.
 */

const SUFFIXES: Record<string, string> = {
  ALLEY: "ALY",
  AV: "AVE",
  AVENUE: "AVE",
  BOULEVARD: "BLVD",
  CIRCLE: "CIR",
  COURT: "CT",
  DRIVE: "DR",
  EXPRESSWAY: "EXPY",
  HIGHWAY: "HWY",
  LANE: "LN",
  PARKWAY: "PKWY",
  PLACE: "PL",
  ROAD: "RD",
  SQUARE: "SQ",
  STREET: "ST",
  TERRACE: "TER",
  TRAIL: "TRL",
};

const DIRECTIONS: Record<string, string> = {
  NORTH: "N",
  SOUTH: "S",
  EAST: "E",
  WEST: "W",
  NORTHEAST: "NE",
  NORTHWEST: "NW",
  SOUTHEAST: "SE",
  SOUTHWEST: "SW",
};

/**
 * "North Harbor Boulevard" → "N HARBOR BLVD": upper case, punctuation dropped, the USPS
 * abbreviation of a leading direction and of the trailing suffix (words in between are kept,
 * so "Court Street" stays "COURT ST").
 */
export function normalizeStreetName(street: string): string {
  const words = street
    .toUpperCase()
    .replace(/['’]/g, "")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim()
    .split(" ")
    .filter(Boolean);
  if (words.length > 1) {
    words[0] = DIRECTIONS[words[0]!] ?? words[0]!;
    const last = words.length - 1;
    words[last] = SUFFIXES[words[last]!] ?? DIRECTIONS[words[last]!] ?? words[last]!;
  }
  return words.join(" ");
}

export type AddressQuery = {
  zip: string | null;
  houseNumber: number | null;
  /** normalised; may still carry the city when it was typed without a comma */
  street: string | null;
};

const ZIP_AT_END = /(?:^|[\s,])(\d{5})(?:-\d{4})?\s*$/;
const UNIT = /\s+(?:APT|APARTMENT|UNIT|STE|SUITE|#)\s*[\w-]+$|\s*#\s*[\w-]+$/i;

/**
 * "123 Main St, Port Alder, CA 95401" → house number 123, street "MAIN ST", ZIP 95401. The
 * city and state after the first comma are ignored (the ZIP says more), and so is a unit
 * ("Apt 4"): a building does not straddle precincts. Null when nothing usable was typed.
 */
export function parseAddress(input: string): AddressQuery | null {
  let text = input.trim().slice(0, 200);
  const zipMatch = ZIP_AT_END.exec(text);
  const zip = zipMatch ? zipMatch[1]! : null;
  if (zipMatch) text = text.slice(0, zipMatch.index);
  const streetLine = (text.split(",")[0] ?? "").replace(UNIT, "").trim();
  const numbered = /^(\d{1,6})[A-Za-z]?\s+(.+)$/.exec(streetLine);
  const houseNumber = numbered ? Number(numbered[1]) : null;
  const street = normalizeStreetName(numbered ? numbered[2]! : streetLine) || null;
  if (!zip && !street) return null;
  return { zip, houseNumber, street };
}

/** "MAIN ST PORT ALDER" → ["MAIN ST PORT ALDER", "MAIN ST PORT", "MAIN ST", "MAIN"]. */
function streetPrefixes(street: string): string[] {
  const words = street.split(" ");
  return words.map((_, i) => words.slice(0, words.length - i).join(" "));
}

type SegmentRow = { precinct_id: string; street_name: string };

/**
 * The precincts the address can be in. Segments must match every part given: the ZIP, the
 * street (the longest typed prefix that names a street, so a city typed without a comma does
 * no harm) and the house number, by range and by side of the street.
 */
async function matchingPrecincts(db: DbOrTransaction, query: AddressQuery): Promise<string[]> {
  const rows = await db("street_segments")
    .modify((scope) => {
      if (query.zip) scope.where("zip", query.zip);
      if (query.street) scope.whereIn("street_name", streetPrefixes(query.street));
      if (query.street && query.houseNumber !== null) {
        const side = query.houseNumber % 2 === 0 ? "even" : "odd";
        scope
          .where("start_house_number", "<=", query.houseNumber)
          .where("end_house_number", ">=", query.houseNumber)
          .whereIn("odd_even", ["both", side]);
      }
    })
    .distinct<SegmentRow[]>("precinct_id", "street_name");
  const longest = Math.max(0, ...rows.map((row) => row.street_name.length));
  const precincts = rows
    .filter((row) => !query.street || row.street_name.length === longest)
    .map((row) => row.precinct_id);
  return [...new Set(precincts)];
}

export type BallotContest = {
  slug: string;
  kind: "candidate" | "measure" | "retention" | "party";
  title: LocalizedText;
  ballotOrder: number;
  /** null: jurisdiction-wide */
  districtName: LocalizedText | null;
};

export type BallotElection = {
  id: string;
  slug: string;
  name: LocalizedText;
  electionDate: string;
  status: ElectionStatus;
  jurisdictionSlug: string;
  contests: BallotContest[];
};

export type BallotLookup =
  | { kind: "ballot"; precinctName: string; elections: BallotElection[] }
  /** several precincts fit what was typed: a ZIP that spans them, or a street without a ZIP */
  | { kind: "ambiguous"; query: AddressQuery }
  | { kind: "noMatch" };

export async function findBallot(db: DbOrTransaction, input: string): Promise<BallotLookup> {
  const query = parseAddress(input);
  if (!query) return { kind: "noMatch" };
  const precincts = await matchingPrecincts(db, query);
  if (precincts.length === 0) return { kind: "noMatch" };
  if (precincts.length > 1) return { kind: "ambiguous", query };
  return ballotForPrecinct(db, precincts[0]!);
}

type BallotRow = {
  election_id: string;
  election_slug: string;
  election_name: LocalizedText;
  election_date: string;
  status: ElectionStatus;
  jurisdiction_slug: string;
  contest_slug: string;
  kind: BallotContest["kind"];
  title: LocalizedText;
  ballot_order: number;
  district_name: LocalizedText | null;
};

/** The precinct's ballot: every upcoming election with a contest on it, soonest first. */
export async function ballotForPrecinct(
  db: DbOrTransaction,
  precinctId: string,
): Promise<BallotLookup> {
  const precinct = await db("precincts")
    .where({ id: precinctId })
    .first<{ name: string; jurisdiction_id: string }>("name", "jurisdiction_id");
  if (!precinct) return { kind: "noMatch" };
  const rows = await db("contests as c")
    .join("elections as e", "e.id", "c.election_id")
    .join("jurisdictions as j", "j.id", "e.jurisdiction_id")
    .leftJoin("electoral_districts as d", "d.id", "c.electoral_district_id")
    .whereIn("e.status", LISTED_ELECTION_STATUSES)
    .where("e.election_date", ">=", db.raw("current_date"))
    .where((scope) =>
      scope
        .whereIn(
          "c.electoral_district_id",
          db("precinct_districts")
            .where({ precinct_id: precinctId })
            .select("electoral_district_id"),
        )
        .orWhere((wide) =>
          wide
            .whereNull("c.electoral_district_id")
            .where("e.jurisdiction_id", precinct.jurisdiction_id),
        ),
    )
    .orderBy([
      { column: "e.election_date" },
      { column: "e.slug" },
      { column: "c.ballot_order" },
      { column: "c.slug" },
    ])
    .select<BallotRow[]>(
      "e.id as election_id",
      "e.slug as election_slug",
      "e.name as election_name",
      db.raw("to_char(e.election_date, 'YYYY-MM-DD') as election_date"),
      "e.status",
      "j.slug as jurisdiction_slug",
      "c.slug as contest_slug",
      "c.kind",
      "c.title",
      "c.ballot_order",
      "d.name as district_name",
    );
  const elections = new Map<string, BallotElection>();
  for (const row of rows) {
    let election = elections.get(row.election_id);
    if (!election) {
      election = {
        id: row.election_id,
        slug: row.election_slug,
        name: row.election_name,
        electionDate: row.election_date,
        status: row.status,
        jurisdictionSlug: row.jurisdiction_slug,
        contests: [],
      };
      elections.set(row.election_id, election);
    }
    election.contests.push({
      slug: row.contest_slug,
      kind: row.kind,
      title: row.title,
      ballotOrder: row.ballot_order,
      districtName: row.district_name,
    });
  }
  return { kind: "ballot", precinctName: precinct.name, elections: [...elections.values()] };
}
