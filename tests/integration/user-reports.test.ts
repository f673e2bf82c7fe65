import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type Db } from "~/lib/db.server";
import {
  closeSharedClients,
  shareSessionStore,
  signedIn,
  startApp,
  type App,
} from "../support/app-server";
import { createContest } from "../support/fixtures";

/** A voter reports a question or an answer to the moderators: once per target while it is open. */
describe("reporting a question or an answer", () => {
  let db: Db;
  let app: App;
  let contest: Awaited<ReturnType<typeof createContest>>;
  let cookie: string;
  let userId: string;

  beforeAll(async () => {
    const url = inject("databaseUrl");
    shareSessionStore(url);
    db = createDb(url, 4);
    contest = await createContest(db);
    [{ id: userId }] = await db("users")
      .insert({ email: `reporter-${randomUUID()}@example.test`, email_verified_at: db.fn.now() })
      .returning("id");
    ({ cookie } = await signedIn(userId, { hasMfa: false }));
    app = await startApp(url);
  });

  afterAll(async () => {
    await app?.stop();
    await closeSharedClients();
    await db?.destroy();
  });

  async function question(status = "published") {
    const [row] = await db("questions")
      .insert({
        election_id: contest.electionId,
        contest_id: contest.contestId,
        body: `Where will the new county animal shelter be built? ${randomUUID().slice(0, 8)}`,
        status,
        published_at: status === "published" ? db.fn.now() : null,
      })
      .returning("id");
    return row.id as string;
  }

  const report = (id: string, form: Record<string, string>) =>
    app.request(`/questions/${id}/report`, {
      cookie,
      form: { reason: "misinformation", returnTo: `/questions/${id}`, ...form },
    });

  it("files one open report, thanks the voter, and logs it for the moderators", async () => {
    const id = await question();
    const first = await report(id, { details: "  The shelter site was decided last year.  " });
    expect(first.status).toBe(303);
    expect(first.headers.get("Location")).toBe(`/questions/${id}?notice=reported`);
    const again = await report(id, {});
    expect(again.headers.get("Location")).toBe(`/questions/${id}?notice=alreadyReported`);

    const rows = await db("user_reports").where({ question_id: id });
    expect(rows).toMatchObject([
      {
        reporter_id: userId,
        reason: "misinformation",
        details: "The shelter site was decided last year.",
        status: "open",
      },
    ]);
    expect(
      await db("audit_log").where({ action: "report.created", target_id: id }).first(),
    ).toMatchObject({
      actor_id: userId,
      jurisdiction_id: contest.jurisdictionId,
      details: { reportId: rows[0].id, reason: "misinformation" },
    });
  });

  it("reports an answer by its id", async () => {
    const id = await question();
    const [candidate] = await db("candidates")
      .insert({ contest_id: contest.contestId, ballot_name: "Ada Reyes", slug: randomUUID() })
      .returning("id");
    const [answer] = await db("answers")
      .insert({
        question_id: id,
        candidate_id: candidate.id,
        kind: "text",
        body: "Next to the fairgrounds.",
        status: "published",
        published_at: db.fn.now(),
      })
      .returning("id");
    const response = await report(answer.id, { target: "answer", reason: "spam" });
    expect(response.status).toBe(303);
    expect(await db("user_reports").where({ answer_id: answer.id })).toHaveLength(1);
  });

  it("refuses what cannot be reported or was not sent by the form", async () => {
    expect((await report(await question("pending"), {})).status).toBe(404);
    const id = await question();
    expect((await report(id, { reason: "boring" })).status).toBe(400);
    expect((await report(id, { details: "x".repeat(2001) })).status).toBe(400);
    expect(await db("user_reports").where({ question_id: id })).toHaveLength(0);
  });
});
