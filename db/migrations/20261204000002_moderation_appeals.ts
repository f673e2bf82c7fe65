import type { Knex } from "knex";

/**
 * Appeals of moderation decisions (docs/decisions/019-moderation-ledger.md): the author of
 * rejected or hidden content may appeal a decision once (the unique decision_id), with a short
 * text; a moderator other than the one who decided settles it ('upheld' or 'overturned').
 * The check below repeats the service's rule so no path can settle an appeal twice.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("moderation_appeals", (t) => {
    t.uuid("id").primary().defaultTo(knex.fn.uuid());
    t.uuid("decision_id")
      .notNullable()
      .unique()
      .references("moderation_decisions.id")
      .onDelete("cascade");
    t.uuid("jurisdiction_id").notNullable().references("jurisdictions.id").onDelete("cascade");
    t.uuid("appellant_id").references("users.id").onDelete("set null");
    t.text("body").notNullable();
    t.text("outcome");
    t.uuid("decided_by").references("users.id").onDelete("set null");
    t.timestamp("decided_at", { useTz: true });
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.check("length(body) between 10 and 1000", [], "moderation_appeals_body_length");
    t.check(
      "outcome is null or outcome in ('upheld', 'overturned')",
      [],
      "moderation_appeals_outcome_known",
    );
    t.check("(outcome is null) = (decided_at is null)", [], "moderation_appeals_decided");
    t.index(["jurisdiction_id", "outcome", "created_at"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("moderation_appeals");
}
