/**
 * Prometheus metrics (prom-client). Each process has one registry with Node's process metrics;
 * the web app adds HTTP, database and job-queue figures and serves them at GET /metrics, the
 * worker adds job durations and its own database figures and serves them on its health port. Every label has a small, fixed
 * set of values: routes are Remix route ids, never raw URLs; tasks are the job catalogue's names.
 * Names are what deploy/monitoring/ (alert rules, Grafana dashboard) and docs/runbook.md use.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { BlockList, isIPv6, type SocketAddress } from "node:net";
import type { ServerBuild } from "@remix-run/node";
import { matchRoutes, type AgnosticRouteObject } from "@remix-run/router";
import type { Request, RequestHandler } from "express";
import type { WorkerEvents } from "graphile-worker";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Db } from "./db.server";
import { log } from "./log.server";
import { jobPayloads } from "./queue.server";

export const registry = new Registry();
collectDefaultMetrics({ register: registry });

const seconds = (started: bigint) => Number(process.hrtime.bigint() - started) / 1e9;

// ---------------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------------

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/** Remix's route tree (as Remix builds it from the server build), for matching paths to ids. */
function routeTree(routes: ServerBuild["routes"], parentId?: string): AgnosticRouteObject[] {
  return Object.values(routes)
    .filter((route) => route?.parentId === parentId)
    .map((route) =>
      route!.index
        ? { id: route!.id, path: route!.path, index: true }
        : {
            id: route!.id,
            path: route!.path,
            caseSensitive: route!.caseSensitive,
            children: routeTree(routes, route!.id),
          },
    );
}

/**
 * The id of the route Remix serves a path with ("routes/console.$jurisdiction"), the way Remix
 * matches it; single-fetch data requests (`/page.data`, `/_root.data`) count as their page.
 */
const ROUTE_LABEL_MEMORY = 5_000;

export function routeLabeller(routes: ServerBuild["routes"]): (pathname: string) => string {
  const tree = routeTree(routes);
  // matchRoutes ranks every route on each call: remember recent paths' labels (bounded)
  const labels = new Map<string, string>();
  return (pathname) => {
    const known = labels.get(pathname);
    if (known) return known;
    const page = pathname === "/_root.data" ? "/" : pathname.replace(/\.data$/, "");
    const label = matchRoutes(tree, page)?.at(-1)?.route.id ?? "unmatched";
    if (labels.size >= ROUTE_LABEL_MEMORY) labels.clear();
    labels.set(pathname, label);
    return label;
  };
}

/**
 * Counts requests by route, method and status (5xx ones are the error rate) and times them by
 * route and method. Mounted just before the Remix handler: static files are not measured.
 * Event streams are counted but not timed: they stay open for as long as someone watches.
 */
export function httpMetrics(routes: ServerBuild["routes"]): RequestHandler {
  const requests = new Counter({
    name: "civicq_http_requests_total",
    help: "HTTP requests answered, by route, method and status code",
    labelNames: ["route", "method", "status"] as const,
    registers: [registry],
  });
  // Kept apart from the counter so the status code does not multiply the histogram's series.
  const duration = new Histogram({
    name: "civicq_http_request_duration_seconds",
    help: "Time to answer an HTTP request, by route and method (event streams excluded)",
    labelNames: ["route", "method"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const routeOf = routeLabeller(routes);
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const labels = {
        route: routeOf(req.path),
        method: METHODS.has(req.method) ? req.method : "other",
      };
      requests.inc({ ...labels, status: String(res.statusCode) });
      if (!String(res.getHeader("Content-Type")).startsWith("text/event-stream")) {
        duration.observe(labels, seconds(started));
      }
    });
    next();
  };
}

// ---------------------------------------------------------------------------------------------
// Database
// ---------------------------------------------------------------------------------------------

/** The part of knex's connection pool (tarn) read here. */
type Pool = {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  numPendingCreates(): number;
  on(event: "createFail", handler: (eventId: number, error: Error) => void): void;
};

/**
 * Pool usage (read on scrape), failed connection attempts and query durations of a knex handle.
 * A failed connection is also logged as `event: "db_connection_failed"`, which the CloudWatch
 * metric filter in deploy/aws counts.
 */
export function instrumentDb(handle: Db): void {
  const pool = (handle.client as { pool?: Pool }).pool;
  new Gauge({
    name: "civicq_db_pool_connections",
    help: "Connections of the database pool by state; pending_acquires are queries waiting for one",
    labelNames: ["state"] as const,
    registers: [registry],
    collect() {
      if (!pool) return;
      this.set({ state: "used" }, pool.numUsed());
      this.set({ state: "free" }, pool.numFree());
      this.set({ state: "pending_acquires" }, pool.numPendingAcquires());
      this.set({ state: "pending_creates" }, pool.numPendingCreates());
    },
  });
  const failures = new Counter({
    name: "civicq_db_connection_errors_total",
    help: "Attempts to open a database connection that failed",
    registers: [registry],
  });
  pool?.on("createFail", (_eventId, error) => {
    failures.inc();
    log.error({ err: error, event: "db_connection_failed" }, "database connection failed");
  });

  const queries = new Histogram({
    name: "civicq_db_query_duration_seconds",
    help: "Time from sending a query to its answer (or error)",
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  type QueryEvent = { __knexQueryUid: string };
  const started = new Map<string, bigint>();
  const finish = (_result: unknown, query: QueryEvent) => {
    const at = started.get(query.__knexQueryUid);
    if (at === undefined) return;
    started.delete(query.__knexQueryUid);
    queries.observe(seconds(at));
  };
  handle.on("query", (query: QueryEvent) =>
    started.set(query.__knexQueryUid, process.hrtime.bigint()),
  );
  handle.on("query-response", finish);
  handle.on("query-error", finish);
}

// ---------------------------------------------------------------------------------------------
// Job queue (Graphile Worker)
// ---------------------------------------------------------------------------------------------

export type QueueDepth = {
  task: string;
  /** due and waiting for a worker: the backlog */
  ready: number;
  /** waiting for their run_at (including retries backing off) */
  scheduled: number;
  running: number;
  /** out of attempts: they stay until someone looks (docs/runbook.md) */
  failed: number;
  oldestReadySeconds: number;
};

/** One cheap pass over the queue table: it holds only unfinished jobs (done ones are deleted). */
export async function readQueueDepth(handle: Db): Promise<QueueDepth[]> {
  const { rows } = await handle.raw<{ rows: Array<Record<keyof QueueDepth, string>> }>(`
    select t.identifier as task,
      count(*) filter (where j.is_available and j.run_at <= now()) as ready,
      count(*) filter (where j.is_available and j.run_at > now()) as scheduled,
      count(*) filter (where j.locked_at is not null) as running,
      count(*) filter (where j.locked_at is null and j.attempts >= j.max_attempts) as failed,
      coalesce(extract(epoch from now() - min(j.run_at)
        filter (where j.is_available and j.run_at <= now())), 0) as "oldestReadySeconds"
    from graphile_worker._private_jobs j
    join graphile_worker._private_tasks t on t.id = j.task_id
    group by t.identifier`);
  return rows.map((row) => ({
    task: row.task,
    ready: Number(row.ready),
    scheduled: Number(row.scheduled),
    running: Number(row.running),
    failed: Number(row.failed),
    oldestReadySeconds: Number(row.oldestReadySeconds),
  }));
}

/**
 * Queue depth by task and state, read from the database on each scrape. Every catalogue task
 * always has its series (0 when idle), so alerts and graphs never see a gap.
 */
export function instrumentQueue(handle: Db): void {
  const STATES = ["ready", "scheduled", "running", "failed"] as const;
  // Both gauges are collected in the same scrape: one query serves them.
  let snapshot: { at: number; depth: Promise<QueueDepth[] | undefined> } | undefined;
  const read = () => {
    if (!snapshot || Date.now() - snapshot.at > 1_000) {
      snapshot = {
        at: Date.now(),
        // A failed read leaves the gauges empty rather than failing the whole scrape.
        depth: readQueueDepth(handle).catch((error: unknown) => {
          log.warn({ err: error }, "could not read the job queue depth");
          return undefined;
        }),
      };
    }
    return snapshot.depth;
  };
  const known = (depth: QueueDepth[]) => {
    const byTask = new Map(depth.map((row) => [row.task, row]));
    for (const task of Object.keys(jobPayloads)) {
      if (!byTask.has(task)) {
        byTask.set(task, {
          task,
          ready: 0,
          scheduled: 0,
          running: 0,
          failed: 0,
          oldestReadySeconds: 0,
        });
      }
    }
    return [...byTask.values()];
  };
  new Gauge({
    name: "civicq_jobs",
    help: "Jobs in the queue by task and state (ready = due and waiting: the backlog)",
    labelNames: ["task", "state"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const depth = await read();
      if (!depth) return;
      for (const row of known(depth)) {
        for (const state of STATES) this.set({ task: row.task, state }, row[state]);
      }
    },
  });
  new Gauge({
    name: "civicq_jobs_oldest_ready_seconds",
    help: "How long the oldest due job of each task has waited for a worker",
    labelNames: ["task"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const depth = await read();
      if (!depth) return;
      for (const row of known(depth)) this.set({ task: row.task }, row.oldestReadySeconds);
    },
  });
}

/**
 * Logs the queue's totals as one JSON line (`event: "queue_depth"`). On ECS there is no
 * Prometheus: a CloudWatch Logs metric filter turns these lines into the metric the worker
 * service scales on and the backlog alarm watches (deploy/aws/civicq-stack.ts).
 */
export async function logQueueDepth(handle: Db): Promise<void> {
  try {
    const depth = await readQueueDepth(handle);
    const total = (state: "ready" | "running" | "failed") =>
      depth.reduce((sum, row) => sum + row[state], 0);
    log.info(
      {
        event: "queue_depth",
        jobsReady: total("ready"),
        jobsRunning: total("running"),
        jobsFailed: total("failed"),
        oldestReadySeconds: Math.max(0, ...depth.map((row) => row.oldestReadySeconds)),
      },
      "job queue depth",
    );
  } catch (error) {
    log.warn({ err: error }, "could not read the job queue depth");
  }
}

/** Times every job the worker runs, by task and outcome, from Graphile Worker's events. */
export function observeJobs(events: WorkerEvents): void {
  const duration = new Histogram({
    name: "civicq_job_duration_seconds",
    help: "Time a job ran, by task and outcome (success, error: it will be retried or has failed)",
    labelNames: ["task", "outcome"] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
    registers: [registry],
  });
  const started = new Map<string, bigint>();
  const finish = (job: { id: string; task_identifier: string }, outcome: "success" | "error") => {
    const at = started.get(job.id);
    if (at === undefined) return;
    started.delete(job.id);
    duration.observe({ task: job.task_identifier, outcome }, seconds(at));
  };
  events.on("job:start", ({ job }) => started.set(job.id, process.hrtime.bigint()));
  events.on("job:success", ({ job }) => finish(job, "success"));
  events.on("job:error", ({ job }) => finish(job, "error"));
}

// ---------------------------------------------------------------------------------------------
// Who may scrape
// ---------------------------------------------------------------------------------------------

export type MetricsAccess = { allow: string[]; token: string | undefined };

function blockList(cidrs: string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [network = "", prefix = ""] = cidr.split("/");
    list.addSubnet(network, Number(prefix), isIPv6(network) ? "ipv6" : "ipv4");
  }
  return list;
}

const digest = (value: string) => createHash("sha256").update(value).digest();

/**
 * Whether a request may read the metrics: the right bearer token, or a direct connection from
 * an allowed network. "Direct" is judged on the socket's address, which no header can change,
 * and only when no proxy header is present: behind Nginx or the ALB every request arrives from
 * the proxy's private address, so without that rule the whole internet would be "inside".
 */
export function scrapeAllowed(
  access: MetricsAccess,
): (req: Pick<Request, "headers" | "socket">) => boolean {
  const allowed = blockList(access.allow);
  const token = access.token ? digest(access.token) : undefined;
  return (req) => {
    const presented = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    if (token && presented && timingSafeEqual(token, digest(presented))) return true;
    const proxied = ["x-forwarded-for", "forwarded", "x-real-ip"].some((h) => h in req.headers);
    const address = req.socket.remoteAddress;
    if (proxied || !address) return false;
    const family: SocketAddress["family"] = isIPv6(address) ? "ipv6" : "ipv4";
    return allowed.check(address, family);
  };
}

/** GET /metrics: the registry in Prometheus's text format, or a plain 404 to anyone not allowed. */
export function metricsEndpoint(access: MetricsAccess): RequestHandler {
  const allowed = scrapeAllowed(access);
  return (req, res, next) => {
    if (!allowed(req)) return void res.status(404).type("text/plain").send("Not Found");
    registry
      .metrics()
      .then(
        (body) => res.set("Cache-Control", "no-store").type(registry.contentType).send(body),
        next,
      );
  };
}
