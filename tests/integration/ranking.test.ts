import pgvector from "pgvector/knex";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type Db } from "~/lib/db.server";
import { embeddingProvider } from "~/lib/embeddings.server";
import { listContestQuestions } from "~/services/question-reads.server";
import { rankContest } from "~/services/ranking.server";
import type { SupportFilter } from "~/services/vote-counting.server";

const EVERY_VOTER: SupportFilter = { electorate: "all" };
import { createContest } from "../support/fixtures";

/**
 * The representative ranking against an organised bloc: 60 accounts that vote together for the
 * 15 questions of one faction, against 45 voters spread over 15 other questions (each of those
 * gets 9 votes from 3 different groups of like-minded voters) and 3 near-duplicates of one
 * question. Plain "most votes" hands the bloc the whole top ten; the default "top" must not.
 */
const FACTION = [
  "Will you double the number of police patrols downtown at night?",
  "Should the city buy armoured vehicles for the sheriff's office?",
  "Will you hire two hundred more officers before the next budget?",
  "Do you support mandatory curfews for teenagers in the town centre?",
  "Will you end the civilian oversight board for police misconduct?",
  "Should private security firms guard every public park after dark?",
  "Will you install facial recognition cameras on every street corner?",
  "Would you let officers stop and search without a warrant near schools?",
  "Will you build a second county jail with a thousand more beds?",
  "Should shoplifting over fifty dollars carry a mandatory prison term?",
  "Will you put armed guards in each elementary school classroom?",
  "Would you give the police department a bigger share than the libraries?",
  "Will you ban homeless encampments everywhere inside the city limits?",
  "Should drones patrol the riverside neighbourhoods every single night?",
  "Will you triple fines for loitering outside shops and bus stations?",
];
const BROAD = [
  "How will you fix the potholes on the main roads before winter?",
  "What is your plan to lower water bills for pensioners?",
  "Will bus service run later than nine in the evening?",
  "How will you make the library open on Sundays again?",
  "What will you do about the rising cost of childcare?",
  "Will you publish every council contract on the county website?",
  "How do you plan to bring a grocery store to the east side?",
  "Should the county plant shade trees along school walking routes?",
  "What would you change in how building permits are approved?",
  "How will you keep the public swimming pool open all summer?",
  "Will you add protected bike lanes on Harbor Avenue?",
  "What is your position on rent increases for mobile home parks?",
  "How would you reduce flooding in the lower valley after storms?",
  "Will you fund free school meals for every child in the county?",
  "How should the county attract more family doctors to rural areas?",
];
const NEAR_DUPLICATES = [
  "Will you publish the county budget online every month?",
  "Will you publish the county budget online each month?",
  "Would you publish the county budget online every month?",
];

describe("representative ranking", () => {
  let db: Db;
  let contestId: string;
  const ids = { faction: [] as string[], broad: [] as string[], duplicates: [] as string[] };

  beforeAll(async () => {
    db = createDb(inject("databaseUrl"));
    const contest = await createContest(db);
    contestId = contest.contestId;
    const [safety] = await db("topic_tags")
      .insert({
        jurisdiction_id: contest.jurisdictionId,
        slug: "public-safety",
        name: { en: "Public safety" },
      })
      .returning("id");
    const ask = async (body: string, minutesAgo: number) => {
      const [row] = await db("questions")
        .insert({
          election_id: contest.electionId,
          contest_id: contestId,
          body,
          status: "published",
          published_at: new Date(Date.now() - minutesAgo * 60_000),
          embedding: pgvector.toSql(await embeddingProvider().embed(body)),
        })
        .returning("id");
      return row.id as string;
    };
    for (const [i, body] of FACTION.entries()) ids.faction.push(await ask(body, 60 + i));
    for (const [i, body] of BROAD.entries()) ids.broad.push(await ask(body, 30 + i));
    for (const [i, body] of NEAR_DUPLICATES.entries()) ids.duplicates.push(await ask(body, 10 + i));
    await db("question_tags").insert(
      ids.faction.map((questionId) => ({ question_id: questionId, tag_id: safety.id })),
    );

    const voters = async (label: string, count: number) =>
      (
        await db("users")
          .insert(
            Array.from({ length: count }, (_, i) => ({
              email: `${label}-${i}-${contestId}@example.test`,
            })),
          )
          .returning("id")
      ).map((row) => row.id as string);
    const bloc = await voters("bloc", 60);
    const spread = await voters("spread", 45);
    const votes: Array<{ question_id: string; user_id: string }> = [];
    for (const voter of bloc)
      for (const question of ids.faction) votes.push({ question_id: question, user_id: voter });
    // voter i supports broad questions i, i+3 and i+7 (mod 15): 9 votes per question
    spread.forEach((voter, i) => {
      for (const offset of [0, 3, 7])
        votes.push({ question_id: ids.broad[(i + offset) % 15]!, user_id: voter });
    });
    // 15 of the spread voters split their support over the three near-duplicates
    spread.slice(0, 15).forEach((voter, i) => {
      votes.push({ question_id: ids.duplicates[i % 3]!, user_id: voter });
    });
    await db.batchInsert("question_votes", votes, 500);
    await rankContest(db, contestId);
  });

  afterAll(async () => {
    await db?.destroy();
  });

  it("keeps an organised bloc from filling the top ten, shows near-duplicates once", async () => {
    const kindOf = (id: string) =>
      ids.faction.includes(id) ? "bloc" : ids.broad.includes(id) ? "broad" : "duplicate";
    const top = (await listContestQuestions(db, contestId, "top", 1, EVERY_VOTER)).questions.slice(
      0,
      10,
    );
    const votes = (
      await listContestQuestions(db, contestId, "votes", 1, EVERY_VOTER)
    ).questions.slice(0, 10);
    const count = (list: typeof top, kind: string) =>
      list.filter((question) => kindOf(question.id) === kind).length;

    console.log("\nTop ten, default 'top' (representative) order:");
    console.table(
      top.map((question, i) => ({
        place: i + 1,
        kind: kindOf(question.id),
        votes: question.voteCount,
        clusterSupport: question.cluster?.supporters ?? null,
        clusterSize: question.cluster?.size ?? null,
        question: question.body.slice(0, 50),
      })),
    );
    console.table([
      {
        order: "most votes",
        bloc: count(votes, "bloc"),
        broad: count(votes, "broad"),
        duplicates: count(votes, "duplicate"),
      },
      {
        order: "top (representative)",
        bloc: count(top, "bloc"),
        broad: count(top, "broad"),
        duplicates: count(top, "duplicate"),
      },
    ]);

    expect(count(votes, "bloc")).toBe(10);
    expect(count(top, "bloc")).toBeLessThanOrEqual(3);
    expect(count(top, "bloc")).toBeGreaterThan(0); // capped, not silenced
    expect(count(top, "broad")).toBeGreaterThanOrEqual(6);
    // the three near-duplicates appear once, with their 15 supporters combined
    expect(count(top, "duplicate")).toBe(1);
    const cluster = top.find((question) => kindOf(question.id) === "duplicate")!;
    expect(cluster.cluster).toEqual({ supporters: 15, size: 3 });
    expect(top[0]!.voteCount).toBe(60); // the bloc's best question still leads on support
  });

  it("decays: a week later the same votes weigh half, and new support overtakes", async () => {
    const weekLater = new Date(Date.now() + 7 * 86_400_000);
    const [before] = await rankContest(db, contestId);
    const [after] = await rankContest(db, contestId, weekLater);
    expect(after!.support).toBeCloseTo(before!.support / 2, 1);
    await rankContest(db, contestId);
  });
});
