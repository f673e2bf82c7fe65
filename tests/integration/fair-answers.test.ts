import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { OwnCandidacy } from "~/lib/candidate-access.server";
import { createDb, type Db } from "~/lib/db.server";
import { publishVideoAnswer } from "~/services/video-answers.server";
import { saveTextAnswer } from "~/services/answer-desk.server";
import { answersForQuestions } from "~/services/answers.server";
import { hideAnswer } from "~/services/moderation.server";
import { contestRules } from "~/services/answer-rules.server";
import { orderForVisitor } from "~/services/candidate-order.server";
import { postRebuttal } from "~/services/rebuttals.server";
import { createContest } from "../support/fixtures";

/**
 * The fair rules of issue 10 (docs/decisions/015-fair-answer-rules.md): one word and duration
 * limit for every candidate of an election, answers and rebuttals locked after the clerk's lock
 * date, the same offered questions for every candidate, answers hidden but never edited.
 */
const actor = { userId: null, ip: "127.0.0.1", requestId: "fair-answers-test" };

describe("fair rules for candidates", () => {
  let db: Db;
  let contest: Awaited<ReturnType<typeof createContest>>;
  let candidacies: OwnCandidacy[];

  beforeAll(async () => {
    db = createDb(inject("databaseUrl"), 4);
    contest = await createContest(db);
    await db("elections")
      .where({ id: contest.electionId })
      .update({ status: "answers_open", answer_max_words: 50, answer_max_video_seconds: 60 });
    candidacies = [];
    for (const name of ["Ana Arce", "Ben Bell", "Cy Cruz"]) {
      const [row] = await db("candidates")
        .insert({
          contest_id: contest.contestId,
          ballot_name: name,
          slug: name.toLowerCase().replace(/\W+/g, "-"),
          ballot_order: candidacies.length + 1,
        })
        .returning("id");
      candidacies.push({
        id: row.id,
        ballotName: name,
        slug: name.toLowerCase().replace(/\W+/g, "-"),
        contestId: contest.contestId,
        contestTitle: { en: "Mayor" },
        jurisdictionId: contest.jurisdictionId,
      });
    }
  });

  afterAll(() => db?.destroy());

  async function question(votes = 0) {
    const [row] = await db("questions")
      .insert({
        election_id: contest.electionId,
        contest_id: contest.contestId,
        body: `What about the ferry? ${randomUUID().slice(0, 8)}`,
        status: "published",
        published_at: db.fn.now(),
        vote_count: votes,
      })
      .returning("id");
    return row.id as string;
  }

  async function readyVideo(candidateId: string, questionId: string, seconds: number) {
    const [row] = await db("videos")
      .insert({
        candidate_id: candidateId,
        question_id: questionId,
        original_key: `videos/originals/${randomUUID()}/original`,
        status: "ready",
        duration_seconds: seconds,
      })
      .returning("id");
    return { id: row.id as string, candidateId, jurisdictionId: contest.jurisdictionId };
  }

  const words = (count: number) => Array.from({ length: count }, (_, i) => `w${i}`).join(" ");

  it("refuses an answer over the election's limit for every candidate alike, text and video", async () => {
    const questionId = await question();
    const outcomes: Record<string, unknown> = {};
    for (const candidacy of candidacies) {
      const target = { candidacies: [candidacy], questionId };
      const overText = await saveTextAnswer(db, target, { body: words(51), publish: true }, actor);
      // the structured parts count towards the same limit
      const overWithParts = await saveTextAnswer(
        db,
        target,
        { body: words(40), parts: { reasoning: words(11) }, publish: true },
        actor,
      );
      const longVideo = await readyVideo(candidacy.id, questionId, 61);
      const overVideo = await publishVideoAnswer(db, longVideo, actor);
      outcomes[candidacy.ballotName] = { overText, overWithParts, overVideo };
    }
    console.log("over the limit, per candidate:", JSON.stringify(outcomes));
    for (const candidacy of candidacies) {
      expect(outcomes[candidacy.ballotName]).toEqual({
        overText: { ok: false, problem: "overWordLimit" },
        overWithParts: { ok: false, problem: "overWordLimit" },
        overVideo: { ok: false, problem: "overDurationLimit" },
      });
    }
    expect(await db("answers").where({ question_id: questionId })).toEqual([]);

    // at the limit, every candidate is accepted alike (one by text, the others by video)
    const [first, ...others] = candidacies;
    expect(
      await saveTextAnswer(
        db,
        { candidacies: [first!], questionId },
        { body: words(50), publish: true },
        actor,
      ),
    ).toEqual({ ok: true, result: "published" });
    for (const candidacy of others) {
      const video = await readyVideo(candidacy.id, questionId, 60.4);
      expect(await publishVideoAnswer(db, video, actor)).toEqual({
        ok: true,
        result: "published",
      });
    }
  });

  it("locks answers and rebuttals after the clerk's lock date, for everyone", async () => {
    const questionId = await question();
    const [ana, ben] = candidacies;
    expect(
      await saveTextAnswer(
        db,
        { candidacies: [ana!], questionId },
        { body: "Before the lock.", publish: true },
        actor,
      ),
    ).toEqual({ ok: true, result: "published" });
    const answerId = (await db("answers").where({ question_id: questionId }).first("id")).id;

    const lockAt = new Date(Date.now() + 60_000);
    await db("elections").where({ id: contest.electionId }).update({ answers_close_at: lockAt });
    const after = new Date(lockAt.getTime() + 1000);
    const results = {
      answer: await saveTextAnswer(
        db,
        { candidacies: [ben!], questionId },
        { body: "After the lock.", publish: true },
        actor,
        after,
      ),
      edit: await saveTextAnswer(
        db,
        { candidacies: [ana!], questionId },
        { body: "Edited after the lock.", publish: true },
        actor,
        after,
      ),
      rebuttal: await postRebuttal(
        db,
        { candidacies: [ben!], answerId },
        { body: "Rebutted after the lock.", sources: [] },
        actor,
        after,
      ),
    };
    console.log("after the lock date:", JSON.stringify(results));
    expect(results).toEqual({
      answer: { ok: false, problem: "locked" },
      edit: { ok: false, problem: "locked" },
      rebuttal: { ok: false, problem: "locked" },
    });
    const [shown] = (await answersForQuestions(db, [questionId])).get(questionId)!;
    expect(shown!.body).toBe("Before the lock.");
    expect(shown!.rebuttals).toEqual([]);
    // before the lock, the same rebuttal goes through, once
    const before = new Date(lockAt.getTime() - 1000);
    const rebut = () =>
      postRebuttal(
        db,
        { candidacies: [ben!], answerId },
        { body: "Before.", sources: [{ url: "https://example.org/ferry", title: "Ferry report" }] },
        actor,
        before,
      );
    expect(await rebut()).toEqual({ ok: true });
    expect(await rebut()).toEqual({ ok: false, problem: "alreadyRebutted" });
    expect(
      await postRebuttal(
        db,
        { candidacies: [ana!], answerId },
        { body: "My own.", sources: [] },
        actor,
        before,
      ),
    ).toEqual({ ok: false, problem: "ownAnswer" });
    await db("elections").where({ id: contest.electionId }).update({ answers_close_at: null });
  });

  it("offers every candidate the same top questions, fixed once answers are open", async () => {
    const other = await createContest(db);
    await db("elections").where({ id: other.electionId }).update({ status: "answers_open" });
    const ids: string[] = [];
    for (let votes = 0; votes < 12; votes++) {
      const [row] = await db("questions")
        .insert({
          election_id: other.electionId,
          contest_id: other.contestId,
          body: `Question with ${votes} votes`,
          status: "published",
          published_at: db.fn.now(),
          vote_count: votes,
        })
        .returning("id");
      ids.push(row.id);
    }
    const election = {
      id: other.electionId,
      status: "answers_open",
      rankingElectorate: "all" as const,
      jurisdictionId: other.jurisdictionId,
    };
    const first = await contestRules(db, election, other.contestId);
    expect(first.offeredCount).toBe(10);
    // a later surge of votes does not change the list anyone is offered
    await db("questions").where({ id: ids[0] }).update({ vote_count: 1000 });
    const set = await db("offered_question_sets").where({ contest_id: other.contestId }).first();
    expect(set.question_ids).toEqual(ids.slice(2).reverse());
    expect((await contestRules(db, election, other.contestId)).offeredAt).toBe(first.offeredAt);
  });

  it("hides an answer with its public reason in place, its words untouched", async () => {
    const questionId = await question();
    await saveTextAnswer(
      db,
      { candidacies: [candidacies[2]!], questionId },
      { body: "As written.", publish: true },
      actor,
    );
    const answerId = (await db("answers").where({ question_id: questionId }).first("id")).id;
    expect(
      await hideAnswer(
        db,
        { jurisdictionId: contest.jurisdictionId },
        { answerId, reasonCode: "personal_information" },
        actor,
      ),
    ).toBe("done");
    const [shown] = (await answersForQuestions(db, [questionId])).get(questionId)!;
    expect(shown).toMatchObject({ body: null, hiddenReason: "personal_information" });
    expect(await db("answers").where({ id: answerId }).first("body")).toEqual({
      body: "As written.",
    });
    expect(
      await db("moderation_decisions")
        .where({ answer_id: answerId })
        .first("action", "reason_code"),
    ).toEqual({ action: "hide", reason_code: "personal_information" });
  });

  it("rotates the candidates per visitor, the same for one visitor every time", () => {
    const names = ["A", "B", "C", "D"];
    expect(orderForVisitor(names, "ballot", "seed", "contest")).toEqual(names);
    const firsts = new Set(
      Array.from({ length: 40 }, (_, i) => orderForVisitor(names, "rotated", `v${i}`, "c")[0]),
    );
    expect(firsts.size).toBeGreaterThan(1);
    expect(orderForVisitor(names, "rotated", "v1", "c")).toEqual(
      orderForVisitor(names, "rotated", "v1", "c"),
    );
  });
});
