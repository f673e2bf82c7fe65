/**
 * Metrics and request ids, through the built app and worker (`npm run build`): who may read
 * GET /metrics and what it shows, the worker's job metrics, a request's id followed into the job
 * it enqueued; then deploy/monitoring: the alert rules pass promtool (and a structural read that
 * needs no YAML library), and the rules and the Grafana dashboard only use metrics we export.
 */
import { spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type Db } from "~/lib/db.server";
import { startApp, type App } from "../support/app-server";
import { createUser } from "../support/fixtures";
import { freePort } from "../support/net";
import { exited, waitFor } from "../support/processes";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const MONITORING = path.join(ROOT, "deploy/monitoring");
const TOKEN = "metrics-test-token-0123456789";

/** Starts the built app with extra environment (startApp passes the test's environment on). */
async function startAppWith(url: string, env: Record<string, string>): Promise<App> {
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  try {
    return await startApp(url);
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/** Metric families a scrape declares (`# TYPE name kind`). */
function families(exposition: string): Map<string, string> {
  return new Map(
    [...exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((match) => [match[1]!, match[2]!]),
  );
}

/** A sample's value, the first series of `name` whose labels include all of `labels`. */
function sample(exposition: string, name: string, labels: Record<string, string>): number {
  for (const line of exposition.split("\n")) {
    const match = /^(\S+?)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match?.[1] !== name) continue;
    const text = match[2] ?? "";
    if (Object.entries(labels).every(([key, value]) => text.includes(`${key}="${value}"`))) {
      return Number(match[3]);
    }
  }
  return Number.NaN;
}

describe("metrics", () => {
  let db: Db;
  let app: App;
  let outsider: App;
  let storage: string;
  const requestId = `metrics-test-${randomUUID()}`;
  let job: { task: string; payload: Record<string, unknown> } | undefined;
  let webScrape = "";
  let workerScrape = "";
  let workerLog = "";

  beforeAll(async () => {
    const url = inject("databaseUrl");
    db = createDb(url, 2);
    storage = fs.mkdtempSync(path.join(os.tmpdir(), "civicq-metrics-"));
    app = await startApp(url);
    // The same app seen from outside its allowed networks: loopback is not in the list.
    // (One after the other: startAppWith changes the environment startApp passes on.)
    outsider = await startAppWith(url, { METRICS_ALLOW: "10.0.0.0/8", METRICS_TOKEN: TOKEN });

    // A request that enqueues a job (a password reset email), carrying our request id.
    const email = `metrics-${randomUUID()}@example.test`;
    await createUser(db, email);
    const reset = await fetch(`${app.url}/forgot-password`, {
      method: "POST",
      redirect: "manual",
      headers: {
        Origin: app.url,
        "X-Request-Id": requestId,
        // a client address of its own, so other tests' sign-in attempts cannot rate-limit it
        "X-Forwarded-For": `198.51.100.${Math.floor(Math.random() * 250) + 1}`,
      },
      body: new URLSearchParams({ email }),
    });
    expect(reset.status, await reset.text()).toBe(303);
    job = await db("graphile_worker._private_jobs as j")
      .join("graphile_worker._private_tasks as t", "t.id", "j.task_id")
      .whereRaw("j.payload->>'_requestId' = ?", [requestId])
      .first("t.identifier as task", "j.payload");
    await (await app.request("/")).text(); // read to the end: the response is timed on "finish"
    webScrape = await (await fetch(`${app.url}/metrics`)).text();

    // The worker runs that job, then shows its duration on its own /metrics.
    const healthPort = await freePort();
    const worker = spawn(process.execPath, ["build/worker.js"], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: "test",
        LOG_LEVEL: "info",
        DATABASE_URL: url,
        SMTP_URL: "",
        MAIL_OUTBOX_DIR: storage,
        WORKER_CONCURRENCY: "1",
        WORKER_HEALTH_PORT: String(healthPort),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    worker.stdout.on("data", (chunk) => (workerLog += chunk));
    worker.stderr.on("data", (chunk) => (workerLog += chunk));
    try {
      await waitFor(
        async () =>
          !(await db("graphile_worker._private_jobs")
            .whereRaw("payload->>'_requestId' = ?", [requestId])
            .first("id")),
        20_000,
        "the worker to run the job",
      );
      workerScrape = await (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text();
    } finally {
      worker.kill("SIGTERM");
      await exited(worker);
    }
  });

  afterAll(async () => {
    await Promise.all([app?.stop(), outsider?.stop()]);
    await db?.destroy();
    fs.rmSync(storage, { recursive: true, force: true });
  });

  describe("GET /metrics", () => {
    it("answers 404 from outside the allowed networks, and to anything a proxy forwarded", async () => {
      const outside = await fetch(`${outsider.url}/metrics`);
      expect(outside.status).toBe(404);
      expect(await outside.text()).not.toContain("civicq_");
      // Loopback is allowed on `app`, but Nginx or the ALB would connect from an allowed address
      // too: a forwarded request is never let in on its address.
      for (const header of ["X-Forwarded-For", "Forwarded", "X-Real-IP"]) {
        const proxied = await fetch(`${app.url}/metrics`, { headers: { [header]: "127.0.0.1" } });
        expect(proxied.status, header).toBe(404);
      }
      const wrongToken = await fetch(`${outsider.url}/metrics`, {
        headers: { Authorization: "Bearer not-the-metrics-token" },
      });
      expect(wrongToken.status).toBe(404);
    });

    it("lets the bearer token in from anywhere", async () => {
      const response = await fetch(`${outsider.url}/metrics`, {
        headers: { Authorization: `Bearer ${TOKEN}`, "X-Forwarded-For": "203.0.113.7" },
      });
      expect(response.status).toBe(200);
      expect(await response.text()).toContain("civicq_http_requests_total");
    });

    it("shows latency histograms by route, errors, the database pool, queue depth and Node", () => {
      const declared = families(webScrape);
      expect(declared.get("civicq_http_request_duration_seconds")).toBe("histogram");
      expect(declared.get("civicq_http_requests_total")).toBe("counter");
      expect(declared.get("civicq_db_query_duration_seconds")).toBe("histogram");
      expect(declared.get("process_cpu_seconds_total")).toBe("counter");
      expect(declared.get("nodejs_eventloop_lag_p99_seconds")).toBe("gauge");
      expect(
        sample(webScrape, "civicq_http_request_duration_seconds_bucket", {
          le: "+Inf",
          route: "routes/_index",
          method: "GET",
        }),
      ).toBeGreaterThanOrEqual(1);
      expect(
        sample(webScrape, "civicq_http_requests_total", {
          route: "routes/forgot-password",
          method: "POST",
          status: "303",
        }),
      ).toBeGreaterThanOrEqual(1);
      expect(
        sample(webScrape, "civicq_db_pool_connections", { state: "used" }),
      ).toBeGreaterThanOrEqual(0);
      // the reset email waits in the queue: the worker has not started yet
      expect(
        sample(webScrape, "civicq_jobs", { task: "send_email", state: "ready" }),
      ).toBeGreaterThanOrEqual(1);
      expect(sample(webScrape, "civicq_jobs", { task: "embed_question", state: "running" })).toBe(
        0,
      );
      expect(webScrape).not.toMatch(/route="\/[^"]*"/); // never a raw URL as a label
      console.log(
        webScrape
          .split("\n")
          .filter((line) =>
            /^civicq_(jobs|http_request_duration_seconds_bucket\{le="0\.5")/.test(line),
          )
          .join("\n"),
      );
    });
  });

  describe("request ids", () => {
    it("travel from the request into the job's payload and the worker's log", () => {
      expect(job).toEqual({
        task: "send_email",
        payload: expect.objectContaining({ template: "reset_password", _requestId: requestId }),
      });
      const lines = workerLog
        .split("\n")
        .filter((line) => line.includes(requestId))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines).toContainEqual(
        expect.objectContaining({ requestId, task: "send_email", jobId: expect.any(String) }),
      );
    });
  });

  describe("the worker", () => {
    it("shows job durations by task and outcome, and logs the queue depth for CloudWatch", () => {
      expect(families(workerScrape).get("civicq_job_duration_seconds")).toBe("histogram");
      expect(
        sample(workerScrape, "civicq_job_duration_seconds_count", {
          task: "send_email",
          outcome: "success",
        }),
      ).toBeGreaterThanOrEqual(1);
      expect(families(workerScrape).get("process_resident_memory_bytes")).toBe("gauge");
      expect(workerLog).toMatch(/"event":"queue_depth","jobsReady":\d+/);
    });
  });

  describe("deploy/monitoring", () => {
    type Rule = { alert: string; fields: Map<string, string> };

    /** The alerting rules: `- alert:` items with their one-line keys, labels and annotations. */
    function readRules(): Rule[] {
      const rules: Rule[] = [];
      let section = "";
      for (const line of fs.readFileSync(path.join(MONITORING, "alerts.yml"), "utf8").split("\n")) {
        const alert = /^ {6}- alert: (\S+)$/.exec(line);
        if (alert) {
          rules.push({ alert: alert[1]!, fields: new Map() });
          section = "";
          continue;
        }
        const key = /^ {8}(\w+):(?: (.+))?$/.exec(line);
        if (key && rules.length) {
          section = key[2] === undefined ? key[1]! : "";
          if (key[2] !== undefined) rules.at(-1)!.fields.set(key[1]!, key[2]);
          continue;
        }
        const nested = /^ {10}(\w+): (.+)$/.exec(line);
        if (nested && section && rules.length) {
          rules.at(-1)!.fields.set(`${section}.${nested[1]}`, nested[2]!);
        }
      }
      return rules;
    }

    const promtool = spawnSync("promtool", ["--version"]).error ? undefined : "promtool";

    it.skipIf(!promtool && !process.env.CI)(
      "pass promtool check rules and the rule unit tests",
      () => {
        for (const args of [
          ["check", "rules", "alerts.yml"],
          ["check", "config", "prometheus.yml"],
          ["test", "rules", "alerts.test.yml"],
        ]) {
          const result = spawnSync("promtool", args, { cwd: MONITORING, encoding: "utf8" });
          expect(
            result.status,
            `promtool ${args.join(" ")}\n${result.stdout}${result.stderr}`,
          ).toBe(0);
        }
      },
    );

    it("has an alert, with expr, for, severity and annotations, for each condition", () => {
      const rules = readRules();
      expect(rules.map((rule) => rule.alert).sort()).toEqual(
        [
          // critical: service down, error rate > 5 %, database connections failing, disk > 80 %
          "CivicQServiceDown",
          "CivicQHighErrorRate",
          "CivicQDatabaseConnectionFailures",
          "CivicQDiskSpaceHigh",
          // warning: CPU > 70 %, memory > 80 %, latency p95 > 500 ms, slow queries, job backlog
          "CivicQHighCpu",
          "CivicQProcessCpuHigh",
          "CivicQHighMemory",
          "CivicQHighLatency",
          "CivicQSlowQueries",
          "CivicQDatabasePoolExhausted",
          "CivicQQueueBacklog",
          "CivicQJobsFailed",
        ].sort(),
      );
      for (const { alert, fields } of rules) {
        expect(fields.get("expr"), alert).toBeTruthy();
        expect(fields.get("for"), alert).toMatch(/^\d+[smh]$/);
        expect(fields.get("labels.severity"), alert).toMatch(/^(critical|warning)$/);
        expect(fields.get("annotations.summary"), alert).toBeTruthy();
        expect(fields.get("annotations.description"), alert).toBeTruthy();
      }
    });

    it("rules and dashboard use only metrics the app, the worker or node_exporter export", () => {
      const dashboard = JSON.parse(
        fs.readFileSync(path.join(MONITORING, "grafana-dashboard.json"), "utf8"),
      ) as { panels: Array<{ type: string; title: string; targets?: Array<{ expr: string }> }> };
      const graphs = dashboard.panels.filter((panel) => panel.type !== "row");
      expect(graphs.length).toBeGreaterThan(10);
      for (const panel of graphs) expect(panel.targets?.length, panel.title).toBeGreaterThan(0);

      const expressions = [
        ...readRules().map((rule) => rule.fields.get("expr")!),
        ...graphs.flatMap((panel) => panel.targets!.map((target) => target.expr)),
      ];
      const exported = new Map([...families(webScrape), ...families(workerScrape)]);
      const used = new Set(
        expressions.flatMap((expr) => expr.match(/\b(?:civicq|process|nodejs)_\w+/g) ?? []),
      );
      for (const name of used) {
        const base = name.replace(/_(bucket|count|sum)$/, "");
        const declared = exported.has(name) || exported.get(base) === "histogram";
        expect(declared, `${name} is exported by the app or the worker`).toBe(true);
      }
      for (const name of [
        "civicq_http_request_duration_seconds",
        "civicq_jobs",
        "civicq_job_duration_seconds",
      ]) {
        expect(
          [...used].some((metric) => metric.startsWith(name)),
          name,
        ).toBe(true);
      }
      console.log(
        `metrics used by alerts.yml and grafana-dashboard.json: ${[...used].sort().join(", ")}`,
      );
    });
  });
});
