import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type Db } from "~/lib/db.server";
import { closeSharedClients, shareSessionStore, startApp, type App } from "../support/app-server";
import { createContest } from "../support/fixtures";

/**
 * Embeddable cards (issue 10.5): a contest's and a question's card may be framed by any site,
 * render without JavaScript, and take a theme and an accent colour from their address (an
 * unreadable accent gives way to the theme's); every other route still refuses to be framed.
 */
describe("embeds", () => {
  let db: Db;
  let app: App;
  let slug: string;
  let questionId: string;

  beforeAll(async () => {
    const url = inject("databaseUrl");
    shareSessionStore(url);
    db = createDb(url, 2);
    const place = await createContest(db);
    slug = (await db("jurisdictions").where({ id: place.jurisdictionId }).first("slug")).slug;
    await db("candidates").insert({
      contest_id: place.contestId,
      ballot_name: "Ana Embedded",
      slug: "ana",
    });
    [{ id: questionId }] = await db("questions")
      .insert({
        election_id: place.electionId,
        contest_id: place.contestId,
        body: "Will the embedded card show this question?",
        status: "published",
        published_at: db.fn.now(),
        vote_count: 7,
      })
      .returning("id");
    app = await startApp(url);
  });

  afterAll(async () => {
    await app?.stop();
    await closeSharedClients();
    await db?.destroy();
  });

  const framable = (response: Response) => ({
    xFrameOptions: response.headers.get("x-frame-options"),
    frameAncestors: /frame-ancestors ([^;]+)/.exec(
      response.headers.get("content-security-policy") ?? "",
    )?.[1],
  });

  it("lets any site frame the cards, which need no script and carry the question", async () => {
    for (const path of [`/embed/${slug}/general/mayor`, `/embed/questions/${questionId}`]) {
      const response = await app.request(`${path}?theme=dark&accent=fbbf24`);
      expect(response.status, path).toBe(200);
      expect(framable(response), path).toEqual({ xFrameOptions: null, frameAncestors: "*" });
      const html = await response.text();
      expect(html).toContain("Will the embedded card show this question?");
      expect(html).not.toMatch(/<script/);
      expect(html).toContain('href="/theme.css?theme=dark&amp;accent=fbbf24"');
      // no site header inside someone else's page
      expect(html).not.toContain('<header class="border-b');
    }
  });

  it("refuses to be framed everywhere else", async () => {
    for (const path of [
      "/",
      `/elections/${slug}/general`,
      `/elections/${slug}/general/mayor`,
      `/questions/${questionId}`,
      "/sign-in",
      "/open-data",
      "/api/v1/elections",
      "/theme.css",
      "/embedded-lookalike",
    ]) {
      const response = await app.request(path);
      expect(framable(response), path).toEqual({
        xFrameOptions: "DENY",
        frameAncestors: "'none'",
      });
    }
  });

  it("keeps an accent colour only where it stays readable on the theme", async () => {
    const css = async (query: string) => (await app.request(`/theme.css?${query}`)).text();
    expect(await css("theme=light&accent=7c2d12")).toContain("--accent:#7c2d12");
    // white on white, and a non-colour: the theme's own accent instead
    expect(await css("theme=light&accent=ffffff")).toContain("--accent:#1d4ed8");
    expect(await css("theme=dark&accent=1e3a8a")).toContain("--accent:#93c5fd");
    expect(await css("accent=red;}body{display:none")).toContain("--accent:#1d4ed8");
  });

  it("offers the embed code on the contest and question pages as plain text", async () => {
    const contestPage = await (await app.request(`/elections/${slug}/general/mayor`)).text();
    expect(contestPage).toContain(
      `&lt;iframe src=&quot;${app.url}/embed/${slug}/general/mayor&quot;`,
    );
    const questionPage = await (await app.request(`/questions/${questionId}`)).text();
    expect(questionPage).toContain(`${app.url}/embed/questions/${questionId}`);
  });
});
