/**
 * The worker process: Graphile Worker over the same database (its own `graphile_worker` schema),
 * running the typed task registry and the crontab. On SIGTERM/SIGINT it stops taking jobs and lets
 * running ones finish for SHUTDOWN_TIMEOUT_MS; a job still running then is released back to the
 * queue (attempt counted, retried with backoff), never lost. Graphile Worker's own signal handling
 * waits for running jobs without limit, so a stuck job would hold the stop until SIGKILL and stay
 * locked for hours: hence our own handler, which unlocks this process's jobs when time is up.
 */
import "./process-name"; // first, so every log line says it comes from the worker
import { EventEmitter } from "node:events";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { Logger, parseCrontab, run, type WorkerEvents } from "graphile-worker";
import { config } from "~/lib/config.server";
import { setTimeout as delay } from "node:timers/promises";
import { closeDb, db } from "~/lib/db.server";
import { log } from "~/lib/log.server";
import {
  instrumentDb,
  logQueueDepth,
  observeJobs,
  registry,
  scrapeAllowed,
} from "~/lib/metrics.server";
import { livenessSession } from "./dead-workers";
import { taskList } from "./tasks/index";

const settings = config();

const workerLogger = new Logger((scope) => {
  const child = log.child({
    jobId: scope.jobId,
    task: scope.taskIdentifier,
    workerId: scope.workerId,
  });
  return (level, message, meta) => {
    const method = level === "warning" ? "warn" : level;
    child[method](meta ?? {}, message);
  };
});

// Our pools' ids (jobs are locked by pool), so their jobs can be handed back to the queue if
// they outlive the grace period.
const events: WorkerEvents = new EventEmitter();
const lockHolders = new Set<string>();
const liveness = await livenessSession(settings.DATABASE_URL);
events.on("pool:create", ({ workerPool }) => {
  lockHolders.add(workerPool.id);
  void liveness.hold(workerPool.id);
});
// Jobs of a worker that died holding them (SIGKILL): back to the queue now and every minute.
await liveness.releaseDeadWorkers(db());
observeJobs(events);
instrumentDb(db());

const runner = await run({
  events,
  connectionString: settings.DATABASE_URL,
  concurrency: settings.WORKER_CONCURRENCY,
  taskList,
  parsedCronItems: parseCrontab(fs.readFileSync(path.resolve("worker/crontab"), "utf8")),
  logger: workerLogger,
  noHandleSignals: true,
  // Batched completion (even with no delay) is flushed before a graceful shutdown exits; the
  // unbatched path is not awaited, so a job finished during shutdown stayed locked for hours.
  preset: { worker: { completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
});

log.info(
  { concurrency: settings.WORKER_CONCURRENCY, tasks: Object.keys(taskList) },
  "worker started",
);

let stopping = false;

// The backlog for CloudWatch (see logQueueDepth), now and every minute.
void logQueueDepth(db());
const queueReport = setInterval(() => {
  void logQueueDepth(db());
  void liveness
    .releaseDeadWorkers(db())
    .catch((error: Error) => log.warn({ err: error.message }, "could not check for dead workers"));
}, 60_000);

// Liveness for container orchestrators and tests: 200 while taking jobs, 503 once stopping.
// Also the worker's Prometheus metrics, for the same scrapers as the web app's.
const mayScrape = scrapeAllowed({ allow: settings.METRICS_ALLOW, token: settings.METRICS_TOKEN });
const health = settings.WORKER_HEALTH_PORT
  ? http
      .createServer((req, res) => {
        if (req.url === "/metrics" && mayScrape(req)) {
          return void registry.metrics().then(
            (body) => res.writeHead(200, { "Content-Type": registry.contentType }).end(body),
            () => res.writeHead(500).end(),
          );
        }
        if (req.url !== "/healthz") return void res.writeHead(404).end();
        res
          .writeHead(stopping ? 503 : 200, { "Content-Type": "application/json" })
          .end(JSON.stringify({ status: stopping ? "stopping" : "ok" }));
      })
      .listen(settings.WORKER_HEALTH_PORT, settings.WORKER_HEALTH_HOST)
  : null;

async function shutdown(signal: NodeJS.Signals) {
  if (stopping) return;
  stopping = true;
  clearInterval(queueReport);
  log.info({ signal, graceMs: settings.SHUTDOWN_TIMEOUT_MS }, "stopping: running jobs may finish");
  const graceful = runner.stop(`received ${signal}`).then(() => "finished" as const);
  const outcome = await Promise.race([
    graceful,
    delay(settings.SHUTDOWN_TIMEOUT_MS, "timeout" as const),
  ]);
  if (outcome === "timeout") {
    log.warn("jobs still running after the grace period: handing them back to the queue");
    await db().raw("select graphile_worker.force_unlock_workers(?::text[])", [[...lockHolders]]);
  }
  // A job released while its query waits could keep a pooled connection busy: don't wait forever.
  health?.close();
  await Promise.race([Promise.all([closeDb(), liveness.end()]), delay(2_000)]);
  log.info({ outcome }, "worker stopped");
  process.exit(0);
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
await runner.promise;
