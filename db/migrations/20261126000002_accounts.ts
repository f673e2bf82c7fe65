import type { Knex } from "knex";

/**
 * Accounts: server-side sessions (the Postgres store; Redis holds them instead when configured),
 * single-use tokens for email verification, password reset and emailed sign-in codes, TOTP
 * replay protection and recovery codes, and linked OAuth identities.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("users", (t) => {
    // the last TOTP time step accepted: a code is never accepted twice
    t.bigInteger("totp_last_step");
    t.timestamp("password_changed_at", { useTz: true });
    // failed password sign-ins in a row, and the temporary lock they earn (capped; see auth)
    t.integer("failed_sign_ins").notNullable().defaultTo(0);
    t.timestamp("locked_until", { useTz: true });
  });

  await knex.schema.createTable("sessions", (t) => {
    // sha256 of the cookie's token: a copy of this table opens no session
    t.text("id").primary();
    t.uuid("user_id").notNullable().references("users.id").onDelete("cascade");
    t.boolean("mfa_passed").notNullable().defaultTo(false);
    t.text("ip");
    t.text("user_agent");
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp("last_seen_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp("expires_at", { useTz: true }).notNullable();
    t.index(["user_id", "created_at"]);
    t.index("expires_at");
  });

  await knex.schema.createTable("account_tokens", (t) => {
    t.uuid("id").primary().defaultTo(knex.fn.uuid());
    t.uuid("user_id").notNullable().references("users.id").onDelete("cascade");
    t.enu("purpose", ["verify_email", "reset_password", "sign_in_code"], {
      useNative: true,
      enumName: "account_token_purpose",
    }).notNullable();
    t.text("token_hash").notNullable().unique();
    t.integer("attempts").notNullable().defaultTo(0);
    t.timestamp("expires_at", { useTz: true }).notNullable();
    t.timestamp("used_at", { useTz: true });
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(["user_id", "purpose", "created_at"]);
  });

  await knex.schema.createTable("recovery_codes", (t) => {
    t.uuid("id").primary().defaultTo(knex.fn.uuid());
    t.uuid("user_id").notNullable().references("users.id").onDelete("cascade");
    t.text("code_hash").notNullable();
    t.timestamp("used_at", { useTz: true });
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index("user_id");
  });

  await knex.schema.createTable("oauth_identities", (t) => {
    t.uuid("id").primary().defaultTo(knex.fn.uuid());
    t.uuid("user_id").notNullable().references("users.id").onDelete("cascade");
    t.text("provider").notNullable();
    t.text("subject").notNullable();
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(["provider", "subject"]);
    t.index("user_id");
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists("oauth_identities");
  await knex.schema.dropTableIfExists("recovery_codes");
  await knex.schema.dropTableIfExists("account_tokens");
  await knex.raw("drop type if exists account_token_purpose");
  await knex.schema.dropTableIfExists("sessions");
  await knex.schema.alterTable("users", (t) => {
    t.dropColumn("totp_last_step");
    t.dropColumn("password_changed_at");
    t.dropColumn("failed_sign_ins");
    t.dropColumn("locked_until");
  });
}
