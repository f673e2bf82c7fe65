import { afterAll, describe, expect, inject, it, vi } from "vitest";
import { createDb } from "~/lib/db.server";
import { createUser } from "../support/fixtures";

const cookieHeader = (setCookie: string) => setCookie.split(";")[0]!;
const requestWith = (setCookie: string) =>
  new Request("http://localhost/", { headers: { Cookie: cookieHeader(setCookie) } });

describe.each([
  ["Redis", "redis://127.0.0.1:6379"],
  ["Postgres", ""],
])("server-side sessions in %s", (_name, redisUrl) => {
  const testDb = createDb(inject("databaseUrl"), 2);
  afterAll(async () => {
    await testDb.destroy();
    await (await import("~/lib/redis.server")).closeRedis();
  });

  async function sessions() {
    vi.resetModules();
    await (await import("~/lib/redis.server")).closeRedis(); // the client lives on globalThis
    vi.resetModules();
    vi.stubEnv("REDIS_URL", redisUrl);
    vi.stubEnv("DATABASE_URL", inject("databaseUrl"));
    const module = await import("~/lib/session.server");
    const { redis } = await import("~/lib/redis.server");
    const client = redis();
    if (client)
      await new Promise((resolve) =>
        client.status === "ready" ? resolve(null) : client.once("ready", resolve),
      );
    return module;
  }
  const noMfa = async () => false;
  const meta = { ip: "203.0.113.7", userAgent: "test" };

  it("keep only a hash of the token, set an HttpOnly SameSite=Lax cookie, and rotate at sign-in", async () => {
    const { startSession, readSession, SESSION_COOKIE } = await sessions();
    const userId = await createUser(testDb);
    const first = await startSession({ userId, mfaPassed: false, userHasMfa: false, ...meta });
    expect(first.cookie).toMatch(
      new RegExp(
        `^${SESSION_COOKIE}=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Lax; Max-Age=\\d+`,
      ),
    );
    const token = cookieHeader(first.cookie).split("=")[1]!;
    expect(first.session.id).not.toBe(token);
    expect((await readSession(requestWith(first.cookie), noMfa))?.userId).toBe(userId);

    const second = await startSession({
      userId,
      mfaPassed: false,
      userHasMfa: false,
      ...meta,
      previous: first.session,
    });
    expect(await readSession(requestWith(first.cookie), noMfa)).toBeNull();
    expect((await readSession(requestWith(second.cookie), noMfa))?.userId).toBe(userId);
  });

  it("list a user's sessions and end all but the current one (sign out everywhere else)", async () => {
    const { startSession, readSession, listSessions, endOtherSessions } = await sessions();
    const userId = await createUser(testDb);
    const phone = await startSession({ userId, mfaPassed: false, userHasMfa: false, ...meta });
    const laptop = await startSession({ userId, mfaPassed: false, userHasMfa: false, ...meta });
    expect((await listSessions(userId)).map((s) => s.id).sort()).toEqual(
      [phone.session.id, laptop.session.id].sort(),
    );
    await endOtherSessions(userId, laptop.session.id);
    expect(await readSession(requestWith(phone.cookie), noMfa)).toBeNull();
    expect(await readSession(requestWith(laptop.cookie), noMfa)).not.toBeNull();
  });

  it("expire a multi-factor session after an hour idle", async () => {
    const { startSession, readSession } = await sessions();
    const userId = await createUser(testDb);
    const { cookie } = await startSession({ userId, mfaPassed: true, userHasMfa: true, ...meta });
    const withMfa = async () => true;
    expect(await readSession(requestWith(cookie), withMfa)).not.toBeNull();
    vi.useFakeTimers({ now: Date.now() + 61 * 60_000, toFake: ["Date"] });
    try {
      expect(await readSession(requestWith(cookie), withMfa)).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it("ignore a forged or malformed cookie", async () => {
    const { readSession } = await sessions();
    expect(
      await readSession(
        new Request("http://localhost/", {
          headers: { Cookie: "__session=forged-token-that-is-long-enough" },
        }),
        noMfa,
      ),
    ).toBeNull();
    expect(
      await readSession(
        new Request("http://localhost/", {
          headers: { Cookie: "__session=';drop table users;--" },
        }),
        noMfa,
      ),
    ).toBeNull();
  });
});
