import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type Db } from "~/lib/db.server";
import {
  closeSharedClients,
  shareSessionStore,
  signedIn,
  startApp,
  type App,
} from "../support/app-server";
import { createContest, createUser } from "../support/fixtures";

/**
 * The acceptance test for authorisation: every route of the build, every kind of visitor,
 * over HTTP against the built app. Each route has an entry — `public`, or the answer each
 * persona must get to a GET and to a POST — and a route without one fails the test.
 */
const PERSONAS = [
  "anonymous",
  "pendingMfa", // password passed, second factor still owed: not signed in yet
  "voter",
  "candidate",
  "moderatorA",
  "moderatorB",
  "clerkA",
  "clerkB",
  "clerkNoMfa", // a clerk of A who has not turned MFA on
  "admin",
] as const;
type Persona = (typeof PERSONAS)[number];

/**
 * What a response amounts to: its status, or for a 303 "→" and the path it sends to (another
 * redirect status is written before the arrow).
 */
type Outcome = string;
const OK = "200";
const SIGN_IN = "→/sign-in";
const FORBIDDEN = "403";
const NOT_FOUND = "404";
const NO_ACTION = "405";
const MFA_SETUP = "→/account/mfa";

type Expected = Record<Persona, Outcome>;
type Probe = {
  path: string;
  get: Expected;
  /** "none": the route has no action, so every POST is refused with 405 */
  post: "none" | { form: Record<string, string>; expect: Expected };
};
type Entry = { public: string } | Probe[];

const everyone = (outcome: Outcome) =>
  Object.fromEntries(PERSONAS.map((persona) => [persona, outcome])) as Expected;
/** Needs only a signed-in user, whatever their roles. */
const signedInOnly = (outcome: Outcome = OK): Expected => ({
  ...everyone(outcome),
  anonymous: SIGN_IN,
  pendingMfa: SIGN_IN,
});
/** Needs a role: `allowed` pass, the MFA-less clerk is sent to enrol when the role is theirs. */
const roleGate = (allowed: Persona[], clerkNoMfa: Outcome): Expected => ({
  ...signedInOnly(FORBIDDEN),
  ...Object.fromEntries(allowed.map((persona) => [persona, OK])),
  clerkNoMfa,
});

/** Filled in by the set-up: a session id belonging to an account none of the personas own. */
const strangerSession = { id: "" };
const SLUG_A = "matrix-county-a";

const MATRIX: Record<string, Entry> = {
  "routes/_index": { public: "/" },
  "routes/$": { public: "/no-such-page" },
  "routes/healthz": { public: "/healthz" },
  "routes/readyz": { public: "/readyz" },
  "routes/language.$locale": { public: "/language/es?returnTo=/" },
  "routes/sign-in": { public: "/sign-in" },
  "routes/sign-in_.code": { public: "/sign-in/code" },
  "routes/sign-up": { public: "/sign-up" },
  "routes/sign-out": { public: "/sign-out" },
  "routes/check-email": { public: "/check-email" },
  "routes/forgot-password": { public: "/forgot-password" },
  "routes/reset-password": { public: "/reset-password" },
  "routes/verify-email": { public: "/verify-email" },
  // Google sign-in is not configured in tests: both answer 404 (its own test covers the flow).
  "routes/auth.google": { public: "/auth/google" },
  "routes/auth.google_.callback": { public: "/auth/google/callback" },
  // Only mid-sign-in: a session whose second factor is owed gets the form, anyone else is
  // sent back to the sign-in page.
  "routes/sign-in_.mfa": [
    {
      path: "/sign-in/mfa",
      get: { ...everyone(SIGN_IN), pendingMfa: OK },
      post: { form: { code: "" }, expect: { ...everyone(SIGN_IN), pendingMfa: OK } },
    },
  ],
  "routes/account._index": [{ path: "/account", get: signedInOnly(), post: "none" }],
  "routes/account.mfa": [
    {
      path: "/account/mfa",
      get: signedInOnly(),
      // a malformed code: a form error while enrolling; already enrolled, back to the page
      post: {
        form: { code: "" },
        expect: {
          ...signedInOnly("→/account/mfa"),
          voter: OK,
          clerkNoMfa: OK,
        },
      },
    },
  ],
  "routes/account.sessions": [
    {
      path: "/account/sessions",
      get: everyone("→/account"),
      // someone else's session: as if it did not exist
      post: {
        form: {
          get sessionId() {
            return strangerSession.id;
          },
        },
        expect: signedInOnly(NOT_FOUND),
      },
    },
  ],
  "routes/account.export": [{ path: "/account/export", get: signedInOnly(), post: "none" }],
  // an empty confirmation: the form comes back with its error, nothing is deleted
  "routes/account.delete": [
    { path: "/account/delete", get: signedInOnly(), post: { form: {}, expect: signedInOnly() } },
  ],
  "routes/admin.roles": [
    {
      path: "/admin/roles",
      get: roleGate(["admin"], FORBIDDEN),
      post: { form: { intent: "grant" }, expect: roleGate(["admin"], FORBIDDEN) },
    },
  ],
  "routes/console.$jurisdiction": [
    {
      path: `/console/${SLUG_A}`,
      get: roleGate(["moderatorA", "clerkA", "admin"], MFA_SETUP),
      post: "none",
    },
    {
      path: "/console/no-such-county",
      get: signedInOnly(NOT_FOUND),
      post: "none",
    },
  ],
  "routes/candidate._index": [
    { path: "/candidate", get: roleGate(["candidate", "admin"], FORBIDDEN), post: "none" },
  ],
};

function outcomeOf(response: Response): Outcome {
  const location = response.headers.get("Location");
  if (response.status >= 300 && response.status < 400 && location) {
    const target = new URL(location, "http://app.invalid").pathname;
    return response.status === 303 ? `→${target}` : `${response.status}→${target}`;
  }
  return String(response.status);
}

describe("role matrix", () => {
  let db: Db;
  let app: App;
  let routeIds: string[];
  const cookies = {} as Record<Persona, string | undefined>;

  beforeAll(async () => {
    const url = inject("databaseUrl");
    shareSessionStore(url);
    db = createDb(url, 2);
    const build = await import(pathToFileURL(path.resolve("build/index.js")).href);
    routeIds = Object.keys(build.routes).filter((id) => id !== "root");

    const a = await createContest(db);
    const b = await createContest(db);
    await db("jurisdictions").where({ id: a.jurisdictionId }).update({ slug: SLUG_A });
    const [candidacy] = await db("candidates")
      .insert({ contest_id: a.contestId, ballot_name: "Matrix Candidate", slug: "matrix" })
      .returning("id");

    const grants: Record<Exclude<Persona, "anonymous">, [string, string | null]> = {
      pendingMfa: ["clerk", a.jurisdictionId],
      voter: ["voter", a.jurisdictionId],
      candidate: ["candidate", a.jurisdictionId],
      moderatorA: ["moderator", a.jurisdictionId],
      moderatorB: ["moderator", b.jurisdictionId],
      clerkA: ["clerk", a.jurisdictionId],
      clerkB: ["clerk", b.jurisdictionId],
      clerkNoMfa: ["clerk", a.jurisdictionId],
      admin: ["admin", null],
    };
    for (const [persona, [role, jurisdictionId]] of Object.entries(grants)) {
      const hasMfa = role !== "voter" && persona !== "clerkNoMfa";
      const userId = await createUser(db, `matrix-${persona.toLowerCase()}@example.test`);
      await db("users")
        .where({ id: userId })
        .update({ email_verified_at: db.fn.now(), mfa_enabled_at: hasMfa ? db.fn.now() : null });
      await db("role_grants").insert({ user_id: userId, role, jurisdiction_id: jurisdictionId });
      if (persona === "candidate")
        await db("candidates").where({ id: candidacy.id }).update({ user_id: userId });
      const session = await signedIn(userId, { hasMfa, mfaPassed: persona !== "pendingMfa" });
      cookies[persona as Persona] = session.cookie;
    }
    strangerSession.id = (await signedIn(await createUser(db), { hasMfa: false })).sessionId;

    app = await startApp(url);
  });

  afterAll(async () => {
    await app?.stop();
    await closeSharedClients();
    await db?.destroy();
  });

  it("has an entry for every route of the build, and none for a route that is gone", () => {
    const missing = routeIds.filter((id) => !(id in MATRIX));
    expect(missing, `routes without a role-matrix entry: ${missing.join(", ")}`).toEqual([]);
    const stale = Object.keys(MATRIX).filter((id) => !routeIds.includes(id));
    expect(stale, `role-matrix entries for routes that do not exist: ${stale.join(", ")}`).toEqual(
      [],
    );
  });

  it("lets anyone GET a public route", async () => {
    for (const [id, entry] of Object.entries(MATRIX)) {
      if (!("public" in entry)) continue;
      const outcome = outcomeOf(await app.request(entry.public));
      expect(outcome, `${id} (GET ${entry.public})`).not.toMatch(/^(→\/sign-in|403|5\d\d)/);
    }
  });

  it("gives every persona exactly its answer on every guarded route", async () => {
    const rows: string[][] = [];
    const mismatches: string[] = [];
    for (const [id, entry] of Object.entries(MATRIX)) {
      if ("public" in entry) continue;
      for (const probe of entry) {
        const post = probe.post === "none" ? { form: {}, expect: everyone(NO_ACTION) } : probe.post;
        for (const [method, expected, form] of [
          ["GET", probe.get, undefined],
          ["POST", post.expect, post.form],
        ] as const) {
          const row = [`${method} ${probe.path}`];
          for (const persona of PERSONAS) {
            const response = await app.request(probe.path, {
              cookie: cookies[persona],
              form: form && { ...form },
            });
            await response.body?.cancel();
            const actual = outcomeOf(response);
            row.push(actual === expected[persona] ? actual : `${actual}≠${expected[persona]}`);
            if (actual !== expected[persona])
              mismatches.push(
                `${id}: ${method} ${probe.path} as ${persona} gave ${actual}, expected ${expected[persona]}`,
              );
          }
          rows.push(row);
        }
      }
    }
    const header = ["", ...PERSONAS];
    const widths = header.map((_, i) =>
      Math.max(...[header, ...rows].map((row) => row[i]!.length)),
    );
    const line = (row: string[]) => row.map((cell, i) => cell.padEnd(widths[i]!)).join("  ");
    console.log(["role matrix:", line(header), ...rows.map(line)].join("\n"));
    expect(mismatches, `the app's log:\n${app.output().slice(-3000)}`).toEqual([]);
  });
});
