import pg from "pg";
import type { Db } from "~/lib/db.server";
import { log } from "~/lib/log.server";

/**
 * A worker killed outright (SIGKILL, out of memory, a lost host) cannot unlock its jobs, and
 * Graphile Worker leaves them locked for four hours. So each worker process holds a session
 * advisory lock per pool id, on a connection of its own, for as long as it lives: Postgres drops
 * those locks the moment the process's connection dies. A holder of locked jobs whose advisory
 * lock can be taken is therefore dead, and its jobs go back to the queue (attempt counted).
 */
const key = (holder: string) => `civicq-worker:${holder}`;

export async function livenessSession(connectionString: string) {
  const client = new pg.Client({ connectionString, application_name: "civicq-worker-liveness" });
  await client.connect();
  const own = new Set<string>();
  return {
    /** Marks `holder` (a pool id of this process) alive until this process ends. */
    async hold(holder: string) {
      own.add(holder);
      await client.query("select pg_advisory_lock(hashtextextended($1, 0))", [key(holder)]);
    },
    /** Hands back the jobs of every lock holder no live process holds; returns how many holders. */
    async releaseDeadWorkers(db: Db): Promise<number> {
      const holders: string[] = await db("graphile_worker._private_jobs")
        .whereNotNull("locked_by")
        .distinct("locked_by")
        .pluck("locked_by");
      const dead: string[] = [];
      for (const holder of holders) {
        if (own.has(holder)) continue;
        const { rows } = await client.query<{ free: boolean }>(
          "select pg_try_advisory_lock(hashtextextended($1, 0)) as free",
          [key(holder)],
        );
        if (!rows[0]?.free) continue;
        await client.query("select pg_advisory_unlock(hashtextextended($1, 0))", [key(holder)]);
        dead.push(holder);
      }
      if (dead.length) {
        await db.raw("select graphile_worker.force_unlock_workers(?::text[])", [dead]);
        log.warn({ holders: dead }, "handed back the jobs of workers that died holding them");
      }
      return dead.length;
    },
    end: () => client.end(),
  };
}
