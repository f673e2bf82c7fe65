import type { Knex } from "knex";

/**
 * What the voter's pages need beyond the domain schema: the address lookup (precincts, the
 * districts each precinct votes in, and street segments, as VIP feeds describe them) and
 * question follows with a sign-in-free unsubscribe token.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("precincts", (t) => {
    t.uuid("id").primary().defaultTo(knex.fn.uuid());
    t.uuid("jurisdiction_id").notNullable().references("jurisdictions.id").onDelete("cascade");
    t.text("name").notNullable();
    t.text("ocd_id");
    t.text("vip_id");
    t.timestamps(true, true);
    t.unique(["jurisdiction_id", "name"]);
  });

  await knex.schema.createTable("precinct_districts", (t) => {
    t.uuid("precinct_id").notNullable().references("precincts.id").onDelete("cascade");
    t.uuid("electoral_district_id")
      .notNullable()
      .references("electoral_districts.id")
      .onDelete("cascade");
    t.primary(["precinct_id", "electoral_district_id"]);
    t.index("electoral_district_id");
  });

  await knex.schema.createTable("street_segments", (t) => {
    t.uuid("id").primary().defaultTo(knex.fn.uuid());
    t.uuid("precinct_id").notNullable().references("precincts.id").onDelete("cascade");
    // normalised: upper case, suffixes abbreviated (see app/services/ballots.server.ts)
    t.text("street_name").notNullable();
    t.integer("start_house_number").notNullable();
    t.integer("end_house_number").notNullable();
    t.enu("odd_even", ["both", "odd", "even"], { useNative: true, enumName: "odd_even" })
      .notNullable()
      .defaultTo("both");
    t.text("city").notNullable();
    t.text("state").notNullable();
    t.text("zip").notNullable();
    t.text("vip_id");
    t.check("start_house_number <= end_house_number", [], "street_segments_range");
    t.check("zip ~ '^[0-9]{5}$'", [], "street_segments_zip");
    t.index(["zip", "street_name"]);
  });

  await knex.schema.createTable("question_follows", (t) => {
    t.uuid("question_id").notNullable().references("questions.id").onDelete("cascade");
    t.uuid("user_id").notNullable().references("users.id").onDelete("cascade");
    // lets the emailed unsubscribe link work without signing in
    t.text("unsubscribe_token").notNullable().unique();
    // set when the "answered" email is queued: one email per follower, however often edited
    t.timestamp("notified_at", { useTz: true });
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(["question_id", "user_id"]);
    t.index("user_id");
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists("question_follows");
  await knex.schema.dropTableIfExists("street_segments");
  await knex.raw("drop type if exists odd_even");
  await knex.schema.dropTableIfExists("precinct_districts");
  await knex.schema.dropTableIfExists("precincts");
}
