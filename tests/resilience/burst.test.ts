/**
 * Fault: a burst of 1,000 concurrent form posts (votes from 25 voters on 40 questions) against
 * two app instances behind Debian's Nginx (deploy/nginx/civicq.conf). Every accepted vote is
 * stored, every refused one got a 429 or a 503, none a 500.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type App } from "../support/app-server";
import { startNginx, type Nginx } from "../support/nginx";
import { report } from "./support/services";
import { startStack, type Stack } from "./support/stack";

const BURST = 1_000;

describe("a burst of form posts through Nginx to two instances", () => {
  let stack: Stack;
  let apps: App[];
  let nginx: Nginx;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "civicq-burst-"));

  beforeAll(async () => {
    stack = await startStack("burst", { voters: 25 });
    apps = await Promise.all([
      startApp(stack.databaseUrl, stack.appEnv),
      startApp(stack.databaseUrl, stack.appEnv),
    ]);
    // two upstream servers where the config names one
    const upstream = apps.map((app) => new URL(app.url).host).join("; server ");
    nginx = await startNginx(scratch, upstream);
  });

  afterAll(async () => {
    await nginx?.stop();
    await Promise.all((apps ?? []).map((app) => app.stop()));
    await stack?.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it("stores every accepted post and refuses the rest with 429 or 503", async () => {
    const posts = stack.voters.flatMap((voter) =>
      stack.questionIds.map((questionId) => ({ voter, questionId })),
    );
    expect(posts.length).toBe(BURST);
    const results = await Promise.all(
      posts.map(async ({ voter, questionId }) => {
        const response = await fetch(`${nginx.url}/questions/${questionId}/vote`, {
          method: "POST",
          headers: { Cookie: voter.cookie, Origin: nginx.url },
          body: new URLSearchParams({ intent: "vote", returnTo: "/" }),
          redirect: "manual",
        }).catch(() => null);
        await response?.body?.cancel();
        const accepted = response?.status === 303 && response.headers.get("Location") === "/";
        return { key: `${voter.id} ${questionId}`, status: response?.status ?? 0, accepted };
      }),
    );
    const accepted = results.filter((r) => r.accepted).map((r) => r.key);
    const statuses = new Map<number, number>();
    for (const r of results) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    const stored = await stack.storedWrites({
      votes: { accepted, refused: 0, errors: 0 },
      questions: { accepted: [], refused: 0, errors: 0 },
      answers: { accepted: [], refused: 0, errors: 0 },
    });
    const total = Number((await stack.db("question_votes").count({ n: "*" }))[0]!.n);
    const refusedBadly = results.filter((r) => !r.accepted && r.status !== 429 && r.status !== 503);
    report(`burst of ${BURST} concurrent vote posts through Nginx to 2 app instances`, {
      injected: `${BURST} simultaneous POST /questions/:id/vote (25 voters × 40 questions), one connection each`,
      statuses: [...statuses].map(([s, n]) => `${s}×${n}`).join(" "),
      "votes accepted / stored": `${accepted.length} / ${stored.votes} (rows in question_votes: ${total})`,
      "refused with something other than 429/503": refusedBadly.length,
    });
    expect(refusedBadly).toEqual([]);
    expect(stored.votes).toBe(accepted.length);
    expect(total).toBe(accepted.length);
  });
});
