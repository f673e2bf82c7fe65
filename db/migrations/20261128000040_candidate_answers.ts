import type { Knex } from "knex";

/**
 * The candidate's side: social links beside the website on the profile, the draft of an edit to
 * an answer already published (voters keep seeing the published text until the candidate
 * publishes the edit), and the edit history voters may read — each row is a text that was
 * public until an edit replaced it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("candidates", (t) => {
    // http(s) addresses, at most five (checked by the app, which validates each one)
    t.jsonb("links").notNullable().defaultTo("[]");
    t.check("jsonb_typeof(links) = 'array'", [], "candidates_links_array");
  });

  await knex.schema.alterTable("answers", (t) => {
    t.text("draft_body");
    t.check(
      "draft_body is null or length(draft_body) between 1 and 10000",
      [],
      "answers_draft_body_length",
    );
  });

  await knex.schema.createTable("answer_revisions", (t) => {
    t.uuid("id").primary().defaultTo(knex.fn.uuid());
    t.uuid("answer_id").notNullable().references("answers.id").onDelete("cascade");
    t.text("body").notNullable();
    // when this text became public: the answer's first publication or the edit before this one
    t.timestamp("published_at", { useTz: true }).notNullable();
    // who published the edit that replaced it (null once their account is deleted)
    t.uuid("editor_id").references("users.id").onDelete("set null");
    // when the edit replaced it
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(["answer_id", "created_at"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("answer_revisions");
  // dropping a column drops its check with it
  await knex.schema.alterTable("answers", (t) => t.dropColumn("draft_body"));
  await knex.schema.alterTable("candidates", (t) => t.dropColumn("links"));
}
