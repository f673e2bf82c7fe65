import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/lib/db.server";
import { createMigratedDatabase, dropDatabase } from "../support/database";
import type { ImportReport } from "~/services/imports/records.server";
import {
  asVersion6,
  dumpBallots,
  edit,
  FIXTURES,
  importFile,
  renumber,
  tempFile,
  wipeBallots,
} from "../support/imports";
import { entry, zeros, zip, zipDirectory } from "../support/zip";

/** Each describe imports into a database of its own, so no other test's rows meet the feed's. */
const ownDatabase = (n: number) => `civicq_imports_${process.pid}_${n}`;
/**
 * The acceptance tests of the VIP import (issue 5, item 3): a 5.2 feed covering every element we
 * map, in English and Spanish, imported as XML and as the CSV zip — the same ballot; re-imported,
 * and renumbered, a no-op; changed, exactly the change; broken, nothing touched.
 */
const XML = path.join(FIXTURES, "feed-5.2.xml");
const xml = fs.readFileSync(XML, "utf8");
const COUNTY_OCD_ID = "ocd-division/country:us/state:ca/county:fixture";

/** The element counts that say something was written. */
function writes(report: ImportReport) {
  return Object.fromEntries(
    Object.entries(report.counts).flatMap(([kind, counts]) => {
      const { added, updated, withdrawn, removed } = counts;
      return added + updated + withdrawn + removed > 0
        ? [[kind, { added, updated, withdrawn, removed }]]
        : [];
    }),
  );
}

describe("ballot import (VIP 5.2)", () => {
  let db: Db;
  let jurisdictionId: string;
  let imported: Awaited<ReturnType<typeof dumpBallots>>;

  beforeAll(async () => {
    // its own database: other files' ballots and street segments must not meet the fixture's
    ({ db } = await createMigratedDatabase(ownDatabase(1)));
    const [row] = await db("jurisdictions")
      .insert({
        slug: "fixture-county",
        kind: "county",
        ocd_id: COUNTY_OCD_ID,
        name: { en: "Fixture County", es: "Condado de Fixture" },
      })
      .returning("id");
    jurisdictionId = row.id;
  });
  afterAll(async () => {
    await db?.destroy();
    await dropDatabase(ownDatabase(1));
  });

  it("imports the XML form: every element, both languages, references in any order", async () => {
    const { status, report } = await importFile(db, jurisdictionId, XML);
    expect(status).toBe("succeeded");
    expect(report.format).toBe("vip_xml");
    expect(report.schemaVersion).toBe("5.2");
    expect(writes(report)).toEqual({
      Election: { added: 1, updated: 0, withdrawn: 0, removed: 0 },
      ElectoralDistrict: { added: 3, updated: 0, withdrawn: 0, removed: 0 },
      Party: { added: 2, updated: 0, withdrawn: 0, removed: 0 },
      CandidateContest: { added: 2, updated: 0, withdrawn: 0, removed: 0 },
      BallotMeasureContest: { added: 1, updated: 0, withdrawn: 0, removed: 0 },
      RetentionContest: { added: 1, updated: 0, withdrawn: 0, removed: 0 },
      PartyContest: { added: 1, updated: 0, withdrawn: 0, removed: 0 },
      Candidate: { added: 6, updated: 0, withdrawn: 0, removed: 0 },
      Precinct: { added: 3, updated: 0, withdrawn: 0, removed: 0 },
      StreetSegment: { added: 4, updated: 0, withdrawn: 0, removed: 0 },
    });
    // the one bad date rejects its Person only; the forbidden control character is stripped
    expect(report.rejected).toEqual([
      {
        element: "Person",
        id: "per3",
        at: expect.stringMatching(/^line \d+$/),
        reason: { code: "badDate", params: { field: "DateOfBirth", value: "10/08/1970" } },
      },
    ]);
    expect(report.notes).toContainEqual({ code: "controlCharacters", params: { count: 1 } });

    imported = await dumpBallots(db, jurisdictionId);
    expect(imported.elections).toEqual([
      {
        slug: "fixture-county-general-election-2027",
        name: {
          en: "Fixture County General Election 2027",
          es: "Elección General del Condado de Fixture 2027",
        },
        date: "2027-11-02",
        status: "draft",
      },
    ]);
    // ballot order from the ballot styles; the measure keeps every language of every text
    expect(
      imported.contests.map((contest) => [contest.ballot_order, contest.kind, contest.slug]),
    ).toEqual([
      [1, "party", "party-preference-for-the-county-central-committee"],
      [2, "candidate", "county-supervisor-district-1"],
      [3, "candidate", "governing-board-member-fixture-unified-school-district"],
      [4, "measure", "measure-a-library-hours"],
      [5, "retention", "shall-judge-frances-moreno-be-retained"],
    ]);
    const measure = imported.contests.find((contest) => contest.kind === "measure")!;
    expect(measure.summary).toEqual({
      en: "Opens the county libraries on Sundays, paid for by a small sales tax.",
      es: "Abre las bibliotecas del condado los domingos, con un pequeño impuesto sobre las ventas.",
    });
    expect(measure.pro_statement.es).toMatch(/^Las familias trabajadoras/);
    expect(measure.con_statement.es).toMatch(/^El condado no puede/);
    expect(measure.full_text.es).toMatch(/^Sección 1/);
    const supervisor = imported.contests.find(
      (contest) => contest.slug === "county-supervisor-district-1",
    )!;
    expect(supervisor.office).toEqual({ en: "County Supervisor", es: "Supervisor del Condado" });
    expect(supervisor.district).toBe(`ocd-id:${COUNTY_OCD_ID}/council_district:1`);
    // the ordered contest lists Ben before Ana; the retained judge stands in her contest
    expect(
      imported.candidates.map((candidate) => [
        candidate.contest,
        candidate.ballot_order,
        candidate.ballot_name,
        candidate.party,
      ]),
    ).toEqual([
      ["county-supervisor-district-1", 1, "Ben Okafor", "VLY"],
      ["county-supervisor-district-1", 2, "Ana Ruiz", "HBR"],
      ["governing-board-member-fixture-unified-school-district", 1, "Carla Jensen", null],
      ["governing-board-member-fixture-unified-school-district", 2, "Dev Patel", null],
      ["governing-board-member-fixture-unified-school-district", 3, "Eva Lindqvist", null],
      ["shall-judge-frances-moreno-be-retained", 1, "Frances Moreno", null],
    ]);
    expect(imported.parties[0]).toMatchObject({
      name: { en: "Harbor Party", es: "Partido del Puerto" },
      color: "#1a5fb4",
    });
    // the address lookup's data: normalised streets, ZIP5, ranges, and each precinct's districts
    expect(
      imported.segments.map((segment) => [segment.precinct, segment.street_name, segment.zip]),
    ).toEqual([
      ["Precinct 101", "MAIN ST", "95999"],
      ["Precinct 102", "MAIN ST", "95999"],
      ["Precinct 102", "N HARBOR BLVD", "95999"],
      ["Precinct 103 (A)", "QUARRY RD", "95998"],
    ]);
    expect(
      imported.precincts.map((precinct) => [precinct.name, precinct.districts.length]),
    ).toEqual([
      ["Precinct 101", 3],
      ["Precinct 102", 2],
      // no districts of its own: those of the contests on its ballot style
      ["Precinct 103 (A)", 2],
    ]);
  });

  it("imports the same data in the CSV form (a zip of the spec's .txt files) as the same ballot", async () => {
    await wipeBallots(db, jurisdictionId);
    const file = tempFile("feed.zip", zipDirectory(path.join(FIXTURES, "csv-5.2")));
    const { status, report } = await importFile(db, jurisdictionId, file, "csv-5.2 (zip)");
    expect(status).toBe("succeeded");
    expect(report.format).toBe("vip_csv");
    expect(report.rejected.map((rejection) => [rejection.element, rejection.reason.code])).toEqual([
      ["Person", "badDate"],
    ]);
    expect(await dumpBallots(db, jurisdictionId)).toEqual(imported);
  });

  it("imports the same data in 6.0's form (repeated …Id elements) as the same ballot", async () => {
    await wipeBallots(db, jurisdictionId);
    const file = tempFile("feed-6.0.xml", asVersion6(xml));
    const { status, report } = await importFile(db, jurisdictionId, file);
    expect(status).toBe("succeeded");
    expect(report.schemaVersion).toBe("6.0");
    expect(await dumpBallots(db, jurisdictionId)).toEqual(imported);
  });

  it("re-importing the same feed changes nothing: every count unchanged", async () => {
    const { status, report } = await importFile(db, jurisdictionId, XML, "feed-5.2.xml again");
    expect(status).toBe("succeeded");
    expect(writes(report)).toEqual({});
    expect(report.counts.Candidate!.unchanged).toBe(6);
    expect(report.counts.StreetSegment!.unchanged).toBe(4);
    expect(await dumpBallots(db, jurisdictionId)).toEqual(imported);
  });

  it("the same feed with every id renumbered is a no-op too", async () => {
    const renumbered = renumber(xml);
    expect(renumbered).not.toContain('id="can1"');
    const file = tempFile("feed-renumbered.xml", renumbered);
    const { status, report } = await importFile(db, jurisdictionId, file);
    expect(status).toBe("succeeded");
    expect(writes(report)).toEqual({});
    expect(await dumpBallots(db, jurisdictionId)).toEqual(imported);
  });

  it("a changed feed changes exactly what changed; a removed candidate is withdrawn, questions kept", async () => {
    const supervisor = await db("contests")
      .where({ slug: "county-supervisor-district-1" })
      .first("id", "election_id");
    const ben = await db("candidates")
      .where({ contest_id: supervisor.id, ballot_name: "Ben Okafor" })
      .first("id");
    const ana = await db("candidates")
      .where({ contest_id: supervisor.id, ballot_name: "Ana Ruiz" })
      .first("id");
    const [question] = await db("questions")
      .insert({
        election_id: supervisor.election_id,
        contest_id: supervisor.id,
        candidate_id: ben.id,
        body: "How would you keep the county libraries open on weekends?",
        status: "published",
      })
      .returning("id");

    let changed = edit(
      xml,
      '<Text language="en">Ana Ruiz</Text>',
      '<Text language="en">Ana María Ruiz</Text>',
    );
    changed = edit(changed, /\s*<Candidate id="can2">[\s\S]*?<\/Candidate>/, "");
    changed = edit(changed, /\s*<CandidateSelection id="cs2">[\s\S]*?<\/CandidateSelection>/, "");
    changed = edit(
      changed,
      "<BallotSelectionIds>cs1 cs2</BallotSelectionIds>",
      "<BallotSelectionIds>cs1</BallotSelectionIds>",
    );
    changed = edit(
      changed,
      "<OrderedBallotSelectionIds>cs2 cs1</OrderedBallotSelectionIds>",
      "<OrderedBallotSelectionIds>cs1</OrderedBallotSelectionIds>",
    );
    const { status, report } = await importFile(
      db,
      jurisdictionId,
      tempFile("feed-changed.xml", changed),
    );
    expect(status).toBe("succeeded");
    expect(writes(report)).toEqual({
      Candidate: { added: 0, updated: 1, withdrawn: 1, removed: 0 },
    });

    // Ana (a state-level id: the same candidate renamed) keeps her row; Ben is withdrawn
    const after = await dumpBallots(db, jurisdictionId);
    const expected = structuredClone(imported);
    const anaRow = expected.candidates.find((candidate) => candidate.ballot_name === "Ana Ruiz")!;
    Object.assign(anaRow, { ballot_name: "Ana María Ruiz", ballot_order: 1 });
    Object.assign(
      expected.candidates.find((candidate) => candidate.ballot_name === "Ben Okafor")!,
      {
        status: "withdrawn",
      },
    );
    expect(sortCandidates(after.candidates)).toEqual(sortCandidates(expected.candidates));
    expect({ ...after, candidates: [] }).toEqual({ ...expected, candidates: [] });
    expect(await db("candidates").where({ id: ana.id }).first("ballot_name")).toEqual({
      ballot_name: "Ana María Ruiz",
    });
    expect(await db("questions").where({ id: question.id }).first("candidate_id")).toEqual({
      candidate_id: ben.id,
    });
    imported = after;
  });

  describe("a broken feed fails with a readable report and leaves the data as it was", () => {
    const failed = async (file: string, code: string) => {
      const before = await dumpBallots(db, jurisdictionId);
      const { status, report } = await importFile(db, jurisdictionId, file);
      expect(status).toBe("failed");
      expect(report.failure?.code).toBe(code);
      expect(await dumpBallots(db, jurisdictionId)).toEqual(before);
      return report;
    };

    it("a dangling idref: every record it breaks is listed, nothing is applied", async () => {
      // Eva renamed (which would apply), and her party an id that names nothing
      let broken = edit(
        xml,
        '<Text language="en">Eva Lindqvist</Text>',
        '<Text language="en">Eva Lind</Text>',
      );
      broken = edit(
        broken,
        '<Candidate id="can5">',
        '<Candidate id="can5">\n    <PartyId>par9</PartyId>',
      );
      broken = edit(broken, "<PrecinctId>pre3</PrecinctId>", "<PrecinctId>pre9</PrecinctId>");
      const report = await failed(tempFile("dangling.xml", broken), "danglingRefs");
      expect(report.failure?.params).toEqual({ count: 2 });
      expect(report.rejected).toContainEqual(
        expect.objectContaining({
          element: "Candidate",
          id: "can5",
          reason: { code: "danglingRef", params: { field: "PartyId", target: "par9" } },
        }),
      );
      // what depends on the broken candidate is listed too
      expect(report.rejected).toContainEqual(
        expect.objectContaining({
          element: "CandidateSelection",
          id: "cs5",
          reason: expect.objectContaining({ code: "dependsOnRejected" }),
        }),
      );
      expect(report.rejected).toContainEqual(
        expect.objectContaining({
          element: "StreetSegment",
          id: "ss4",
          reason: expect.objectContaining({ code: "danglingRef" }),
        }),
      );
    });

    it("invalid XML", async () => {
      const truncated =
        xml.slice(0, xml.indexOf("<Election id=")) + "<Election id='e1'><Date>2027-11-02</Dat";
      const report = await failed(tempFile("invalid.xml", truncated), "xmlInvalid");
      expect(report.failure?.params?.line).toBeGreaterThan(300);
    });

    it("a file that is not UTF-8, though it says it is", async () => {
      // its Spanish accents come out as single Latin-1 bytes, which UTF-8 cannot have
      const latin1 = Buffer.from(xml.replace(/^\ufeff/, ""), "latin1");
      await failed(tempFile("latin1.xml", latin1), "encoding");
    });

    it("a zip bomb that declares its size: refused before anything is inflated", async () => {
      const bomb = zip([
        entry("source.txt", Buffer.from("id,name,version\ns,x,5.2\n")),
        zeros("street_segment.txt", 200 * 1024 ** 2),
      ]);
      expect(bomb.length).toBeLessThan(1024 ** 2);
      const report = await failed(tempFile("bomb.zip", bomb), "zipBomb");
      expect(report.failure?.params).toMatchObject({ entry: "street_segment.txt" });
    });

    it("a zip bomb that lies about its size: stopped while inflating", async () => {
      const liar = { ...zeros("street_segment.txt", 64 * 1024 ** 2), declaredSize: 1_000 };
      const bomb = zip([entry("source.txt", Buffer.from("id,name,version\ns,x,5.2\n")), liar]);
      const report = await failed(tempFile("liar.zip", bomb), "zipBomb");
      expect(report.failure?.params).toMatchObject({ entry: "street_segment.txt" });
    });
  });
});

type CandidateRow = { contest: string; ballot_name: string };
const sortCandidates = <T extends CandidateRow>(rows: T[]) =>
  [...rows].sort((a, b) =>
    `${a.contest}|${a.ballot_name}`.localeCompare(`${b.contest}|${b.ballot_name}`),
  );

describe("ballot import (CivicQ CSV template)", () => {
  const TEMPLATE = path.resolve("tests/fixtures/civicq/ballot.csv");
  const template = fs.readFileSync(TEMPLATE, "utf8");
  let db: Db;
  let jurisdictionId: string;

  beforeAll(async () => {
    // its own database: other files' ballots and street segments must not meet the fixture's
    ({ db } = await createMigratedDatabase(ownDatabase(2)));
    const [row] = await db("jurisdictions")
      .insert({
        slug: "pine-valley-water",
        kind: "district",
        name: { en: "Pine Valley Water District" },
      })
      .returning("id");
    jurisdictionId = row.id;
  });
  afterAll(async () => {
    await db?.destroy();
    await dropDatabase(ownDatabase(2));
  });

  it("gives the same guarantees: a ballot, a no-op again, exactly the change, rows it cannot read listed", async () => {
    const first = await importFile(db, jurisdictionId, TEMPLATE);
    expect(first.status).toBe("succeeded");
    expect(first.report.format).toBe("civicq_csv");
    expect(writes(first.report)).toEqual({
      Election: { added: 1, updated: 0, withdrawn: 0, removed: 0 },
      ElectoralDistrict: { added: 1, updated: 0, withdrawn: 0, removed: 0 },
      Party: { added: 1, updated: 0, withdrawn: 0, removed: 0 },
      CandidateContest: { added: 1, updated: 0, withdrawn: 0, removed: 0 },
      BallotMeasureContest: { added: 1, updated: 0, withdrawn: 0, removed: 0 },
      Candidate: { added: 3, updated: 0, withdrawn: 0, removed: 0 },
    });
    expect(first.report.rejected).toEqual([
      {
        element: "row",
        id: "",
        at: "line 7",
        reason: { code: "unknownRowKind", params: { kind: "referendum" } },
      },
    ]);
    const ballot = await dumpBallots(db, jurisdictionId);
    expect(
      ballot.contests.map((contest) => [contest.slug, contest.title, contest.votes_allowed]),
    ).toEqual([
      [
        "director-pine-valley-water-district",
        {
          en: "Director, Pine Valley Water District",
          es: "Director, Distrito de Agua de Pine Valley",
        },
        2,
      ],
      [
        "measure-w-water-main-bonds",
        { en: "Measure W: Water Main Bonds", es: "Medida W: Bonos para tuberías principales" },
        1,
      ],
    ]);
    expect(ballot.contests[1]!.summary.es).toMatch(/^Autoriza 12 millones/);

    const again = await importFile(db, jurisdictionId, TEMPLATE, "ballot.csv again");
    expect(writes(again.report)).toEqual({});
    expect(await dumpBallots(db, jurisdictionId)).toEqual(ballot);

    let changed = edit(template, "Lena Fischer,", "Lena Fischer-Ruiz,");
    changed = edit(changed, /\ncandidate,[^\n]*Grace Liu[^\n]*/, "");
    const third = await importFile(db, jurisdictionId, tempFile("ballot-changed.csv", changed));
    expect(writes(third.report)).toEqual({
      Candidate: { added: 0, updated: 1, withdrawn: 1, removed: 0 },
    });
    const candidates = (await dumpBallots(db, jurisdictionId)).candidates.map((candidate) => [
      candidate.ballot_name,
      candidate.status,
    ]);
    expect(candidates).toEqual([
      ["Lena Fischer-Ruiz", "active"],
      ["Marco Bianchi", "active"],
      ["Grace Liu", "withdrawn"],
    ]);
  });
});
