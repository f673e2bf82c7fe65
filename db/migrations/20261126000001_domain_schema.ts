import type { Knex } from "knex";

/**
 * The domain schema. Translatable texts (names, titles, measure text) are jsonb maps from a
 * language code to text ({"en": "...", "es": "..."}), as VIP's InternationalizedText carries them;
 * a check requires at least English. Public-facing rows use uuid keys, votes a bigint.
 */
const I18N_CHECK = (column: string) =>
  `jsonb_typeof(${column}) = 'object' and (${column} ->> 'en') is not null`;

export async function up(knex: Knex): Promise<void> {
  await knex.raw("create extension if not exists vector");

  await knex.schema.createTable("jurisdictions", (t) => {
    t.uuid("id").primary().defaultTo(knex.fn.uuid());
    t.text("slug").notNullable().unique();
    t.jsonb("name").notNullable();
    t.enu("kind", ["state", "county", "city", "district", "other"], {
      useNative: true,
      enumName: "jurisdiction_kind",
    }).notNullable();
    t.text("ocd_id").unique();
    t.text("fips");
    t.uuid("parent_id").references("jurisdictions.id").onDelete("restrict");
    t.timestamps(true, true);
    t.check(I18N_CHECK("name"));
    t.check("slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'", [], "jurisdictions_slug_format");
    t.index("parent_id");
  });

  await knex.schema.createTable("users", (t) => {
    t.uuid("id").primary().defaultTo(knex.fn.uuid());
    t.text("email").notNullable();
    t.timestamp("email_verified_at", { useTz: true });
    t.text("password_hash");
    t.text("display_name");
    t.text("locale").notNullable().defaultTo("en");
    t.text("totp_secret");
    t.timestamp("mfa_enabled_at", { useTz: true });
    t.timestamps(true, true);
    t.check("email = lower(email) and position('@' in email) > 1", [], "users_email_normalised");
  });
  await knex.raw("create unique index users_email_unique on users (email)");

  await knex.schema.createTable("role_grants", (t) => {
    t.uuid("id").primary().defaultTo(knex.fn.uuid());
    t.uuid("user_id").notNullable().references("users.id").onDelete("cascade");
    t.enu("role", ["voter", "candidate", "moderator", "clerk", "admin"], {
      useNative: true,
      enumName: "role_name",
    }).notNullable();
    // null only for an admin whose grant covers every jurisdiction
    t.uuid("jurisdiction_id").references("jurisdictions.id").onDelete("cascade");
    t.uuid("granted_by").references("users.id").onDelete("set null");
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.check("jurisdiction_id is not null or role = 'admin'", [], "role_grants_scoped");
    t.index("jurisdiction_id");
  });
  await knex.raw(
    "create unique index role_grants_unique on role_grants (user_id, role, jurisdiction_id) nulls not distinct",
  );

  await knex.schema.createTable("elections", (t) => {
    t.uuid("id").primary().defaultTo(knex.fn.uuid());
    t.uuid("jurisdiction_id").notNullable().references("jurisdictions.id").onDelete("restrict");
    t.text("slug").notNullable();
    t.jsonb("name").notNullable();
    t.date("election_date").notNullable();
    t.enu("status", ["draft", "questions_open", "answers_open", "closed", "archived"], {
      useNative: true,
      enumName: "election_status",
    })
      .notNullable()
      .defaultTo("draft");
    t.timestamp("questions_open_at", { useTz: true });
    t.timestamp("questions_close_at", { useTz: true });
    t.timestamp("answers_open_at", { useTz: true });
    t.timestamp("answers_close_at", { useTz: true });
    t.enu("moderation_mode", ["before_publishing", "after_publishing"], {
      useNative: true,
      enumName: "moderation_mode",
    })
      .notNullable()
      .defaultTo("before_publishing");
    t.text("vip_id");
    t.text("feed_url");
    t.integer("refresh_interval_minutes");
    t.timestamps(true, true);
    t.unique(["jurisdiction_id", "slug"]);
    t.check(I18N_CHECK("name"));
    t.check("slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'", [], "elections_slug_format");
    t.check(
      "questions_close_at is null or questions_open_at is null or questions_close_at > questions_open_at",
      [],
      "elections_question_window",
    );
    t.check(
      "answers_close_at is null or answers_open_at is null or answers_close_at > answers_open_at",
      [],
      "elections_answer_window",
    );
    t.check(
      "refresh_interval_minutes is null or refresh_interval_minutes >= 15",
      [],
      "elections_refresh_interval",
    );
    t.index(["status", "election_date"]);
  });

  await knex.schema.createTable("electoral_districts", (t) => {
    t.uuid("id").primary().defaultTo(knex.fn.uuid());
    t.uuid("jurisdiction_id").notNullable().references("jurisdictions.id").onDelete("cascade");
    t.jsonb("name").notNullable();
    t.text("kind").notNullable().defaultTo("other");
    t.text("ocd_id");
    t.text("vip_id");
    t.timestamps(true, true);
    t.unique(["jurisdiction_id", "ocd_id"]);
    t.check(I18N_CHECK("name"));
  });

  await knex.schema.createTable("parties", (t) => {
    t.uuid("id").primary().defaultTo(knex.fn.uuid());
    t.uuid("jurisdiction_id").notNullable().references("jurisdictions.id").onDelete("cascade");
    t.jsonb("name").notNullable();
    t.text("abbreviation");
    t.text("color");
    t.text("vip_id");
    t.timestamps(true, true);
    t.unique(["jurisdiction_id", "abbreviation"]);
    t.check(I18N_CHECK("name"));
    t.check("color is null or color ~ '^#[0-9a-fA-F]{6}$'", [], "parties_color_hex");
  });

  await knex.schema.createTable("contests", (t) => {
    t.uuid("id").primary().defaultTo(knex.fn.uuid());
    t.uuid("election_id").notNullable().references("elections.id").onDelete("cascade");
    t.uuid("electoral_district_id").references("electoral_districts.id").onDelete("set null");
    t.enu("kind", ["candidate", "measure", "retention", "party"], {
      useNative: true,
      enumName: "contest_kind",
    }).notNullable();
    t.text("slug").notNullable();
    t.jsonb("title").notNullable();
    t.jsonb("office").notNullable().defaultTo("{}");
    t.jsonb("description").notNullable().defaultTo("{}");
    t.integer("ballot_order").notNullable().defaultTo(0);
    t.integer("votes_allowed").notNullable().defaultTo(1);
    t.text("vip_id");
    t.timestamps(true, true);
    t.unique(["election_id", "slug"]);
    t.check(I18N_CHECK("title"));
    t.check("votes_allowed >= 1", [], "contests_votes_allowed");
    t.index(["election_id", "ballot_order"]);
    t.index("electoral_district_id");
  });

  await knex.schema.createTable("ballot_measures", (t) => {
    t.uuid("id").primary().defaultTo(knex.fn.uuid());
    t.uuid("contest_id").notNullable().unique().references("contests.id").onDelete("cascade");
    t.jsonb("summary").notNullable().defaultTo("{}");
    t.jsonb("full_text").notNullable().defaultTo("{}");
    t.jsonb("pro_statement").notNullable().defaultTo("{}");
    t.jsonb("con_statement").notNullable().defaultTo("{}");
    t.jsonb("passage_threshold").notNullable().defaultTo("{}");
    t.timestamps(true, true);
  });

  await knex.schema.createTable("candidates", (t) => {
    t.uuid("id").primary().defaultTo(knex.fn.uuid());
    t.uuid("contest_id").notNullable().references("contests.id").onDelete("cascade");
    t.uuid("party_id").references("parties.id").onDelete("set null");
    t.uuid("user_id").references("users.id").onDelete("set null");
    t.text("ballot_name").notNullable();
    t.text("slug").notNullable();
    t.jsonb("bio").notNullable().defaultTo("{}");
    t.text("photo_key");
    t.text("website");
    t.text("contact_email");
    t.enu("status", ["active", "withdrawn"], { useNative: true, enumName: "candidate_status" })
      .notNullable()
      .defaultTo("active");
    t.integer("ballot_order").notNullable().defaultTo(0);
    t.text("vip_id");
    t.timestamps(true, true);
    t.unique(["contest_id", "slug"]);
    t.check("length(ballot_name) between 1 and 200", [], "candidates_ballot_name_length");
    t.index(["contest_id", "ballot_order"]);
    t.index("user_id");
  });

  await knex.schema.createTable("candidate_invitations", (t) => {
    t.uuid("id").primary().defaultTo(knex.fn.uuid());
    t.uuid("candidate_id").notNullable().references("candidates.id").onDelete("cascade");
    t.text("email").notNullable();
    t.text("token_hash").notNullable().unique();
    t.timestamp("expires_at", { useTz: true }).notNullable();
    t.timestamp("accepted_at", { useTz: true });
    t.timestamp("revoked_at", { useTz: true });
    t.uuid("invited_by").references("users.id").onDelete("set null");
    t.uuid("accepted_by").references("users.id").onDelete("set null");
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index("candidate_id");
  });

  await knex.schema.createTable("questions", (t) => {
    t.uuid("id").primary().defaultTo(knex.fn.uuid());
    t.uuid("election_id").notNullable().references("elections.id").onDelete("cascade");
    t.uuid("contest_id").notNullable().references("contests.id").onDelete("cascade");
    // null: addressed to every candidate of the contest
    t.uuid("candidate_id").references("candidates.id").onDelete("set null");
    // null once the author deletes their account ("former voter")
    t.uuid("author_id").references("users.id").onDelete("set null");
    t.text("body").notNullable();
    t.text("language").notNullable().defaultTo("en");
    t.enu("status", ["pending", "published", "rejected", "merged", "hidden"], {
      useNative: true,
      enumName: "question_status",
    })
      .notNullable()
      .defaultTo("pending");
    t.uuid("merged_into_id").references("questions.id").onDelete("set null");
    // Kept exact by a trigger on question_votes, in the vote's own transaction.
    t.integer("vote_count").notNullable().defaultTo(0);
    t.specificType("embedding", "vector(384)");
    t.timestamp("published_at", { useTz: true });
    t.timestamps(true, true);
    t.check("length(body) between 10 and 1000", [], "questions_body_length");
    t.check("vote_count >= 0", [], "questions_vote_count_positive");
    t.check("(status = 'merged') = (merged_into_id is not null)", [], "questions_merge_target");
  });
  await knex.raw(
    "alter table questions add column search tsvector generated always as (to_tsvector('simple', body)) stored",
  );
  await knex.raw(
    "create index questions_embedding_hnsw on questions using hnsw (embedding vector_cosine_ops) with (m = 16, ef_construction = 64)",
  );
  await knex.raw("create index questions_search_gin on questions using gin (search)");
  await knex.raw(
    "create index questions_contest_top on questions (contest_id, status, vote_count desc, created_at desc)",
  );
  await knex.raw(
    "create index questions_contest_new on questions (contest_id, status, created_at desc)",
  );
  await knex.raw(
    "create index questions_candidate on questions (candidate_id, status) where candidate_id is not null",
  );
  await knex.raw("create index questions_author on questions (author_id, created_at desc)");
  await knex.raw(
    "create index questions_election_status on questions (election_id, status, created_at)",
  );

  await knex.schema.createTable("question_votes", (t) => {
    t.bigIncrements("id").primary();
    t.uuid("question_id").notNullable().references("questions.id").onDelete("cascade");
    // null once the voter deletes their account: the vote stays counted, unlinked
    t.uuid("user_id").references("users.id").onDelete("set null");
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(["question_id", "user_id"]);
    t.index(["user_id", "created_at"]);
  });
  await knex.raw(`
    create function question_votes_count() returns trigger language plpgsql as $$
    begin
      if tg_op = 'INSERT' then
        update questions set vote_count = vote_count + 1 where id = new.question_id;
      elsif tg_op = 'DELETE' then
        update questions set vote_count = vote_count - 1 where id = old.question_id;
      elsif new.question_id <> old.question_id then
        update questions set vote_count = vote_count - 1 where id = old.question_id;
        update questions set vote_count = vote_count + 1 where id = new.question_id;
      end if;
      return null;
    end $$;
    create trigger question_votes_count after insert or delete or update of question_id
      on question_votes for each row execute function question_votes_count();
  `);

  await knex.schema.createTable("videos", (t) => {
    t.uuid("id").primary().defaultTo(knex.fn.uuid());
    t.uuid("candidate_id").notNullable().references("candidates.id").onDelete("cascade");
    t.text("original_key").notNullable().unique();
    t.text("content_type");
    t.bigInteger("size_bytes");
    t.enu("status", ["uploading", "uploaded", "processing", "ready", "failed"], {
      useNative: true,
      enumName: "video_status",
    })
      .notNullable()
      .defaultTo("uploading");
    t.text("failure_reason");
    t.decimal("duration_seconds", 10, 3);
    t.text("poster_key");
    t.text("sprite_key");
    t.text("sprite_vtt_key");
    t.text("captions_key");
    t.timestamps(true, true);
    t.check("size_bytes is null or size_bytes >= 0", [], "videos_size_positive");
    t.index(["candidate_id", "created_at"]);
    t.index(["status", "updated_at"]);
  });

  await knex.schema.createTable("video_renditions", (t) => {
    t.uuid("id").primary().defaultTo(knex.fn.uuid());
    t.uuid("video_id").notNullable().references("videos.id").onDelete("cascade");
    t.integer("width").notNullable();
    t.integer("height").notNullable();
    t.integer("bitrate_kbps");
    t.text("storage_key").notNullable().unique();
    t.bigInteger("size_bytes").notNullable();
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(["video_id", "height"]);
  });

  await knex.schema.createTable("answers", (t) => {
    t.uuid("id").primary().defaultTo(knex.fn.uuid());
    t.uuid("question_id").notNullable().references("questions.id").onDelete("cascade");
    t.uuid("candidate_id").notNullable().references("candidates.id").onDelete("cascade");
    t.enu("kind", ["text", "video"], { useNative: true, enumName: "answer_kind" }).notNullable();
    t.text("body");
    t.uuid("video_id").references("videos.id").onDelete("restrict");
    t.enu("status", ["draft", "published", "hidden"], {
      useNative: true,
      enumName: "answer_status",
    })
      .notNullable()
      .defaultTo("draft");
    t.text("hidden_reason");
    t.timestamp("published_at", { useTz: true });
    t.timestamp("edited_at", { useTz: true });
    t.timestamps(true, true);
    t.unique(["question_id", "candidate_id"]);
    t.check("(kind = 'text') = (body is not null)", [], "answers_text_has_body");
    t.check("(kind = 'video') = (video_id is not null)", [], "answers_video_has_video");
    t.check("body is null or length(body) between 1 and 10000", [], "answers_body_length");
    t.index(["candidate_id", "status"]);
  });

  await knex.schema.createTable("user_reports", (t) => {
    t.uuid("id").primary().defaultTo(knex.fn.uuid());
    t.uuid("reporter_id").references("users.id").onDelete("set null");
    t.uuid("question_id").references("questions.id").onDelete("cascade");
    t.uuid("answer_id").references("answers.id").onDelete("cascade");
    t.enu(
      "reason",
      ["spam", "harassment", "personal_information", "off_topic", "misinformation", "other"],
      {
        useNative: true,
        enumName: "report_reason",
      },
    ).notNullable();
    t.text("details");
    t.enu("status", ["open", "resolved", "dismissed"], {
      useNative: true,
      enumName: "report_status",
    })
      .notNullable()
      .defaultTo("open");
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp("resolved_at", { useTz: true });
    t.check("num_nonnulls(question_id, answer_id) = 1", [], "user_reports_one_target");
    t.check("details is null or length(details) <= 2000", [], "user_reports_details_length");
    t.index(["status", "created_at"]);
  });
  await knex.raw(
    "create unique index user_reports_once on user_reports (reporter_id, question_id, answer_id) nulls not distinct where status = 'open'",
  );

  await knex.schema.createTable("moderation_decisions", (t) => {
    t.uuid("id").primary().defaultTo(knex.fn.uuid());
    t.uuid("jurisdiction_id").notNullable().references("jurisdictions.id").onDelete("cascade");
    t.uuid("moderator_id").references("users.id").onDelete("set null");
    t.uuid("question_id").references("questions.id").onDelete("cascade");
    t.uuid("answer_id").references("answers.id").onDelete("cascade");
    t.uuid("report_id").references("user_reports.id").onDelete("set null");
    t.enu("action", ["approve", "reject", "merge", "hide", "restore", "dismiss_report"], {
      useNative: true,
      enumName: "moderation_action",
    }).notNullable();
    t.text("reason_code");
    t.text("note");
    t.uuid("merged_into_id").references("questions.id").onDelete("set null");
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.check("action <> 'reject' or reason_code is not null", [], "moderation_reject_has_reason");
    t.check("action <> 'merge' or merged_into_id is not null", [], "moderation_merge_has_target");
    t.index(["jurisdiction_id", "created_at"]);
    t.index("question_id");
  });

  await knex.schema.createTable("ballot_imports", (t) => {
    t.uuid("id").primary().defaultTo(knex.fn.uuid());
    t.uuid("jurisdiction_id").notNullable().references("jurisdictions.id").onDelete("cascade");
    t.uuid("election_id").references("elections.id").onDelete("set null");
    t.enu("source_kind", ["upload", "url", "cli", "schedule"], {
      useNative: true,
      enumName: "import_source_kind",
    }).notNullable();
    t.text("source").notNullable();
    t.enu("format", ["vip_xml", "vip_csv", "civicq_csv"], {
      useNative: true,
      enumName: "import_format",
    });
    t.text("schema_version");
    t.enu("status", ["queued", "running", "succeeded", "failed", "unchanged"], {
      useNative: true,
      enumName: "import_status",
    })
      .notNullable()
      .defaultTo("queued");
    t.jsonb("report").notNullable().defaultTo("{}");
    t.text("etag");
    t.text("last_modified");
    t.uuid("created_by").references("users.id").onDelete("set null");
    t.timestamp("started_at", { useTz: true });
    t.timestamp("finished_at", { useTz: true });
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(["jurisdiction_id", "created_at"]);
  });

  // Append-only: no foreign keys (a deleted user's rows must stay as written), and triggers that
  // refuse UPDATE, DELETE and TRUNCATE for every role, the application's included.
  await knex.schema.createTable("audit_log", (t) => {
    t.bigIncrements("id").primary();
    t.timestamp("occurred_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.uuid("actor_id");
    t.text("action").notNullable();
    t.text("target_type");
    t.text("target_id");
    t.uuid("jurisdiction_id");
    t.specificType("ip", "inet");
    t.text("request_id");
    t.jsonb("details").notNullable().defaultTo("{}");
    t.index(["jurisdiction_id", "occurred_at"]);
    t.index(["actor_id", "occurred_at"]);
    t.index(["action", "occurred_at"]);
  });
  await knex.raw(`
    create function audit_log_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only: % is not allowed', tg_op
        using errcode = 'insufficient_privilege';
    end $$;
    create trigger audit_log_no_change before update or delete on audit_log
      for each row execute function audit_log_append_only();
    create trigger audit_log_no_truncate before truncate on audit_log
      for each statement execute function audit_log_append_only();
    revoke update, delete, truncate on audit_log from public;
  `);
}

export async function down(knex: Knex): Promise<void> {
  const tables = [
    "audit_log",
    "ballot_imports",
    "moderation_decisions",
    "user_reports",
    "answers",
    "video_renditions",
    "videos",
    "question_votes",
    "questions",
    "candidate_invitations",
    "candidates",
    "ballot_measures",
    "contests",
    "parties",
    "electoral_districts",
    "elections",
    "role_grants",
    "users",
    "jurisdictions",
  ];
  for (const table of tables) await knex.schema.dropTableIfExists(table);
  await knex.raw("drop function if exists audit_log_append_only()");
  await knex.raw("drop function if exists question_votes_count()");
  const enums = [
    "jurisdiction_kind",
    "role_name",
    "election_status",
    "moderation_mode",
    "contest_kind",
    "candidate_status",
    "question_status",
    "video_status",
    "answer_kind",
    "answer_status",
    "report_reason",
    "report_status",
    "moderation_action",
    "import_source_kind",
    "import_format",
    "import_status",
  ];
  for (const name of enums) await knex.raw(`drop type if exists ${name}`);
}
