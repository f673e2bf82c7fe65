import type { Knex } from "knex";
import type { FeedRecord, Reason, Rejection } from "./records.server";
import { referenceRules, type ElementKind } from "./spec.server";

/**
 * Where a feed waits between reading and applying: temporary tables of the import's own
 * transaction (dropped at its end, seen by no one else), so memory stays flat however large the
 * feed, and references are resolved by SQL once everything is read — elements may come in any
 * order. A rejected record stays staged, marked, so what refers to it can be rejected in turn
 * instead of looking like a reference to nothing.
 */
export type StagedRecord = FeedRecord & { seq: number };

const BATCH = 2_000;

/** Bindings that are JS arrays: node-postgres sends each as one Postgres array parameter. */
const arrays = (...columns: unknown[][]) => columns as unknown as readonly Knex.RawBinding[];

type Row = {
  seq: number;
  kind: string;
  id: string;
  at: string;
  fields: string;
  external: string;
  rejected: string | null;
};
type RefRow = { seq: number; name: string; target: string; position: number };

export class Staging {
  private seq = 0;
  private rows: Row[] = [];
  private refs: RefRow[] = [];

  private constructor(private readonly trx: Knex.Transaction) {}

  static async create(trx: Knex.Transaction): Promise<Staging> {
    await trx.raw(`
      create temp table feed_records (
        seq integer primary key, kind text not null, feed_id text not null, at text not null,
        fields jsonb not null, external jsonb not null, rejected jsonb
      ) on commit drop;
      create temp table feed_refs (
        seq integer not null, name text not null, target text not null, position integer not null
      ) on commit drop;
      create temp table feed_rules (
        kind text not null, name text not null, targets text[] not null, strong boolean not null
      ) on commit drop;
    `);
    const rules = referenceRules();
    await trx.raw(
      `insert into feed_rules select kind, name, string_to_array(targets, ','), strong
       from unnest(?::text[], ?::text[], ?::text[], ?::boolean[]) as r(kind, name, targets, strong)`,
      arrays(
        rules.map((rule) => rule.kind),
        rules.map((rule) => rule.name),
        rules.map((rule) => rule.targets.join(",")),
        rules.map((rule) => rule.strong),
      ),
    );
    return new Staging(trx);
  }

  async add(record: FeedRecord, rejected?: Reason): Promise<void> {
    const seq = ++this.seq;
    this.rows.push({
      seq,
      kind: record.kind,
      id: record.id,
      at: record.at,
      fields: JSON.stringify(rejected ? {} : record.fields),
      external: JSON.stringify(record.externalIds),
      rejected: rejected ? JSON.stringify(rejected) : null,
    });
    for (const [name, targets] of Object.entries(record.refs)) {
      targets.forEach((target, position) => this.refs.push({ seq, name, target, position }));
    }
    if (this.rows.length >= BATCH || this.refs.length >= BATCH * 4) await this.flush();
  }

  /** Something read that is not a record (a template row of no known kind): listed, not staged as one. */
  async addRejection(rejection: Rejection): Promise<void> {
    this.rows.push({
      seq: ++this.seq,
      kind: rejection.element,
      id: "",
      at: rejection.at,
      fields: "{}",
      external: "[]",
      rejected: JSON.stringify(rejection.reason),
    });
    if (this.rows.length >= BATCH) await this.flush();
  }

  private async flush(): Promise<void> {
    const rows = this.rows.splice(0);
    const refs = this.refs.splice(0);
    if (rows.length > 0) {
      // one statement per batch: arrays bind as seven parameters whatever the batch size
      await this.trx.raw(
        `insert into feed_records (seq, kind, feed_id, at, fields, external, rejected)
         select * from unnest(?::int[], ?::text[], ?::text[], ?::text[], ?::jsonb[], ?::jsonb[], ?::jsonb[])`,
        arrays(
          rows.map((row) => row.seq),
          rows.map((row) => row.kind),
          rows.map((row) => row.id),
          rows.map((row) => row.at),
          rows.map((row) => row.fields),
          rows.map((row) => row.external),
          rows.map((row) => row.rejected),
        ),
      );
    }
    if (refs.length > 0) {
      await this.trx.raw(
        `insert into feed_refs (seq, name, target, position)
         select * from unnest(?::int[], ?::text[], ?::text[], ?::int[])`,
        arrays(
          refs.map((ref) => ref.seq),
          refs.map((ref) => ref.name),
          refs.map((ref) => ref.target),
          refs.map((ref) => ref.position),
        ),
      );
    }
  }

  /**
   * Everything read: marks duplicate ids, then every reference that names nothing (or names the
   * wrong kind of element), then what depends on a rejected record. Returns how many references
   * dangle — a feed with any is broken, and the import fails.
   */
  async resolve(): Promise<{ dangling: number }> {
    await this.flush();
    await this.trx.raw(`
      create index on feed_records (kind);
      create index on feed_refs (seq);
      create index on feed_refs (target);
      update feed_records f
         set rejected = jsonb_build_object('code', 'duplicateId',
               'params', jsonb_build_object('id', d.feed_id, 'first', d.first_at))
        from (select seq, feed_id, first_value(at) over w as first_at, row_number() over w as n
                from feed_records where feed_id <> ''
              window w as (partition by feed_id order by seq)) d
       where d.seq = f.seq and d.n > 1;
      create temp table feed_index on commit drop as
        select distinct on (feed_id) feed_id, seq, kind from feed_records
         where feed_id <> '' order by feed_id, seq;
      create unique index on feed_index (feed_id);
      analyze feed_records; analyze feed_refs; analyze feed_index;
      create temp table feed_dangling on commit drop as
        select r.seq, r.name, r.target, r.position, t.kind as found
          from feed_refs r
          join feed_records s on s.seq = r.seq
          join feed_rules u on u.kind = s.kind and u.name = r.name
          left join feed_index t on t.feed_id = r.target
         where t.feed_id is null or not (t.kind = any(u.targets));
      update feed_records f
         set rejected = case when d.found is null
               then jsonb_build_object('code', 'danglingRef',
                      'params', jsonb_build_object('field', d.name, 'target', d.target))
               else jsonb_build_object('code', 'wrongKindRef',
                      'params', jsonb_build_object('field', d.name, 'target', d.target, 'element', d.found))
             end
        from (select distinct on (seq) * from feed_dangling order by seq, position) d
       where d.seq = f.seq and f.rejected is null;
    `);
    const { rows } = await this.trx.raw("select count(*)::int as count from feed_dangling");
    await this.cascade();
    return { dangling: (rows as Array<{ count: number }>)[0]!.count };
  }

  /** Rejects, until nothing changes, every record whose strong reference names a rejected one. */
  async cascade(): Promise<void> {
    for (;;) {
      const result = await this.trx.raw(`
        update feed_records f
           set rejected = jsonb_build_object('code', 'dependsOnRejected',
                 'params', jsonb_build_object('field', x.name, 'target', x.target, 'element', x.kind))
          from (select distinct on (r.seq) r.seq, r.name, r.target, t.kind
                  from feed_refs r
                  join feed_records s on s.seq = r.seq and s.rejected is null
                  join feed_rules u on u.kind = s.kind and u.name = r.name and u.strong
                  join feed_index i on i.feed_id = r.target
                  join feed_records t on t.seq = i.seq and t.rejected is not null
                 order by r.seq, r.position) x
         where f.seq = x.seq`);
      if (result.rowCount === 0) return;
    }
  }

  /** Rejects records the applier found wanting; call `cascade` once done. */
  async reject(seq: number, reason: Reason): Promise<void> {
    await this.trx.raw("update feed_records set rejected = ?::jsonb where seq = ?", [
      JSON.stringify(reason),
      seq,
    ]);
  }

  /** The first rejected record of a kind, if any: why a feed's one Election is missing. */
  async firstRejected(kind: ElementKind): Promise<Rejection | undefined> {
    return (await this.rejections(1, kind))[0];
  }

  /** The accepted records of these kinds, in feed order, with their references. */
  async load(kinds: readonly ElementKind[]): Promise<StagedRecord[]> {
    const { rows } = await this.trx.raw(
      `select f.seq, f.kind, f.feed_id as id, f.at, f.fields, f.external as "externalIds",
              coalesce((select jsonb_object_agg(name, targets) from (
                select name, jsonb_agg(target order by position) as targets
                  from feed_refs r where r.seq = f.seq group by name) g), '{}'::jsonb) as refs
         from feed_records f
        where f.kind = any(?::text[]) and f.rejected is null
        order by f.seq`,
      arrays([...kinds]),
    );
    return rows as StagedRecord[];
  }

  /** Records read and rejected, per element. */
  async tally(): Promise<Array<{ kind: string; read: number; rejected: number }>> {
    const { rows } = await this.trx.raw(
      `select kind, count(*)::int as read, count(rejected)::int as rejected
         from feed_records group by kind order by kind`,
    );
    return rows;
  }

  /** The first `limit` rejected records (of one kind, or all), in feed order. */
  async rejections(limit: number, kind?: ElementKind): Promise<Rejection[]> {
    const { rows } = await this.trx.raw(
      `select kind as element, feed_id as id, at, rejected as reason
         from feed_records where rejected is not null and (?::text is null or kind = ?)
        order by seq limit ?`,
      [kind ?? null, kind ?? null, limit],
    );
    return rows;
  }
}
