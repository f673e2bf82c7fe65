import type { Knex } from "knex";

/**
 * Video answers as candidates upload them (docs/decisions/009-resumable-uploads.md).
 *
 * `videos.question_id`: the question a video was recorded for, so its page can publish it as
 * the answer. `video_uploads`: a resumable upload in progress, sent in fixed-size parts through
 * the app into the storage driver's multipart upload (`storage_upload_id`); `receipts` are the
 * driver's per-part receipts, in order, needed to complete it. The row stays after the upload
 * completes (a client whose last answer was lost asks it where its video went) and goes with
 * its video, as when the clean-up removes an abandoned upload.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("videos", (t) => {
    t.uuid("question_id").references("questions.id").onDelete("set null");
    t.index("question_id");
  });

  await knex.schema.createTable("video_uploads", (t) => {
    t.uuid("id").primary().defaultTo(knex.fn.uuid());
    t.uuid("video_id").notNullable().unique().references("videos.id").onDelete("cascade");
    // only the account that started an upload may send its parts
    t.uuid("user_id").notNullable().references("users.id").onDelete("cascade");
    t.text("storage_upload_id").notNullable();
    t.bigInteger("total_bytes").notNullable();
    t.integer("part_bytes").notNullable();
    t.bigInteger("received_bytes").notNullable().defaultTo(0);
    t.specificType("receipts", "text[]").notNullable().defaultTo("{}");
    t.timestamps(true, true);
    t.check("total_bytes > 0", [], "video_uploads_total_positive");
    t.check("part_bytes > 0", [], "video_uploads_part_positive");
    t.check("received_bytes between 0 and total_bytes", [], "video_uploads_received_within_total");
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("video_uploads");
  await knex.schema.alterTable("videos", (t) => t.dropColumn("question_id"));
}
