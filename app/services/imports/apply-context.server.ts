import { isDeepStrictEqual } from "node:util";
import type { Knex } from "knex";
import { emptyCounts, type Counts, type Reason } from "./records.server";
import type { Staging } from "./staging.server";

/** What every step of applying a feed shares. */
export type ApplyContext = {
  trx: Knex.Transaction;
  staging: Staging;
  jurisdiction: { id: string; ocdId: string | null };
  /** the election the import was started for, if any */
  targetElectionId: string | null;
  counts: Record<string, Counts>;
  notes: Reason[];
};

export type Outcome = "added" | "updated" | "unchanged";

export function count(
  context: ApplyContext,
  element: string,
  outcome: Exclude<keyof Counts, "read">,
  by = 1,
): void {
  (context.counts[element] ??= emptyCounts())[outcome] += by;
}

type HeldRow = { id: string; import_key?: string | null } & Record<string, unknown>;

/**
 * Inserts the row, or updates exactly the columns that differ from what we hold; a row whose
 * values all match is not written at all (so importing the same feed twice writes nothing).
 * `identity` (import_key, vip_id) is written with a change, and import_key alone when a row made
 * by hand is adopted — the feed's vip_id never counts as a change (renumbered ids are a no-op).
 */
export async function save(
  trx: Knex.Transaction,
  table: string,
  held: HeldRow | undefined,
  desired: Record<string, unknown>,
  identity: { import_key?: string; vip_id?: string } = {},
  creation: Record<string, unknown> = {},
): Promise<{ id: string; outcome: Outcome }> {
  if (!held) {
    const [row] = await trx(table)
      .insert({ ...creation, ...desired, ...identity })
      .returning("id");
    return { id: row.id, outcome: "added" };
  }
  const changed = Object.keys(desired).filter(
    (column) => !isDeepStrictEqual(held[column] ?? null, desired[column] ?? null),
  );
  if (changed.length > 0) {
    await trx(table)
      .where({ id: held.id })
      .update({
        ...Object.fromEntries(changed.map((column) => [column, desired[column]])),
        ...identity,
        updated_at: trx.fn.now(),
      });
    return { id: held.id, outcome: "updated" };
  }
  if (identity.import_key && held.import_key !== identity.import_key)
    await trx(table).where({ id: held.id }).update({ import_key: identity.import_key });
  return { id: held.id, outcome: "unchanged" };
}

/**
 * Finds what we hold for a key: the row an import keyed so, else one `adopt` recognises among
 * the rows no key of this feed claims — a row made by hand, or one keyed by a key the feed has
 * stopped using (a district first known by name, now given its OCD id). A row is matched once.
 */
export class Holdings<Row extends HeldRow> {
  private readonly byKey = new Map<string, Row>();
  private readonly claimed = new Set<string>();

  constructor(
    private readonly rows: Row[],
    private readonly feedKeys: ReadonlySet<string>,
  ) {
    for (const row of rows) if (row.import_key) this.byKey.set(row.import_key, row);
  }

  find(key: string, adopt: (row: Row) => boolean): Row | undefined {
    const row =
      this.byKey.get(key) ??
      this.rows.find(
        (candidate) =>
          !this.claimed.has(candidate.id) &&
          !(candidate.import_key && this.feedKeys.has(candidate.import_key)) &&
          adopt(candidate),
      );
    if (!row || this.claimed.has(row.id)) return undefined;
    this.claimed.add(row.id);
    return row;
  }

  /** Rows no record of this import matched. */
  unmatched(): Row[] {
    return this.rows.filter((row) => !this.claimed.has(row.id));
  }
}
