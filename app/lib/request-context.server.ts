import { AsyncLocalStorage } from "node:async_hooks";

/**
 * The request being served, for code far below the route that needs to know it without every
 * call passing it down: `enqueue` stamps its id on the jobs a request creates, so a job's log
 * lines can be followed back to the request (and Nginx's access log line) that caused it.
 * On globalThis like the database pool: server.ts sets it, the Remix build's copy reads it.
 */
const SHARED = Symbol.for("civicq.requestContext");
type Holder = { [SHARED]?: AsyncLocalStorage<{ requestId: string }> };
const current = ((globalThis as Holder)[SHARED] ??= new AsyncLocalStorage());

/** Runs `work` (and everything it awaits) as part of the request `requestId`. */
export function withRequestId<T>(requestId: string, work: () => T): T {
  return current.run({ requestId }, work);
}

/** The id of the request being served, or undefined outside a request (worker, scripts). */
export function currentRequestId(): string | undefined {
  return current.getStore()?.requestId;
}
