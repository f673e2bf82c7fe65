import http from "node:http";
import type { App } from "../../support/app-server";
import type { Dataset } from "../dataset";
import { measurement, type Measurement } from "../report";
import { castVote } from "~/services/votes.server";
import { createDb } from "~/lib/db.server";
import { config } from "~/lib/config.server";
import { signedIn } from "../../support/app-server";
import type { Scale } from "../scale";

/**
 * Runs tasks `concurrency` at a time until `total` have run or `seconds` have passed (then no
 * new one starts); returns how many ran and the seconds they took.
 */
async function inParallel(
  total: number,
  concurrency: number,
  task: (index: number) => Promise<void>,
  seconds = Infinity,
): Promise<{ ran: number; seconds: number }> {
  let next = 0;
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total && elapsed() < seconds) await task(next++);
    }),
  );
  return { ran: next, seconds: elapsed() };
}

function post(
  agent: http.Agent,
  app: App,
  path: string,
  cookie: string,
  body: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${app.url}${path}`,
      {
        agent,
        method: "POST",
        headers: {
          Cookie: cookie,
          Origin: app.url,
          Accept: "application/json",
          "Content-Type": "application/x-www-form-urlencoded",
          "Content-Length": Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

const HTTP_CONNECTIONS = 100;
/** The figure: 32 clients against Postgres. */
const DB_CLIENTS = 32;

/**
 * Section 2. Every one of the HTTP voters votes once on each of the 10 hot questions, through the
 * app (100 keep-alive connections), until all have or the scale's time is up; then each count
 * must have grown by exactly the votes the app accepted for it. Then the database part of a
 * vote (castVote) for as many other voters, against as many bare INSERT … ON CONFLICT DO NOTHING
 * into a table of the same shape, through one pool the size of the app's.
 */
export async function benchVotes(input: {
  scale: Scale;
  data: Dataset;
  app: App;
  log: (line: string) => void;
}) {
  const { scale, data, app, log } = input;
  const measurements: Measurement[] = [];
  const { db } = data;
  const hot = data.hotQuestions;
  const before = new Map(
    (await db("questions").whereIn("id", hot).select("id", "vote_count")).map((row) => [
      row.id as string,
      row.vote_count as number,
    ]),
  );
  const cookies: string[] = [];
  for (const voter of data.httpVoters)
    cookies.push((await signedIn(voter, { hasMfa: false })).cookie);

  const agent = new http.Agent({ keepAlive: true, maxSockets: HTTP_CONNECTIONS });
  const total = cookies.length * hot.length;
  const statuses = new Map<number, number>();
  const acceptedBy = new Map<string, number>();
  // voter-major order, so at any moment the 100 requests in flight spread over all 10 questions
  const sent = await inParallel(
    total,
    HTTP_CONNECTIONS,
    async (index) => {
      const question = hot[index % hot.length]!;
      const voter = cookies[Math.floor(index / hot.length)]!;
      const status = await post(agent, app, `/questions/${question}/vote`, voter, "intent=vote");
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status === 200) acceptedBy.set(question, (acceptedBy.get(question) ?? 0) + 1);
    },
    scale.voteSeconds,
  );
  const seconds = sent.seconds;
  agent.destroy();
  const accepted = statuses.get(200) ?? 0;
  const after = await db("questions as q")
    .whereIn("q.id", hot)
    .select(
      "q.id",
      "q.vote_count",
      db.raw("(select count(*)::int from question_votes v where v.question_id = q.id) as rows"),
    );
  const exact = after.every(
    (row) =>
      row.vote_count === before.get(row.id)! + (acceptedBy.get(row.id) ?? 0) &&
      row.rows === row.vote_count,
  );
  log(
    `  ${sent.ran} of ${total} HTTP votes in ${seconds.toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries(statuses))}; counts exact: ${exact}`,
  );

  // the database part, through one pool the size of the app's
  const pool = createDb(data.url, config().DATABASE_POOL_MAX);
  await db.raw(
    "create table if not exists bench_bare_votes (like question_votes including defaults including indexes)",
  );
  const voters = data.dbVoters;
  const dbTotal = voters.length * hot.length;
  const { seconds: voteSeconds } = await inParallel(dbTotal, DB_CLIENTS, async (index) => {
    await castVote(pool, {
      questionId: hot[index % hot.length]!,
      userId: voters[Math.floor(index / hot.length)]!,
      intent: "vote",
    });
  });
  const { seconds: bareSeconds } = await inParallel(dbTotal, DB_CLIENTS, async (index) => {
    await pool.raw(
      "insert into bench_bare_votes (question_id, user_id) values (?, ?) on conflict do nothing",
      [hot[index % hot.length]!, voters[Math.floor(index / hot.length)]!],
    );
  });
  await pool.destroy();

  measurements.push(
    measurement({
      section: "votes",
      name: `votes through HTTP (${cookies.length} voters × ${hot.length} questions, ${HTTP_CONNECTIONS} connections, ${sent.ran} sent)`,
      unit: "votes/s",
      value: accepted / seconds,
      baseline: { name: "database part alone (castVote)", value: dbTotal / voteSeconds },
      details: { statuses: Object.fromEntries(statuses), seconds },
      target: {
        text: "≥ 1,000/s, none lost or doubled",
        test: ({ value }) => value >= 1000 && exact,
      },
    }),
    measurement({
      section: "votes",
      name: `database part of a vote (castVote, ${DB_CLIENTS} clients, pool of ${config().DATABASE_POOL_MAX})`,
      unit: "votes/s",
      value: dbTotal / voteSeconds,
      baseline: { name: "bare INSERT … ON CONFLICT DO NOTHING", value: dbTotal / bareSeconds },
      target: { text: "≥ 0.5× bare insert", test: ({ ratio }) => ratio >= 0.5 },
    }),
  );
  return {
    measurements,
    checks: { "HTTP votes: none lost or doubled": exact && accepted === sent.ran },
  };
}
