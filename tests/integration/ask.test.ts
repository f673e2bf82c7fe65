import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type Db } from "~/lib/db.server";
import { hashingEmbedding } from "~/lib/embeddings.server";
import {
  closeSharedClients,
  shareSessionStore,
  signedIn,
  startApp,
  type App,
} from "../support/app-server";
import { createContest } from "../support/fixtures";

/**
 * Asking a question over HTTP, as a browser without JavaScript does: the election's window and
 * moderation setting, a verified address, the length limit, the near-duplicate step and the
 * rate limit, each enforced by the action whatever the page showed.
 */
describe("asking a question", () => {
  let db: Db;
  let app: App;

  beforeAll(async () => {
    const url = inject("databaseUrl");
    shareSessionStore(url);
    db = createDb(url, 4);
    app = await startApp(url);
  });

  afterAll(async () => {
    await app?.stop();
    await closeSharedClients();
    await db?.destroy();
  });

  /** A contest of its own, its ask page, and a verified voter signed in. */
  async function setting(election: Record<string, unknown> = {}) {
    const contest = await createContest(db);
    if (Object.keys(election).length)
      await db("elections").where({ id: contest.electionId }).update(election);
    const { slug } = await db("jurisdictions").where({ id: contest.jurisdictionId }).first("slug");
    const [user] = await db("users")
      .insert({ email: `asker-${randomUUID()}@example.test`, email_verified_at: db.fn.now() })
      .returning("id");
    const { cookie } = await signedIn(user.id, { hasMfa: false });
    const path = `/elections/${slug}/general/mayor/ask`;
    const post = (form: Record<string, string>) =>
      app.request(path, { cookie, form: { candidate: "all", ...form } });
    return { ...contest, userId: user.id as string, cookie, path, post };
  }

  const questionsOf = (contestId: string) =>
    db("questions").where({ contest_id: contestId }).select("id", "status", "body", "embedding");

  it("publishes at once where the election moderates afterwards; the author follows it", async () => {
    const { contestId, userId, post } = await setting({ moderation_mode: "after_publishing" });
    const body = "Will you keep the harbor ferry running through the winter months?";
    const response = await post({ body });
    const [question] = await questionsOf(contestId);
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe(`/questions/${question.id}`);
    expect(question).toMatchObject({ status: "published", body });
    // the embedding used for the duplicate search is the one stored: no job needed
    expect(JSON.parse(question.embedding)).toHaveLength(384);
    expect(
      await db("graphile_worker._private_jobs")
        .where({ key: `embed:${question.id}` })
        .first(),
    ).toBeUndefined();
    expect(
      await db("question_follows").where({ question_id: question.id, user_id: userId }).first(),
    ).toBeDefined();
    expect(
      await db("audit_log").where({ action: "question.submitted", target_id: question.id }).first(),
    ).toMatchObject({ actor_id: userId, details: { status: "published", contestId } });
  });

  it("holds the question for a moderator where the election moderates first", async () => {
    const { contestId, post } = await setting({ moderation_mode: "before_publishing" });
    await post({ body: "How will you fund the county's new wildfire evacuation routes?" });
    expect(await questionsOf(contestId)).toMatchObject([{ status: "pending" }]);
  });

  it("offers the near-duplicates first, and posts anyway when told it is different", async () => {
    const { contestId, electionId, post } = await setting();
    const existing = "Will you require every sheriff's deputy to wear a body camera?";
    await db("questions").insert({
      election_id: electionId,
      contest_id: contestId,
      body: existing,
      status: "published",
      published_at: db.fn.now(),
      embedding: JSON.stringify(hashingEmbedding(existing)),
    });
    const body = "Will you make every sheriff's deputy wear a body camera?";
    const offered = await post({ body });
    expect(offered.status).toBe(200);
    const page = await offered.text();
    expect(page).toContain("Is your question one of these?");
    expect(page).toContain(existing.replace(/'/g, "&#x27;"));
    expect(page).toContain("Mine is different — post it");
    expect(await questionsOf(contestId)).toHaveLength(1);

    const posted = await post({ body, confirmed: "1" });
    expect(posted.status).toBe(303);
    expect(await questionsOf(contestId)).toHaveLength(2);
  });

  it("refuses outside the question window, saying so on the page", async () => {
    const { contestId, cookie, path, post } = await setting({
      questions_open_at: new Date(Date.now() - 10 * 86_400_000),
      questions_close_at: new Date(Date.now() - 86_400_000),
    });
    const page = await (await app.request(path, { cookie })).text();
    expect(page).toContain("Questions for this election are closed.");
    expect(page).toContain("The question window closed on");
    const response = await post({ body: "Will you publish the sheriff's budget every quarter?" });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe(path);
    expect(await questionsOf(contestId)).toHaveLength(0);

    const answering = await setting({ status: "answers_open" });
    await answering.post({ body: "Will you publish the sheriff's budget every quarter?" });
    expect(await questionsOf(answering.contestId)).toHaveLength(0);
  });

  it("asks an unverified account to confirm its address, and stores nothing", async () => {
    const { contestId, userId, cookie, path, post } = await setting();
    await db("users").where({ id: userId }).update({ email_verified_at: null });
    const page = await (await app.request(path, { cookie })).text();
    expect(page).toContain("please confirm your email address");
    expect(page).toContain('href="/sign-in/code"');
    await post({ body: "Will you publish the sheriff's budget every quarter?" });
    expect(await questionsOf(contestId)).toHaveLength(0);
  });

  it("holds the length limit and the candidate to the contest's own", async () => {
    const { contestId, post } = await setting();
    await db("candidates").insert({ contest_id: contestId, ballot_name: "Ada Reyes", slug: "ada" });
    const tooLong = await (await post({ body: "x".repeat(501) })).text();
    expect(tooLong).toContain("Your question can have at most 500 characters.");
    const tooShort = await (await post({ body: "  Why?    " })).text();
    expect(tooShort).toContain("Your question needs at least 10 characters.");
    const other = await createContest(db);
    const [stranger] = await db("candidates")
      .insert({
        contest_id: other.contestId,
        ballot_name: "Elsewhere Candidate",
        slug: "elsewhere",
      })
      .returning("id");
    const wrong = await (
      await post({ body: "Will you hold town halls in every district?", candidate: stranger.id })
    ).text();
    expect(wrong).toContain("Choose who your question is for.");
    expect(await questionsOf(contestId)).toHaveLength(0);
  });

  it("stops a voter after 10 questions in an hour", async () => {
    const { contestId, post } = await setting({ moderation_mode: "after_publishing" });
    const topics = "ferry parks rent water fire jobs roads schools library pier budget".split(" ");
    const statuses = [];
    for (const topic of topics)
      statuses.push(
        (
          await post({
            body: `What is your plan for the ${topic} ${randomUUID()}?`,
            confirmed: "1",
          })
        ).status,
      );
    expect(statuses).toEqual([...Array(10).fill(303), 429]);
    expect(await questionsOf(contestId)).toHaveLength(10);
  });
});
