import type { Knex } from "knex";
import type { CsvExport, CsvValue } from "~/lib/csv.server";
import { inBatches } from "~/lib/batches.server";
import type { DbOrTransaction } from "~/lib/db.server";
import { withoutNul, type FieldErrors } from "~/lib/forms.server";
import { fromLocalInput } from "~/lib/time-zone";

/**
 * Reading the audit log: filtered by actor (part of their email), action (a prefix, so
 * "moderation." finds every moderation decision), target (its id, or its type) and a time range;
 * newest first, a page at a time by id (keyset paging stays fast however long the log grows).
 * A clerk's view is limited to their jurisdiction; an admin's covers every one.
 */
export type AuditFilter = {
  /** null: every jurisdiction (admins only) */
  jurisdictionId: string | null;
  actor?: string;
  action?: string;
  target?: string;
  /** inclusive lower bound */
  from?: Date;
  /** exclusive upper bound */
  until?: Date;
};

export type AuditEntry = {
  id: string;
  occurredAt: Date;
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  jurisdictionSlug: string | null;
  ip: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
};

const AUDIT_PAGE_SIZE = 50;

const likeEscape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

function filtered(db: DbOrTransaction, filter: AuditFilter): Knex.QueryBuilder {
  const query = db("audit_log as l")
    .leftJoin("users as u", "u.id", "l.actor_id")
    .leftJoin("jurisdictions as j", "j.id", "l.jurisdiction_id");
  if (filter.jurisdictionId) query.where("l.jurisdiction_id", filter.jurisdictionId);
  if (filter.actor) query.whereILike("u.email", `%${likeEscape(filter.actor)}%`);
  if (filter.action) query.whereLike("l.action", `${likeEscape(filter.action)}%`);
  if (filter.target) {
    const target = filter.target;
    query.where((scope) => scope.where("l.target_id", target).orWhere("l.target_type", target));
  }
  if (filter.from) query.where("l.occurred_at", ">=", filter.from);
  if (filter.until) query.where("l.occurred_at", "<", filter.until);
  return query.select(
    db.raw("l.id::text as id"),
    "l.occurred_at",
    "l.actor_id",
    "u.email as actor_email",
    "l.action",
    "l.target_type",
    "l.target_id",
    "j.slug as jurisdiction_slug",
    db.raw("host(l.ip) as ip"),
    "l.request_id",
    "l.details",
  );
}

type Row = {
  id: string;
  occurred_at: Date;
  actor_id: string | null;
  actor_email: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  jurisdiction_slug: string | null;
  ip: string | null;
  request_id: string | null;
  details: Record<string, unknown>;
};

const entry = (row: Row): AuditEntry => ({
  id: row.id,
  occurredAt: row.occurred_at,
  actorId: row.actor_id,
  actorEmail: row.actor_email,
  action: row.action,
  targetType: row.target_type,
  targetId: row.target_id,
  jurisdictionSlug: row.jurisdiction_slug,
  ip: row.ip,
  requestId: row.request_id,
  details: row.details,
});

/** A page of entries older than `before` (an entry id), and the id to continue from. */
export async function auditPage(
  db: DbOrTransaction,
  filter: AuditFilter,
  before?: string,
): Promise<{ entries: AuditEntry[]; nextBefore: string | null }> {
  const query = filtered(db, filter)
    .orderBy("l.id", "desc")
    .limit(AUDIT_PAGE_SIZE + 1);
  if (before) query.where("l.id", "<", before);
  const rows: Row[] = await query;
  const entries = rows.slice(0, AUDIT_PAGE_SIZE).map(entry);
  return {
    entries,
    nextBefore: rows.length > AUDIT_PAGE_SIZE ? entries[entries.length - 1]!.id : null,
  };
}

const EXPORT_BATCH = 1000;

/** Every matching entry, newest first, read from the database a batch at a time. */
export function auditExport(db: DbOrTransaction, filter: AuditFilter): CsvExport {
  const rows = inBatches<Row>((after) => {
    const batch = filtered(db, filter).orderBy("l.id", "desc").limit(EXPORT_BATCH);
    if (after) batch.where("l.id", "<", after.id);
    return batch;
  }, EXPORT_BATCH);
  async function* csvRows(): AsyncGenerator<CsvValue[]> {
    for await (const row of rows) {
      const e = entry(row);
      yield [
        e.id,
        e.occurredAt,
        e.actorEmail ?? e.actorId,
        e.action,
        e.targetType,
        e.targetId,
        e.jurisdictionSlug,
        e.ip,
        e.requestId,
        JSON.stringify(e.details),
      ];
    }
  }
  return {
    header: [
      "id",
      "occurred_at",
      "actor",
      "action",
      "target_type",
      "target_id",
      "jurisdiction",
      "ip",
      "request_id",
      "details",
    ],
    rows: csvRows(),
  };
}

/**
 * The filter a page or an export asks for in its query (`actor`, `action`, `target`, `from`,
 * `to`: days, inclusive, in `timeZone`). Unreadable dates are reported as field errors and
 * left out of the filter.
 */
export function auditFilterFromQuery(
  query: URLSearchParams,
  jurisdictionId: string | null,
  timeZone: string,
): { filter: AuditFilter; values: Record<string, string>; errors: FieldErrors } {
  const text = (name: string) =>
    withoutNul(query.get(name) ?? "")
      .trim()
      .slice(0, 200);
  const values = Object.fromEntries(
    ["actor", "action", "target", "from", "to"].map((name) => [name, text(name)]),
  );
  const errors: FieldErrors = {};
  /** Local midnight at the start of the named day, `offsetDays` later. */
  const midnight = (name: "from" | "to", offsetDays: number) => {
    const value = values[name];
    if (!value) return undefined;
    const calendar = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00Z`) : null;
    if (!calendar || Number.isNaN(calendar.getTime())) {
      errors[name] = "console.form.date";
      return undefined;
    }
    calendar.setUTCDate(calendar.getUTCDate() + offsetDays);
    return fromLocalInput(`${calendar.toISOString().slice(0, 10)}T00:00`, timeZone) ?? undefined;
  };
  return {
    filter: {
      jurisdictionId,
      actor: values.actor || undefined,
      action: values.action || undefined,
      target: values.target || undefined,
      from: midnight("from", 0),
      // through the end of the "to" day: up to the next day's midnight
      until: midnight("to", 1),
    },
    values,
    errors,
  };
}
