import { Logger, runMigrations as runQueueMigrations } from "graphile-worker";
import type { Db } from "~/lib/db.server";
import { migrationSource } from "./migrations/index";

const MIGRATIONS = { migrationSource, tableName: "knex_migrations" } as const;
const silentLogger = new Logger(() => () => {});

/** Applies our migrations, then Graphile Worker's own (its `graphile_worker` schema). */
export async function migrateToLatest(db: Db, connectionString: string): Promise<string[]> {
  const [, applied] = (await db.migrate.latest(MIGRATIONS)) as [number, string[]];
  await runQueueMigrations({ connectionString, logger: silentLogger });
  return applied;
}

/** Reverts the last batch, or every migration with `all`. The job queue's schema is left alone. */
export async function rollback(db: Db, all: boolean): Promise<string[]> {
  const [, reverted] = (await db.migrate.rollback(MIGRATIONS, all)) as [number, string[]];
  return reverted;
}

/** Names of migrations not yet applied to this database. */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const [, pending] = (await db.migrate.list(MIGRATIONS)) as [unknown, Array<[string, unknown]>];
  return pending.map(([name]) => name);
}
