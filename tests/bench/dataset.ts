import { createMigratedDatabase } from "../support/database";
import type { Db } from "~/lib/db.server";
import type { Scale } from "./scale";

export const HOT_QUESTIONS = 10;
export const EMBEDDING_DIMENSIONS = 384;
/** Questions per topic cluster: near-duplicates of one another, all in one contest. */
const CLUSTER_SIZE = 100;

export type Dataset = {
  url: string;
  db: Db;
  jurisdiction: string;
  election: string;
  /** slugs, and the contest holding only two questions (for the queries-per-render check) */
  contest: { id: string; slug: string };
  sparseContest: { slug: string };
  candidate: { slug: string };
  question: { id: string };
  hotQuestions: string[];
  /** verified accounts kept free of bulk votes, for the HTTP vote run and the DB vote run */
  httpVoters: string[];
  dbVoters: string[];
  seconds: number;
};

/**
 * A fresh database migrated by the app's own migrations, filled in bulk by INSERT … SELECT over
 * generate_series inside Postgres (no rows cross the wire): one election, its contests,
 * candidates, verified voters, published questions with clustered embeddings, votes and answers.
 * Vote counts are set from the votes in one pass (the per-row trigger is off while loading), and
 * the HNSW index is built once after the rows are in, as a restore would.
 */
export async function createDataset(
  name: string,
  scale: Scale,
  log: (line: string) => void,
): Promise<Dataset> {
  const started = Date.now();
  const { url, db } = await createMigratedDatabase(name);
  const step = async (what: string, sql: string, bindings: Record<string, unknown> = {}) => {
    const at = Date.now();
    // numbers of our own scale, written in: several statements go as one simple query
    await db.raw(
      sql.replace(/(?<!:):(\w+)/g, (all, key: string) =>
        key in bindings ? String(bindings[key]) : all,
      ),
    );
    log(`  ${what} (${((Date.now() - at) / 1000).toFixed(1)} s)`);
  };
  const p = {
    contests: scale.contests,
    candidates: scale.candidates,
    questions: scale.questions,
    votes: scale.votes,
    bulkVoters: scale.bulkVoters,
    httpVoters: scale.httpVoters,
    clusters: Math.max(
      scale.contests,
      Math.ceil(scale.questions / CLUSTER_SIZE / scale.contests) * scale.contests,
    ),
    dims: EMBEDDING_DIMENSIONS,
    // a pool of noise vectors (a prime count, so cluster and noise pair up differently)
    noise: 997,
  };
  await step(
    "election and contests",
    `with j as (insert into jurisdictions (slug, name, kind) values ('bench-county', '{"en":"Bench County","es":"Condado de Bench"}', 'county') returning id),
     e as (insert into elections (jurisdiction_id, slug, name, election_date, status)
           select id, 'general', '{"en":"General Election","es":"Elección general"}', '2027-11-02', 'questions_open' from j returning id)
     insert into contests (election_id, kind, slug, title, description, ballot_order)
     select e.id, 'candidate', 'contest-' || n, jsonb_build_object('en', 'Contest ' || n, 'es', 'Contienda ' || n),
            jsonb_build_object('en', 'Who will represent district ' || n || '.'), n
     from e, generate_series(0, :contests) n`,
    p,
  );
  // contest-0 is the sparse one: two questions, so its page shows fewer than a full page
  await step(
    "candidates",
    `insert into candidates (contest_id, ballot_name, slug, bio, ballot_order)
     select c.id, 'Candidate ' || n, 'candidate-' || n, '{"en":"A lifelong resident."}', n
     from generate_series(0, :candidates + 1) n
     join contests c on c.slug = 'contest-' || (case when n <= 1 then 0 else n % :contests + 1 end)`,
    p,
  );
  await step(
    "voters",
    `insert into users (email, email_verified_at, display_name)
     select kind || '-' || n || '@bench.example', now(), 'Voter ' || n
     from (values ('bulk', :bulkVoters), ('http', :httpVoters), ('db', :httpVoters)) as k(kind, size),
          lateral generate_series(1, size) n`,
    p,
  );
  await step("drop the HNSW index while loading", "drop index questions_embedding_hnsw");
  await step(
    "questions with clustered embeddings",
    // triggers off while loading (as a restore does): no page-change notice for each new row
    `set session_replication_role = replica;
     -- "+ k * 0": a correlated subquery, evaluated per row (else once, and all rows alike)
     create temporary table centers as
       select k, cast(array(select random() * 2 - 1 from generate_series(1, :dims + k * 0)) as vector) as v
       from generate_series(0, :clusters - 1) k;
     create temporary table noise as
       select j, cast(array(select (random() - 0.5) * 1.2 from generate_series(1, :dims + j * 0)) as vector) as v
       from generate_series(0, :noise - 1) j;
     insert into questions (election_id, contest_id, body, status, published_at, created_at, embedding)
     select c.election_id, c.id,
            'Question ' || n || ': what will you do about topic ' || (n % :clusters) || ' and the ' ||
              (array['buses','rent','parks','schools','water','libraries','roads','housing'])[n % 8 + 1] || ' of ward ' || (n % 97) || '?',
            'published', now() - n * interval '1 second', now() - n * interval '1 second',
            centers.v + noise.v
     from generate_series(0, :questions - 1) n
     join contests c on c.slug = 'contest-' || (n % :contests + 1)
     join centers on centers.k = n % :clusters
     join noise on noise.j = n % :noise;
     insert into questions (election_id, contest_id, body, status, published_at)
     select election_id, id, 'Sparse question ' || n || ': is this contest quiet?', 'published', now()
     from contests, generate_series(1, 2) n where slug = 'contest-0';
     set session_replication_role = default`,
    p,
  );
  await step(
    "votes (trigger off, counts set in one pass)",
    `create temporary table numbered_questions as
       select row_number() over (order by id) - 1 as n, id from questions;
     create temporary table numbered_voters as
       select row_number() over (order by id) - 1 as n, id from users where email like 'bulk-%';
     alter table numbered_questions add primary key (n);
     alter table numbered_voters add primary key (n);
     set session_replication_role = replica;
     insert into question_votes (question_id, user_id, created_at)
     select q.id, u.id, now() - (i % 200000) * interval '1 second'
     from generate_series(0, :votes - 1) i
     join numbered_questions q on q.n = i % (select count(*) from numbered_questions)
     join numbered_voters u on u.n = i / (select count(*) from numbered_questions);
     set session_replication_role = default;
     update questions set vote_count = v.count
     from (select question_id, count(*)::int as count from question_votes group by question_id) v
     where v.question_id = questions.id`,
    p,
  );
  await step(
    "answers",
    `set session_replication_role = replica;
     insert into answers (question_id, candidate_id, kind, body, status, published_at)
     select q.id, k.id, 'text', 'My answer: we will fund it and report on it every quarter.', 'published', now()
     from candidates k
     cross join lateral (select id from questions where contest_id = k.contest_id order by created_at desc limit 5) q;
     set session_replication_role = default`,
  );
  await step(
    "HNSW index (as the migration defines it) and statistics",
    `set maintenance_work_mem = '512MB';
     create index questions_embedding_hnsw on questions using hnsw (embedding vector_cosine_ops) with (m = 16, ef_construction = 64);
     analyze`,
  );
  const contest = await db("contests").where({ slug: "contest-1" }).first("id", "slug");
  const candidate = await db("candidates")
    .where({ contest_id: contest.id })
    .orderBy("ballot_order")
    .first("slug");
  const hot = await db("questions")
    .where({ contest_id: contest.id })
    .orderBy("created_at", "desc")
    .limit(HOT_QUESTIONS)
    .pluck("id");
  const voters = (kind: string) =>
    db("users").whereLike("email", `${kind}-%`).orderBy("email").pluck("id") as Promise<string[]>;
  return {
    url,
    db,
    jurisdiction: "bench-county",
    election: "general",
    contest,
    sparseContest: { slug: "contest-0" },
    candidate,
    question: { id: hot[0] },
    hotQuestions: hot,
    httpVoters: await voters("http"),
    dbVoters: await voters("db"),
    seconds: (Date.now() - started) / 1000,
  };
}
