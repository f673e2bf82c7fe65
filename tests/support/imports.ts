import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Db } from "~/lib/db.server";
import { reportLines } from "~/services/imports/report-text.server";
import { runImport } from "~/services/imports/run.server";

/** Helpers for the ballot import tests: run an import, dump what it made, rewrite feeds. */

export const FIXTURES = path.resolve("tests/fixtures/vip");

/** Imports a local file the way `npm run import` does, printing the report. */
export async function importFile(
  db: Db,
  jurisdictionId: string,
  file: string,
  label = path.basename(file),
) {
  const [created] = await db("ballot_imports")
    .insert({ jurisdiction_id: jurisdictionId, source_kind: "cli", source: file })
    .returning("id");
  const result = await runImport(db, created.id);
  if (!result) throw new Error("the import did not run");
  console.log([`── import of ${label}`, ...reportLines(result.report, result.status)].join("\n"));
  return result;
}

/** A file in a fresh temporary directory, holding `content`. */
export function tempFile(name: string, content: string | Buffer): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "civicq-import-test-"));
  const file = path.join(directory, name);
  fs.writeFileSync(file, content);
  return file;
}

/**
 * Everything an import writes for a jurisdiction, without ids, feed ids or timestamps: two
 * imports that made the same ballot dump equal.
 */
export async function dumpBallots(db: Db, jurisdictionId: string) {
  const elections = await db("elections")
    .where({ jurisdiction_id: jurisdictionId })
    .orderBy("slug")
    .select("slug", "name", db.raw("to_char(election_date, 'YYYY-MM-DD') as date"), "status");
  const districts = await db("electoral_districts")
    .where({ jurisdiction_id: jurisdictionId })
    .orderBy("import_key")
    .select("name", "kind", "ocd_id", "import_key");
  const parties = await db("parties")
    .where({ jurisdiction_id: jurisdictionId })
    .orderBy("import_key")
    .select("name", "abbreviation", "color", "import_key");
  const contests = await db("contests as c")
    .join("elections as e", "e.id", "c.election_id")
    .leftJoin("electoral_districts as d", "d.id", "c.electoral_district_id")
    .leftJoin("ballot_measures as m", "m.contest_id", "c.id")
    .where("e.jurisdiction_id", jurisdictionId)
    .orderBy([{ column: "e.slug" }, { column: "c.ballot_order" }, { column: "c.slug" }])
    .select(
      "e.slug as election",
      "c.kind",
      "c.slug",
      "c.title",
      "c.office",
      "c.description",
      "c.ballot_order",
      "c.votes_allowed",
      "c.import_key",
      "d.import_key as district",
      "m.summary",
      "m.full_text",
      "m.pro_statement",
      "m.con_statement",
      "m.passage_threshold",
    );
  const candidates = await db("candidates as k")
    .join("contests as c", "c.id", "k.contest_id")
    .join("elections as e", "e.id", "c.election_id")
    .leftJoin("parties as p", "p.id", "k.party_id")
    .where("e.jurisdiction_id", jurisdictionId)
    .orderBy([{ column: "c.slug" }, { column: "k.ballot_order" }, { column: "k.slug" }])
    .select(
      "c.slug as contest",
      "k.ballot_name",
      "k.slug",
      "k.status",
      "k.ballot_order",
      "k.import_key",
      "p.abbreviation as party",
    );
  const precincts = await db("precincts as p")
    .where("p.jurisdiction_id", jurisdictionId)
    .orderBy("p.name")
    .select(
      "p.name",
      "p.ocd_id",
      "p.import_key",
      db.raw(`array(select d.import_key from precinct_districts pd
        join electoral_districts d on d.id = pd.electoral_district_id
        where pd.precinct_id = p.id order by 1) as districts`),
    );
  const segments = await db("street_segments as s")
    .join("precincts as p", "p.id", "s.precinct_id")
    .where("p.jurisdiction_id", jurisdictionId)
    .orderBy(["p.name", "s.street_name", "s.start_house_number", "s.zip"])
    .select(
      "p.name as precinct",
      "s.street_name",
      "s.start_house_number",
      "s.end_house_number",
      "s.odd_even",
      "s.city",
      "s.state",
      "s.zip",
    );
  return { elections, districts, parties, contests, candidates, precincts, segments };
}

/** Removes every ballot row of the jurisdiction (elections cascade to contests and the rest). */
export async function wipeBallots(db: Db, jurisdictionId: string): Promise<void> {
  for (const table of ["elections", "precincts", "electoral_districts", "parties"])
    await db(table).where({ jurisdiction_id: jurisdictionId }).delete();
}

/** The same feed with every id changed (and references following), as a new production gives. */
export function renumber(xml: string): string {
  const ids = [...xml.matchAll(/\bid="([^"]+)"/g)].map((match) => match[1]!);
  const renamed = new Map(ids.map((id, i) => [id, `n${(ids.length - i) * 37}`]));
  return xml
    .replace(/\bid="([^"]+)"/g, (_, id: string) => `id="${renamed.get(id)}"`)
    .replace(
      /<(\w+Ids?)>([^<]*)<\/\1>/g,
      (_, tag: string, list: string) =>
        `<${tag}>${list
          .trim()
          .split(/\s+/)
          .map((id) => renamed.get(id) ?? id)
          .join(" ")}</${tag}>`,
    );
}

/** A 5.2 feed rewritten in 6.0's form: schemaVersion 6.0, `<XIds>a b</XIds>` → `<XId>a</XId><XId>b</XId>`. */
export function asVersion6(xml: string): string {
  return xml
    .replace('schemaVersion="5.2"', 'schemaVersion="6.0"')
    .replace(/<(\w+)Ids>([^<]*)<\/\1Ids>/g, (_, name: string, list: string) =>
      list
        .trim()
        .split(/\s+/)
        .map((id) => `<${name}Id>${id}</${name}Id>`)
        .join("\n    "),
    );
}

/** `text` with `from` replaced by `to`, failing if `from` is not there exactly once. */
export function edit(text: string, from: string | RegExp, to: string): string {
  const matches = text.match(
    typeof from === "string"
      ? new RegExp(from.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "g")
      : new RegExp(from.source, `${from.flags.replace("g", "")}g`),
  );
  if (matches?.length !== 1)
    throw new Error(`expected one ${String(from)}, found ${matches?.length ?? 0}`);
  return text.replace(from, to);
}
