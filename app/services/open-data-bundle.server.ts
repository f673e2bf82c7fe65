import { randomUUID } from "node:crypto";
import { strToU8, zipSync } from "fflate";
import { csvRow, type CsvValue } from "~/lib/csv.server";
import type { Db, DbOrTransaction } from "~/lib/db.server";
import { mediaUrl, newStorageKey, storage } from "~/lib/storage.server";
import {
  collectionQuery,
  COLLECTIONS,
  OPEN_DATA_LICENCE,
  publishRow,
  selectColumns,
} from "./open-data.server";

/**
 * The open-data bundle: one CSV file per API collection (same columns, all rows), a LICENCE and
 * a README, zipped and stored (app/lib/storage.server.ts, public area `exports/open-data`).
 * The worker rebuilds it nightly (worker/crontab); the newest is linked from /open-data. Older
 * bundles are removed once a newer one is stored, keeping the previous one for downloads under
 * way.
 */
const KEPT_BUNDLES = 2;

function cell(value: unknown): CsvValue {
  if (value === null || value === undefined) return null;
  // translatable texts go as their JSON ({"en": "…"}), which Postgres reads back as jsonb
  return typeof value === "object" ? JSON.stringify(value) : (value as CsvValue);
}

const LICENCE = `CivicQ open data

The data in this bundle (the CSV files) is dedicated to the public domain under
${OPEN_DATA_LICENCE.name}: ${OPEN_DATA_LICENCE.url}

To the extent possible under law, the publishers have waived all copyright and related or
neighbouring rights to this data. You may copy, modify, distribute and use it, even for
commercial purposes, without asking permission. Questions and answers are the words of the
voters and candidates who wrote them; please quote them faithfully.
`;

function readme(counts: Record<string, number>, builtAt: Date): string {
  const files = COLLECTIONS.map(
    (collection) =>
      `- ${collection.name}.csv (${counts[collection.name]} rows): ${collection.summary}\n  columns: ${Object.keys(collection.columns).join(", ")}`,
  ).join("\n");
  return `CivicQ open data, built ${builtAt.toISOString()}

One CSV file per table of the JSON API (/api/v1/openapi.json describes the columns): RFC 4180,
UTF-8, a header row. Translatable texts are JSON objects by language ({"en": "...", "es": "..."}).
Empty fields are nulls. As in every CivicQ export, text that a spreadsheet would run as a formula
(starting with =, +, -, @) begins with an apostrophe.

${files}

Licence: see LICENCE.txt (${OPEN_DATA_LICENCE.name}).
`;
}

export type BundleInfo = {
  url: string;
  sizeBytes: number;
  rowCounts: Record<string, number>;
  createdAt: Date;
};

/** Builds and stores a new bundle; returns where it is. */
export async function buildOpenDataBundle(db: Db, now: Date = new Date()): Promise<BundleInfo> {
  const files: Record<string, Uint8Array> = {};
  const counts: Record<string, number> = {};
  for (const collection of COLLECTIONS) {
    const rows = await selectColumns(db, collection, collectionQuery(db, collection));
    const header = Object.keys(collection.columns);
    const lines = [csvRow(header)];
    for (const row of rows) {
      const published = publishRow(collection, row);
      lines.push(csvRow(header.map((name) => cell(published[name]))));
    }
    files[`${collection.name}.csv`] = strToU8(lines.join(""));
    counts[collection.name] = rows.length;
  }
  files["LICENCE.txt"] = strToU8(LICENCE);
  files["README.txt"] = strToU8(readme(counts, now));
  const zip = zipSync(files, { level: 6, mtime: now });

  // the file first, then its row: /media serves a key only once a row names it
  const id = randomUUID();
  const key = newStorageKey("exports/open-data", id, "civicq-open-data.zip");
  await storage().put(key, Buffer.from(zip), { contentType: "application/zip" });
  await db("open_data_bundles").insert({
    id,
    storage_key: key,
    size_bytes: zip.byteLength,
    row_counts: counts,
    created_at: now,
  });
  await removeOldBundles(db);
  return { url: mediaUrl(key), sizeBytes: zip.byteLength, rowCounts: counts, createdAt: now };
}

async function removeOldBundles(db: Db): Promise<void> {
  const old = await db("open_data_bundles")
    .orderBy("created_at", "desc")
    .offset(KEPT_BUNDLES)
    .select("id", "storage_key");
  for (const bundle of old) {
    await db("open_data_bundles").where({ id: bundle.id }).delete();
    await storage().delete(bundle.storage_key);
  }
}

/** The newest bundle, or null before the first night. */
export async function latestOpenDataBundle(db: DbOrTransaction): Promise<BundleInfo | null> {
  const row = await db("open_data_bundles").orderBy("created_at", "desc").first();
  if (!row) return null;
  return {
    url: mediaUrl(row.storage_key),
    sizeBytes: Number(row.size_bytes),
    rowCounts: row.row_counts,
    createdAt: row.created_at,
  };
}
