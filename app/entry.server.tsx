import { PassThrough } from "node:stream";
import { buffer } from "node:stream/consumers";
import type { AppLoadContext, EntryContext, HandleErrorFunction } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { renderToPipeableStream } from "react-dom/server";
import { NonceProvider } from "~/components/nonce";
import { isDatabaseUnavailable } from "~/lib/db.server";
import { log } from "~/lib/log.server";

const ABORT_DELAY_MS = 5_000;

/** Requests whose loader or action found the database unreachable (see handleError). */
const databaseOutages = new WeakSet<Request>();

/**
 * Every loader and action error, seen before Remix replaces it with a bare "Unexpected Server
 * Error" in production: logged, and a database outage remembered so that handleRequest answers
 * 503 rather than 500.
 */
export const handleError: HandleErrorFunction = (error, { request }) => {
  if (isDatabaseUnavailable(error)) databaseOutages.add(request);
  if (!request.signal.aborted)
    log.error({ err: error, path: new URL(request.url).pathname }, "request failed");
};

/**
 * Renders the whole document before sending it (`onAllReady`) and sends it as one body: our
 * pages do not stream suspense boundaries, a complete document is what no-JavaScript visitors
 * and caches need, and one body compresses as one gzip stream (a stream flushed per chunk
 * came out nearly twice as large). The CSP nonce from server.ts reaches `<Scripts>` through
 * NonceProvider.
 */
export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  // The database restarting is an outage to wait out, not a bug: 503, so balancers and
  // browsers retry, with the same friendly error page.
  if (responseStatusCode === 500 && databaseOutages.has(request)) {
    responseStatusCode = 503;
    responseHeaders.set("Retry-After", "5");
  }
  return new Promise<Response>((resolve, reject) => {
    let failed = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={loadContext.cspNonce}>
        <RemixServer
          context={remixContext}
          url={request.url}
          abortDelay={ABORT_DELAY_MS}
          nonce={loadContext.cspNonce}
        />
      </NonceProvider>,
      {
        nonce: loadContext.cspNonce,
        onAllReady() {
          const body = new PassThrough();
          pipe(body);
          buffer(body).then((html) => {
            responseHeaders.set("Content-Type", "text/html; charset=utf-8");
            responseHeaders.set("Content-Length", String(html.byteLength));
            responseHeaders.append("Vary", "Cookie");
            responseHeaders.append("Vary", "Accept-Language");
            resolve(
              new Response(html, {
                headers: responseHeaders,
                status: failed ? 500 : responseStatusCode,
              }),
            );
          }, reject);
        },
        onShellError: reject,
        onError(error: unknown) {
          failed = true;
          log.error(
            {
              err: error instanceof Error ? error.stack : String(error),
              requestId: loadContext.requestId,
            },
            "render failed",
          );
        },
      },
    );
    setTimeout(abort, ABORT_DELAY_MS + 1_000);
  });
}
