/**
 * Fault: the worker is SIGKILLed in the middle of a job — an email (its SMTP server not answering
 * yet), a ballot import (a 10 MB feed being applied), a report roll-up. A new worker hands the
 * dead one's jobs back to the queue (worker/dead-workers.ts) and each completes exactly once in
 * effect: one message at the SMTP sink, one imported election, one roll-up.
 */
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueue } from "~/lib/queue.server";
import { writeLargeFeed } from "../support/large-feed";
import { startMailSink } from "../support/mail-sink";
import { exited, waitFor } from "../support/processes";
import { report } from "./support/services";
import { startStack, type Stack } from "./support/stack";

const OCD_ID = "ocd-division/country:us/state:ca/county:killed";

describe("worker SIGKILLed mid-job", () => {
  let stack: Stack;
  let mail: Awaited<ReturnType<typeof startMailSink>>;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "civicq-kill-"));
  // accepts connections and never says a word: an email job hangs in its SMTP greeting
  const silentSmtp = net.createServer(() => undefined);

  beforeAll(async () => {
    stack = await startStack("workerkill", { voters: 1 });
    mail = await startMailSink();
    await new Promise<void>((resolve) => silentSmtp.listen(0, "127.0.0.1", resolve));
  });

  afterAll(async () => {
    silentSmtp.close();
    await mail?.close();
    await stack?.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  const job = (task: string) =>
    stack
      .db("graphile_worker._private_jobs as j")
      .join("graphile_worker._private_tasks as t", "t.id", "j.task_id")
      .where("t.identifier", task)
      .first("j.id", "j.locked_at", "j.attempts");

  /** Starts a worker, waits until `running` says the job is mid-way, then SIGKILLs the worker. */
  async function killMidJob(
    task: string,
    running: () => Promise<boolean>,
    env: Record<string, string> = {},
  ) {
    const worker = stack.startWorker({ WORKER_CONCURRENCY: "1", ...env });
    await waitFor(running, 60_000, `${task} to be running`);
    worker.kill("SIGKILL");
    await exited(worker);
    const locked = await job(task);
    return Boolean(locked?.locked_at);
  }

  it("completes each kind of job exactly once after a restart", async () => {
    const lines: Record<string, string> = {};

    // email: stuck in the SMTP greeting when killed
    const address = "killed-mid-send@example.test";
    await enqueue(
      stack.db,
      "send_email",
      { template: "sign_in_code", to: address, locale: "en", params: { code: "123456" } },
      {},
    );
    const silent = `smtp://127.0.0.1:${(silentSmtp.address() as net.AddressInfo).port}`;
    const emailLocked = await killMidJob(
      "send_email",
      async () => Boolean((await job("send_email"))?.locked_at),
      {
        SMTP_URL: silent,
      },
    );

    // import: a 10 MB feed, killed while its transaction is being written
    await stack.db("jurisdictions").insert({
      slug: "killed-county",
      kind: "county",
      ocd_id: OCD_ID,
      name: { en: "Killed County" },
    });
    const jurisdiction = await stack
      .db("jurisdictions")
      .where({ slug: "killed-county" })
      .first("id");
    const file = path.join(scratch, "feed.xml");
    await writeLargeFeed(file, {
      targetBytes: 10 * 1024 ** 2,
      countyOcdId: OCD_ID,
      precincts: 200,
    });
    const [ballotImport] = await stack
      .db("ballot_imports")
      .insert({ jurisdiction_id: jurisdiction.id, source_kind: "cli", source: file })
      .returning("id");
    await enqueue(stack.db, "import_ballot_feed", { importId: ballotImport.id }, {});
    const importLocked = await killMidJob("import_ballot_feed", async () => {
      const row = await stack.db("ballot_imports").where({ id: ballotImport.id }).first("status");
      return row?.status === "running";
    });

    // roll-up: held mid-job by a lock on the table it reads (it is otherwise over in
    // milliseconds, too quick to catch), killed once its job is taken, then the lock let go
    const hold = await stack.db.transaction();
    await hold.raw("lock table election_report_rollups in access exclusive mode");
    await enqueue(stack.db, "rollup_election_reports", {}, {});
    const rollupLocked = await killMidJob("rollup_election_reports", async () =>
      Boolean((await job("rollup_election_reports"))?.locked_at),
    ).finally(() => hold.rollback());

    // a new worker, with a working SMTP server: the dead worker's jobs are handed back and run
    const worker = stack.startWorker({ WORKER_CONCURRENCY: "2", SMTP_URL: mail.url });
    try {
      await waitFor(
        async () =>
          (await job("send_email")) === undefined &&
          (await job("import_ballot_feed")) === undefined &&
          (await job("rollup_election_reports")) === undefined,
        180_000,
        "every job to complete after the restart",
      );
    } finally {
      worker.kill("SIGTERM");
      await exited(worker);
    }
    const emails = mail.messagesTo(address).length;
    const imported = await stack
      .db("ballot_imports")
      .where({ id: ballotImport.id })
      .first("status");
    const elections = await stack
      .db("elections")
      .where({ jurisdiction_id: jurisdiction.id })
      .count({ n: "*" });
    lines["email"] =
      `killed with the job locked: ${emailLocked}; after restart ${emails} message(s) at the SMTP sink`;
    lines["import"] =
      `killed while running: ${importLocked}; after restart status ${imported?.status}, ${elections[0]!.n} election(s) imported`;
    lines["rollup"] =
      `killed with the job locked: ${rollupLocked}; after restart the job completed (none left in the queue)`;
    lines["transcode"] = "not covered here (see the report)";
    report("worker SIGKILLed in the middle of email, import and roll-up jobs", {
      injected: "SIGKILL to build/worker.js while each job was locked by it",
      ...lines,
      "failed jobs": await stack.failedJobs(),
    });
    expect([emailLocked, importLocked, rollupLocked]).toEqual([true, true, true]);
    expect(emails).toBe(1);
    expect(imported?.status).toBe("succeeded");
    expect(elections).toEqual([{ n: "1" }]);
  });
});
