import { EventEmitter } from "node:events";
import { Logger, makeWorkerUtils, run, type Task, type WorkerEvents } from "graphile-worker";
import nodemailer from "nodemailer";
import pg from "pg";
import type { Dataset } from "../dataset";
import { percentile } from "../load";
import { measurement, round, type Measurement } from "../report";
import type { Scale } from "../scale";
import { config } from "~/lib/config.server";
import { renderEmail } from "~/services/emails.server";
import { taskList } from "../../../worker/tasks";

const LATENCY_SAMPLES = 100;
const EMAIL = {
  template: "verify_email" as const,
  locale: "en" as const,
  params: { link: "https://civicq.example/verify/abc" },
};

/** Calls `next` from `concurrency` loops at once until it answers false. */
async function drain(concurrency: number, next: () => Promise<boolean>): Promise<void> {
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (await next());
    }),
  );
}

/**
 * Section 4. Graphile Worker as the app runs it (its concurrency, batched completion): jobs per
 * second draining a backlog, and add-to-start latency of single jobs into an idle worker — for
 * a no-op task and for the real send_email task against the local SMTP sink. Baselines, same
 * run, same database: a bare SKIP LOCKED queue (a table, DELETE … RETURNING) drained with the
 * same concurrency; LISTEN/NOTIFY's own round trip; nodemailer sending the same messages directly.
 */
export async function benchQueue(input: {
  scale: Scale;
  data: Dataset;
  log: (line: string) => void;
}) {
  const { scale, data, log } = input;
  const concurrency = config().WORKER_CONCURRENCY;
  const started = new Map<string, number>();
  let done = 0;
  const noop: Task = async () => {};
  const events: WorkerEvents = new EventEmitter();
  events.on("job:success", () => done++);
  events.on("job:start", ({ job }) => {
    if (job.key) started.set(job.key, performance.now());
  });
  const utils = await makeWorkerUtils({ connectionString: data.url });
  await utils.migrate();
  const runWorker = () =>
    run({
      connectionString: data.url,
      concurrency,
      events,
      noHandleSignals: true,
      taskList: { bench_noop: noop, send_email: taskList.send_email },
      logger: new Logger(() => () => {}),
      preset: { worker: { completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
    });

  const backlog = async (task: string, count: number, payload: () => object) => {
    await utils.addJobs(
      Array.from({ length: count }, () => ({ identifier: task, payload: payload() })),
    );
    done = 0;
    const at = performance.now();
    const runner = await runWorker();
    while (done < count) await new Promise((resolve) => setTimeout(resolve, 5));
    const seconds = (performance.now() - at) / 1000;
    await runner.stop();
    return count / seconds;
  };
  const latencies = async (task: string, payload: object, samples: number) => {
    const runner = await runWorker();
    const times: number[] = [];
    for (let i = 0; i < samples; i++) {
      const mark = `m${i}`;
      const target = done + 1;
      const added = performance.now();
      await utils.addJob(task, payload, { jobKey: mark });
      while (done < target) await new Promise((resolve) => setImmediate(resolve));
      if (started.has(mark)) times.push(started.get(mark)! - added);
    }
    await runner.stop();
    return times;
  };

  const noopRate = await backlog("bench_noop", scale.queueJobs, () => ({}));
  const samples = Math.min(LATENCY_SAMPLES, scale.queueJobs);
  const noopLatency = await latencies("bench_noop", {}, samples);
  const emailRate = await backlog("send_email", scale.emailJobs, () => ({
    ...EMAIL,
    to: "voter@bench.example",
  }));
  started.clear();
  const emailLatency = await latencies(
    "send_email",
    { ...EMAIL, to: "voter@bench.example" },
    Math.min(samples, scale.emailJobs),
  );
  await utils.release();

  // baselines: a bare SKIP LOCKED queue, LISTEN/NOTIFY, direct SMTP sends
  const pool = new pg.Pool({ connectionString: data.url, max: concurrency + 1 });
  await pool.query(
    "create table if not exists bench_bare_queue (id bigserial primary key, payload jsonb not null)",
  );
  await pool.query(
    "insert into bench_bare_queue (payload) select '{}' from generate_series(1, $1)",
    [scale.queueJobs],
  );
  const bareAt = performance.now();
  await drain(concurrency, async () => {
    const { rowCount } = await pool.query(
      "delete from bench_bare_queue where id = (select id from bench_bare_queue order by id for update skip locked limit 1) returning id",
    );
    return rowCount === 1;
  });
  const bareRate = scale.queueJobs / ((performance.now() - bareAt) / 1000);
  const listener = await pool.connect();
  await listener.query("listen bench_wake");
  const notifyTimes: number[] = [];
  for (let i = 0; i < Math.min(LATENCY_SAMPLES, scale.queueJobs); i++) {
    const heard = new Promise((resolve) => listener.once("notification", resolve));
    const at = performance.now();
    await pool.query("notify bench_wake");
    await heard;
    notifyTimes.push(performance.now() - at);
  }
  listener.release();
  await pool.end();
  const transport = nodemailer.createTransport(config().SMTP_URL!);
  const mailAt = performance.now();
  let sent = 0;
  await drain(concurrency, async () => {
    if (sent++ >= scale.emailJobs) return false;
    await transport.sendMail({
      from: config().MAIL_FROM,
      to: "voter@bench.example",
      ...renderEmail({ ...EMAIL, to: "voter@bench.example" }),
    });
    return true;
  });
  const directMailRate = scale.emailJobs / ((performance.now() - mailAt) / 1000);
  transport.close();
  log(
    `  no-op ${Math.round(noopRate)}/s (bare ${Math.round(bareRate)}/s); email ${Math.round(emailRate)}/s (direct ${Math.round(directMailRate)}/s)`,
  );

  const measurements: Measurement[] = [
    measurement({
      section: "queue",
      name: `no-op jobs drained (${scale.queueJobs.toLocaleString("en")} jobs, concurrency ${concurrency})`,
      unit: "jobs/s",
      value: noopRate,
      baseline: { name: "bare SKIP LOCKED queue, same concurrency", value: bareRate },
    }),
    measurement({
      section: "queue",
      name: `no-op job add-to-start p95 (p50 ${round(percentile(noopLatency, 50), 2)} ms)`,
      unit: "ms",
      value: percentile(noopLatency, 95),
      baseline: {
        name: `LISTEN/NOTIFY round trip p95 (p50 ${round(percentile(notifyTimes, 50), 2)} ms)`,
        value: percentile(notifyTimes, 95),
      },
    }),
    measurement({
      section: "queue",
      name: `send_email job add-to-start p95 (p50 ${round(percentile(emailLatency, 50), 2)} ms)`,
      unit: "ms",
      value: percentile(emailLatency, 95),
      baseline: { name: "no-op job add-to-start p95", value: percentile(noopLatency, 95) },
    }),
    measurement({
      section: "queue",
      name: `send_email jobs drained to the SMTP sink (${scale.emailJobs} jobs)`,
      unit: "jobs/s",
      value: emailRate,
      baseline: { name: "nodemailer sending directly, same concurrency", value: directMailRate },
    }),
  ];
  return { measurements };
}
