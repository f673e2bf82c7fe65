import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it, vi } from "vitest";

const rule = { name: `test-${randomUUID()}`, limit: 3, windowSeconds: 60 };

describe.each([
  ["Redis", "redis://127.0.0.1:6379"],
  ["in-process fallback", ""],
])("sliding-window rate limit (%s)", (_name, redisUrl) => {
  vi.stubEnv("REDIS_URL", redisUrl);
  afterAll(() => vi.unstubAllEnvs());

  it("allows the limit, refuses the next with a retry time, and counts subjects apart", async () => {
    vi.resetModules();
    await (await import("~/lib/redis.server")).closeRedis(); // the client lives on globalThis
    vi.resetModules();
    vi.stubEnv("REDIS_URL", redisUrl);
    vi.stubEnv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres");
    const { hit, peek } = await import("~/lib/rate-limit.server");
    const { closeRedis, redis } = await import("~/lib/redis.server");
    const client = redis();
    if (client)
      await new Promise((resolve) =>
        client.status === "ready" ? resolve(null) : client.once("ready", resolve),
      );
    const subject = randomUUID();
    for (let i = 0; i < 3; i++) expect((await hit(rule, subject)).allowed).toBe(true);
    expect((await peek(rule, subject)).allowed).toBe(false);
    const refused = await hit(rule, subject);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterSeconds).toBeGreaterThan(0);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect((await hit(rule, randomUUID())).allowed).toBe(true);
    await closeRedis();
  });
});
