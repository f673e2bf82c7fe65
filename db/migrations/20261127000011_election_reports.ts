import type { Knex } from "knex";

/**
 * The clerk's console: a time zone per jurisdiction (clerks type the question and answer windows
 * in local time, which is stored as an instant), and the nightly report rollups — one row per
 * election, computed by the worker so the report pages read one row instead of scanning votes.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("jurisdictions", (t) => {
    // an IANA zone name, checked by the app against the zones the runtime knows
    t.text("time_zone").notNullable().defaultTo("UTC");
  });

  await knex.schema.createTable("election_report_rollups", (t) => {
    t.uuid("election_id").primary().references("elections.id").onDelete("cascade");
    // totals, per contest, per candidate and per day (see app/services/reports.server.ts)
    t.jsonb("report").notNullable();
    t.timestamp("computed_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists("election_report_rollups");
  await knex.schema.alterTable("jurisdictions", (t) => {
    t.dropColumn("time_zone");
  });
}
