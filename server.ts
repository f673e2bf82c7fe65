/**
 * The web process: Express in front of the Remix request handler.
 * Compression, long-lived caching of fingerprinted assets, a request id and a JSON log line for
 * every request, and a graceful stop on SIGTERM (in-flight requests finish, then the pools close).
 */
import { randomBytes, randomUUID } from "node:crypto";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import compression from "compression";
import express, { type RequestHandler } from "express";
import { config } from "~/lib/config.server";
import { closeDb, db } from "~/lib/db.server";
import { log } from "~/lib/log.server";
import { httpMetrics, instrumentDb, instrumentQueue, metricsEndpoint } from "~/lib/metrics.server";
import { anonymousPageCache, listenForPageChanges } from "~/lib/page-cache.server";
import { closeRedis, redis } from "~/lib/redis.server";
import { withRequestId } from "~/lib/request-context.server";
import {
  FORM_BODY_LIMIT_BYTES,
  isCrossSiteWrite,
  OPEN_API_PATH,
  SELF_AUTHENTICATING_WRITES,
  securityHeaders,
} from "~/lib/web-security.server";

declare module "@remix-run/node" {
  interface AppLoadContext {
    requestId: string;
    /** the client's address, as forwarded by a trusted proxy (TRUST_PROXY) */
    clientIp: string | null;
    /** the nonce the CSP allows scripts with on this response */
    cspNonce: string;
  }
}

const settings = config();
redis(); // connect (or warn about the in-process fallback) at start-up, not on the first request
instrumentDb(db());
instrumentQueue(db());

/** Trust an incoming X-Request-Id (set by our Nginx) only when it looks like an id. */
const REQUEST_ID = /^[A-Za-z0-9._-]{8,128}$/;

const requestContext: RequestHandler = (req, res, next) => {
  const incoming = req.get("X-Request-Id");
  const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.locals.requestId = requestId;
  res.setHeader("X-Request-Id", requestId);
  const started = process.hrtime.bigint();
  res.on("finish", () => {
    const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
    log.info(
      {
        requestId,
        method: req.method,
        path: req.path,
        status: res.statusCode,
        durationMs: Math.round(durationMs * 10) / 10,
        ip: clientIp(req.ip),
      },
      "request",
    );
  });
  // Jobs this request enqueues carry its id (app/lib/queue.server.ts).
  withRequestId(requestId, next);
};

/** Security headers with a fresh CSP nonce; refuses cross-site writes and oversized form bodies. */
const webSecurity: RequestHandler = (req, res, next) => {
  const nonce = randomBytes(16).toString("base64");
  res.locals.cspNonce = nonce;
  res.set(securityHeaders(nonce, settings.APP_URL, req.path));
  if (req.method === "OPTIONS" && OPEN_API_PATH.test(req.path)) {
    // a CORS preflight (a page's script sending If-None-Match): the headers above answer it
    res.status(204).end();
    return;
  }
  // The host the browser addressed (as Remix reads it, forwarded host first): a write must come
  // from a page of that same origin. (Remix aborts a mismatched action with a 500; we answer 403.)
  const ownOrigin = `${req.protocol}://${req.get("x-forwarded-host") ?? req.get("host")}`;
  const crossSite = isCrossSiteWrite(
    req.method,
    {
      origin: req.get("origin"),
      referer: req.get("referer"),
      secFetchSite: req.get("sec-fetch-site"),
    },
    [ownOrigin],
  );
  if (SELF_AUTHENTICATING_WRITES.some((pattern) => pattern.test(req.path))) {
    // no origin to check; drop a foreign one so Remix's own origin check does not abort it
    delete req.headers.origin;
  } else if (crossSite) {
    log.warn(
      { requestId: res.locals.requestId, origin: req.get("origin") },
      "refused a cross-site write",
    );
    res
      .status(403)
      .type("text/plain")
      .send(
        "Forbidden: this form was sent from another site. / Prohibido: este formulario se envió desde otro sitio.",
      );
    return;
  }
  const type = req.get("content-type") ?? "";
  const length = Number(req.get("content-length") ?? 0);
  // Uploads stream to storage with limits of their own: files in forms, and the parts of a
  // resumable video upload (tus's content type, app/routes/uploads.videos.$upload.tsx).
  const streamed =
    type.startsWith("multipart/form-data") || type === "application/offset+octet-stream";
  if (!streamed && length > FORM_BODY_LIMIT_BYTES) {
    res
      .status(413)
      .type("text/plain")
      .send("This form is too large to send. / Este formulario es demasiado grande para enviarlo.");
    return;
  }
  next();
};

/** The client's address as people write it: IPv4 without the IPv6-mapped prefix. */
function clientIp(ip: string | undefined): string | null {
  return ip ? ip.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "") : null;
}

function trustProxy(value: string): boolean | number | string {
  if (value === "true" || value === "false") return value === "true";
  return /^\d+$/.test(value) ? Number(value) : value;
}

const build = (await import(pathToFileURL(path.resolve("build/index.js")).href)) as ServerBuild;

const app = express();
app.disable("x-powered-by");
app.set("trust proxy", trustProxy(settings.TRUST_PROXY));
// First, so scrapes are neither logged nor counted as traffic.
app.get(
  "/metrics",
  metricsEndpoint({ allow: settings.METRICS_ALLOW, token: settings.METRICS_TOKEN }),
);
app.use(requestContext);
app.use(webSecurity);
app.use(compression());
app.use(
  "/build",
  express.static("public/build", { immutable: true, maxAge: "1y", fallthrough: false }),
);
// Only a path with a file extension can be a file in public/: pages skip the disk lookup.
const publicFiles = express.static("public", { maxAge: "1h" });
app.use((req, res, next) => (/\.\w+$/.test(req.path) ? publicFiles(req, res, next) : next()));
app.use(httpMetrics(build.routes));
// after the metrics, so pages served from the cache are counted like rendered ones
app.use(anonymousPageCache(build.assets.version));
const pageChanges = listenForPageChanges();
app.all(
  "*",
  createRequestHandler({
    build,
    mode: settings.NODE_ENV,
    getLoadContext: (req, res) => ({
      requestId: res.locals.requestId as string,
      clientIp: clientIp(req.ip),
      cspNonce: res.locals.cspNonce as string,
    }),
  }),
);

const server = app.listen(settings.PORT, () => {
  log.info({ port: settings.PORT, url: settings.APP_URL }, "CivicQ web app listening");
});
// Node's default gives a whole request 5 minutes: a video sent by the plain form over a slow
// connection takes far longer. Slow senders are bounded by the header timeout (60 s) and, in
// production, by the proxy's client_body_timeout between reads (deploy/nginx/civicq.conf).
server.requestTimeout = 0;

let stopping = false;
function shutdown(signal: NodeJS.Signals) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, "draining in-flight requests before exit");
  const force = setTimeout(() => {
    log.warn("drain timed out; closing remaining connections");
    server.closeAllConnections();
  }, settings.SHUTDOWN_TIMEOUT_MS);
  force.unref();
  server.close(async () => {
    await Promise.allSettled([closeDb(), closeRedis(), pageChanges.stop()]);
    log.info("stopped");
    process.exit(0);
  });
  server.closeIdleConnections();
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
