import fs from "node:fs";
import type { Knex } from "knex";
import type { Actor } from "~/lib/audit.server";
import { audit } from "~/lib/audit.server";
import { config } from "~/lib/config.server";
import type { Db } from "~/lib/db.server";
import { log } from "~/lib/log.server";
import { storage } from "~/lib/storage.server";
import {
  applyCandidates,
  applyContests,
  applyDistricts,
  applyElection,
  applyParties,
  ballotOrder,
} from "./apply-ballot.server";
import type { ApplyContext } from "./apply-context.server";
import {
  applyPrecincts,
  applyStreetSegments,
  localityJurisdictions,
} from "./apply-geography.server";
import { fetchFeed } from "./fetch.server";
import { openReader, type FeedInput } from "./formats.server";
import {
  emptyCounts,
  emptyReport,
  FeedError,
  MAX_LISTED_REJECTIONS,
  type I18n,
  type ImportReport,
} from "./records.server";
import type { SchemaVersion } from "./spec.server";
import { Staging } from "./staging.server";
import { validate } from "./validate.server";

/**
 * One import, start to end — the worker's job, the CLI and the scheduled refresh all come here:
 * open the source (storage, a URL, a local file), read it record by record into staging, resolve
 * references, apply, and write the report on the `ballot_imports` row. Reading and applying share
 * ONE transaction: a broken feed rolls back and leaves our data exactly as it was.
 */

/** An uploaded or fetched feed may not be larger than this. */
export const MAX_FEED_BYTES = 1024 ** 3;
const FETCH_TIMEOUT_MS = 60_000;

export type ImportRow = {
  id: string;
  jurisdiction_id: string;
  election_id: string | null;
  source_kind: "upload" | "url" | "cli" | "schedule";
  source: string;
  storage_key: string | null;
  status: "queued" | "running" | "succeeded" | "failed" | "unchanged";
  etag: string | null;
  last_modified: string | null;
  created_by: string | null;
};

export type Conditional = { etag: string | null; lastModified: string | null };

/**
 * Runs a queued import. `conditional` (a scheduled refresh) sends the last import's validators:
 * a feed that has not changed ends as `unchanged` without being read. Returns the finished row's
 * status, or null when there is no such import or it already ran (a retried job).
 */
export async function runImport(
  db: Db,
  importId: string,
  conditional?: Conditional,
): Promise<{ status: ImportRow["status"]; report: ImportReport } | null> {
  const row = await db("ballot_imports").where({ id: importId }).first<ImportRow | undefined>();
  if (!row || !["queued", "running"].includes(row.status)) return null;
  await db("ballot_imports")
    .where({ id: importId })
    .update({ status: "running", started_at: db.fn.now() });

  const started = Date.now();
  const report = emptyReport();
  let status: ImportRow["status"] = "failed";
  const validators: Partial<Conditional> = {};
  try {
    const opened = await openSource(row, conditional);
    if (opened === "notModified") {
      status = "unchanged";
      Object.assign(validators, conditional);
      report.notes.push({ code: "notModified" });
    } else {
      Object.assign(validators, opened.validators);
      await importFeed(db, row, opened.input, report);
      status = "succeeded";
    }
  } catch (error) {
    report.failure =
      error instanceof FeedError
        ? error.reason
        : { code: "internal", params: { message: String(error) } };
    if (!(error instanceof FeedError)) log.error({ err: error, importId }, "ballot import crashed");
  }
  report.durationMs = Date.now() - started;
  await db("ballot_imports")
    .where({ id: importId })
    .update({
      status,
      report,
      format: report.format ?? null,
      schema_version: report.schemaVersion ?? null,
      etag: validators.etag ?? null,
      last_modified: validators.lastModified ?? null,
      finished_at: db.fn.now(),
    });
  log.info(
    { importId, status, failure: report.failure?.code, durationMs: report.durationMs },
    "ballot import finished",
  );
  return { status, report };
}

type OpenedSource = { input: FeedInput; validators: Partial<Conditional> };

async function openSource(
  row: ImportRow,
  conditional?: Conditional,
): Promise<OpenedSource | "notModified"> {
  if (row.storage_key) {
    const object = await storage().get(row.storage_key);
    if (!object) throw new FeedError("fileGone");
    return { input: { chunks: object.stream }, validators: {} };
  }
  if (/^https?:\/\//i.test(row.source)) {
    const fetched = await fetchFeed(row.source, {
      ...conditional,
      maxBytes: MAX_FEED_BYTES,
      timeoutMs: FETCH_TIMEOUT_MS,
      allowPrivate: config().FEED_FETCH_ALLOW_PRIVATE,
    });
    if (fetched.notModified) return "notModified";
    return {
      input: { chunks: fetched.body },
      validators: { etag: fetched.etag, lastModified: fetched.lastModified },
    };
  }
  // the CLI's local file
  if (row.source_kind !== "cli") throw new FeedError("fileGone");
  if (!fs.existsSync(row.source)) throw new FeedError("fileGone");
  return { input: { chunks: fs.createReadStream(row.source), path: row.source }, validators: {} };
}

/** Reads, resolves and applies one feed in one transaction, filling in `report`. */
async function importFeed(
  db: Db,
  row: ImportRow,
  input: FeedInput,
  report: ImportReport,
): Promise<void> {
  let bytes = 0;
  async function* counted() {
    for await (const chunk of input.chunks) {
      bytes += chunk.length;
      yield chunk;
    }
  }
  try {
    await db.transaction(async (trx) => {
      // one import per jurisdiction at a time: two would match against each other's half-work
      await trx.raw("select pg_advisory_xact_lock(hashtext(?))", [
        `ballot-import:${row.jurisdiction_id}`,
      ]);
      // the resolver's and the segments' joins hash whole feeds: let them, in this transaction
      await trx.raw("set local work_mem = '64MB'");
      const staging = await Staging.create(trx);
      const reader = await openReader({ ...input, chunks: counted() });
      report.format = reader.format;
      let version: SchemaVersion | undefined;
      for await (const event of reader.events) {
        if (event.type === "version") version = event.version;
        else if (event.type === "note") report.notes.push(event.reason);
        else if (event.type === "rejected") await staging.addRejection(event.rejection);
        else {
          const checked = validate(event.record, version!);
          await (checked.ok
            ? staging.add(checked.record)
            : staging.add(event.record, checked.reason));
        }
      }
      if (reader.format !== "civicq_csv") report.schemaVersion = version;

      const finish = async () => {
        for (const { kind, read, rejected } of await staging.tally()) {
          const counts = (report.counts[kind] ??= emptyCounts());
          counts.read = read;
          counts.rejected = rejected;
        }
        report.rejected = await staging.rejections(MAX_LISTED_REJECTIONS);
        report.rejectedTotal = Object.values(report.counts).reduce((sum, c) => sum + c.rejected, 0);
      };
      const { dangling } = await staging.resolve();
      if (dangling > 0) {
        await finish();
        throw new FeedError("danglingRefs", { count: dangling });
      }
      let election: { id: string; name: I18n };
      try {
        election = await apply(trx, staging, row, report);
      } catch (error) {
        // a broken feed still tells what was read of it (the transaction is still usable: a
        // FeedError is ours, thrown between statements)
        if (error instanceof FeedError) await finish();
        throw error;
      }
      await finish();

      if (!row.election_id)
        await trx("ballot_imports").where({ id: row.id }).update({ election_id: election.id });
      const actor: Actor = { userId: row.created_by, ip: null, requestId: null };
      await audit(trx, actor, {
        action: "ballot_import.applied",
        targetType: "ballot_import",
        targetId: row.id,
        jurisdictionId: row.jurisdiction_id,
        details: { electionId: election.id, format: report.format, counts: report.counts },
      });
    });
  } finally {
    report.bytes = bytes;
  }
}

/** The applier's steps, in the order their references need. */
async function apply(
  trx: Knex.Transaction,
  staging: Staging,
  row: ImportRow,
  report: ImportReport,
): Promise<{ id: string; name: I18n }> {
  const jurisdiction = await trx("jurisdictions")
    .where({ id: row.jurisdiction_id })
    .first<{ id: string; ocd_id: string | null }>("id", "ocd_id");
  const context: ApplyContext = {
    trx,
    staging,
    jurisdiction: { id: jurisdiction!.id, ocdId: jurisdiction!.ocd_id },
    targetElectionId: row.election_id,
    counts: report.counts,
    notes: report.notes,
  };
  const election = await applyElection(context);
  report.election = { id: election.id, name: election.name.en ?? "" };
  const localities = await localityJurisdictions(context);
  const districts = await applyDistricts(context);
  const parties = await applyParties(context);
  const order = await ballotOrder(context);
  const contests = await applyContests(context, election.id, districts, order);
  await applyCandidates(context, contests, parties, order);
  await applyPrecincts(context, localities, districts, contests, order);
  await applyStreetSegments(context);
  await staging.cascade();
  return election;
}
