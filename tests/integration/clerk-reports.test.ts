import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { csvStream } from "~/lib/csv.server";
import { createDb, type Db } from "~/lib/db.server";
import { electionExport, rollUpReports, storedReport } from "~/services/reports.server";
import { createContest, createUser } from "../support/fixtures";

/**
 * The participation report: what the rollup counts (per election, contest, candidate and day)
 * and the CSV exports of questions, answers and the report's tables.
 */
describe("participation reports", () => {
  let db: Db;
  beforeAll(() => {
    db = createDb(inject("databaseUrl"), 4);
  });
  afterAll(() => db.destroy());

  // the decoder drops the byte-order mark (tests/unit/csv.test.ts checks it is there)
  const text = async (stream: ReadableStream<Uint8Array>) =>
    new TextDecoder().decode(await new Response(stream).arrayBuffer());

  it("counts questions, votes, distinct participants, answers and the answer rate", async () => {
    const place = await createContest(db);
    await db("jurisdictions")
      .where({ id: place.jurisdictionId })
      .update({ time_zone: "America/Los_Angeles" });
    const [measure] = await db("contests")
      .insert({
        election_id: place.electionId,
        kind: "measure",
        slug: "measure-c",
        title: { en: "Measure C" },
        ballot_order: 2,
      })
      .returning("id");
    const [c1, c2] = await db("candidates")
      .insert([
        {
          contest_id: place.contestId,
          ballot_name: "First Candidate",
          slug: "first",
          ballot_order: 1,
        },
        {
          contest_id: place.contestId,
          ballot_name: "Second Candidate",
          slug: "second",
          ballot_order: 2,
        },
      ])
      .returning("id");
    const [u1, u2, u3, u4, u5] = await Promise.all([1, 2, 3, 4, 5].map(() => createUser(db)));
    const ask = async (fields: Record<string, unknown>) => {
      const [row] = await db("questions")
        .insert({
          election_id: place.electionId,
          contest_id: place.contestId,
          status: "published",
          ...fields,
        })
        .returning("id");
      return row.id as string;
    };
    // 06:00 UTC on the 10th is still the 9th in California
    const q1 = await ask({
      body: "=1+1, and what is your housing plan?",
      author_id: u1,
      created_at: new Date("2027-01-10T06:00:00Z"),
    });
    const q2 = await ask({
      body: "Question for the first candidate only",
      author_id: u2,
      candidate_id: c1.id,
      created_at: new Date("2027-01-10T20:00:00Z"),
    });
    await ask({
      body: "A rejected question about nothing",
      author_id: u1,
      status: "rejected",
      created_at: new Date("2027-01-12T20:00:00Z"),
    });
    await ask({
      body: "A question still waiting for moderation",
      author_id: u3,
      status: "pending",
      created_at: new Date("2027-01-12T20:00:00Z"),
    });
    await ask({
      body: "A duplicate merged into the first one",
      status: "merged",
      merged_into_id: q1,
      created_at: new Date("2027-01-12T21:00:00Z"),
    });
    const q6 = await ask({
      body: "How much will Measure C cost me?",
      author_id: u4,
      contest_id: measure.id,
      created_at: new Date("2027-01-12T22:00:00Z"),
    });
    await db("question_votes").insert([
      { question_id: q1, user_id: u2 },
      { question_id: q1, user_id: u3 },
      { question_id: q2, user_id: u1 },
      { question_id: q6, user_id: u1 },
      { question_id: q6, user_id: u5 },
    ]);
    await db("answers").insert([
      {
        question_id: q1,
        candidate_id: c1.id,
        kind: "text",
        body: "Build more homes.",
        status: "published",
      },
      {
        question_id: q2,
        candidate_id: c1.id,
        kind: "text",
        body: '=HYPERLINK("x")',
        status: "published",
      },
      {
        question_id: q1,
        candidate_id: c2.id,
        kind: "text",
        body: "Still writing this.",
        status: "draft",
      },
    ]);

    expect(await rollUpReports(db, place.electionId)).toBe(1);
    const stored = await storedReport(db, place.electionId);
    const report = stored!.report;
    expect(report.totals).toEqual({
      asked: 6,
      published: 3,
      rejected: 1,
      pending: 1,
      merged: 1,
      votes: 5,
      participants: 5,
      answers: 2,
    });
    expect(
      report.contests.map(({ contestId, title, ...counts }) => ({ contestId, title, counts })),
    ).toEqual([
      {
        contestId: place.contestId,
        title: { en: "Mayor" },
        counts: {
          asked: 5,
          published: 2,
          rejected: 1,
          pending: 1,
          merged: 1,
          votes: 3,
          participants: 3,
          answers: 2,
        },
      },
      {
        contestId: measure.id,
        title: { en: "Measure C" },
        counts: {
          asked: 1,
          published: 1,
          rejected: 0,
          pending: 0,
          merged: 0,
          votes: 2,
          participants: 3,
          answers: 0,
        },
      },
    ]);
    expect(report.candidates).toEqual([
      {
        candidateId: c1.id,
        contestId: place.contestId,
        ballotName: "First Candidate",
        status: "active",
        questions: 2,
        answered: 2,
      },
      {
        candidateId: c2.id,
        contestId: place.contestId,
        ballotName: "Second Candidate",
        status: "active",
        questions: 1,
        answered: 0,
      },
    ]);
    expect(report.days).toHaveLength(4);
    expect(report.days).toEqual(
      expect.arrayContaining([
        { day: "2027-01-09", contestId: place.contestId, asked: 1 },
        { day: "2027-01-10", contestId: place.contestId, asked: 1 },
        { day: "2027-01-12", contestId: place.contestId, asked: 3 },
        { day: "2027-01-12", contestId: measure.id, asked: 1 },
      ]),
    );

    // a second rollup replaces the row
    await db("question_votes").insert({ question_id: q2, user_id: u5 });
    await rollUpReports(db, place.electionId);
    expect((await storedReport(db, place.electionId))!.report.totals.votes).toBe(6);
    expect((await storedReport(db, place.electionId))!.computedAt.getTime()).toBeGreaterThanOrEqual(
      stored!.computedAt.getTime(),
    );

    const questions = await electionExport(db, place.electionId, "questions");
    const questionsCsv = await text(csvStream(questions!.header, questions!.rows));
    const lines = questionsCsv.split("\r\n");
    expect(lines[0]).toBe(
      "question_id,contest,addressed_to,status,language,question,votes,asked_at,published_at,merged_into",
    );
    expect(lines[1]).toBe(
      `${q1},Mayor,,published,en,"'=1+1, and what is your housing plan?",2,2027-01-10T06:00:00.000Z,,`,
    );
    expect(lines).toHaveLength(8); // header, six questions, and the empty string after the last CRLF

    const answers = await electionExport(db, place.electionId, "answers");
    const answersCsv = await text(csvStream(answers!.header, answers!.rows));
    expect(answersCsv).toContain(`,"'=HYPERLINK(""x"")",`);
    expect(answersCsv).not.toContain("Still writing this.");

    const candidates = await electionExport(db, place.electionId, "candidates");
    expect(await text(csvStream(candidates!.header, candidates!.rows))).toBe(
      "candidate_id,contest,candidate,status,questions,answered,answer_rate_percent\r\n" +
        `${c1.id},Mayor,First Candidate,active,2,2,100\r\n` +
        `${c2.id},Mayor,Second Candidate,active,1,0,0\r\n`,
    );
  });

  it("exports every question exactly once across batches, even with equal timestamps", async () => {
    const place = await createContest(db);
    // one statement: every row gets the same created_at, so only the id orders them
    await db("questions").insert(
      Array.from({ length: 2345 }, (_, i) => ({
        election_id: place.electionId,
        contest_id: place.contestId,
        body: `Generated question number ${i}`,
      })),
    );
    const questions = await electionExport(db, place.electionId, "questions");
    const lines = (await text(csvStream(questions!.header, questions!.rows)))
      .split("\r\n")
      .slice(1, -1);
    expect(lines).toHaveLength(2345);
    expect(new Set(lines.map((line) => line.split(",")[0])).size).toBe(2345);
  });

  it("has no report tables to export before the first rollup", async () => {
    const place = await createContest(db);
    expect(await storedReport(db, place.electionId)).toBeNull();
    expect(await electionExport(db, place.electionId, "days")).toBeNull();
  });
});
