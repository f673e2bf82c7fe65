import knexFactory, { type Knex } from "knex";
import { config } from "./config.server";

export type Db = Knex;
export type DbOrTransaction = Knex | Knex.Transaction;

/** Creates a knex handle; the app and worker share `db()`, tests and scripts make their own. */
export function createDb(connectionString: string, poolMax = config().DATABASE_POOL_MAX): Db {
  return knexFactory({
    client: "pg",
    connection: { connectionString, application_name: process.env.CIVICQ_PROCESS ?? "civicq" },
    pool: { min: 0, max: poolMax },
    acquireConnectionTimeout: 10_000,
  });
}

// Kept on globalThis: server.ts and the Remix build are separate bundles, each with its own copy
// of this module, and they must share one pool (and close it together on shutdown).
const SHARED = Symbol.for("civicq.db");
type Holder = { [SHARED]?: Db };

/** The process-wide database handle, created on first use. */
export function db(): Db {
  return ((globalThis as Holder)[SHARED] ??= createDb(config().DATABASE_URL));
}

export async function closeDb(): Promise<void> {
  const shared = (globalThis as Holder)[SHARED];
  delete (globalThis as Holder)[SHARED];
  await shared?.destroy();
}

/** Postgres error codes and driver failures that mean "the database is not reachable right now". */
const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "08001",
  "08003",
  "08006",
  "57P01",
  "57P02",
  "57P03",
]);
const UNAVAILABLE_MESSAGE =
  /Connection terminated|Connection ended unexpectedly|Timeout acquiring a connection|timeout exceeded when trying to connect/i;

/** Whether `error` says the database is down or restarting (a 503 to retry), not a bug (a 500). */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as Error & { code?: string }).code;
  return (
    (code !== undefined && UNAVAILABLE_CODES.has(code)) || UNAVAILABLE_MESSAGE.test(error.message)
  );
}
