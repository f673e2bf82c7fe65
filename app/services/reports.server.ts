import { audit, type Actor } from "~/lib/audit.server";
import type { CsvExport, CsvValue } from "~/lib/csv.server";
import type { Knex } from "knex";
import { inBatches } from "~/lib/batches.server";
import type { Db, DbOrTransaction } from "~/lib/db.server";
import type { LocalizedText } from "~/lib/i18n";
import { enqueue } from "~/lib/queue.server";

/**
 * Participation reports. The worker rolls each election up into one row of
 * `election_report_rollups` (nightly, and when a clerk asks for a refresh), so a report page
 * reads one small row however many questions and votes the election has.
 *
 * Definitions: "asked" counts every question submitted (whatever became of it); "published",
 * "rejected", "pending" and "merged" count questions by their status now; "votes" counts the
 * votes on the election's questions; "participants" counts distinct accounts that asked or
 * voted (deleted accounts can no longer be told apart, so they are not counted); a candidate's
 * answer rate is the share of the contest's published questions open to them (addressed to them
 * or to every candidate) that they have a published answer to.
 */
export type ReportCounts = {
  asked: number;
  published: number;
  rejected: number;
  pending: number;
  merged: number;
  votes: number;
  participants: number;
  answers: number;
};

export type ContestReport = ReportCounts & {
  contestId: string;
  title: LocalizedText;
};

export type CandidateReport = {
  candidateId: string;
  contestId: string;
  ballotName: string;
  status: "active" | "withdrawn";
  questions: number;
  answered: number;
};

export type DayReport = { day: string; contestId: string; asked: number };

export type ElectionReport = {
  totals: ReportCounts;
  contests: ContestReport[];
  candidates: CandidateReport[];
  /** questions asked per calendar day in the jurisdiction's time zone, per contest */
  days: DayReport[];
};

const ZERO: ReportCounts = {
  asked: 0,
  published: 0,
  rejected: 0,
  pending: 0,
  merged: 0,
  votes: 0,
  participants: 0,
  answers: 0,
};

type CountRow = { contest_id: string | null } & Record<string, string | number | null>;

/**
 * Counts keyed by contest, plus the election's total under "" (grouping sets: one scan gives
 * both, and the total's distinct participants are distinct across contests too).
 */
function byContest(rows: CountRow[]): Map<string, Partial<ReportCounts>> {
  const map = new Map<string, Partial<ReportCounts>>();
  for (const { contest_id, ...counts } of rows) {
    map.set(
      contest_id ?? "",
      Object.fromEntries(Object.entries(counts).map(([key, value]) => [key, Number(value ?? 0)])),
    );
  }
  return map;
}

/** Computes one election's report from the live tables. */
async function computeReport(db: DbOrTransaction, electionId: string): Promise<ElectionReport> {
  const [contests, questionRows, voteRows, participantRows, answerRows, candidates, days] =
    await Promise.all([
      db("contests")
        .where({ election_id: electionId })
        .orderBy([{ column: "ballot_order" }, { column: "slug" }])
        .select<Array<{ id: string; title: LocalizedText }>>("id", "title"),
      db.raw(
        `select contest_id, count(*) as asked,
                count(*) filter (where status = 'published') as published,
                count(*) filter (where status = 'rejected') as rejected,
                count(*) filter (where status = 'pending') as pending,
                count(*) filter (where status = 'merged') as merged
           from questions where election_id = ?
          group by grouping sets ((contest_id), ())`,
        [electionId],
      ),
      db.raw(
        `select q.contest_id, count(*) as votes
           from question_votes v join questions q on q.id = v.question_id
          where q.election_id = ?
          group by grouping sets ((q.contest_id), ())`,
        [electionId],
      ),
      db.raw(
        `select contest_id, count(distinct user_id) as participants from (
           select contest_id, author_id as user_id from questions
            where election_id = ? and author_id is not null
           union all
           select q.contest_id, v.user_id from question_votes v join questions q on q.id = v.question_id
            where q.election_id = ? and v.user_id is not null
         ) as p
         group by grouping sets ((contest_id), ())`,
        [electionId, electionId],
      ),
      db.raw(
        `select q.contest_id, count(*) as answers
           from answers a join questions q on q.id = a.question_id
          where q.election_id = ? and a.status = 'published'
          group by grouping sets ((q.contest_id), ())`,
        [electionId],
      ),
      db.raw(
        `select c.id, c.contest_id, c.ballot_name, c.status,
                count(q.id) as questions,
                count(a.id) as answered
           from candidates c
           join contests k on k.id = c.contest_id
           left join questions q on q.contest_id = c.contest_id and q.status = 'published'
                                and (q.candidate_id is null or q.candidate_id = c.id)
           left join answers a on a.question_id = q.id and a.candidate_id = c.id
                              and a.status = 'published'
          where k.election_id = ?
          group by c.id, k.ballot_order
          order by k.ballot_order, c.ballot_order, c.ballot_name`,
        [electionId],
      ),
      db.raw(
        `select to_char((q.created_at at time zone j.time_zone)::date, 'YYYY-MM-DD') as day,
                q.contest_id, count(*) as asked
           from questions q
           join elections e on e.id = q.election_id
           join jurisdictions j on j.id = e.jurisdiction_id
          where q.election_id = ?
          group by 1, 2
          order by 1, 2`,
        [electionId],
      ),
    ]);
  const counted = [questionRows, voteRows, participantRows, answerRows].map((result) =>
    byContest(result.rows as CountRow[]),
  );
  const countsFor = (contestId: string): ReportCounts =>
    Object.assign({ ...ZERO }, ...counted.map((map) => map.get(contestId) ?? {}));
  return {
    totals: countsFor(""),
    contests: contests.map((contest) => ({
      contestId: contest.id,
      title: contest.title,
      ...countsFor(contest.id),
    })),
    candidates: candidates.rows.map((row: Record<string, string>) => ({
      candidateId: row.id,
      contestId: row.contest_id,
      ballotName: row.ballot_name,
      status: row.status,
      questions: Number(row.questions),
      answered: Number(row.answered),
    })),
    days: days.rows.map((row: Record<string, string>) => ({
      day: row.day,
      contestId: row.contest_id,
      asked: Number(row.asked),
    })),
  };
}

/**
 * Recomputes and stores the report of one election, or (nightly) of every election still
 * changing — all but archived ones that already have a report. Returns how many were rolled up.
 */
export async function rollUpReports(db: Db, electionId?: string): Promise<number> {
  const ids: string[] = electionId
    ? [electionId]
    : await db("elections as e")
        .leftJoin("election_report_rollups as r", "r.election_id", "e.id")
        .where((scope) => scope.whereNot("e.status", "archived").orWhereNull("r.election_id"))
        .pluck("e.id");
  for (const id of ids) {
    const report = await computeReport(db, id);
    await db("election_report_rollups")
      .insert({ election_id: id, report, computed_at: db.fn.now() })
      .onConflict("election_id")
      .merge();
  }
  return ids.length;
}

/** The stored report of an election and when it was computed; null before the first rollup. */
export async function storedReport(
  db: DbOrTransaction,
  electionId: string,
): Promise<{ report: ElectionReport; computedAt: Date } | null> {
  const row = await db("election_report_rollups")
    .where({ election_id: electionId })
    .first("report", "computed_at");
  return row ? { report: row.report, computedAt: row.computed_at } : null;
}

/**
 * Queues a rollup of the election now. The job key makes repeated clicks (or two clerks) one
 * job: a waiting job is replaced, never doubled.
 */
export async function requestReportRefresh(
  db: Db,
  scope: { jurisdictionId: string; electionId: string },
  actor: Actor,
): Promise<void> {
  await db.transaction(async (trx) => {
    await enqueue(
      trx,
      "rollup_election_reports",
      { electionId: scope.electionId },
      { jobKey: `report-rollup:${scope.electionId}`, maxAttempts: 3 },
    );
    await audit(trx, actor, {
      action: "report.refresh_requested",
      targetType: "election",
      targetId: scope.electionId,
      jurisdictionId: scope.jurisdictionId,
    });
  });
}

/** The answer rate as a whole percentage, or null when there was nothing to answer. */
export function answerRate(
  candidate: Pick<CandidateReport, "questions" | "answered">,
): number | null {
  return candidate.questions === 0
    ? null
    : Math.round((candidate.answered / candidate.questions) * 100);
}

// ---------------------------------------------------------------------------------------------
// Exports
// ---------------------------------------------------------------------------------------------

export const EXPORT_TABLES = ["questions", "answers", "contests", "candidates", "days"] as const;
export type ExportTable = (typeof EXPORT_TABLES)[number];

const EXPORT_BATCH = 1000;

/**
 * Rows in the order (created_at, id), a batch at a time. The keyset carries created_at as
 * Postgres wrote it (text, to the microsecond): a JavaScript Date keeps only milliseconds.
 */
async function* byCreation<T extends { id: string; created_key: string }>(
  query: Knex.QueryBuilder,
  alias: string,
  toRow: (row: T) => CsvValue[],
) {
  const rows = inBatches<T>((after) => {
    const batch = query.clone().limit(EXPORT_BATCH);
    if (after)
      batch.whereRaw(`(${alias}.created_at, ${alias}.id) > (?::timestamptz, ?)`, [
        after.created_key,
        after.id,
      ]);
    return batch;
  }, EXPORT_BATCH);
  for await (const row of rows) yield toRow(row);
}

/** The election's questions, one per row, oldest first (no author: exports carry no voter). */
function questionsExport(db: DbOrTransaction, electionId: string): CsvExport {
  type Row = {
    id: string;
    contest: string;
    candidate: string | null;
    status: string;
    language: string;
    body: string;
    vote_count: number;
    created_at: Date;
    created_key: string;
    published_at: Date | null;
    merged_into_id: string | null;
  };
  const query = db("questions as q")
    .join("contests as k", "k.id", "q.contest_id")
    .leftJoin("candidates as c", "c.id", "q.candidate_id")
    .where("q.election_id", electionId)
    .orderBy([{ column: "q.created_at" }, { column: "q.id" }])
    .select(
      "q.id",
      db.raw("k.title->>'en' as contest"),
      "c.ballot_name as candidate",
      "q.status",
      "q.language",
      "q.body",
      "q.vote_count",
      "q.created_at",
      db.raw("q.created_at::text as created_key"),
      "q.published_at",
      "q.merged_into_id",
    );
  return {
    header: [
      "question_id",
      "contest",
      "addressed_to",
      "status",
      "language",
      "question",
      "votes",
      "asked_at",
      "published_at",
      "merged_into",
    ],
    rows: byCreation<Row>(query, "q", (r) => [
      r.id,
      r.contest,
      r.candidate,
      r.status,
      r.language,
      r.body,
      r.vote_count,
      r.created_at,
      r.published_at,
      r.merged_into_id,
    ]),
  };
}

function answersExport(db: DbOrTransaction, electionId: string): CsvExport {
  type Row = {
    id: string;
    question_id: string;
    contest: string;
    candidate: string;
    kind: string;
    status: string;
    body: string | null;
    hidden_reason: string | null;
    published_at: Date | null;
    created_key: string;
  };
  const query = db("answers as a")
    .join("questions as q", "q.id", "a.question_id")
    .join("contests as k", "k.id", "q.contest_id")
    .join("candidates as c", "c.id", "a.candidate_id")
    .where("q.election_id", electionId)
    .whereNot("a.status", "draft")
    .orderBy([{ column: "a.created_at" }, { column: "a.id" }])
    .select(
      "a.id",
      "a.question_id",
      db.raw("k.title->>'en' as contest"),
      "c.ballot_name as candidate",
      "a.kind",
      "a.status",
      "a.body",
      "a.hidden_reason",
      "a.published_at",
      db.raw("a.created_at::text as created_key"),
    );
  return {
    header: [
      "answer_id",
      "question_id",
      "contest",
      "candidate",
      "kind",
      "status",
      "answer",
      "hidden_reason",
      "published_at",
    ],
    rows: byCreation<Row>(query, "a", (r) => [
      r.id,
      r.question_id,
      r.contest,
      r.candidate,
      r.kind,
      r.status,
      r.body,
      r.hidden_reason,
      r.published_at,
    ]),
  };
}

const COUNT_COLUMNS = [
  "asked",
  "published",
  "rejected",
  "pending",
  "merged",
  "votes",
  "participants",
  "answers",
] as const satisfies ReadonlyArray<keyof ReportCounts>;

/** One table of the stored report (the numbers the report page shows), in English titles. */
function reportTableExport(
  report: ElectionReport,
  table: "contests" | "candidates" | "days",
): CsvExport {
  const titles = new Map(report.contests.map((c) => [c.contestId, c.title.en ?? ""]));
  switch (table) {
    case "contests":
      return {
        header: ["contest_id", "contest", ...COUNT_COLUMNS],
        rows: [
          ...report.contests.map((c) => [
            c.contestId,
            c.title.en,
            ...COUNT_COLUMNS.map((k) => c[k]),
          ]),
          ["", "all contests", ...COUNT_COLUMNS.map((k) => report.totals[k])],
        ],
      };
    case "candidates":
      return {
        header: [
          "candidate_id",
          "contest",
          "candidate",
          "status",
          "questions",
          "answered",
          "answer_rate_percent",
        ],
        rows: report.candidates.map((c) => [
          c.candidateId,
          titles.get(c.contestId),
          c.ballotName,
          c.status,
          c.questions,
          c.answered,
          answerRate(c),
        ]),
      };
    case "days":
      return {
        header: ["day", "contest_id", "contest", "questions_asked"],
        rows: report.days.map((d) => [d.day, d.contestId, titles.get(d.contestId), d.asked]),
      };
  }
}

/** The rows of one export; null when it is a report table and no report was computed yet. */
export async function electionExport(
  db: DbOrTransaction,
  electionId: string,
  table: ExportTable,
): Promise<CsvExport | null> {
  if (table === "questions") return questionsExport(db, electionId);
  if (table === "answers") return answersExport(db, electionId);
  const stored = await storedReport(db, electionId);
  return stored ? reportTableExport(stored.report, table) : null;
}
