import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type Db } from "~/lib/db.server";
import {
  closeSharedClients,
  shareSessionStore,
  signedIn,
  startApp,
  type App,
} from "../support/app-server";
import { createMigratedDatabase, dropDatabase } from "../support/database";
import { createUser } from "../support/fixtures";
import { waitFor } from "../support/processes";

/**
 * The anonymous-page cache (app/lib/page-cache.server.ts) through the built app: anonymous
 * visitors get the stored page, but never one older than the last vote or answer; signed-in
 * visitors and other languages never get it; two apps on different databases sharing one Redis
 * never see each other's pages.
 */
const CONTEST_PATH = "/elections/cache-county/general/mayor";
const OTHER_DATABASE = `civicq_test_page_cache_${process.pid}`;

/** The jurisdiction → election → contest at CONTEST_PATH, with one published question. */
async function createCachedContest(db: Db, title: string) {
  const [jurisdiction] = await db("jurisdictions")
    .insert({ slug: "cache-county", name: { en: "Cache County" }, kind: "county" })
    .returning("id");
  const [election] = await db("elections")
    .insert({
      jurisdiction_id: jurisdiction.id,
      slug: "general",
      name: { en: "General Election", es: "Elección general" },
      election_date: "2027-03-02",
      status: "answers_open",
    })
    .returning("id");
  const [contest] = await db("contests")
    .insert({ election_id: election.id, kind: "candidate", slug: "mayor", title: { en: title } })
    .returning("id");
  const [candidate] = await db("candidates")
    .insert({ contest_id: contest.id, ballot_name: "Ada Cache", slug: "ada-cache" })
    .returning("id");
  const [question] = await db("questions")
    .insert({
      election_id: election.id,
      contest_id: contest.id,
      body: "Will the night buses come back to the east side?",
      status: "published",
      published_at: db.fn.now(),
    })
    .returning("id");
  return { candidateId: candidate.id as string, questionId: question.id as string };
}

const voteCount = (html: string, questionId: string) =>
  Number(new RegExp(`data-vote-count="${questionId}"[^>]*>(\\d+)<`).exec(html)?.[1]);

describe("the anonymous-page cache", () => {
  let db: Db;
  let app: App;
  let other: { db: Db; app: App } | undefined;
  let questionId: string;
  let candidateId: string;

  beforeAll(async () => {
    const url = inject("databaseUrl");
    db = createDb(url, 2);
    shareSessionStore(url);
    ({ questionId, candidateId } = await createCachedContest(db, "Mayor"));
    app = await startApp(url, { PAGE_CACHE_SECONDS: "300" });
  }, 60_000);
  afterAll(async () => {
    await Promise.all([app?.stop(), other?.app.stop()]);
    await Promise.all([db?.destroy(), other?.db.destroy()]);
    await dropDatabase(OTHER_DATABASE);
    await closeSharedClients();
  });

  const visit = async (path: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${app.url}${path}`, { headers });
    return { cache: response.headers.get("X-Page-Cache"), html: await response.text() };
  };

  it("serves an anonymous visitor the stored page until a vote changes it", async () => {
    await visit(CONTEST_PATH);
    const cached = await visit(CONTEST_PATH);
    expect(cached.cache).toBe("hit");
    expect(voteCount(cached.html, questionId)).toBe(0);
    // the CSP nonce is fresh on every response, cached or not
    const nonces = new Set(
      await Promise.all(
        [1, 2].map(async () =>
          (await fetch(`${app.url}${CONTEST_PATH}`)).headers.get("Content-Security-Policy"),
        ),
      ),
    );
    expect(nonces.size).toBe(2);

    const voter = await createUser(db);
    await db("users").where({ id: voter }).update({ email_verified_at: db.fn.now() });
    const { cookie } = await signedIn(voter, { hasMfa: false });
    const vote = await app.request(`/questions/${questionId}/vote`, {
      cookie,
      form: { intent: "vote", returnTo: CONTEST_PATH },
    });
    expect(vote.status).toBe(303);

    const after = await visit(CONTEST_PATH);
    expect(after.cache).toBe("miss");
    expect(voteCount(after.html, questionId)).toBe(1);
    expect(voteCount((await visit(`/questions/${questionId}`)).html, questionId)).toBe(1);

    // signed in, the page is the visitor's own (their vote shown), never the stored one
    const mine = await visit(CONTEST_PATH, { Cookie: cookie });
    expect(mine.cache).toBeNull();
    expect(mine.html).toContain('name="intent" value="unvote"');
  });

  it("shows a newly published answer at once, whichever code path published it", async () => {
    await visit(CONTEST_PATH);
    expect((await visit(CONTEST_PATH)).html).not.toContain("1 answer");
    // straight into the database: the trigger's notice reaches the app, which drops the page
    await db("answers").insert({
      question_id: questionId,
      candidate_id: candidateId,
      kind: "text",
      body: "Yes: from March, every 20 minutes.",
      status: "published",
      published_at: db.fn.now(),
    });
    await waitFor(
      async () => (await visit(CONTEST_PATH)).html.includes("1 answer"),
      5_000,
      "the answer",
    );
  });

  it("keeps languages apart", async () => {
    await visit(CONTEST_PATH, { "Accept-Language": "en" });
    const spanish = await visit(CONTEST_PATH, { "Accept-Language": "es" });
    expect(spanish.html).toContain('lang="es"');
    expect((await visit(CONTEST_PATH, { Cookie: "lang=es" })).html).toContain('lang="es"');
    expect((await visit(CONTEST_PATH, { "Accept-Language": "en" })).html).toContain('lang="en"');
  });

  it("keeps apps on different databases apart, though they share Redis", async () => {
    const created = await createMigratedDatabase(OTHER_DATABASE);
    await createCachedContest(created.db, "Sheriff");
    other = { db: created.db, app: await startApp(created.url, { PAGE_CACHE_SECONDS: "300" }) };
    await visit(CONTEST_PATH);
    expect((await visit(CONTEST_PATH)).html).toContain("Mayor");
    for (let i = 0; i < 2; i++) {
      const html = await (await fetch(`${other.app.url}${CONTEST_PATH}`)).text();
      expect(html).toContain("Sheriff");
      expect(html).not.toContain("Mayor");
    }
  });
});
