/**
 * `npm run import -- <file-or-url> --jurisdiction <slug> [--election <slug>]`: a ballot import for
 * operations, through the same code as the clerk's upload (app/services/imports/run.server.ts):
 * the import is recorded in ballot_imports like any other, its report printed. Exits 1 when the
 * feed failed, 2 on a usage error.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { config } from "~/lib/config.server";
import { closeDb, db } from "~/lib/db.server";
import { reportLines } from "~/services/imports/report-text.server";
import { runImport } from "~/services/imports/run.server";

const USAGE = "usage: npm run import -- <file-or-url> --jurisdiction <slug> [--election <slug>]";

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { jurisdiction: { type: "string" }, election: { type: "string" } },
  });
  const [source] = positionals;
  if (!source || !values.jurisdiction || positionals.length > 1) {
    console.error(USAGE);
    return 2;
  }
  config(); // a bad environment stops here with one clear line
  const jurisdiction = await db()("jurisdictions")
    .where({ slug: values.jurisdiction })
    .first<{ id: string } | undefined>("id");
  if (!jurisdiction) {
    console.error(`civicq import: no jurisdiction "${values.jurisdiction}"`);
    return 2;
  }
  let electionId: string | null = null;
  if (values.election) {
    const election = await db()("elections")
      .where({ jurisdiction_id: jurisdiction.id, slug: values.election })
      .first<{ id: string } | undefined>("id");
    if (!election) {
      console.error(`civicq import: no election "${values.election}" in ${values.jurisdiction}`);
      return 2;
    }
    electionId = election.id;
  }
  const isUrl = /^https?:\/\//i.test(source);
  const [created] = await db()("ballot_imports")
    .insert({
      jurisdiction_id: jurisdiction.id,
      election_id: electionId,
      source_kind: "cli",
      source: isUrl ? source : path.resolve(source),
    })
    .returning("id");
  const result = await runImport(db(), created.id);
  if (!result) throw new Error("the import did not run");
  console.log(`import ${created.id}`);
  for (const line of reportLines(result.report, result.status)) console.log(line);
  // for operations sizing the worker: what reading this feed took at most (kilobytes → MB)
  console.log(`peak memory: ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
  return result.status === "failed" ? 1 : 0;
}

main()
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    console.error(`civicq import: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  })
  .finally(() => closeDb());
