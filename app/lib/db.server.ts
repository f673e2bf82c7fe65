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

let shared: Db | undefined;

/** The process-wide database handle, created on first use. */
export function db(): Db {
  shared ??= createDb(config().DATABASE_URL);
  return shared;
}

export async function closeDb(): Promise<void> {
  await shared?.destroy();
  shared = undefined;
}
