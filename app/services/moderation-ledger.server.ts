import type { Knex } from "knex";
import { inBatches } from "~/lib/batches.server";
import type { CsvValue } from "~/lib/csv.server";
import type { DbOrTransaction } from "~/lib/db.server";
import type { Locale } from "~/lib/i18n";
import { isPolicyCode, MODERATION_POLICY } from "./moderation-policy";

/**
 * The open moderation ledger of an election (docs/decisions/019-moderation-ledger.md): every
 * moderation decision on its content, newest first — what kind of content, the action, the
 * policy rule it applied, the date, and whether it was appealed and how that ended. The content
 * itself is never shown here: a rejected question or a hidden answer appears only as its
 * reason code; content still public is linked.
 *
 * Each kind of decided content is one arm of a UNION ALL with the same columns; a new kind
 * (another table of decisions) is one more entry in `LEDGER_ARMS`.
 */

export type LedgerEntry = {
  decisionId: string;
  /** what was decided on */
  kind: string;
  action: string;
  reasonCode: string | null;
  decidedAt: Date;
  /** the question to link to, while it is public */
  publicQuestionId: string | null;
  appeal: "none" | "pending" | "upheld" | "overturned";
};

/**
 * One arm: the decisions on one kind of content of election `?`, as columns decision_id,
 * kind, action, reason_code, decided_at, public_question_id.
 */
type LedgerArm = (db: DbOrTransaction, electionId: string) => Knex.QueryBuilder;

const publicQuestion = "case when q.status = 'published' then q.id end";

const LEDGER_ARMS: LedgerArm[] = [
  // decisions on questions (approve, reject, merge, restore, a report dismissed)
  (db, electionId) =>
    db("moderation_decisions as d")
      .join("questions as q", "q.id", "d.question_id")
      .whereNull("d.answer_id")
      .where("q.election_id", electionId)
      .select(
        "d.id as decision_id",
        db.raw("'question' as kind"),
        db.raw("d.action::text as action"),
        "d.reason_code",
        "d.created_at as decided_at",
        db.raw(`${publicQuestion} as public_question_id`),
      ),
  // decisions on candidates' answers (hidden with a public reason, restored, a report dismissed)
  (db, electionId) =>
    db("moderation_decisions as d")
      .join("answers as a", "a.id", "d.answer_id")
      .join("questions as q", "q.id", "a.question_id")
      .where("q.election_id", electionId)
      .select(
        "d.id as decision_id",
        db.raw("'answer' as kind"),
        db.raw("d.action::text as action"),
        "d.reason_code",
        "d.created_at as decided_at",
        db.raw(
          `case when a.status = 'published' and q.status = 'published' then q.id end as public_question_id`,
        ),
      ),
];

export const LEDGER_PAGE_SIZE = 50;

type LedgerRow = {
  decision_id: string;
  kind: string;
  action: string;
  reason_code: string | null;
  decided_at: Date;
  public_question_id: string | null;
  appeal_outcome: "upheld" | "overturned" | null;
  appealed: boolean;
  /** decided_at as Postgres writes it: exact to the microsecond, for the export's keyset */
  decided_at_exact: string;
};

/** Every decision of the election with its appeal, newest first. */
function ledgerQuery(db: DbOrTransaction, electionId: string): Knex.QueryBuilder {
  const decisions = db
    .queryBuilder()
    .unionAll(
      LEDGER_ARMS.map((arm) => arm(db, electionId)),
      true,
    )
    .as("l");
  return db
    .from(decisions)
    .leftJoin("moderation_appeals as ap", "ap.decision_id", "l.decision_id")
    .select(
      "l.*",
      "ap.outcome as appeal_outcome",
      db.raw("ap.id is not null as appealed"),
      db.raw("l.decided_at::text as decided_at_exact"),
    )
    .orderBy([
      { column: "l.decided_at", order: "desc" },
      { column: "l.decision_id", order: "asc" },
    ]);
}

function toEntry(row: LedgerRow): LedgerEntry {
  return {
    decisionId: row.decision_id,
    kind: row.kind,
    action: row.action,
    reasonCode: row.reason_code,
    decidedAt: row.decided_at,
    publicQuestionId: row.public_question_id,
    appeal: !row.appealed ? "none" : (row.appeal_outcome ?? "pending"),
  };
}

/** One page of the ledger, and how many pages it has. */
export async function ledgerPage(
  db: DbOrTransaction,
  electionId: string,
  requestedPage: number,
): Promise<{ entries: LedgerEntry[]; page: number; pageCount: number; total: number }> {
  const counted = await db
    .from(ledgerQuery(db, electionId).clearOrder().as("c"))
    .first<{ total: number }>(db.raw("count(*)::int as total"));
  const total = counted?.total ?? 0;
  const pageCount = Math.max(1, Math.ceil(total / LEDGER_PAGE_SIZE));
  const page = Math.min(requestedPage, pageCount);
  const rows: LedgerRow[] = await ledgerQuery(db, electionId)
    .limit(LEDGER_PAGE_SIZE)
    .offset((page - 1) * LEDGER_PAGE_SIZE);
  return { entries: rows.map(toEntry), page, pageCount, total };
}

export const LEDGER_CSV_HEADER = [
  "decision_id",
  "decided_at",
  "content",
  "action",
  "reason_code",
  "policy_rule",
  "policy_text",
  "appeal",
];

/** The rule's title and text in `locale`, for a decision that gave one. */
export function policyText(code: string | null, locale: Locale): [string, string] {
  if (!code) return ["", ""];
  if (!isPolicyCode(code)) return [code, ""];
  const rule = MODERATION_POLICY[code][locale];
  return [rule.title, rule.description];
}

const CSV_BATCH = 1_000;

/** The whole ledger as CSV rows, read a thousand at a time (newest first, keyset). */
export async function* ledgerCsvRows(
  db: DbOrTransaction,
  electionId: string,
  locale: Locale,
): AsyncGenerator<CsvValue[]> {
  const rows = inBatches<LedgerRow>(async (after) => {
    const query = ledgerQuery(db, electionId).limit(CSV_BATCH);
    if (after)
      query.whereRaw(
        "(l.decided_at < ?::timestamptz or (l.decided_at = ?::timestamptz and l.decision_id > ?))",
        [after.decided_at_exact, after.decided_at_exact, after.decision_id],
      );
    return query;
  }, CSV_BATCH);
  for await (const row of rows) {
    const entry = toEntry(row);
    yield [
      entry.decisionId,
      entry.decidedAt,
      entry.kind,
      entry.action,
      entry.reasonCode,
      ...policyText(entry.reasonCode, locale),
      entry.appeal,
    ];
  }
}
