import { randomBytes, randomUUID } from "node:crypto";
import pgvector from "pgvector/knex";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Actor } from "~/lib/audit.server";
import { createDb, type Db } from "~/lib/db.server";
import { hashingEmbedding } from "~/lib/embeddings.server";
import {
  approveQuestion,
  dismissReport,
  hideAnswer,
  mergeQuestion,
  openReports,
  pendingQuestions,
  rejectQuestion,
  similarQuestions,
} from "~/services/moderation.server";
import { createContest, createUser } from "../support/fixtures";

/**
 * Moderation decisions, each with its moderation_decisions row and audit row: approve, reject
 * (the author is emailed the policy reason), merge (votes move with nobody counted twice,
 * followers move), hide an answer, dismiss a report — all scoped to the jurisdiction.
 */
describe("moderation", () => {
  let db: Db;
  let moderatorId: string;
  let actor: Actor;
  beforeAll(async () => {
    db = createDb(inject("databaseUrl"), 4);
    moderatorId = await createUser(db);
    actor = { userId: moderatorId, ip: "203.0.113.8", requestId: "moderation-test" };
  });
  afterAll(() => db.destroy());

  async function question(
    place: { electionId: string; contestId: string },
    body: string,
    fields: Record<string, unknown> = {},
  ): Promise<string> {
    const [row] = await db("questions")
      .insert({
        election_id: place.electionId,
        contest_id: place.contestId,
        body,
        status: "published",
        published_at: db.fn.now(),
        embedding: pgvector.toSql(hashingEmbedding(body)),
        ...fields,
      })
      .returning("id");
    return row.id;
  }
  const vote = (questionId: string, userId: string | null) =>
    db("question_votes").insert({ question_id: questionId, user_id: userId });
  const follow = (questionId: string, userId: string) =>
    db("question_follows").insert({
      question_id: questionId,
      user_id: userId,
      unsubscribe_token: randomBytes(24).toString("base64url"),
    });
  const voteCount = async (id: string) =>
    (await db("questions").where({ id }).first("vote_count")).vote_count as number;
  const decisions = (questionId: string) =>
    db("moderation_decisions").where({ question_id: questionId }).orderBy("created_at");
  const audits = (action: string, targetId: string) =>
    db("audit_log").where({ action, target_id: targetId }).orderBy("id");
  const emailJobs = (to: string) =>
    db("graphile_worker._private_jobs as j")
      .join("graphile_worker._private_tasks as t", "t.id", "j.task_id")
      .where("t.identifier", "send_email")
      .whereRaw("j.payload->>'to' = ?", [to])
      .select("j.payload");

  it("merges votes so the surviving count is the number of distinct voters", async () => {
    const place = await createContest(db);
    const scope = { jurisdictionId: place.jurisdictionId };
    const [u1, u2, u3, u4, u5] = await Promise.all([1, 2, 3, 4, 5].map(() => createUser(db)));
    const source = await question(place, "What will you do about the price of rent downtown?");
    const target = await question(place, "What will you do about rent prices downtown?");
    const earlier = await question(place, "What about downtown rent prices, really?", {
      status: "merged",
      merged_into_id: source,
    });
    for (const user of [u1!, u2!, u3!]) await vote(source, user);
    await vote(source, null); // an account deleted since: counted, unlinked
    for (const user of [u2!, u3!, u4!]) await vote(target, user);
    await follow(source, u1!);
    await follow(source, u5!);
    await follow(target, u5!);
    const u5Token = (
      await db("question_follows").where({ question_id: target, user_id: u5 }).first()
    ).unsubscribe_token;
    const [report] = await db("user_reports")
      .insert({ reporter_id: u4, question_id: source, reason: "spam" })
      .returning("id");

    expect(await mergeQuestion(db, scope, { sourceId: source, targetId: target }, actor)).toBe(
      "done",
    );

    // u1, u2, u3, u4 once each, plus the unlinked vote: 5, and the counter agrees with the rows
    const targetVotes = await db("question_votes").where({ question_id: target });
    expect(targetVotes).toHaveLength(5);
    expect(new Set(targetVotes.filter((v) => v.user_id).map((v) => v.user_id))).toEqual(
      new Set([u1, u2, u3, u4]),
    );
    expect(await voteCount(target)).toBe(5);
    expect(await voteCount(source)).toBe(0);
    expect(await db("question_votes").where({ question_id: source })).toHaveLength(0);

    const followers = await db("question_follows").where({ question_id: target });
    expect(new Set(followers.map((f) => f.user_id))).toEqual(new Set([u1, u5]));
    expect(followers.find((f) => f.user_id === u5)!.unsubscribe_token).toBe(u5Token);
    expect(await db("question_follows").where({ question_id: source })).toHaveLength(0);

    expect(await db("questions").where({ id: source }).first()).toMatchObject({
      status: "merged",
      merged_into_id: target,
    });
    expect(await db("questions").where({ id: earlier }).first()).toMatchObject({
      merged_into_id: target,
    });
    expect(await db("user_reports").where({ id: report.id }).first()).toMatchObject({
      status: "resolved",
    });

    const [decision] = await decisions(source);
    expect(decision).toMatchObject({
      action: "merge",
      jurisdiction_id: place.jurisdictionId,
      moderator_id: moderatorId,
      merged_into_id: target,
    });
    const [audit] = await audits("moderation.merge", source);
    expect(audit).toMatchObject({
      actor_id: moderatorId,
      jurisdiction_id: place.jurisdictionId,
      target_type: "question",
      request_id: "moderation-test",
    });
    expect(audit.details).toMatchObject({ decisionId: decision.id, mergedIntoId: target });
  });

  it("refuses merges that would lose or misplace something", async () => {
    const place = await createContest(db);
    const scope = { jurisdictionId: place.jurisdictionId };
    const a = await question(place, "Will you fund the library branch on Elm Street?");
    const b = await question(place, "Will you keep the Elm Street library branch open?");
    const pending = await question(place, "Is the Elm Street library branch closing?", {
      status: "pending",
      published_at: null,
    });
    const [otherContest] = await db("contests")
      .insert({
        election_id: place.electionId,
        kind: "candidate",
        slug: "sheriff",
        title: { en: "Sheriff" },
      })
      .returning("id");
    const elsewhere = await question(
      { electionId: place.electionId, contestId: otherContest.id },
      "Will you fund the library branch on Elm Street too?",
    );
    const merge = (sourceId: string, targetId: string, inScope = scope) =>
      mergeQuestion(db, inScope, { sourceId, targetId }, actor);

    expect(await merge(a, a)).toBe("notAllowed");
    expect(await merge(a, elsewhere)).toBe("notAllowed");
    // a published question's voters must land on a question they can see
    expect(await merge(a, pending)).toBe("notAllowed");
    const other = await createContest(db);
    expect(await merge(a, b, { jurisdictionId: other.jurisdictionId })).toBe("notFound");
    const [candidate] = await db("candidates")
      .insert({ contest_id: place.contestId, ballot_name: "Ana Answerer", slug: "ana" })
      .returning("id");
    await db("answers").insert({
      question_id: a,
      candidate_id: candidate.id,
      kind: "text",
      body: "Yes.",
      status: "published",
    });
    expect(await merge(a, b)).toBe("answered");
    expect(await decisions(a)).toHaveLength(0);
    // merging the other way keeps the answer where it is
    expect(await merge(b, a)).toBe("done");
    expect(await merge(b, a)).toBe("notAllowed");
  });

  it("runs two opposite merges of the same pair one after the other, without deadlock", async () => {
    const place = await createContest(db);
    const scope = { jurisdictionId: place.jurisdictionId };
    const a = await question(place, "How will you repave Harbor Boulevard?");
    const b = await question(place, "When will Harbor Boulevard be repaved?");
    const voters = await Promise.all([1, 2, 3].map(() => createUser(db)));
    await vote(a, voters[0]!);
    await vote(a, voters[1]!);
    await vote(b, voters[1]!);
    await vote(b, voters[2]!);
    const outcomes = await Promise.all([
      mergeQuestion(db, scope, { sourceId: a, targetId: b }, actor),
      mergeQuestion(db, scope, { sourceId: b, targetId: a }, actor),
    ]);
    expect(outcomes.sort()).toEqual(["done", "notAllowed"]);
    const rows = await db("questions").whereIn("id", [a, b]);
    const survivor = rows.find((row) => row.status === "published")!;
    const merged = rows.find((row) => row.status === "merged")!;
    expect(merged.merged_into_id).toBe(survivor.id);
    expect(survivor.vote_count).toBe(3);
  });

  it("approves a pending question once, publishing it", async () => {
    const place = await createContest(db);
    const scope = { jurisdictionId: place.jurisdictionId };
    const id = await question(place, "Will you publish every county contract online?", {
      status: "pending",
      published_at: null,
    });
    expect(await approveQuestion(db, scope, id, actor)).toBe("done");
    const row = await db("questions").where({ id }).first();
    expect(row.status).toBe("published");
    expect(row.published_at).toBeInstanceOf(Date);
    expect(await approveQuestion(db, scope, id, actor)).toBe("notAllowed");
    expect((await decisions(id)).map((d) => d.action)).toEqual(["approve"]);
    expect(await audits("moderation.approve", id)).toHaveLength(1);
  });

  it("rejects with a policy reason, emailed to the author in their language", async () => {
    const place = await createContest(db);
    const scope = { jurisdictionId: place.jurisdictionId };
    const email = `author-${randomUUID()}@example.test`;
    const [author] = await db("users")
      .insert({ email, locale: "es", email_verified_at: db.fn.now() })
      .returning("id");
    const id = await question(place, "Buy cheap watches at example dot com, best prices!", {
      status: "pending",
      published_at: null,
      author_id: author.id,
    });
    expect(await rejectQuestion(db, scope, { questionId: id, reasonCode: "spam" }, actor)).toBe(
      "done",
    );
    expect((await db("questions").where({ id }).first()).status).toBe("rejected");
    const [decision] = await decisions(id);
    expect(decision).toMatchObject({ action: "reject", reason_code: "spam" });
    const [audit] = await audits("moderation.reject", id);
    expect(audit.details).toMatchObject({ reasonCode: "spam", previousStatus: "pending" });
    const [job] = await emailJobs(email);
    expect(job.payload).toMatchObject({
      template: "question_rejected",
      locale: "es",
      params: {
        content: "Buy cheap watches at example dot com, best prices!",
        reason: "Spam o publicidad",
      },
    });
    expect(job.payload.params.policyUrl).toMatch(/\/moderation-policy$/);
    expect(job.payload.params.appealUrl).toMatch(new RegExp(`/appeals/${decision.id}$`));
    expect(await rejectQuestion(db, scope, { questionId: id, reasonCode: "spam" }, actor)).toBe(
      "notAllowed",
    );
  });

  it("hides a reported answer with a public reason, and dismisses another report", async () => {
    const place = await createContest(db);
    const scope = { jurisdictionId: place.jurisdictionId };
    const reporter = await createUser(db);
    const id = await question(place, "What is your position on the port expansion?");
    const [candidate] = await db("candidates")
      .insert({ contest_id: place.contestId, ballot_name: "Pat Port", slug: "pat" })
      .returning("id");
    const [answer] = await db("answers")
      .insert({
        question_id: id,
        candidate_id: candidate.id,
        kind: "text",
        body: "Call me at 555-0100.",
        status: "published",
      })
      .returning("id");
    const [onAnswer] = await db("user_reports")
      .insert({ reporter_id: reporter, answer_id: answer.id, reason: "personal_information" })
      .returning("id");
    const [onQuestion] = await db("user_reports")
      .insert({ reporter_id: reporter, question_id: id, reason: "off_topic" })
      .returning("id");

    const queue = await openReports(db, scope, 1);
    expect(queue.items.map((r) => r.id)).toEqual([onAnswer.id, onQuestion.id]);
    expect(queue.items[0]!.answer).toMatchObject({ id: answer.id, candidateName: "Pat Port" });

    expect(
      await hideAnswer(
        db,
        scope,
        { answerId: answer.id, reasonCode: "personal_information", reportId: onAnswer.id },
        actor,
      ),
    ).toBe("done");
    expect(await db("answers").where({ id: answer.id }).first()).toMatchObject({
      status: "hidden",
      hidden_reason: "personal_information",
    });
    expect((await db("user_reports").where({ id: onAnswer.id }).first()).status).toBe("resolved");
    expect(await db("moderation_decisions").where({ answer_id: answer.id }).first()).toMatchObject({
      action: "hide",
      report_id: onAnswer.id,
      reason_code: "personal_information",
    });

    expect(await dismissReport(db, scope, onQuestion.id, actor)).toBe("done");
    expect((await db("user_reports").where({ id: onQuestion.id }).first()).status).toBe(
      "dismissed",
    );
    expect(await dismissReport(db, scope, onQuestion.id, actor)).toBe("notAllowed");
    expect((await openReports(db, scope, 1)).total).toBe(0);
    const other = await createContest(db);
    expect(
      await dismissReport(db, { jurisdictionId: other.jurisdictionId }, onAnswer.id, actor),
    ).toBe("notFound");
  });

  it("queues pending questions oldest first, a page at a time, for its own jurisdiction only", async () => {
    const place = await createContest(db);
    const other = await createContest(db);
    const ids: string[] = [];
    for (let i = 0; i < 23; i++) {
      ids.push(
        await question(place, `Pending question number ${i} about the budget`, {
          status: "pending",
          published_at: null,
          created_at: new Date(Date.UTC(2027, 0, 1, 0, i)),
        }),
      );
    }
    await question(other, "A pending question in another county entirely", {
      status: "pending",
      published_at: null,
    });
    const first = await pendingQuestions(db, { jurisdictionId: place.jurisdictionId }, 1);
    const second = await pendingQuestions(db, { jurisdictionId: place.jurisdictionId }, 2);
    expect(first.total).toBe(23);
    expect(first.pageCount).toBe(2);
    expect([...first.items, ...second.items].map((q) => q.id)).toEqual(ids);
  });

  it("finds the near-duplicates of a question in its own contest", async () => {
    const place = await createContest(db);
    const source = await question(
      place,
      "How will you reduce wildfire risk in the northern hills?",
    );
    const near = await question(
      place,
      "How would you reduce the wildfire risk in the northern hills?",
    );
    await question(place, "Do you support a new skate park downtown?");
    const [otherContest] = await db("contests")
      .insert({
        election_id: place.electionId,
        kind: "candidate",
        slug: "assessor",
        title: { en: "Assessor" },
      })
      .returning("id");
    await question(
      { electionId: place.electionId, contestId: otherContest.id },
      "How will you reduce wildfire risk in the northern hills?",
    );
    // the skate park shares no wording, and the same words in another contest do not count
    const similar = await similarQuestions(db, source);
    expect(similar).toHaveLength(1);
    expect(similar[0]).toMatchObject({ id: near });
    expect(similar[0]!.similarity).toBeGreaterThan(0.6);
  });
});
