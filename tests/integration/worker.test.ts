import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type Db } from "~/lib/db.server";
import { submitQuestion } from "~/services/questions.server";
import { createContest } from "../support/fixtures";
import { exited, startTs, waitFor } from "../support/processes";

type JobRow = { id: string; locked_at: Date | null; attempts: number; last_error: string | null };

describe("worker", () => {
  let db: Db;
  let url: string;
  let contest: Awaited<ReturnType<typeof createContest>>;

  beforeAll(async () => {
    url = inject("databaseUrl");
    db = createDb(url, 4);
    contest = await createContest(db);
  });
  afterAll(() => db.destroy());

  const ask = (body: string) =>
    submitQuestion(db, { ...contest, authorId: null, body, language: "en", status: "published" });
  const jobFor = async (questionId: string) =>
    // the public jobs view has no payload; the private table is the queue itself
    (await db("graphile_worker._private_jobs")
      .whereRaw("payload->>'questionId' = ?", [questionId])
      .first()) as JobRow | undefined;
  const embedded = async (questionId: string) =>
    (await db("questions").where({ id: questionId }).whereNotNull("embedding").first("id")) !==
    undefined;
  const startWorker = (shutdownMs: number) =>
    startTs("worker/index.ts", {
      DATABASE_URL: url,
      SHUTDOWN_TIMEOUT_MS: String(shutdownMs),
      WORKER_CONCURRENCY: "1",
    });

  const openLocks: Array<{ isCompleted(): boolean; rollback(): Promise<unknown> }> = [];
  afterEach(async () => {
    for (const lock of openLocks.splice(0)) if (!lock.isCompleted()) await lock.rollback();
  });

  /** Holds a row lock on the question so the embed task blocks mid-run, as a slow job would. */
  async function holdQuestion(questionId: string) {
    const trx = await db.transaction();
    openLocks.push(trx);
    await trx("questions").where({ id: questionId }).forUpdate().first("id");
    return trx;
  }

  it("embeds a submitted question (the job is queued in the same transaction)", async () => {
    const questionId = await ask("Will the county build more affordable housing near transit?");
    expect(await jobFor(questionId)).toBeDefined();
    const worker = startWorker(5_000);
    try {
      await waitFor(() => embedded(questionId), 20_000, "the embedding");
      await waitFor(
        async () => (await jobFor(questionId)) === undefined,
        5_000,
        "the job to complete",
      );
    } finally {
      worker.kill("SIGTERM");
      await exited(worker);
    }
  });

  it("SIGTERM during a job lets it finish when it can", async () => {
    const questionId = await ask("How will you keep the public library open on weekends?");
    const lock = await holdQuestion(questionId);
    const worker = startWorker(10_000);
    await waitFor(async () => (await jobFor(questionId))?.locked_at, 20_000, "the job to start");
    worker.kill("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 500));
    await lock.commit(); // the job can now finish within the grace period
    await exited(worker);
    expect(await embedded(questionId)).toBe(true);
    expect(await jobFor(questionId)).toBeUndefined();
  });

  it("SIGTERM during a job that outlives the grace period puts it back in the queue, and it runs again", async () => {
    const questionId = await ask("What will you do about wildfire evacuation routes in the hills?");
    const lock = await holdQuestion(questionId);
    const worker = startWorker(1_000);
    await waitFor(async () => (await jobFor(questionId))?.locked_at, 20_000, "the job to start");
    worker.kill("SIGTERM");
    await exited(worker);
    const job = await jobFor(questionId);
    expect(job, "the job must still exist").toBeDefined();
    expect(job!.locked_at).toBeNull();
    expect(job!.attempts).toBe(1);
    expect(await embedded(questionId)).toBe(false);
    await lock.rollback();

    // Released jobs retry with backoff; make it due now instead of waiting e seconds.
    await db("graphile_worker._private_jobs")
      .where({ id: job!.id })
      .update({ run_at: db.fn.now() });
    const second = startWorker(5_000);
    try {
      await waitFor(() => embedded(questionId), 20_000, "the retried embedding");
    } finally {
      second.kill("SIGTERM");
      await exited(second);
    }
  });
});
