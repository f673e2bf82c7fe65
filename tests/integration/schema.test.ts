import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { createDb, type Db } from "~/lib/db.server";
import { migrateToLatest, pendingMigrations, rollback } from "../../db/schema";
import { createDatabase, dropDatabase } from "../support/database";
import { createContest, createUser } from "../support/fixtures";

describe("migrations on an empty database", () => {
  const name = `civicq_migrations_${process.pid}`;
  let db: Db;
  let url: string;
  beforeAll(async () => {
    url = await createDatabase(name);
    db = createDb(url, 2);
  });
  afterAll(async () => {
    await db.destroy();
    await dropDatabase(name);
  });

  it("migrate, roll back everything and migrate again, twice in a row", async () => {
    for (let round = 0; round < 2; round++) {
      const applied = await migrateToLatest(db, url);
      expect(applied[0]).toBe("20261126000001_domain_schema");
      expect(await pendingMigrations(db)).toEqual([]);
      expect((await rollback(db, true)).sort()).toEqual([...applied].sort());
      const { rows } = await db.raw(
        "select count(*)::int as n from pg_tables where schemaname = 'public' and tablename <> all(array['knex_migrations','knex_migrations_lock'])",
      );
      expect(rows[0].n).toBe(0);
    }
    expect((await migrateToLatest(db, url)).length).toBeGreaterThan(1);
  });
});

describe("domain schema", () => {
  let db: Db;
  beforeAll(() => {
    db = createDb(inject("databaseUrl"), 8);
  });
  afterAll(() => db.destroy());

  it("stores question embeddings in a vector column with an HNSW cosine index", async () => {
    const { rows: columns } = await db.raw(
      "select format_type(atttypid, atttypmod) as type from pg_attribute where attrelid = 'questions'::regclass and attname = 'embedding'",
    );
    expect(columns[0].type).toBe("vector(384)");
    const { rows: indexes } = await db.raw(
      "select indexdef from pg_indexes where tablename = 'questions' and indexname = 'questions_embedding_hnsw'",
    );
    expect(indexes[0].indexdef).toMatch(/USING hnsw \(embedding vector_cosine_ops\)/);
  });

  it("refuses to change or remove audit log rows, for every role", async () => {
    const [row] = await db("audit_log")
      .insert({ action: "test.event", details: { ok: true } })
      .returning("id");
    await expect(
      db("audit_log").where({ id: row.id }).update({ action: "tampered" }),
    ).rejects.toThrow(/audit_log is append-only: UPDATE is not allowed/);
    await expect(db("audit_log").where({ id: row.id }).delete()).rejects.toThrow(
      /append-only: DELETE/,
    );
    await expect(db.raw("truncate audit_log")).rejects.toThrow(/append-only: TRUNCATE/);
    const stored = await db("audit_log").where({ id: row.id }).first();
    expect(stored.action).toBe("test.event");
  });

  it("counts one vote per voter per question exactly, however many arrive at once", async () => {
    const { electionId, contestId } = await createContest(db);
    const [question] = await db("questions")
      .insert({
        election_id: electionId,
        contest_id: contestId,
        body: "Will you fund more bus routes?",
        status: "published",
      })
      .returning("id");
    const voters = await Promise.all(Array.from({ length: 40 }, () => createUser(db)));
    // every voter votes three times concurrently; the database keeps one of each
    const attempts = voters.flatMap((userId) =>
      Array.from({ length: 3 }, () =>
        db("question_votes")
          .insert({ question_id: question.id, user_id: userId })
          .onConflict(["question_id", "user_id"])
          .ignore(),
      ),
    );
    await Promise.all(attempts);
    const stored = await db("questions").where({ id: question.id }).first("vote_count");
    expect(stored.vote_count).toBe(40);
    await db("question_votes").where({ question_id: question.id, user_id: voters[0] }).delete();
    expect((await db("questions").where({ id: question.id }).first("vote_count")).vote_count).toBe(
      39,
    );
  });

  it("keeps a deleted voter's votes counted, unlinked", async () => {
    const { electionId, contestId } = await createContest(db);
    const [question] = await db("questions")
      .insert({
        election_id: electionId,
        contest_id: contestId,
        body: "What is your plan for parks?",
        status: "published",
      })
      .returning("id");
    const userId = await createUser(db);
    await db("question_votes").insert({ question_id: question.id, user_id: userId });
    await db("users").where({ id: userId }).delete();
    expect((await db("questions").where({ id: question.id }).first("vote_count")).vote_count).toBe(
      1,
    );
  });
});
