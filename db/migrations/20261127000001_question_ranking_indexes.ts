import type { Knex } from "knex";

/**
 * Indexes behind the voter's pages (see docs/decisions/006-question-ranking.md):
 * - votes by question and time, so "trending" counts each question's recent votes from the
 *   index alone instead of scanning every vote;
 * - published questions of a contest by publication time, for "new" and for the age term of
 *   "trending";
 * - street segments by street name, for an address typed without its ZIP code.
 * Built `concurrently` (outside a transaction): question_votes is the largest table, and a plain
 * build would block votes while it runs.
 */
export const config = { transaction: false };

const INDEXES = [
  ["question_votes_question_recent", "question_votes (question_id, created_at)"],
  ["questions_contest_published", "questions (contest_id, status, published_at desc nulls last)"],
  ["street_segments_street", "street_segments (street_name)"],
] as const;

export async function up(knex: Knex): Promise<void> {
  for (const [name, definition] of INDEXES)
    await knex.raw(`create index concurrently if not exists ${name} on ${definition}`);
}

export async function down(knex: Knex): Promise<void> {
  for (const [name] of INDEXES) await knex.raw(`drop index concurrently if exists ${name}`);
}
