import { Redis } from "ioredis";
import { config } from "./config.server";
import { log } from "./log.server";

let client: Redis | null | undefined;

/**
 * The shared Redis client, or null when REDIS_URL is unset: callers then use their documented
 * in-process fallback (see docs/decisions/003-redis-optional.md). Commands fail fast while
 * Redis is down instead of queueing, so a page never waits on a dead cache.
 */
export function redis(): Redis | null {
  if (client !== undefined) return client;
  const url = config().REDIS_URL;
  if (!url) {
    log.warn(
      "REDIS_URL is not set: using in-process fallbacks (fine for one process, not for several)",
    );
    client = null;
    return client;
  }
  client = new Redis(url, {
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
  });
  client.on("error", (error) => log.warn({ err: error.message }, "redis error"));
  return client;
}

export async function closeRedis(): Promise<void> {
  if (client) await client.quit().catch(() => client?.disconnect());
  client = undefined;
}
