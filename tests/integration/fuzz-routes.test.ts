/**
 * Hostile input at every route of the build: for each route module, fast-check sends at least
 * 1,000 adversarial form posts to its action (when it has one) and 1,000 adversarial query
 * strings to its loader, signed in as the first persona that can reach it. Never a 500, every
 * refusal says something, no stack trace leaks, and nothing lands that should not: no prototype
 * pollution, no role granted, no persona's account changed, no stored text with control bytes.
 *
 * Generic over the route tree: routes are read from build/index.js (as the role matrix does),
 * paths are built from their patterns with the world's rows, form field names are harvested from
 * the page itself. A new route is fuzzed without an entry here. Requests go to the Remix handler
 * in-process, so 100,000+ cases fit in a few minutes (the Express layer in front — CSRF, body
 * size — has tests of its own: security-boundaries.test.ts).
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type Db } from "~/lib/db.server";
import { closeSharedClients, shareSessionStore } from "../support/app-server";
import { createWorld, ROLE_PERSONAS, type RolePersona, type World } from "../support/personas";

const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const CONCURRENCY = 6;
/**
 * Loaders get fewer cases than actions (a page render costs more than an action's refusal):
 * those that read a query string a quarter, those that read none a fortieth — their paths are
 * the role matrix's concern.
 */
const QUERY_RUNS = Math.ceil(RUNS / 4);
const PATH_ONLY_RUNS = Math.ceil(RUNS / 40);
const ORIGIN = "http://fuzz.test";
/** Serious hostile strings: SQL, markup, prototype keys, traversal, format and encoding tricks. */
const NASTY = [
  "' OR '1'='1",
  "'; drop table users; --",
  "1; select pg_sleep(5)",
  '" onmouseover="alert(1)',
  "<script>alert(document.cookie)</script>",
  "<img src=x onerror=alert(1)>",
  "javascript:alert(1)",
  "__proto__",
  "constructor",
  "prototype",
  '{"__proto__":{"admin":true}}',
  "../../../../etc/passwd",
  "..\\..\\windows\\win.ini",
  "%00",
  "\u0000",
  "\u0000\u0001\u001f\u007f",
  "\ud800",
  "\ufeff\u202e",
  "%s%s%n",
  "${7*7}{{7*7}}",
  "//evil.example/",
  "\\\\evil.example",
  "NaN",
  "-1",
  "1e309",
  "99999999999999999999",
  "true",
  "null",
  "[]",
  "{}",
  "00000000-0000-0000-0000-000000000000",
  "ocd-division/country:us/state:ca",
  "2027-02-30",
  "x".repeat(70_000),
  "é".repeat(5_000),
];
const FIELD_NAMES = ["__proto__", "constructor", "intent", "returnTo", "id", "x", "[]", "a[b]"];
const QUERY_NAMES = [
  "q",
  "page",
  "sort",
  "returnTo",
  "to",
  "kind",
  "table",
  "status",
  "lang",
  "after",
];

type Target = {
  id: string;
  index: boolean;
  /** a resource route (no page: a file, an event stream) is only ever fetched as itself */
  resource: boolean;
  path: string;
  persona: RolePersona | "anonymous";
  fields: string[];
  values: string[];
};
type Case = {
  method: "GET" | "POST";
  /** a whole page (server-rendered), or the route's data alone, as the enhanced client asks */
  document: boolean;
  fields: [string, string][];
  encoding: "urlencoded" | "multipart" | "raw-bytes" | "json" | "none";
  bytes?: number[];
};

const value = (known: string[]) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
    { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 200 }) },
    { weight: 2, arbitrary: known.length ? fc.constantFrom(...known) : fc.string() },
    { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 2_000 }) },
    { weight: 1, arbitrary: fc.integer().map(String) },
    { weight: 1, arbitrary: fc.uuid().map(String) },
    { weight: 1, arbitrary: fc.constant("") },
  );

const caseFor = (target: Target, method: Case["method"]) => {
  const names = method === "POST" ? target.fields : [...target.fields, ...QUERY_NAMES];
  const name = fc.oneof(
    { weight: 4, arbitrary: names.length ? fc.constantFrom(...names) : fc.string() },
    { weight: 1, arbitrary: fc.constantFrom(...FIELD_NAMES) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 20 }) },
  );
  return fc.record({
    method: fc.constant(method),
    document: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
    // missing fields (empty list), repeated fields (the same name twice), anything else
    fields: fc.array(fc.tuple(name, value(target.values)), { maxLength: 8 }),
    encoding: fc.constantFrom<Case["encoding"]>(
      ...(method === "POST"
        ? (["urlencoded", "urlencoded", "multipart", "raw-bytes", "json", "none"] as const)
        : (["none"] as const)),
    ),
    // invalid UTF-8: lone continuation bytes, truncated sequences, overlongs
    bytes: fc.array(fc.constantFrom(0xff, 0xfe, 0xc0, 0xc3, 0x80, 0xed, 0xa0, 0x00, 0x26, 0x3d), {
      maxLength: 40,
    }),
  });
};

function requestFor(target: Target, fuzz: Case, cookie: string | undefined): Request {
  const headers = new Headers({
    Origin: ORIGIN,
    Host: "fuzz.test",
    "X-Forwarded-For": "198.51.100.7",
  });
  if (cookie) headers.set("Cookie", cookie);
  const url = new URL(target.path, ORIGIN);
  if (!fuzz.document && !target.resource) {
    // single fetch's data URL: the route's data (or its action's result) as the client fetches it
    url.pathname = `${url.pathname === "/" ? "/_root" : url.pathname}.data`;
    if (target.index && fuzz.method === "POST") url.searchParams.set("index", "");
  }
  if (fuzz.method === "GET") {
    for (const [name, text] of fuzz.fields) url.searchParams.append(name, text);
    return new Request(url, { headers });
  }
  let body: BodyInit | undefined;
  if (fuzz.encoding === "urlencoded") {
    body = new URLSearchParams(fuzz.fields);
    headers.set("Content-Type", "application/x-www-form-urlencoded");
  } else if (fuzz.encoding === "multipart") {
    const form = new FormData();
    for (const [name, text] of fuzz.fields) form.append(name, text);
    body = form;
  } else if (fuzz.encoding === "raw-bytes") {
    const pairs = new URLSearchParams(fuzz.fields).toString();
    body = Buffer.concat([
      Buffer.from(pairs),
      Buffer.from([0x26, 0x78, 0x3d]),
      Buffer.from(fuzz.bytes ?? []),
    ]);
    headers.set("Content-Type", "application/x-www-form-urlencoded");
  } else if (fuzz.encoding === "json") {
    body = JSON.stringify(Object.fromEntries(fuzz.fields));
    headers.set("Content-Type", "application/json");
  }
  return new Request(url, { method: "POST", headers, body });
}

/** The route's URL pattern with its ancestors', its params filled from `values`. */
function pattern(build: ServerBuild, id: string): string {
  const route = build.routes[id]!;
  const own = route.path ?? "";
  const parent = route.parentId && route.parentId !== "root" ? pattern(build, route.parentId) : "";
  return [parent, own].filter(Boolean).join("/");
}

const PARAM_CANDIDATES = (world: World): Record<string, string[]> => ({
  jurisdiction: [world.slugA],
  election: ["general"],
  contest: ["mayor", world.a.contestId],
  candidate: ["matrix", world.a.candidateId],
  question: [world.a.questionId],
  id: [world.a.questionId],
  import: [world.a.importId],
  district: [world.a.districtId],
  party: [world.a.partyId],
  locale: ["es"],
  "*": ["x"],
});

function fill(route: string, candidates: Record<string, string[]>): string[] {
  let paths = ["/" + route];
  for (const param of route.match(/:[A-Za-z_]+|\*/g) ?? []) {
    const name = param.replace(/^:/, "");
    const options = candidates[name] ?? ["00000000-0000-4000-8000-000000000000"];
    paths = paths.flatMap((p) => options.map((option) => p.replace(param, option)));
  }
  return paths;
}

/** Whether the route module's source reads its query string (the loader's own or through a helper it names). */
function readsQuery(id: string): boolean {
  const file = [".tsx", ".ts"]
    .map((ext) => path.resolve("app", id + ext))
    .find((f) => fs.existsSync(f));
  return !file || /searchParams|new URL\(request\.url\)/.test(fs.readFileSync(file, "utf8"));
}

const reached = (status: number) =>
  status < 300 || status === 400 || status === 409 || status === 422;

describe("hostile input at every route", () => {
  let db: Db;
  let world: World;
  let handle: ReturnType<typeof createRequestHandler>;
  let build: ServerBuild;
  const counts: string[] = [];
  const before = { grants: 0, prototypeKeys: [] as string[] };

  /** The app's answer, or a 504 of our own when it gives none in time (a hang is a failure too). */
  const send = async (request: Request): Promise<Response> => {
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<Response>((resolve) => {
      timer = setTimeout(() => resolve(new Response("no answer in 30 s", { status: 504 })), 30_000);
    });
    const answer = handle(request, {
      requestId: "fuzz",
      clientIp: "198.51.100.7",
      cspNonce: "fuzz",
    });
    try {
      return await Promise.race([answer, hung]);
    } finally {
      clearTimeout(timer);
    }
  };

  /** Route, persona and harvested fields: the first persona (most privileged first) the route lets in. */
  async function targetFor(id: string): Promise<Target> {
    const module = build.routes[id]!.module;
    const index = Boolean(build.routes[id]!.index);
    const resource = !module.default;
    const paths = fill(pattern(build, id), PARAM_CANDIDATES(world));
    for (const persona of [...ROLE_PERSONAS, "anonymous"] as const) {
      if (persona === "clerkB") continue;
      const cookie = persona === "anonymous" ? undefined : await world.cookie(persona);
      for (const candidate of paths) {
        const headers = new Headers({
          Origin: ORIGIN,
          Host: "fuzz.test",
          ...(cookie ? { Cookie: cookie } : {}),
        });
        const page = await send(new Request(new URL(candidate, ORIGIN), { headers }));
        const html = page.headers.get("Content-Type")?.includes("text/html")
          ? await page.text()
          : "";
        if (!html) await page.body?.cancel();
        let ok = page.status === 200;
        if (!ok && module.action) {
          const post = await send(
            new Request(new URL(candidate, ORIGIN), {
              method: "POST",
              headers,
              body: new URLSearchParams(),
            }),
          );
          await post.body?.cancel();
          ok = reached(post.status);
        }
        if (!ok) continue;
        const fields = [...html.matchAll(/\bname="([^"]+)"/g)].map((m) => m[1]!);
        const values = [...html.matchAll(/\bvalue="([^"]*)"/g)].map((m) => m[1]!);
        return {
          id,
          index,
          resource,
          path: candidate,
          persona,
          fields: [...new Set(fields)],
          values: [...new Set(values)],
        };
      }
    }
    return { id, index, resource, path: paths[0]!, persona: "anonymous", fields: [], values: [] };
  }

  /** What the app logged last with console.error (Remix's handler reports a thrown error there). */
  const lastError = { text: "" };
  const consoleError = console.error;

  beforeAll(async () => {
    console.error = (...args: unknown[]) => {
      lastError.text = args
        .map((a) => (a instanceof Error ? a.stack : String(a)))
        .join(" ")
        .slice(0, 800);
    };
    const url = inject("databaseUrl");
    shareSessionStore(url);
    db = createDb(url, 2);
    world = await createWorld(db, "fuzz");
    build = (await import(pathToFileURL(path.resolve("build/index.js")).href)) as ServerBuild;
    handle = createRequestHandler(build, "production");
    before.grants = Number((await db("role_grants").count({ n: "*" }))[0]!.n);
    before.prototypeKeys = Object.getOwnPropertyNames(Object.prototype);
  });

  afterAll(async () => {
    console.error = consoleError;
    if (counts.length) console.log(["fuzz cases per route:", ...counts].join("\n"));
    await closeSharedClients();
    await db?.destroy();
  });

  it("answers every adversarial request without a 500, and with a message when it refuses", async () => {
    const failures: string[] = [];
    // FUZZ_ROUTES (a pattern) narrows the run to some routes, e.g. while fixing one
    const only = new RegExp(process.env.FUZZ_ROUTES ?? "");
    const ids = Object.keys(build.routes)
      .filter((id) => id !== "root" && only.test(id))
      .sort();
    // Requests mostly wait on Postgres and Redis: several routes at a time keep both cores busy.
    const queue = [...ids];
    const fuzzRoute = async (id: string) => {
      const module = build.routes[id]!.module;
      const target = await targetFor(id);
      for (const method of ["GET", "POST"] as const) {
        if (method === "POST" && !module.action) continue;
        if (method === "GET" && !module.loader) continue;
        let cookie =
          target.persona === "anonymous" ? undefined : await world.cookie(target.persona);
        let cases = 0;
        const statuses = new Map<number, number>();
        await fc
          .assert(
            fc.asyncProperty(caseFor(target, method), async (fuzz) => {
              cases += 1;
              // an action may end its own session (sign-out, "end all sessions"): start another
              if (cookie && cases % 100 === 0)
                cookie = await world.cookie(target.persona as RolePersona);
              const response = await send(requestFor(target, fuzz, cookie));
              statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
              const streaming = response.headers.get("Content-Type")?.includes("event-stream");
              const body = response.status >= 400 && !streaming ? await response.text() : "";
              if (!body) await response.body?.cancel();
              if (response.status >= 500) {
                const detail = response.status === 504 ? "no answer in 30 s" : lastError.text;
                throw new Error(`${method} ${target.path} gave ${response.status}: ${detail}`);
              }
              // a protocol answer (405 to a resumable-upload client) names what is allowed instead
              const explained = body.trim() !== "" || response.headers.has("Allow");
              if (response.status >= 400 && !explained)
                throw new Error(
                  `${method} ${target.path} refused with ${response.status} and no message`,
                );
              if (/\n\s+at .+:\d+:\d+/.test(body))
                throw new Error(`${method} ${target.path} leaked a stack trace`);
            }),
            {
              numRuns: method === "POST" ? RUNS : readsQuery(id) ? QUERY_RUNS : PATH_ONLY_RUNS,
              endOnFailure: true,
            },
          )
          .catch((error: Error) => {
            const cause = error.cause instanceof Error ? error.cause.message : "";
            const example = /Counterexample: .*/.exec(error.message)?.[0] ?? "";
            failures.push(
              `${id} (${method} as ${target.persona}): ${cause}\n${example.slice(0, 600)}`,
            );
          });
        const spread = [...statuses]
          .sort(([a], [b]) => a - b)
          .map(([s, n]) => `${s}×${n}`)
          .join(" ");
        counts.push(`  ${method.padEnd(4)} ${id} as ${target.persona}: ${cases} cases (${spread})`);
        if (process.env.FUZZ_PROGRESS) process.stderr.write(`${counts.at(-1)}\n`);
      }
    };
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let id = queue.shift(); id; id = queue.shift()) await fuzzRoute(id);
      }),
    );
    counts.sort();
    expect(failures).toEqual([]);
  }, 2_400_000); // ~50,000 cases: a few minutes on an idle machine, far longer on a busy one

  it("stored nothing that should not be", async () => {
    // prototype pollution would show as a new property every object inherits
    expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(before.prototypeKeys);
    // no role was granted, no persona's sign-in address changed
    // (fewer is allowed: an owner may remove staff, with a real grant id read from the page)
    expect(Number((await db("role_grants").count({ n: "*" }))[0]!.n)).toBeLessThanOrEqual(
      before.grants,
    );
    const emails = await db("users")
      .whereIn(
        "id",
        Object.values(world.users).map((u) => u.id),
      )
      .pluck("email");
    expect(emails.sort()).toEqual(
      Object.values(world.users)
        .map((u) => u.email)
        .sort(),
    );
    // text that voters and candidates wrote holds no control bytes (tabs and newlines aside)
    const controls = "[\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f]";
    const { rows } = (await db.raw(
      `select (select count(*) from questions where body ~ '${controls}') +
              (select count(*) from answers where body ~ '${controls}') as n`,
    )) as { rows: Array<{ n: string }> };
    expect(Number(rows[0]?.n)).toBe(0);
  });
});
