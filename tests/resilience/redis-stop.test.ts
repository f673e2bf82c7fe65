/**
 * Fault: Redis stops (sessions, rate limits and live updates live there) and comes back.
 * Meanwhile public pages keep working, /readyz says Redis is failing, sessions fail closed (the
 * visitor is treated as signed out: docs/decisions/005) so no write is accepted from a session
 * the app cannot read, and rate limits count in process memory (docs/decisions/003), never
 * failing open. Redis back: the same sessions work again, and votes are accepted and stored.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type App } from "../support/app-server";
import { waitFor } from "../support/processes";
import { report } from "./support/services";
import { startStack, type Stack } from "./support/stack";

describe("Redis stopped and back", () => {
  let stack: Stack;
  let app: App;

  beforeAll(async () => {
    stack = await startStack("redisstop", { voters: 10 });
    app = await startApp(stack.databaseUrl, stack.appEnv);
  });

  afterAll(async () => {
    await app?.stop();
    await stack?.stop();
  });

  it("keeps public pages up, fails sessions closed, limits in memory, and resumes", async () => {
    const before = stack.startWriters(app, { only: ["votes"] });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await before.stop();

    await stack.redis.stop();
    const ready = await waitFor(
      async () => {
        const response = await app.request("/readyz");
        return response.status === 503
          ? ((await response.json()) as { checks: Record<string, string> })
          : null;
      },
      10_000,
      "/readyz to report Redis down",
    );
    const publicPage = await app.request(`/elections/${stack.slug}/general/mayor`);
    const home = await app.request("/");
    const during = stack.startWriters(app, { only: ["votes"] });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await during.stop();
    // the sign-in guard still counts failures per address, in memory: the 11th in a minute is refused
    const guesses: number[] = [];
    for (let n = 0; n < 11; n += 1) {
      const response = await app.request("/sign-in", {
        form: {
          email: "nobody@example.test",
          password: `wrong guess number ${n}`,
          redirectTo: "/",
        },
      });
      await response.body?.cancel();
      guesses.push(response.status);
    }

    await stack.redis.start();
    await waitFor(
      async () => (await app.request("/readyz")).status === 200,
      20_000,
      "/readyz to recover",
    );
    const after = stack.startWriters(app, { only: ["votes"] });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await after.stop();

    const accepted = [before, during, after].map((w) => w.votes.accepted.length);
    const stored = await Promise.all([before, during, after].map((w) => stack.storedWrites(w)));
    report("redis stopped (SHUTDOWN SAVE) while voters vote, then started again", {
      injected:
        "redis-cli shutdown save on the private Redis; redis-server started again on its data",
      "readyz while down": `503 (redis: ${ready.checks.redis?.slice(0, 60)})`,
      "public pages while down": `contest page ${publicPage.status}, home ${home.status}`,
      "sessions while down": `fail closed: ${during.votes.refused} votes sent to sign in, ${during.votes.errors} errors`,
      "rate limit while down": `11 wrong passwords → ${guesses.filter((s) => s === 429).length} refused with 429 (counted in memory)`,
      "votes accepted / stored before": `${accepted[0]} / ${stored[0]!.votes}`,
      "votes accepted / stored while down": `${accepted[1]} / ${stored[1]!.votes}`,
      "votes accepted / stored after": `${accepted[2]} / ${stored[2]!.votes}`,
    });
    expect(ready.checks.redis).toMatch(/^failing/);
    expect(publicPage.status).toBe(200);
    expect(home.status).toBe(200);
    expect(during.votes.errors).toBe(0);
    expect(guesses.at(-1)).toBe(429);
    expect(accepted[0]).toBeGreaterThan(0);
    expect(accepted[2]).toBeGreaterThan(0);
    for (let n = 0; n < 3; n += 1) expect(stored[n]!.votes).toBe(accepted[n]);
  });
});
