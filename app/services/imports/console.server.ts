import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { audit, type Actor } from "~/lib/audit.server";
import type { DbOrTransaction } from "~/lib/db.server";
import type { LocalizedText } from "~/lib/i18n";
import { enqueue } from "~/lib/queue.server";
import { newStorageKey, storage } from "~/lib/storage.server";
import { emptyReport, type ImportReport } from "./records.server";
import { MAX_FEED_BYTES } from "./run.server";

/** What the clerk's console reads and does about ballot imports (routes console.$jurisdiction.imports.*). */

export type ImportStatus = "queued" | "running" | "succeeded" | "failed" | "unchanged";

export type ImportSummary = {
  id: string;
  electionId: string | null;
  electionName: LocalizedText | null;
  sourceKind: "upload" | "url" | "cli" | "schedule";
  source: string;
  format: string | null;
  status: ImportStatus;
  createdAt: string;
  finishedAt: string | null;
  failure: ImportReport["failure"] | null;
  rejectedTotal: number;
};

type ImportRow = {
  id: string;
  election_id: string | null;
  election_name: LocalizedText | null;
  source_kind: ImportSummary["sourceKind"];
  source: string;
  format: string | null;
  status: ImportStatus;
  created_at: Date;
  finished_at: Date | null;
  report: ImportReport;
};

function summary(row: ImportRow): ImportSummary {
  return {
    id: row.id,
    electionId: row.election_id,
    electionName: row.election_name,
    sourceKind: row.source_kind,
    source: row.source,
    format: row.format,
    status: row.status,
    createdAt: row.created_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
    failure: row.report.failure ?? null,
    rejectedTotal: row.report.rejectedTotal ?? 0,
  };
}

const IMPORT_COLUMNS = [
  "i.id",
  "i.election_id",
  "e.name as election_name",
  "i.source_kind",
  "i.source",
  "i.format",
  "i.status",
  "i.created_at",
  "i.finished_at",
  "i.report",
];

/** The jurisdiction's imports, newest first (their reports' totals, not the reports). */
export async function listImports(
  db: DbOrTransaction,
  jurisdictionId: string,
  limit = 50,
): Promise<ImportSummary[]> {
  const rows: ImportRow[] = await db("ballot_imports as i")
    .leftJoin("elections as e", "e.id", "i.election_id")
    .where("i.jurisdiction_id", jurisdictionId)
    .orderBy("i.created_at", "desc")
    .limit(limit)
    .select(IMPORT_COLUMNS);
  return rows.map(summary);
}

export type ImportDetail = ImportSummary & { report: ImportReport; schemaVersion: string | null };

/** One import of the jurisdiction, with its report; undefined for another jurisdiction's. */
export async function findImport(
  db: DbOrTransaction,
  jurisdictionId: string,
  importId: string,
): Promise<ImportDetail | undefined> {
  const row: (ImportRow & { schema_version: string | null }) | undefined = await db(
    "ballot_imports as i",
  )
    .leftJoin("elections as e", "e.id", "i.election_id")
    .where({ "i.id": importId, "i.jurisdiction_id": jurisdictionId })
    .first([...IMPORT_COLUMNS, "i.schema_version"]);
  if (!row) return undefined;
  // a queued import's report is still `{}`
  return {
    ...summary(row),
    report: { ...emptyReport(), ...row.report },
    schemaVersion: row.schema_version,
  };
}

export type FeedElection = {
  id: string;
  name: LocalizedText;
  electionDate: string;
  feedUrl: string | null;
  refreshIntervalMinutes: number | null;
  refreshFailures: number;
  refreshPausedAt: string | null;
};

/** The jurisdiction's elections with their feed settings, for the import page. */
export async function feedElections(
  db: DbOrTransaction,
  jurisdictionId: string,
): Promise<FeedElection[]> {
  const rows = await db("elections")
    .where({ jurisdiction_id: jurisdictionId })
    .orderBy([{ column: "election_date", order: "desc" }, { column: "slug" }])
    .select(
      "id",
      "name",
      db.raw("to_char(election_date, 'YYYY-MM-DD') as election_date"),
      "feed_url",
      "refresh_interval_minutes",
      "refresh_failures",
      "refresh_paused_at",
    );
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    electionDate: row.election_date,
    feedUrl: row.feed_url,
    refreshIntervalMinutes: row.refresh_interval_minutes,
    refreshFailures: row.refresh_failures,
    refreshPausedAt: row.refresh_paused_at?.toISOString() ?? null,
  }));
}

/** Whether an election of the jurisdiction: forms name elections by id. */
async function ownsElection(db: DbOrTransaction, jurisdictionId: string, electionId: string) {
  return Boolean(
    await db("elections").where({ id: electionId, jurisdiction_id: jurisdictionId }).first("id"),
  );
}

export class FeedTooLargeError extends Error {}

/**
 * Streams an uploaded feed into storage, refusing more than MAX_FEED_BYTES; the import that
 * will read it gets `importId` (the key is generated for it, never taken from the user).
 */
export async function storeUpload(
  importId: string,
  data: AsyncIterable<Uint8Array>,
  contentType: string,
): Promise<{ key: string; size: number }> {
  const key = newStorageKey("documents/sources", importId, "feed");
  async function* limited() {
    let size = 0;
    for await (const chunk of data) {
      size += chunk.byteLength;
      if (size > MAX_FEED_BYTES) throw new FeedTooLargeError();
      yield Buffer.from(chunk);
    }
  }
  const { size } = await storage().put(key, Readable.from(limited()), { contentType });
  return { key, size };
}

export type NewImport = {
  jurisdictionId: string;
  electionId: string | null;
  actor: Actor;
} & (
  | { kind: "upload"; importId: string; fileName: string; storageKey: string }
  | { kind: "url"; url: string }
);

/**
 * Records an import and queues it for the worker, in one transaction (the job exists only if
 * the row does). Null when the election is not the jurisdiction's.
 */
export async function createImport(db: DbOrTransaction, input: NewImport): Promise<string | null> {
  if (input.electionId && !(await ownsElection(db, input.jurisdictionId, input.electionId)))
    return null;
  return db.transaction(async (trx) => {
    const [row] = await trx("ballot_imports")
      .insert({
        id: input.kind === "upload" ? input.importId : randomUUID(),
        jurisdiction_id: input.jurisdictionId,
        election_id: input.electionId,
        source_kind: input.kind,
        source: input.kind === "upload" ? input.fileName : input.url,
        storage_key: input.kind === "upload" ? input.storageKey : null,
        created_by: input.actor.userId,
      })
      .returning("id");
    // an import runs once: a crash mid-way leaves a failed report, not a retry loop
    await enqueue(trx, "import_ballot_feed", { importId: row.id }, { maxAttempts: 1 });
    await audit(trx, input.actor, {
      action: "ballot_import.queued",
      targetType: "ballot_import",
      targetId: row.id,
      jurisdictionId: input.jurisdictionId,
      details: { kind: input.kind, electionId: input.electionId },
    });
    return row.id as string;
  });
}

/**
 * Attaches (or with a null URL, detaches) an election's feed and refresh interval. Saving also
 * resumes a schedule paused by failures: the clerk has looked at it.
 */
export async function saveFeedSettings(
  db: DbOrTransaction,
  input: {
    jurisdictionId: string;
    electionId: string;
    feedUrl: string | null;
    intervalMinutes: number | null;
    actor: Actor;
  },
): Promise<boolean> {
  if (!(await ownsElection(db, input.jurisdictionId, input.electionId))) return false;
  await db.transaction(async (trx) => {
    await trx("elections")
      .where({ id: input.electionId })
      .update({
        feed_url: input.feedUrl,
        refresh_interval_minutes: input.feedUrl ? input.intervalMinutes : null,
        refresh_failures: 0,
        refresh_paused_at: null,
        updated_at: trx.fn.now(),
      });
    await audit(trx, input.actor, {
      action: "election.feed_settings",
      targetType: "election",
      targetId: input.electionId,
      jurisdictionId: input.jurisdictionId,
      details: { feedUrl: input.feedUrl, intervalMinutes: input.intervalMinutes },
    });
  });
  return true;
}
