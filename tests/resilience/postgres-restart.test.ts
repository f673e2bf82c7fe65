/**
 * Fault: PostgreSQL stops hard (immediate shutdown, connections cut) and comes back while
 * voters vote and ask, a candidate answers and the worker runs jobs. Meanwhile /readyz answers
 * 503 and pages answer a friendly error page; afterwards the app recovers by itself, and every
 * write the app accepted (a 303 to its success page) is in the database.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/lib/db.server";
import { startApp, type App } from "../support/app-server";
import { waitFor } from "../support/processes";
import { report } from "./support/services";
import { startStack, type Stack } from "./support/stack";

describe("PostgreSQL restarted under load", () => {
  let stack: Stack;
  let app: App;
  let db: Db;

  beforeAll(async () => {
    stack = await startStack("pgrestart", { voters: 30 });
    db = stack.db;
    app = await startApp(stack.databaseUrl, stack.appEnv);
  });

  afterAll(async () => {
    await app?.stop();
    await stack?.stop();
  });

  it("answers 503 while it is down, recovers by itself, and loses no accepted write", async () => {
    const worker = stack.startWorker();
    const { votes, questions, answers, stop } = stack.startWriters(app);
    await new Promise((resolve) => setTimeout(resolve, 1_500));

    const restarted = stack.postgres.restart(3_000);
    // while down: readiness fails, a page is a friendly error, not a stack trace
    const down = await waitFor(
      async () => {
        const ready = await app.request("/readyz");
        return ready.status === 503 ? ready : null;
      },
      10_000,
      "/readyz to report the database down",
    );
    const readiness = (await down.json()) as { checks: Record<string, string> };
    const page = await app.request(`/elections/${stack.slug}/general/mayor`);
    const html = await page.text();
    await restarted;
    const backAt = Date.now();
    await waitFor(async () => (await app.request("/readyz")).status === 200, 30_000, "recovery");
    const recoveredMs = Date.now() - backAt;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await stop();
    // the worker rode out the outage too: the embedding jobs of accepted questions all ran
    await waitFor(
      async () =>
        Number(
          (
            await db("questions")
              .whereIn("id", questions.accepted)
              .whereNull("embedding")
              .count({ n: "*" })
          )[0]!.n,
        ) === 0,
      60_000,
      "the worker to embed every accepted question",
    );
    worker.kill("SIGTERM");

    const stored = await stack.storedWrites({ votes, questions, answers });
    report(
      "postgres restarted (immediate stop, 3 s down) with votes, questions, answers and jobs in flight",
      {
        injected: "pg_ctl stop -m immediate on the private cluster, start again 3 s later",
        "readyz while down": `503 (database: ${readiness.checks.database?.slice(0, 60)})`,
        "public page while down": `${page.status} "${/<title>([^<]*)<\/title>/.exec(html)?.[1]}"`,
        "recovered (readyz 200) after": `${recoveredMs} ms without a restart of the app`,
        "votes accepted / stored": `${votes.accepted.length} / ${stored.votes} (refused: ${votes.refused})`,
        "questions accepted / stored": `${questions.accepted.length} / ${stored.questions} (refused: ${questions.refused})`,
        "answers accepted / stored": `${answers.accepted.length} / ${stored.answers} (refused: ${answers.refused})`,
        "5xx seen by writers": `${votes.errors + questions.errors + answers.errors} (503 or a friendly 500, none accepted)`,
        "jobs left failed": await stack.failedJobs(),
        "accepted questions embedded by the worker afterwards": `${questions.accepted.length} / ${questions.accepted.length}`,
      },
    );
    expect(readiness.checks.database).toMatch(/^failing/);
    expect(page.status).toBe(503);
    expect(html).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(html).toMatch(/<title>[^<]+<\/title>/);
    expect(recoveredMs).toBeLessThan(15_000);
    expect(votes.accepted.length).toBeGreaterThan(0);
    expect(stored.votes).toBe(votes.accepted.length);
    expect(stored.questions).toBe(questions.accepted.length);
    expect(stored.answers).toBe(answers.accepted.length);
    // the app works again for a new write
    expect(await stack.voteOnce(app)).toBe(303);
  });
});
