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
 * The voter's pages over HTTP against the built app: who may see a question in each status,
 * and which responses a shared cache may keep.
 */
let db: Db;
let app: App;
let contestPath: string;
const questions = { published: "", pending: "", rejected: "", merged: "" };
const cookies = { author: "", other: "" };

beforeAll(async () => {
  const url = inject("databaseUrl");
  shareSessionStore(url);
  db = createDb(url, 2);
  const { jurisdictionId, electionId, contestId } = await createContest(db);
  const { slug } = await db("jurisdictions").where({ id: jurisdictionId }).first("slug");
  contestPath = `/elections/${slug}/general/mayor`;
  const author = await createUser(db);
  const other = await createUser(db);
  const ask = async (status: keyof typeof questions, extra: object = {}) => {
    const [row] = await db("questions")
      .insert({
        election_id: electionId,
        contest_id: contestId,
        author_id: author,
        body: `A ${status} question about the harbor seawall?`,
        status,
        published_at: status === "published" ? db.fn.now() : null,
        ...extra,
      })
      .returning("id");
    questions[status] = row.id;
  };
  await ask("published");
  await ask("pending");
  await ask("rejected");
  await ask("merged", { merged_into_id: questions.published });
  cookies.author = (await signedIn(author, { hasMfa: false })).cookie;
  cookies.other = (await signedIn(other, { hasMfa: false })).cookie;
  app = await startApp(url);
});

afterAll(async () => {
  await app?.stop();
  await closeSharedClients();
  await db?.destroy();
});

describe("who sees a question", () => {
  it("shows a published question to everyone", async () => {
    for (const cookie of [undefined, cookies.other]) {
      const response = await app.request(`/questions/${questions.published}`, { cookie });
      expect(response.status).toBe(200);
      expect(await response.text()).toContain("A published question about the harbor seawall?");
    }
  });

  it("hides an unpublished question from everyone but its author, who sees its status", async () => {
    for (const status of ["pending", "rejected"] as const) {
      const path = `/questions/${questions[status]}`;
      expect((await app.request(path)).status, `${status}, anonymous`).toBe(404);
      expect((await app.request(path, { cookie: cookies.other })).status, `${status}, other`).toBe(
        404,
      );
      const own = await app.request(path, { cookie: cookies.author });
      expect(own.status, `${status}, author`).toBe(200);
      const page = await own.text();
      expect(page).toContain(`A ${status} question about the harbor seawall?`);
      expect(page).toContain(
        status === "pending"
          ? "Your question is awaiting moderation"
          : "A moderator did not publish this question",
      );
    }
  });

  it("sends a merged question's visitors to the question it was merged into", async () => {
    const response = await app.request(`/questions/${questions.merged}`);
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe(`/questions/${questions.published}`);
  });

  it("lists only published questions on the contest page", async () => {
    const page = await (await app.request(contestPath)).text();
    expect(page).toContain(`id="q-${questions.published}"`);
    for (const status of ["pending", "rejected", "merged"] as const)
      expect(page).not.toContain(`id="q-${questions[status]}"`);
  });
});

describe("caching", () => {
  it("lets a shared cache keep an anonymous visitor's page briefly, never a signed-in one", async () => {
    for (const path of [
      "/",
      "/ballot?address=00000",
      contestPath,
      `/questions/${questions.published}`,
    ]) {
      const anonymous = await app.request(path);
      expect(anonymous.status, path).toBe(200);
      expect(anonymous.headers.get("Cache-Control"), path).toBe(
        "public, max-age=30, stale-while-revalidate=60",
      );
      expect(anonymous.headers.get("Vary"), path).toMatch(/Cookie.*Accept-Language/);
      const signedInPage = await app.request(path, { cookie: cookies.other });
      expect(signedInPage.headers.get("Cache-Control"), path).toBe("private, no-store");
    }
  });

  it("never caches a refusal", async () => {
    const response = await app.request(`${contestPath}-no-such-contest`);
    expect(response.status).toBe(404);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
  });
});
