import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/lib/db.server";
import { createMigratedDatabase, dropDatabase } from "../support/database";
import {
  findBallot,
  normalizeStreetName,
  parseAddress,
  type BallotLookup,
} from "~/services/ballots.server";

/**
 * Find your ballot, against the real schema: a county with two precincts. ZIP 99801 lies in the
 * north precinct only; ZIP 99802 spans both, split down Main Street (odd numbers north, even
 * numbers south). Each precinct votes in the county and in its own supervisor district.
 */
const OWN_DATABASE = `civicq_ballots_${process.pid}`;
const ZIP_ONE_PRECINCT = "99801";
const ZIP_TWO_PRECINCTS = "99802";

let db: Db;

/** The contests of a lookup's ballot, by slug, in the order the ballot lists them. */
function contestSlugs(result: BallotLookup): string[] {
  if (result.kind !== "ballot") throw new Error(`expected a ballot, got ${result.kind}`);
  return result.elections.flatMap((election) => election.contests.map((contest) => contest.slug));
}

beforeAll(async () => {
  // its own database: other files' street segments must not make a test ZIP ambiguous
  ({ db } = await createMigratedDatabase(OWN_DATABASE));
  const suffix = randomUUID().slice(0, 8);
  const [county] = await db("jurisdictions")
    .insert({ slug: `ballot-county-${suffix}`, name: { en: "Ballot County" }, kind: "county" })
    .returning("id");
  const district = async (name: string) => {
    const [row] = await db("electoral_districts")
      .insert({ jurisdiction_id: county.id, name: { en: name }, ocd_id: `ocd-test/${name}` })
      .returning("id");
    return row.id as string;
  };
  const countyWide = await district("county");
  const north = await district("north");
  const south = await district("south");
  const precinct = async (name: string, districts: string[]) => {
    const [row] = await db("precincts")
      .insert({ jurisdiction_id: county.id, name })
      .returning("id");
    await db("precinct_districts").insert(
      districts.map((id) => ({ precinct_id: row.id, electoral_district_id: id })),
    );
    return row.id as string;
  };
  const northPrecinct = await precinct("North 1", [countyWide, north]);
  const southPrecinct = await precinct("South 2", [countyWide, south]);
  const segment = (
    precinctId: string,
    zip: string,
    street: string,
    range: [number, number],
    side: "both" | "odd" | "even" = "both",
  ) => ({
    precinct_id: precinctId,
    street_name: normalizeStreetName(street),
    start_house_number: range[0],
    end_house_number: range[1],
    odd_even: side,
    city: "Testville",
    state: "CA",
    zip,
  });
  await db("street_segments").insert([
    segment(northPrecinct, ZIP_ONE_PRECINCT, "Ridge Road", [1, 999]),
    segment(northPrecinct, ZIP_ONE_PRECINCT, "Valley Drive", [1, 499]),
    segment(northPrecinct, ZIP_TWO_PRECINCTS, "Main Street", [1, 999], "odd"),
    segment(southPrecinct, ZIP_TWO_PRECINCTS, "Main Street", [2, 998], "even"),
    segment(southPrecinct, ZIP_TWO_PRECINCTS, "Shore Avenue", [1, 799]),
  ]);

  const election = async (slug: string, status: string, date: string) => {
    const [row] = await db("elections")
      .insert({
        jurisdiction_id: county.id,
        slug,
        name: { en: slug },
        election_date: date,
        status,
      })
      .returning("id");
    return row.id as string;
  };
  const upcoming = await election("general", "questions_open", "2099-11-03");
  const contest = (
    electionId: string,
    slug: string,
    ballotOrder: number,
    districtId: string | null,
  ) => ({
    election_id: electionId,
    electoral_district_id: districtId,
    kind: "candidate",
    slug,
    title: { en: slug },
    ballot_order: ballotOrder,
  });
  await db("contests").insert([
    // inserted out of ballot order on purpose
    contest(upcoming, "measure-wide", 4, null),
    contest(upcoming, "south-seat", 3, south),
    contest(upcoming, "north-seat", 2, north),
    contest(upcoming, "sheriff", 1, countyWide),
    contest(await election("draft-one", "draft", "2099-06-02"), "draft-contest", 1, countyWide),
    contest(await election("past-one", "closed", "2001-11-06"), "past-contest", 1, countyWide),
  ]);
});

afterAll(async () => {
  await db?.destroy();
  await dropDatabase(OWN_DATABASE);
});

describe("reading what the voter typed", () => {
  it("takes the house number, the normalised street and the ZIP; city and unit are dropped", () => {
    expect(parseAddress("123 Main Street, Port Alder, CA 95401-1234")).toEqual({
      zip: "95401",
      houseNumber: 123,
      street: "MAIN ST",
    });
    expect(parseAddress("  95401 ")).toEqual({ zip: "95401", houseNumber: null, street: null });
    expect(parseAddress("12 N. Harbor Blvd. Apt 4")).toEqual({
      zip: null,
      houseNumber: 12,
      street: "N HARBOR BLVD",
    });
    expect(parseAddress("   ")).toBeNull();
  });

  it("abbreviates a leading direction and the trailing suffix only", () => {
    expect(normalizeStreetName("North Harbor Boulevard")).toBe("N HARBOR BLVD");
    expect(normalizeStreetName("court street")).toBe("COURT ST");
    expect(normalizeStreetName("O'Farrell  Avenue")).toBe("OFARRELL AVE");
  });
});

describe("find your ballot", () => {
  it("gives the ballot of a ZIP in one precinct: its districts and the jurisdiction-wide contests, in ballot order, upcoming elections only", async () => {
    const result = await findBallot(db, ZIP_ONE_PRECINCT);
    expect(contestSlugs(result)).toEqual(["sheriff", "north-seat", "measure-wide"]);
    expect(result.kind === "ballot" && result.precinctName).toBe("North 1");
  });

  it("asks for the street address when the ZIP spans several precincts", async () => {
    const result = await findBallot(db, ZIP_TWO_PRECINCTS);
    expect(result).toEqual({
      kind: "ambiguous",
      query: { zip: ZIP_TWO_PRECINCTS, houseNumber: null, street: null },
    });
  });

  it("places an address by its side of the street", async () => {
    expect(contestSlugs(await findBallot(db, `411 Main St, ${ZIP_TWO_PRECINCTS}`))).toEqual([
      "sheriff",
      "north-seat",
      "measure-wide",
    ]);
    expect(contestSlugs(await findBallot(db, `412 main street ${ZIP_TWO_PRECINCTS}`))).toEqual([
      "sheriff",
      "south-seat",
      "measure-wide",
    ]);
  });

  it("finds an address without its ZIP when only one precinct has it", async () => {
    expect(contestSlugs(await findBallot(db, "20 Shore Ave"))).toEqual([
      "sheriff",
      "south-seat",
      "measure-wide",
    ]);
  });

  it("says there is no match for an unknown ZIP, street or house number", async () => {
    for (const input of [
      "00001",
      `12 Nowhere Rd, ${ZIP_TWO_PRECINCTS}`,
      `5000 Main St, ${ZIP_TWO_PRECINCTS}`,
      "   ",
    ]) {
      expect(await findBallot(db, input), input).toEqual({ kind: "noMatch" });
    }
  });
});
