import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/lib/db.server";
import { hashingEmbedding } from "~/lib/embeddings.server";
import { findDuplicates, MAX_SUGGESTIONS } from "~/services/duplicates.server";
import { seedDemo } from "../../db/seeds/demo";
import { createMigratedDatabase, dropDatabase } from "../support/database";

/**
 * Duplicate detection, on the demo data it was calibrated on (see
 * docs/decisions/007-duplicate-detection.md). The shared test database has no seed, so this
 * file seeds a database of its own.
 */

/** The seed's deliberate near-duplicates (db/seeds/demo.ts NEAR_DUPLICATES); the last of each is pending. */
const SEEDED_GROUPS: Array<{ contest: string; bodies: string[] }> = [
  {
    contest: "mayor-port-alder",
    bodies: [
      "What will you do about the homeless encampment on the waterfront near Pier 7?",
      "What is your plan for the homeless encampment on the waterfront near Pier 7?",
      "What will you do about the homeless encampment near Pier 7 on the waterfront?",
    ],
  },
  {
    contest: "sheriff",
    bodies: [
      "Will you require every sheriff's deputy to wear a body camera?",
      "Will you make every sheriff's deputy wear a body camera?",
    ],
  },
  {
    contest: "school-board",
    bodies: [
      "Will you keep the school libraries open during the summer break?",
      "Would you keep school libraries open over the summer break?",
    ],
  },
  {
    contest: "measure-a",
    bodies: [
      "How much will Measure A cost the average household each year?",
      "How much would Measure A cost an average household per year?",
    ],
  },
  {
    contest: "city-council-at-large",
    bodies: [
      "¿Qué hará usted para bajar el costo del alquiler en Port Alder?",
      "¿Qué haría usted para bajar el costo del alquiler en Port Alder?",
    ],
  },
];

/** Re-wordings a voter might type, each with a phrase of the seeded question it re-asks. */
const RETYPED: Array<[contest: string, body: string, original: string]> = [
  [
    "mayor-port-alder",
    "What will you do about the homeless camp by Pier 7 on the waterfront?",
    "Pier 7",
  ],
  ["sheriff", "Will you make every deputy wear a body camera?", "body camera"],
  ["school-board", "Would you keep the school libraries open during summer break?", "libraries"],
  ["measure-a", "What will Measure A cost an average household?", "Measure A cost"],
  ["city-council-at-large", "¿Qué hará para bajar el alquiler en Port Alder?", "alquiler"],
];

/** New questions on the contest's own topics that no seeded question asks. */
const UNRELATED: Array<[contest: string, body: string]> = [
  ["mayor-port-alder", "Will you build a new public library branch on the east side?"],
  ["mayor-port-alder", "What will you do about the potholes on Fifth Street?"],
  ["mayor-port-alder", "How will you fill the empty storefronts on Main Street?"],
  ["sheriff", "How will you reduce overtime spending in the jail?"],
  ["sheriff", "What is your policy on high-speed vehicle pursuits?"],
  ["school-board", "Will you add more counselors to our high schools?"],
  ["school-board", "How will you make school lunches healthier?"],
  ["measure-a", "Who will oversee how the Measure A money is spent?"],
  ["measure-a", "When would the Measure A tax expire?"],
  ["city-council-at-large", "¿Apoyaría un mercado de agricultores los domingos?"],
  ["supervisor-district-1", "Will you fund a new fire station in the hills?"],
  ["supervisor-district-2", "Would you expand the county library hours?"],
];

describe("duplicate detection on the demo data", () => {
  const name = `civicq_test_duplicates_${process.pid}`;
  let db: Db;
  const contests = new Map<string, string>();

  beforeAll(async () => {
    ({ db } = await createMigratedDatabase(name));
    await seedDemo(db);
    for (const row of await db("contests").select("id", "slug")) contests.set(row.slug, row.id);
  });

  afterAll(async () => {
    await db?.destroy();
    await dropDatabase(name);
  });

  const suggest = (contest: string, body: string) =>
    findDuplicates(db, {
      contestId: contests.get(contest)!,
      body,
      embedding: hashingEmbedding(body),
    });

  it("finds every seeded near-duplicate from each of its re-wordings", async () => {
    for (const group of SEEDED_GROUPS) {
      const published = group.bodies.slice(0, -1);
      for (const body of group.bodies) {
        const found = (await suggest(group.contest, body)).map((suggestion) => suggestion.body);
        for (const other of published.filter((candidate) => candidate !== body))
          expect(found, `"${body}" should find "${other}"`).toContain(other);
      }
    }
  });

  it("finds the seeded question behind a voter's re-wording", async () => {
    for (const [contest, body, original] of RETYPED) {
      const found = await suggest(contest, body);
      expect(
        found.some((suggestion) => suggestion.body.includes(original)),
        `"${body}" should find the question about ${original}`,
      ).toBe(true);
    }
  });

  it("suggests nothing for an unrelated question on the contest's own topics", async () => {
    for (const [contest, body] of UNRELATED)
      expect(await suggest(contest, body), `"${body}"`).toEqual([]);
  });

  it("only looks at published questions of the same contest", async () => {
    // the pending third wording of the Pier 7 question is never suggested
    const pier = SEEDED_GROUPS[0]!.bodies;
    const found = await suggest("mayor-port-alder", pier[0]!);
    expect(found.map((suggestion) => suggestion.body)).not.toContain(pier[2]);
    expect(await suggest("sheriff", pier[0]!)).toEqual([]);
  });

  it("matches by full text a question whose embedding is not computed yet", async () => {
    const [question] = await db("questions")
      .insert({
        election_id: db("contests").where({ slug: "sheriff" }).select("election_id"),
        contest_id: contests.get("sheriff"),
        body: "Will the Gull Island ferry dock get its own deputy on summer weekends?",
        status: "published",
        published_at: db.fn.now(),
      })
      .returning("id");
    const found = await suggest("sheriff", "Gull Island ferry dock deputy");
    expect(found[0]).toMatchObject({ id: question.id, fullTextMatch: true });
  });

  it("offers at most five", async () => {
    const found = await suggest("mayor-port-alder", "homeless encampment waterfront Pier 7 plan");
    expect(found.length).toBeGreaterThan(0);
    expect(found.length).toBeLessThanOrEqual(MAX_SUGGESTIONS);
  });
});
