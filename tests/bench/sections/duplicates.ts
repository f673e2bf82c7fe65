import knexFactory from "knex";
import type { Dataset } from "../dataset";
import { percentile } from "../load";
import { measurement, round, type Measurement } from "../report";
import type { Scale } from "../scale";
import { createDb, type Db } from "~/lib/db.server";
import { findDuplicates } from "~/services/duplicates.server";

/**
 * Section 3. The near-duplicate lookup (findDuplicates) for new questions close to existing ones:
 * its latency with the HNSW index, and its recall@5 against the same lookup made exact (index
 * scans off, so the nearest neighbours come from a full scan and sort of the contest's rows).
 */
export async function benchDuplicates(input: {
  scale: Scale;
  data: Dataset;
  log: (line: string) => void;
}) {
  const { scale, data, log } = input;
  const withIndex = createDb(data.url, 2);
  // every connection of this pool plans without index scans: the HNSW ordering is never used
  const exact: Db = knexFactory({
    client: "pg",
    connection: { connectionString: data.url },
    pool: {
      min: 0,
      max: 2,
      afterCreate: (
        connection: { query: (sql: string, done: (error: Error | null) => void) => void },
        done: (error: Error | null, connection: unknown) => void,
      ) => connection.query("set enable_indexscan = off", (error) => done(error, connection)),
    },
  });

  // new questions: existing ones' text and embedding, nudged, in random contests
  const samples = await data.db.raw(
    `select contest_id, body, embedding::text as embedding from questions
     where embedding is not null order by random() limit ?`,
    [scale.duplicateQueries],
  );
  const queries = samples.rows.map(
    (row: { contest_id: string; body: string; embedding: string }) => ({
      contestId: row.contest_id,
      body: row.body.replace(/^Question \d+/, "New question"),
      embedding: (JSON.parse(row.embedding) as number[]).map(
        (x) => x + (Math.random() - 0.5) * 0.2,
      ),
    }),
  );

  const timed = async (db: Db) => {
    const times: number[] = [];
    const found: string[][] = [];
    for (const query of queries) {
      const started = process.hrtime.bigint();
      const suggestions = await findDuplicates(db, query);
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
      found.push(suggestions.map((suggestion) => suggestion.id));
    }
    return { times, found };
  };
  await timed(withIndex); // warm both caches
  const indexed = await timed(withIndex);
  const scanned = await timed(exact);
  await Promise.all([withIndex.destroy(), exact.destroy()]);

  let hits = 0;
  let wanted = 0;
  scanned.found.forEach((truth, i) => {
    const got = new Set(indexed.found[i]);
    wanted += truth.length;
    hits += truth.filter((id) => got.has(id)).length;
  });
  const recall = wanted ? hits / wanted : 1;
  const suggestions = wanted / queries.length;
  log(`  recall@5 ${recall.toFixed(3)} (${suggestions.toFixed(1)} suggestions a query)`);
  const measurements: Measurement[] = [
    measurement({
      section: "duplicates",
      name: `lookup p95 at ${scale.questions.toLocaleString("en")} questions, HNSW (p50 ${round(percentile(indexed.times, 50), 2)} ms)`,
      unit: "ms",
      value: percentile(indexed.times, 95),
      baseline: {
        name: `exact scan p95 (p50 ${round(percentile(scanned.times, 50), 2)} ms)`,
        value: percentile(scanned.times, 95),
      },
      target: { text: "p95 < 20 ms", test: ({ value }) => value < 20 },
    }),
    measurement({
      section: "duplicates",
      name: "recall@5 of the HNSW lookup",
      unit: "fraction",
      value: recall,
      baseline: { name: "exact scan (by definition)", value: 1 },
      details: { suggestionsPerQuery: suggestions },
      target: { text: "≥ 0.95", test: ({ value }) => value >= 0.95 },
    }),
  ];
  return { measurements, checks: { "duplicate lookups return suggestions": suggestions > 0 } };
}
