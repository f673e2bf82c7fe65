import { once } from "node:events";
import { Redis } from "ioredis";
import { config } from "./config.server";
import { log } from "./log.server";

// On globalThis for the same reason as the database pool: one client per process, not per bundle.
const SHARED = Symbol.for("civicq.redis");
type Holder = { [SHARED]?: Redis | null };

/**
 * The shared Redis client, or null when REDIS_URL is unset: callers then use their documented
 * in-process fallback (see docs/decisions/003-redis-optional.md). Commands fail fast while
 * Redis is down instead of queueing, so a page never waits on a dead cache.
 */
export function redis(): Redis | null {
  const holder = globalThis as Holder;
  if (holder[SHARED] !== undefined) return holder[SHARED];
  const url = config().REDIS_URL;
  if (!url) {
    log.warn(
      "REDIS_URL is not set: using in-process fallbacks (fine for one process, not for several)",
    );
    return (holder[SHARED] = null);
  }
  const client = new Redis(url, {
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
  });
  client.on("error", (error) => log.warn({ err: error.message }, "redis error"));
  return (holder[SHARED] = client);
}

/** The client once connected (waiting up to `timeoutMs` for a (re)connect), else an error. */
export async function connectedRedis(client: Redis, timeoutMs = 2_000): Promise<Redis> {
  if (client.status === "ready") return client;
  await Promise.race([
    once(client, "ready"),
    new Promise((_, reject) =>
      setTimeout(
        () => reject(new Error(`Redis not ready within ${timeoutMs} ms`)),
        timeoutMs,
      ).unref(),
    ),
  ]);
  return client;
}

export async function closeRedis(): Promise<void> {
  const holder = globalThis as Holder;
  const client = holder[SHARED];
  delete holder[SHARED];
  if (client) await client.quit().catch(() => client.disconnect());
}
