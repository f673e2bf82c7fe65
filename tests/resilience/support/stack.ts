import { spawn, type ChildProcess } from "node:child_process";
import { createDb, type Db } from "~/lib/db.server";
import { migrateToLatest } from "../../../db/schema";
import type { App } from "../../support/app-server";
import { createContest, createUser } from "../../support/fixtures";
import { exited } from "../../support/processes";
import {
  startPrivatePostgres,
  startPrivateRedis,
  type PrivatePostgres,
  type PrivateRedis,
} from "./services";

/**
 * A whole CivicQ back end on private services for one fault test: a migrated database on its own
 * PostgreSQL, its own Redis, verified voters with sessions, a candidate with questions to answer,
 * and writers that vote, ask and answer over HTTP, recording which writes the app accepted.
 */
type Ledger = { accepted: string[]; refused: number; errors: number };
export type Writers = {
  votes: Ledger;
  questions: Ledger;
  answers: Ledger;
  stop: () => Promise<void>;
};

export type Stack = {
  postgres: PrivatePostgres;
  redis: PrivateRedis;
  db: Db;
  databaseUrl: string;
  /** the environment an app or a worker of this stack runs with */
  appEnv: Record<string, string>;
  slug: string;
  voters: Array<{ id: string; cookie: string }>;
  candidate: { cookie: string; questionIds: string[] };
  /** published questions voters vote on */
  questionIds: string[];
  startWriters: (
    app: App,
    options?: { only?: Array<"votes" | "questions" | "answers"> },
  ) => Writers;
  storedWrites: (
    writers: Pick<Writers, "votes" | "questions" | "answers">,
  ) => Promise<{ votes: number; questions: number; answers: number }>;
  voteOnce: (app: App) => Promise<number>;
  failedJobs: () => Promise<number>;
  startWorker: (env?: Record<string, string>) => ChildProcess & { output: () => string };
  stop: () => Promise<void>;
};

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startStack(label: string, { voters: voterCount = 20 } = {}): Promise<Stack> {
  const postgres = await startPrivatePostgres();
  const redis = await startPrivateRedis();
  const admin = createDb(postgres.url(), 1);
  await admin.raw("create database civicq");
  await admin.destroy();
  const databaseUrl = postgres.url("civicq");
  const db = createDb(databaseUrl, 4);
  await migrateToLatest(db, databaseUrl);
  // this process opens sessions in the stack's own stores
  process.env.DATABASE_URL = databaseUrl;
  process.env.REDIS_URL = redis.url;
  const { signedIn } = await import("../../support/app-server");

  const asking = await createContest(db);
  const slug = `${label}-county`;
  await db("jurisdictions").where({ id: asking.jurisdictionId }).update({ slug });
  const answering = await createContest(db);
  await db("elections").where({ id: answering.electionId }).update({ status: "answers_open" });
  const [candidacy] = await db("candidates")
    .insert({ contest_id: answering.contestId, ballot_name: "Fault Candidate", slug: "fault" })
    .returning("id");
  const candidateUser = await createUser(db, `${label}-candidate@example.test`);
  await db("users")
    .where({ id: candidateUser })
    .update({ email_verified_at: db.fn.now(), mfa_enabled_at: db.fn.now() });
  await db("role_grants").insert({
    user_id: candidateUser,
    role: "candidate",
    jurisdiction_id: answering.jurisdictionId,
  });
  await db("candidates").where({ id: candidacy.id }).update({ user_id: candidateUser });

  const publish = async (contest: typeof asking, count: number, prefix: string) => {
    const rows = await db("questions")
      .insert(
        Array.from({ length: count }, (_, n) => ({
          election_id: contest.electionId,
          contest_id: contest.contestId,
          body: `${prefix} question number ${n}: what is your plan?`,
          status: "published",
          published_at: db.fn.now(),
        })),
      )
      .returning("id");
    return rows.map((row: { id: string }) => row.id);
  };
  const questionIds = await publish(asking, 40, "Voter");
  const toAnswer = await publish(answering, 200, "Candidate");

  const voters: Stack["voters"] = [];
  for (let n = 0; n < voterCount; n += 1) {
    const id = await createUser(db, `${label}-voter-${n}@example.test`);
    await db("users").where({ id }).update({ email_verified_at: db.fn.now() });
    voters.push({ id, cookie: (await signedIn(id, { hasMfa: false })).cookie });
  }
  const candidate = {
    cookie: (await signedIn(candidateUser, { hasMfa: true })).cookie,
    questionIds: toAnswer,
  };
  const appEnv = { REDIS_URL: redis.url, LOG_LEVEL: "error", SMTP_URL: "smtp://127.0.0.1:9" };
  const workers: ChildProcess[] = [];

  const stack: Stack = {
    postgres,
    redis,
    db,
    databaseUrl,
    appEnv,
    slug,
    voters,
    candidate,
    questionIds,
    startWriters(app, { only = ["votes", "questions", "answers"] } = {}) {
      const ledger = (): Ledger => ({ accepted: [], refused: 0, errors: 0 });
      const writers = { votes: ledger(), questions: ledger(), answers: ledger() };
      let running = true;
      const record = (kind: Ledger, response: Response | null, key: string | null) => {
        if (!response)
          kind.errors += 1; // the connection failed: nothing was accepted
        else if (response.status >= 500) kind.errors += 1;
        else if (key) kind.accepted.push(key);
        else kind.refused += 1;
      };
      const attempt = (path: string, cookie: string, form: Record<string, string>) =>
        app.request(path, { cookie, form }).catch(() => null);
      const loops: Promise<void>[] = [];
      if (only.includes("votes"))
        loops.push(
          ...voters.map(async (voter, v) => {
            for (let q = 0; running && q < questionIds.length; q += 1) {
              const questionId = questionIds[(q + v) % questionIds.length]!;
              const response = await attempt(`/questions/${questionId}/vote`, voter.cookie, {
                intent: "vote",
                returnTo: "/",
              });
              const location = response?.headers.get("Location") ?? "";
              record(
                writers.votes,
                response,
                response?.status === 303 && location === "/" ? `${voter.id} ${questionId}` : null,
              );
              await response?.body?.cancel();
              await pause(50);
            }
          }),
        );
      if (only.includes("questions"))
        loops.push(
          ...voters.slice(0, 5).map(async (voter, v) => {
            for (let n = 0; running && n < 8; n += 1) {
              const response = await attempt(`/elections/${slug}/general/mayor/ask`, voter.cookie, {
                body: `Fault ${label} voter ${v} asks question ${n}: will you keep the clinic open late?`,
                candidate: "all",
                confirmed: "1",
              });
              const id = /^\/questions\/([0-9a-f-]{36})/.exec(
                response?.headers.get("Location") ?? "",
              )?.[1];
              record(writers.questions, response, response?.status === 303 && id ? id : null);
              await response?.body?.cancel();
              await pause(200);
            }
          }),
        );
      if (only.includes("answers"))
        loops.push(
          (async () => {
            for (let n = 0; running && n < toAnswer.length; n += 1) {
              const questionId = toAnswer[n]!;
              const response = await attempt(
                `/candidate/questions/${questionId}`,
                candidate.cookie,
                {
                  intent: "publish",
                  body: `My answer to question ${n}: yes, and here is how we pay for it.`,
                },
              );
              const done = (response?.headers.get("Location") ?? "").includes("done=");
              record(
                writers.answers,
                response,
                response?.status === 303 && done ? questionId : null,
              );
              await response?.body?.cancel();
              await pause(100);
            }
          })(),
        );
      return {
        ...writers,
        async stop() {
          running = false;
          await Promise.all(loops);
        },
      };
    },
    async storedWrites({ votes, questions, answers }) {
      const pairs = votes.accepted.map((key) => key.split(" "));
      let storedVotes = 0;
      for (const [userId, questionId] of pairs)
        if (await db("question_votes").where({ user_id: userId, question_id: questionId }).first())
          storedVotes += 1;
      const storedQuestions = questions.accepted.length
        ? Number((await db("questions").whereIn("id", questions.accepted).count({ n: "*" }))[0]!.n)
        : 0;
      const storedAnswers = answers.accepted.length
        ? Number(
            (
              await db("answers")
                .whereIn("question_id", answers.accepted)
                .whereNotNull("published_at")
                .countDistinct({ n: "question_id" })
            )[0]!.n,
          )
        : 0;
      return { votes: storedVotes, questions: storedQuestions, answers: storedAnswers };
    },
    async voteOnce(app) {
      const voter = voters[0]!;
      const response = await app.request(`/questions/${questionIds.at(-1)}/vote`, {
        cookie: voter.cookie,
        form: { intent: "unvote", returnTo: "/" },
      });
      await response.body?.cancel();
      return response.status;
    },
    async failedJobs() {
      const [row] = await db("graphile_worker._private_jobs")
        .whereRaw("attempts >= max_attempts")
        .count({ n: "*" });
      return Number(row?.n ?? 0);
    },
    startWorker(env = {}) {
      const child = spawn(process.execPath, ["build/worker.js"], {
        env: {
          ...process.env,
          NODE_ENV: "test",
          DATABASE_URL: databaseUrl,
          ...appEnv,
          LOG_LEVEL: "info",
          ...env,
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout!.on("data", (chunk) => (output += chunk));
      child.stderr!.on("data", (chunk) => (output += chunk));
      workers.push(child);
      return Object.assign(child, { output: () => output });
    },
    async stop() {
      for (const worker of workers) {
        if (worker.exitCode === null && worker.signalCode === null) worker.kill("SIGKILL");
        await exited(worker);
      }
      await db.destroy();
      const [{ closeSharedClients }] = await Promise.all([import("../../support/app-server")]);
      await closeSharedClients();
      await redis.remove();
      await postgres.stop();
    },
  };
  return stack;
}
