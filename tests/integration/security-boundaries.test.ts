/**
 * Boundaries an attacker probes, over HTTP against the built app (Express in front, as deployed):
 * CSRF on every state-changing route of the build, session fixation and theft after sign-out,
 * IDOR (another jurisdiction's rows through one's own console, another candidate's questions,
 * another user's data export), and vote stuffing (one account never counts twice, replayed and
 * concurrent votes, scripted sign-ups from one address). Generic over the route tree where the
 * probe allows: a new route with an action or with an id in a console path is covered by itself.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type Db } from "~/lib/db.server";
import { hashPassword } from "~/lib/password.server";
import { closeSharedClients, shareSessionStore, startApp, type App } from "../support/app-server";
import { createUser } from "../support/fixtures";
import { createWorld, type World } from "../support/personas";

const EVIL = "https://evil.example";
const PASSWORD = "correct horse battery staple, twice";

/** The URL pattern of each route of the build (ancestors' segments first). */
function routePatterns(build: ServerBuild): Map<string, string> {
  const full = (id: string): string => {
    const route = build.routes[id]!;
    const parent = route.parentId && route.parentId !== "root" ? full(route.parentId) : "";
    return [parent, route.path ?? ""].filter(Boolean).join("/");
  };
  return new Map(
    Object.keys(build.routes)
      .filter((id) => id !== "root")
      .map((id) => [id, "/" + full(id)]),
  );
}

describe("security boundaries", () => {
  let db: Db;
  let app: App;
  let world: World;
  let build: ServerBuild;

  /** A POST with whatever headers the probe chooses (app.request always adds our Origin). */
  const post = (
    pathname: string,
    headers: Record<string, string>,
    form: Record<string, string> = {},
  ) =>
    fetch(`${app.url}${pathname}`, {
      method: "POST",
      headers: { "X-Forwarded-For": "203.0.113.9", ...headers },
      body: new URLSearchParams(form),
      redirect: "manual",
    });

  beforeAll(async () => {
    const url = inject("databaseUrl");
    shareSessionStore(url);
    db = createDb(url, 2);
    world = await createWorld(db, "bounds");
    build = (await import(pathToFileURL(path.resolve("build/index.js")).href)) as ServerBuild;
    app = await startApp(url);
  });

  afterAll(async () => {
    await app?.stop();
    await closeSharedClients();
    await db?.destroy();
  });

  it("refuses a cross-site write to every route with an action, whatever the method", async () => {
    const cookie = await world.cookie("admin");
    const refused: string[] = [];
    const allowed: string[] = [];
    for (const [id, pattern] of routePatterns(build)) {
      if (!build.routes[id]!.module.action) continue;
      const target = pattern.replace(/:[A-Za-z_]+/g, "x").replace("*", "x");
      for (const [method, headers] of [
        ["POST", { Origin: EVIL }],
        ["POST", { Referer: `${EVIL}/page` }],
        ["POST", { "Sec-Fetch-Site": "cross-site" }],
        ["POST", {}], // no proof of origin at all
        ["PATCH", { Origin: EVIL }],
        ["DELETE", { Origin: EVIL }],
      ] as const) {
        const response = await fetch(`${app.url}${target}`, {
          method,
          headers: { Cookie: cookie, ...headers },
          body: method === "DELETE" ? undefined : new URLSearchParams({ intent: "delete" }),
          redirect: "manual",
        });
        const text = await response.text();
        const line = `${method} ${target} ${JSON.stringify(headers)} → ${response.status}`;
        (response.status === 403 && /another site/.test(text) ? refused : allowed).push(line);
      }
    }
    console.log(
      `CSRF: ${refused.length} cross-site writes refused across every route with an action`,
    );
    expect(allowed).toEqual([]);
    expect(refused.length).toBeGreaterThan(0);
  });

  it("a cross-site vote from a signed-in voter's browser is not counted", async () => {
    const cookie = await world.cookie("voter");
    const response = await post(
      `/questions/${world.a.questionId}/vote`,
      { Cookie: cookie, Origin: EVIL },
      {
        intent: "vote",
        returnTo: "/",
      },
    );
    expect(response.status).toBe(403);
    expect(
      await db("question_votes").where({ question_id: world.a.questionId }).count({ n: "*" }),
    ).toEqual([{ n: "0" }]);
  });

  describe("sessions", () => {
    let email: string;
    const signIn = (cookie?: string) =>
      post(
        "/sign-in",
        { Origin: app.url, ...(cookie ? { Cookie: cookie } : {}) },
        { email, password: PASSWORD, redirectTo: "/account" },
      );
    const cookieOf = (response: Response) =>
      response.headers.get("Set-Cookie")?.split(";")[0] ?? "";

    beforeAll(async () => {
      email = `bounds-session-${Date.now()}@example.test`;
      const id = await createUser(db, email);
      await db("users")
        .where({ id })
        .update({
          email_verified_at: db.fn.now(),
          password_hash: await hashPassword(PASSWORD),
        });
    });

    it("a planted session token is replaced at sign-in and opens nothing (fixation)", async () => {
      const planted = "__session=" + "A".repeat(43);
      const response = await signIn(planted);
      expect(response.status).toBe(303);
      const issued = cookieOf(response);
      expect(issued).toMatch(/^__session=/);
      expect(issued).not.toBe(planted);
      expect((await app.request("/account", { cookie: planted })).headers.get("Location")).toMatch(
        /^\/sign-in/,
      );
      expect((await app.request("/account", { cookie: issued })).status).toBe(200);
    });

    it("a copied cookie is worthless once its owner signs out (theft after sign-out)", async () => {
      const stolen = cookieOf(await signIn());
      expect((await app.request("/account", { cookie: stolen })).status).toBe(200);
      const out = await post("/sign-out", { Origin: app.url, Cookie: stolen });
      expect(out.status).toBe(303);
      const replay = await app.request("/account", { cookie: stolen });
      expect(replay.status).toBe(303);
      expect(replay.headers.get("Location")).toMatch(/^\/sign-in/);
      // and it cannot act either: a vote with it is sent to sign in, nothing counted
      const vote = await app.request(`/questions/${world.a.questionId}/vote`, {
        cookie: stolen,
        form: { intent: "vote", returnTo: "/" },
      });
      expect(vote.headers.get("Location")).toMatch(/^\/sign-in/);
    });
  });

  describe("IDOR", () => {
    it("B's clerk reaches no row of A through B's console, on any console route with an id", async () => {
      const cookie = await world.cookie("clerkB");
      const ids: Record<string, string> = {
        contest: world.a.contestId,
        candidate: world.a.candidateId,
        question: world.a.questionId,
        district: world.a.districtId,
        party: world.a.partyId,
        import: world.a.importId,
      };
      const probed: string[] = [];
      const leaks: string[] = [];
      for (const [id, pattern] of routePatterns(build)) {
        const params = pattern.match(/:[A-Za-z_]+/g) ?? [];
        if (
          !pattern.startsWith("/console/:jurisdiction/") ||
          !params.some((p) => p.slice(1) in ids)
        )
          continue;
        const target = pattern
          .replace(":jurisdiction", world.slugB)
          .replace(/:([A-Za-z_]+)/g, (_, name: string) => ids[name] ?? "general");
        for (const form of [
          undefined,
          build.routes[id]!.module.action ? { intent: "delete" } : undefined,
        ]) {
          if (form === undefined && probed.includes(`GET ${target}`)) continue;
          const response = await app.request(target, { cookie, form });
          await response.body?.cancel();
          const line = `${form ? "POST" : "GET"} ${target}`;
          probed.push(line);
          if (response.status < 400) leaks.push(`${line} → ${response.status}`);
        }
      }
      console.log(`IDOR: ${probed.length} requests for A's rows through B's console, all refused`);
      expect(probed.length).toBeGreaterThan(5);
      expect(leaks).toEqual([]);
    });

    it("a candidate cannot open or answer a question of another contest", async () => {
      const cookie = await world.cookie("candidate");
      const page = await app.request(`/candidate/questions/${world.b.questionId}`, { cookie });
      expect(page.status).toBe(404);
      const answer = await app.request(`/candidate/questions/${world.b.questionId}`, {
        cookie,
        form: { intent: "publish", body: "An answer to a question that is not mine." },
      });
      expect(answer.status).toBe(404);
      expect(
        await db("answers").where({ question_id: world.b.questionId }).count({ n: "*" }),
      ).toEqual([{ n: "0" }]);
    });

    it("a data export holds its owner's data only", async () => {
      const mine = await app.request("/account/export", { cookie: await world.cookie("voter") });
      const text = await mine.text();
      expect(mine.status).toBe(200);
      expect(text).toContain(world.users.voter.email);
      for (const other of ["admin", "clerkA", "candidate", "moderatorA"] as const)
        expect(text).not.toContain(world.users[other].email);
    });
  });

  describe("vote stuffing", () => {
    it("one account counts once: replayed and concurrent votes leave one vote", async () => {
      const cookie = await world.cookie("voter");
      const vote = () =>
        app.request(`/questions/${world.a.questionId}/vote`, {
          cookie,
          form: { intent: "vote", returnTo: "/" },
        });
      const answers = await Promise.all(Array.from({ length: 25 }, vote));
      for (const answer of answers) expect(answer.status).toBeLessThan(500);
      for (let replay = 0; replay < 5; replay += 1) await vote();
      const [row] = await db("questions").where({ id: world.a.questionId }).select("vote_count");
      const votes = await db("question_votes")
        .where({ question_id: world.a.questionId })
        .count({ n: "*" });
      console.log(
        `vote stuffing: 30 votes sent by one account → ${votes[0]!.n} stored, count ${row.vote_count}`,
      );
      expect(row.vote_count).toBe(1);
      expect(votes).toEqual([{ n: "1" }]);
    });

    it("scripted sign-ups from one address are limited, and their unverified accounts cannot vote", async () => {
      // an address of its own (the limits live in Redis for an hour, across test runs)
      const suffix = Math.floor(Math.random() * 0xffff).toString(16);
      const ip = `2001:db8::${Date.now().toString(16).slice(-4)}:${suffix}`;
      const statuses: number[] = [];
      for (let n = 0; n < 32; n += 1) {
        const response = await post(
          "/sign-up",
          { Origin: app.url, "X-Forwarded-For": ip },
          {
            email: `stuffer-${Date.now()}-${n}@example.test`,
            password: "a long enough passphrase 12345",
          },
        );
        await response.body?.cancel();
        statuses.push(response.status);
      }
      const refused = statuses.filter((s) => s === 429).length;
      console.log(
        `scripted sign-ups: 32 from one address → ${32 - refused} accepted, ${refused} refused with 429`,
      );
      // the tighter of sign-ups per address (30 an hour) and mails per address (20 an hour) holds
      expect(statuses.every((s) => s < 500)).toBe(true);
      expect(32 - refused).toBeGreaterThan(0);
      expect(32 - refused).toBeLessThanOrEqual(30);
      expect(statuses.slice(-2)).toEqual([429, 429]);
      // an account whose address is unproven can be created, but its vote does not count
      const unverified = await createUser(db, `stuffer-unverified-${Date.now()}@example.test`);
      const { signedIn } = await import("../support/app-server");
      const { cookie } = await signedIn(unverified, { hasMfa: false });
      const before = await db("question_votes")
        .where({ question_id: world.a.questionId })
        .count({ n: "*" });
      await app.request(`/questions/${world.a.questionId}/vote`, {
        cookie,
        form: { intent: "vote", returnTo: "/" },
      });
      expect(
        await db("question_votes").where({ question_id: world.a.questionId }).count({ n: "*" }),
      ).toEqual(before);
    }, 180_000); // 32 sign-ups, each hashing a password with bcrypt
  });
});
