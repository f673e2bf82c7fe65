import type { Knex } from "knex";

/**
 * Verified constituents (docs/decisions/018-verified-constituents.md).
 *
 * `jurisdictions.constituent_methods`: the ways a voter may prove they live there, as the clerk
 * switches them on ('roll', 'code'); empty: none. `elections.ranking_electorate`: whose votes
 * rank that election's questions ('all' voters, or only 'verified' constituents).
 *
 * `constituent_roll_entries`: the voter roll, as keyed hashes only (HMAC-SHA-256 of normalised
 * name, date of birth and ZIP) — never the names or dates themselves. A re-upload replaces the
 * jurisdiction's rows. `constituent_code_batches` / `constituent_codes`: one-time codes, stored
 * as keyed hashes, each used once before it expires. `constituent_verifications`: who is a
 * verified constituent where, and how. `roll_hash` is copied onto the verification (not a key to
 * the roll row) so that one roll entry verifies one account only even across re-uploads.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("jurisdictions", (t) => {
    t.specificType("constituent_methods", "text[]").notNullable().defaultTo("{}");
    t.check(
      "constituent_methods <@ array['roll', 'code']::text[]",
      [],
      "jurisdictions_constituent_methods_known",
    );
  });
  await knex.schema.alterTable("elections", (t) => {
    t.text("ranking_electorate").notNullable().defaultTo("all");
    t.check("ranking_electorate in ('all', 'verified')", [], "elections_ranking_electorate_known");
  });

  await knex.schema.createTable("constituent_roll_entries", (t) => {
    t.bigIncrements("id").primary();
    t.uuid("jurisdiction_id").notNullable().references("jurisdictions.id").onDelete("cascade");
    t.text("roll_hash").notNullable();
    t.unique(["jurisdiction_id", "roll_hash"]);
  });

  await knex.schema.createTable("constituent_code_batches", (t) => {
    t.uuid("id").primary().defaultTo(knex.fn.uuid());
    t.uuid("jurisdiction_id").notNullable().references("jurisdictions.id").onDelete("cascade");
    t.integer("size").notNullable();
    t.timestamp("expires_at", { useTz: true }).notNullable();
    t.uuid("created_by").references("users.id").onDelete("set null");
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.check("size between 1 and 50000", [], "constituent_code_batches_size");
    t.index(["jurisdiction_id", "created_at"]);
  });

  await knex.schema.createTable("constituent_codes", (t) => {
    t.bigIncrements("id").primary();
    t.uuid("batch_id").notNullable().references("constituent_code_batches.id").onDelete("cascade");
    t.text("code_hash").notNullable().unique();
    t.uuid("used_by").references("users.id").onDelete("set null");
    t.timestamp("used_at", { useTz: true });
    t.index("batch_id");
  });

  await knex.schema.createTable("constituent_verifications", (t) => {
    t.uuid("id").primary().defaultTo(knex.fn.uuid());
    t.uuid("user_id").notNullable().references("users.id").onDelete("cascade");
    t.uuid("jurisdiction_id").notNullable().references("jurisdictions.id").onDelete("cascade");
    t.text("method").notNullable();
    t.text("roll_hash");
    t.bigInteger("code_id").references("constituent_codes.id").onDelete("set null");
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.check("method in ('roll', 'code')", [], "constituent_verifications_method_known");
    t.check("(method = 'roll') = (roll_hash is not null)", [], "constituent_verifications_roll");
    t.unique(["user_id", "jurisdiction_id"]);
    // one roll entry verifies one account only
    t.unique(["jurisdiction_id", "roll_hash"]);
    // the vote filter of verified-only rankings looks up (jurisdiction, voter)
    t.index(["jurisdiction_id", "user_id"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("constituent_verifications");
  await knex.schema.dropTable("constituent_codes");
  await knex.schema.dropTable("constituent_code_batches");
  await knex.schema.dropTable("constituent_roll_entries");
  await knex.schema.alterTable("elections", (t) => {
    t.dropChecks(["elections_ranking_electorate_known"]);
    t.dropColumn("ranking_electorate");
  });
  await knex.schema.alterTable("jurisdictions", (t) => {
    t.dropChecks(["jurisdictions_constituent_methods_known"]);
    t.dropColumn("constituent_methods");
  });
}
