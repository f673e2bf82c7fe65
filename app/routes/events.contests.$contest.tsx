import type { LoaderFunctionArgs } from "@remix-run/node";
import { db } from "~/lib/db.server";
import { notFound } from "~/lib/http.server";
import { onProcessStop, subscribeToContest } from "~/lib/live.server";
import { isUuid } from "~/lib/ids";

/** Proxies and phones drop a silent connection after a minute or so; a comment keeps it open. */
const HEARTBEAT_MS = 25_000;
/** How long an EventSource waits before reconnecting after the stream ends. */
const RETRY_MS = 5_000;

/**
 * Server-sent events for one contest's live vote counts (public/enhance.js listens). Public and
 * read-only: the counts are on the page anyway. Each message is a `{questionId, count}` JSON.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const contestId = params.contest;
  if (!isUuid(contestId) || !(await db()("contests").where({ id: contestId }).first("id")))
    throw notFound();
  const encoder = new TextEncoder();
  let cleanup = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      const send = (text: string) => {
        if (open) controller.enqueue(encoder.encode(text));
      };
      const { ready, unsubscribe } = subscribeToContest(contestId, (message) =>
        send(`event: count\ndata: ${message}\n\n`),
      );
      const heartbeat = setInterval(() => send(": heartbeat\n\n"), HEARTBEAT_MS);
      const end = () => {
        cleanup();
        controller.close();
      };
      const forgetStop = onProcessStop(end);
      cleanup = () => {
        open = false;
        cleanup = () => {};
        clearInterval(heartbeat);
        unsubscribe();
        forgetStop();
        request.signal.removeEventListener("abort", end);
      };
      request.signal.addEventListener("abort", end);
      // the first bytes wait for the subscription: from then on, no vote goes unseen
      void ready.then(() => send(`retry: ${RETRY_MS}\n\n`));
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(body, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache",
      // Nginx would otherwise buffer the stream and deliver the events late, in bursts
      "X-Accel-Buffering": "no",
    },
  });
}
