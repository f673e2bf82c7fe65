import type { Knex } from "knex";

/**
 * Civic depth (issue 11, parts 1–3 and 6): question versions (answers record the version they
 * answered), the representative ranking the worker keeps on each question, topic tags the
 * clerk curates, follows of a contest / candidate / tag with a notice frequency, the mailing
 * lists with their one-click unsubscribe tokens, and the key table that makes every scheduled
 * email go out once per recipient and period.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("question_versions", (t) => {
    t.uuid("id").primary().defaultTo(knex.fn.uuid());
    t.uuid("question_id").notNullable().references("questions.id").onDelete("cascade");
    t.integer("version").notNullable();
    // null once a moderator redacted personal data out of it (the text is gone, not hidden)
    t.text("body");
    t.enu("edit_kind", ["original", "author", "moderator_typo", "moderator_redaction"], {
      useNative: true,
      enumName: "question_edit_kind",
    }).notNullable();
    t.text("reason");
    t.uuid("edited_by").references("users.id").onDelete("set null");
    t.timestamp("redacted_at", { useTz: true });
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(["question_id", "version"]);
    t.check("(body is null) = (redacted_at is not null)", [], "question_versions_redacted");
    t.check(
      "edit_kind not in ('moderator_typo', 'moderator_redaction') or reason is not null",
      [],
      "question_versions_moderator_reason",
    );
  });
  await knex.raw(`
    insert into question_versions (question_id, version, body, edit_kind, edited_by, created_at)
    select id, 1, body, 'original', author_id, created_at from questions`);
  // Version 1 is the question as asked, however it was stored (ask form, import, seed).
  await knex.raw(`
    create function questions_first_version() returns trigger language plpgsql as $$
    begin
      insert into question_versions (question_id, version, body, edit_kind, edited_by, created_at)
      values (new.id, 1, new.body, 'original', new.author_id, new.created_at);
      return null;
    end $$;
    create trigger questions_first_version after insert on questions
      for each row execute function questions_first_version();
  `);

  await knex.schema.alterTable("answers", (t) => {
    t.uuid("question_version_id").references("question_versions.id").onDelete("set null");
  });
  await knex.raw(`
    update answers a set question_version_id = v.id
    from question_versions v where v.question_id = a.question_id and v.version = 1
      and a.status <> 'draft'`);
  // Every publishing path (text, video, and any to come) records the version it answered. The
  // share lock waits for an author's edit in progress (which holds the row for update).
  await knex.raw(`
    create function answers_record_question_version() returns trigger language plpgsql as $$
    begin
      if new.status = 'published' and new.question_version_id is null then
        perform 1 from questions where id = new.question_id for share;
        new.question_version_id := (select id from question_versions
          where question_id = new.question_id order by version desc limit 1);
      end if;
      return new;
    end $$;
    create trigger answers_record_question_version before insert or update of status
      on answers for each row execute function answers_record_question_version();
  `);

  await knex.schema.alterTable("questions", (t) => {
    // near-duplicate cluster (the id of its first question): assigned by the ranking job
    t.uuid("cluster_id");
    // set on the other members of a cluster: the top list shows only its representative
    t.uuid("represented_by").references("questions.id").onDelete("set null");
    // 1-based place in the representative ranking; null until the job has ranked it
    t.integer("rank_position");
    // distinct supporters of the whole cluster, and how many questions it holds
    t.integer("cluster_support");
    t.integer("cluster_size");
  });
  await knex.raw(
    "create index questions_contest_rank on questions (contest_id, status, rank_position) where represented_by is null",
  );

  await knex.schema.createTable("topic_tags", (t) => {
    t.uuid("id").primary().defaultTo(knex.fn.uuid());
    t.uuid("jurisdiction_id").notNullable().references("jurisdictions.id").onDelete("cascade");
    t.text("slug").notNullable();
    t.jsonb("name").notNullable();
    t.timestamp("archived_at", { useTz: true });
    t.timestamps(true, true);
    t.unique(["jurisdiction_id", "slug"]);
    t.check("slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'", [], "topic_tags_slug_format");
    t.check(
      "jsonb_typeof(name) = 'object' and (name ->> 'en') is not null",
      [],
      "topic_tags_name_i18n",
    );
  });

  await knex.schema.createTable("question_tags", (t) => {
    t.uuid("question_id").notNullable().references("questions.id").onDelete("cascade");
    t.uuid("tag_id").notNullable().references("topic_tags.id").onDelete("cascade");
    t.primary(["question_id", "tag_id"]);
    t.index("tag_id");
  });

  await knex.schema.createTable("follows", (t) => {
    t.uuid("id").primary().defaultTo(knex.fn.uuid());
    t.uuid("user_id").notNullable().references("users.id").onDelete("cascade");
    t.uuid("contest_id").references("contests.id").onDelete("cascade");
    t.uuid("candidate_id").references("candidates.id").onDelete("cascade");
    t.uuid("tag_id").references("topic_tags.id").onDelete("cascade");
    t.enu("notice", ["immediately", "weekly", "none"], {
      useNative: true,
      enumName: "follow_notice",
    })
      .notNullable()
      .defaultTo("weekly");
    t.text("unsubscribe_token").notNullable().unique();
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.check("num_nonnulls(contest_id, candidate_id, tag_id) = 1", [], "follows_one_target");
    t.index("contest_id");
    t.index("candidate_id");
    t.index("tag_id");
  });
  await knex.raw(
    "create unique index follows_once on follows (user_id, contest_id, candidate_id, tag_id) nulls not distinct",
  );

  await knex.schema.createTable("notice_subscriptions", (t) => {
    t.uuid("user_id").notNullable().references("users.id").onDelete("cascade");
    t.enu("list", ["election_reminders", "weekly_digest", "candidate_digest"], {
      useNative: true,
      enumName: "notice_list",
    }).notNullable();
    t.boolean("subscribed").notNullable();
    t.text("unsubscribe_token").notNullable().unique();
    t.timestamp("updated_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(["user_id", "list"]);
  });

  // One row per scheduled email sent: inserted with the send job in one transaction, so a
  // retried or duplicated job finds the key and sends nothing.
  await knex.schema.createTable("email_sends", (t) => {
    t.uuid("user_id").notNullable().references("users.id").onDelete("cascade");
    t.text("kind").notNullable();
    t.text("period").notNullable();
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(["user_id", "kind", "period"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists("email_sends");
  await knex.schema.dropTableIfExists("notice_subscriptions");
  await knex.raw("drop type if exists notice_list");
  await knex.schema.dropTableIfExists("follows");
  await knex.raw("drop type if exists follow_notice");
  await knex.schema.dropTableIfExists("question_tags");
  await knex.schema.dropTableIfExists("topic_tags");
  await knex.raw("drop index if exists questions_contest_rank");
  await knex.schema.alterTable("questions", (t) => {
    t.dropColumn("cluster_size");
    t.dropColumn("cluster_support");
    t.dropColumn("rank_position");
    t.dropColumn("represented_by");
    t.dropColumn("cluster_id");
  });
  await knex.raw("drop trigger if exists answers_record_question_version on answers");
  await knex.raw("drop function if exists answers_record_question_version()");
  await knex.schema.alterTable("answers", (t) => {
    t.dropColumn("question_version_id");
  });
  await knex.raw("drop trigger if exists questions_first_version on questions");
  await knex.raw("drop function if exists questions_first_version()");
  await knex.schema.dropTableIfExists("question_versions");
  await knex.raw("drop type if exists question_edit_kind");
}
