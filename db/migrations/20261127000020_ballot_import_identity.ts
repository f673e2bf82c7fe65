import type { Knex } from "knex";

/**
 * Ballot imports (docs/imports.md): the stable identity of what a feed describes, and the state
 * of an election's scheduled refresh.
 *
 * `import_key` is the key an import matched or created a row by — an external identifier
 * ("ocd-id:…", "state-level:…") or a natural key ("name:…") — never the feed's own ids, which
 * change between two productions of one feed. Unique where set; rows made by hand have none
 * until an import adopts them.
 */
const KEYED = [
  ["electoral_districts", "jurisdiction_id"],
  ["parties", "jurisdiction_id"],
  ["contests", "election_id"],
  ["candidates", "contest_id"],
  ["precincts", "jurisdiction_id"],
] as const;

export async function up(knex: Knex): Promise<void> {
  for (const [table, scope] of KEYED) {
    await knex.schema.alterTable(table, (t) => t.text("import_key"));
    await knex.raw(
      `create unique index ${table}_import_key on ${table} (${scope}, import_key) where import_key is not null`,
    );
  }

  await knex.schema.alterTable("elections", (t) => {
    // scheduled refreshes failed in a row; at the limit the schedule pauses until a clerk resumes it
    t.integer("refresh_failures").notNullable().defaultTo(0);
    t.timestamp("refresh_paused_at", { useTz: true });
  });
  await knex.raw(
    "create index elections_feed_refresh on elections (id) where feed_url is not null and refresh_interval_minutes is not null and refresh_paused_at is null",
  );

  // An import replaces a precinct's segments, and deleting a precinct cascades to them: both find
  // them by precinct. (The table is filled by imports only, none of which ran before this.)
  await knex.schema.alterTable("street_segments", (t) => t.index("precinct_id"));

  await knex.schema.alterTable("ballot_imports", (t) => {
    // an uploaded feed's storage key (`source` keeps the file name the clerk chose)
    t.text("storage_key");
    t.index(["election_id", "created_at"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable("ballot_imports", (t) => {
    t.dropIndex(["election_id", "created_at"]);
    t.dropColumn("storage_key");
  });
  await knex.schema.alterTable("street_segments", (t) => t.dropIndex("precinct_id"));
  await knex.raw("drop index if exists elections_feed_refresh");
  await knex.schema.alterTable("elections", (t) => {
    t.dropColumn("refresh_failures");
    t.dropColumn("refresh_paused_at");
  });
  for (const [table] of KEYED) {
    await knex.raw(`drop index if exists ${table}_import_key`);
    await knex.schema.alterTable(table, (t) => t.dropColumn("import_key"));
  }
}
