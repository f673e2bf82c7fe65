import type { Knex } from "knex";

/**
 * Fair rules for candidates' answers, structured answers, rebuttals and sources, and video
 * statistics (docs/decisions/015-fair-answer-rules.md, 016-rebuttals-and-sources.md,
 * 017-video-statistics.md).
 *
 * `elections`: the clerk's limits, the same for every candidate of the election (words of a
 * written answer or rebuttal, seconds of a video answer) and the order candidates are listed in.
 * The lock date is the existing `answers_close_at`.
 * `answers`: optional structured parts (position, reasoning, trade-offs, measures of success)
 * and cited sources, each with its unpublished draft beside the published one, as `draft_body`.
 * `answer_revisions` keep the parts and sources a published edit replaced.
 * `answer_rebuttals`: one per candidate per other candidate's answer, published as written.
 * `offered_question_sets`: the contest's top questions at one moment, offered to every candidate.
 * `answer_video_stats`: plays and completions of a video answer per day; no visitor data.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("elections", (t) => {
    t.integer("answer_max_words").notNullable().defaultTo(400);
    t.integer("answer_max_video_seconds").notNullable().defaultTo(180);
    t.text("candidate_order").notNullable().defaultTo("ballot");
    t.check("answer_max_words between 50 and 1500", [], "elections_answer_max_words");
    t.check(
      "answer_max_video_seconds between 30 and 3600",
      [],
      "elections_answer_max_video_seconds",
    );
    t.check("candidate_order in ('ballot', 'rotated')", [], "elections_candidate_order");
  });

  await knex.schema.alterTable("answers", (t) => {
    t.jsonb("parts").notNullable().defaultTo("{}");
    t.jsonb("draft_parts");
    t.jsonb("sources").notNullable().defaultTo("[]");
    t.jsonb("draft_sources");
    t.check("jsonb_typeof(parts) = 'object'", [], "answers_parts_object");
    t.check("jsonb_typeof(sources) = 'array'", [], "answers_sources_array");
  });
  await knex.schema.alterTable("answer_revisions", (t) => {
    t.jsonb("parts").notNullable().defaultTo("{}");
    t.jsonb("sources").notNullable().defaultTo("[]");
  });

  await knex.schema.createTable("answer_rebuttals", (t) => {
    t.uuid("id").primary().defaultTo(knex.fn.uuid());
    t.uuid("answer_id").notNullable().references("answers.id").onDelete("cascade");
    t.uuid("candidate_id").notNullable().references("candidates.id").onDelete("cascade");
    t.text("body").notNullable();
    t.jsonb("sources").notNullable().defaultTo("[]");
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(["answer_id", "candidate_id"]);
    t.check("length(body) between 1 and 10000", [], "answer_rebuttals_body_length");
    t.check("jsonb_typeof(sources) = 'array'", [], "answer_rebuttals_sources_array");
    t.index("candidate_id");
  });

  await knex.schema.createTable("offered_question_sets", (t) => {
    t.uuid("contest_id").primary().references("contests.id").onDelete("cascade");
    // in rank order; a question removed later is skipped when read
    t.specificType("question_ids", "uuid[]").notNullable();
    t.timestamp("taken_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable("answer_video_stats", (t) => {
    t.uuid("answer_id").notNullable().references("answers.id").onDelete("cascade");
    t.date("day").notNullable();
    t.integer("plays").notNullable().defaultTo(0);
    t.integer("completions").notNullable().defaultTo(0);
    t.primary(["answer_id", "day"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("answer_video_stats");
  await knex.schema.dropTable("offered_question_sets");
  await knex.schema.dropTable("answer_rebuttals");
  await knex.schema.alterTable("answer_revisions", (t) => {
    t.dropColumn("parts");
    t.dropColumn("sources");
  });
  // dropping a column drops its checks with it
  await knex.schema.alterTable("answers", (t) => {
    t.dropColumn("parts");
    t.dropColumn("draft_parts");
    t.dropColumn("sources");
    t.dropColumn("draft_sources");
  });
  await knex.schema.alterTable("elections", (t) => {
    t.dropColumn("answer_max_words");
    t.dropColumn("answer_max_video_seconds");
    t.dropColumn("candidate_order");
  });
}
