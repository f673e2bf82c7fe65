import type { Redis } from "ioredis";
import { log } from "./log.server";
import { redis } from "./redis.server";

/**
 * Live vote counts. A vote publishes `{questionId, count}` on the Redis channel
 * `contest:<contestId>`, so every app instance hears every vote; each process holds ONE
 * subscriber connection and fans messages out in memory to its open event streams. Without
 * REDIS_URL the fan-out stays within this process (docs/decisions/003-redis-optional.md).
 */
type VoteCount = { questionId: string; count: number };
type Listener = (message: string) => void;

type Hub = {
  listeners: Map<string, Set<Listener>>;
  subscriber: Redis | null;
  stopping: Set<() => void> | null;
};
// On globalThis like the pools: one subscriber per process, whichever bundle asks.
const SHARED = Symbol.for("civicq.live");
function hub(): Hub {
  const holder = globalThis as { [SHARED]?: Hub };
  return (holder[SHARED] ??= { listeners: new Map(), subscriber: null, stopping: null });
}

const contestChannel = (contestId: string) => `contest:${contestId}`;

function dispatch(channel: string, message: string): void {
  for (const listener of hub().listeners.get(channel) ?? []) listener(message);
}

/** The process's subscriber: a duplicate of the shared client, since a subscribing connection can do nothing else. */
function subscriber(client: Redis): Redis {
  const state = hub();
  if (!state.subscriber) {
    // Unlike the shared client, it queues commands while (re)connecting: subscriptions made
    // then must reach Redis once it is back.
    const connection = client.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null });
    connection.on("error", (error) =>
      log.warn({ err: error.message }, "live updates: redis error"),
    );
    connection.on("message", dispatch);
    state.subscriber = connection;
  }
  return state.subscriber;
}

/** Tells every instance's open pages the question's new count. Best effort: a reload is always right. */
export async function publishVoteCount(contestId: string, update: VoteCount): Promise<void> {
  const channel = contestChannel(contestId);
  const message = JSON.stringify(update);
  const client = redis();
  if (!client) return dispatch(channel, message);
  try {
    await client.publish(channel, message);
  } catch (error) {
    log.warn({ err: (error as Error).message, channel }, "live updates: publish failed");
  }
}

/**
 * Calls `listener` with each message on the contest's channel until `unsubscribe` is called.
 * `ready` settles once Redis has confirmed the subscription (a failure is logged, not thrown:
 * the page still works, only not live).
 */
export function subscribeToContest(
  contestId: string,
  listener: Listener,
): { ready: Promise<void>; unsubscribe: () => void } {
  const channel = contestChannel(contestId);
  const { listeners } = hub();
  const client = redis();
  const set = listeners.get(channel) ?? new Set<Listener>();
  listeners.set(channel, set);
  set.add(listener);
  // Subscribing to a channel already subscribed is a no-op for Redis, and its reply tells
  // this caller that it is live.
  const ready = client
    ? subscriber(client)
        .subscribe(channel)
        .then(
          () => undefined,
          (error: Error) =>
            log.warn({ err: error.message, channel }, "live updates: subscribe failed"),
        )
    : Promise.resolve();
  const unsubscribe = () => {
    set.delete(listener);
    if (set.size > 0 || listeners.get(channel) !== set) return;
    listeners.delete(channel);
    if (client)
      subscriber(client)
        .unsubscribe(channel)
        .catch((error: Error) =>
          log.warn({ err: error.message, channel }, "live updates: unsubscribe failed"),
        );
  };
  return { ready, unsubscribe };
}

/**
 * Runs `stop` when the process is asked to stop. An event stream never ends by itself, so
 * without this the graceful drain (server.ts) would wait its full timeout; ended streams
 * reconnect by themselves, to an instance that is still running.
 */
export function onProcessStop(stop: () => void): () => void {
  const state = hub();
  if (!state.stopping) {
    const callbacks = new Set<() => void>();
    const stopAll = () => callbacks.forEach((callback) => callback());
    process.once("SIGTERM", stopAll);
    process.once("SIGINT", stopAll);
    state.stopping = callbacks;
  }
  const callbacks = state.stopping;
  callbacks.add(stop);
  return () => callbacks.delete(stop);
}
