import { pendingMigrations } from "../../db/schema";
import { db } from "./db.server";
import { connectedRedis, redis } from "./redis.server";

type CheckResult = "ok" | "disabled" | string;
export type Readiness = { ready: boolean; checks: Record<string, CheckResult> };

const CHECK_TIMEOUT_MS = 2_000;

async function withTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)),
      CHECK_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function check(work: () => Promise<CheckResult>): Promise<CheckResult> {
  try {
    return await withTimeout(work());
  } catch (error) {
    return `failing: ${error instanceof Error ? error.message : String(error)}`;
  }
}

export async function checkReadiness(): Promise<Readiness> {
  const [database, migrations, cache] = await Promise.all([
    check(async () => {
      await db().raw("select 1");
      return "ok";
    }),
    check(async () => {
      const pending = await pendingMigrations(db());
      return pending.length === 0 ? "ok" : `pending: ${pending.join(", ")}`;
    }),
    check(async () => {
      const client = redis();
      if (!client) return "disabled";
      // Commands fail fast while disconnected; give a (re)connecting client the check's time.
      await (await connectedRedis(client, CHECK_TIMEOUT_MS)).ping();
      return "ok";
    }),
  ]);
  const checks = { database, migrations, redis: cache };
  return { ready: Object.values(checks).every((r) => r === "ok" || r === "disabled"), checks };
}
