import type { Knex } from "knex";

/**
 * Election offices onboard themselves (issue 11.5) and the public data is published (issue 10.4):
 * - three more staff roles (owner, editor, viewer) beside moderator and clerk (an office's
 *   "admin"); see docs/offices.md for what each may do;
 * - requests for a CivicQ space, confirmed by email and activated by an admin;
 * - staff invitations by email (hashed, expiring tokens);
 * - an office's branding and settings, on its jurisdiction row;
 * - the nightly open-data bundles (the file itself is in storage).
 */
const OLD_ROLES = ["voter", "candidate", "moderator", "clerk", "admin"];
const STAFF_ROLES = ["owner", "editor", "viewer"];

/** The grants' role column onto the new `role_name`; its check names an enum literal, so it goes too. */
async function retypeRoleColumn(knex: Knex): Promise<void> {
  await knex.raw("alter table role_grants drop constraint role_grants_scoped");
  await knex.raw(
    "alter table role_grants alter column role type role_name using role::text::role_name",
  );
  await knex.raw(
    "alter table role_grants add constraint role_grants_scoped check (jurisdiction_id is not null or role = 'admin')",
  );
}

export async function up(knex: Knex): Promise<void> {
  // not with ALTER TYPE … ADD VALUE: a value added that way cannot be used in the same
  // transaction, nor removed by `down`; a new type swapped in can.
  await knex.raw("alter type role_name rename to role_name_before_offices");
  await knex.raw(
    `create type role_name as enum (${[...OLD_ROLES, ...STAFF_ROLES].map((r) => `'${r}'`).join(", ")})`,
  );
  await retypeRoleColumn(knex);
  await knex.raw("drop type role_name_before_offices");

  await knex.schema.alterTable("jurisdictions", (t) => {
    t.text("brand_color");
    t.text("logo_key");
    // {"en": "...", "es": "..."}: one welcome text per enabled language
    t.jsonb("welcome").notNullable().defaultTo("{}");
    t.specificType("enabled_locales", "text[]").notNullable().defaultTo("{en,es}");
    // the moderation mode new elections start with (each election keeps its own)
    t.specificType("default_moderation_mode", "moderation_mode")
      .notNullable()
      .defaultTo("before_publishing");
    t.check("brand_color is null or brand_color ~ '^#[0-9a-f]{6}$'", [], "jurisdictions_brand_hex");
    t.check("cardinality(enabled_locales) >= 1", [], "jurisdictions_some_locale");
  });

  await knex.schema.createTable("office_requests", (t) => {
    t.uuid("id").primary().defaultTo(knex.fn.uuid());
    t.text("office_name").notNullable();
    t.text("state").notNullable();
    t.text("ocd_id").notNullable();
    t.text("contact_email").notNullable();
    t.text("locale").notNullable().defaultTo("en");
    t.text("token_hash").notNullable().unique();
    t.timestamp("token_expires_at", { useTz: true }).notNullable();
    t.timestamp("confirmed_at", { useTz: true });
    t.enu("status", ["unconfirmed", "confirmed", "activated", "rejected"], {
      useNative: true,
      enumName: "office_request_status",
    })
      .notNullable()
      .defaultTo("unconfirmed");
    t.uuid("jurisdiction_id").references("jurisdictions.id").onDelete("set null");
    t.uuid("decided_by").references("users.id").onDelete("set null");
    t.timestamp("decided_at", { useTz: true });
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.check("state ~ '^[a-z]{2}$'", [], "office_requests_state");
    t.check("contact_email = lower(contact_email)", [], "office_requests_email_normalised");
    t.index(["status", "created_at"]);
  });

  await knex.schema.createTable("staff_invitations", (t) => {
    t.uuid("id").primary().defaultTo(knex.fn.uuid());
    t.uuid("jurisdiction_id").notNullable().references("jurisdictions.id").onDelete("cascade");
    t.text("email").notNullable();
    t.specificType("role", "role_name").notNullable();
    t.text("token_hash").notNullable().unique();
    t.timestamp("expires_at", { useTz: true }).notNullable();
    t.timestamp("accepted_at", { useTz: true });
    t.timestamp("revoked_at", { useTz: true });
    t.uuid("invited_by").references("users.id").onDelete("set null");
    t.uuid("accepted_by").references("users.id").onDelete("set null");
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.check(
      "role in ('owner', 'clerk', 'editor', 'moderator', 'viewer')",
      [],
      "staff_invitations_staff_role",
    );
    t.index(["jurisdiction_id", "created_at"]);
  });

  await knex.schema.createTable("open_data_bundles", (t) => {
    t.uuid("id").primary().defaultTo(knex.fn.uuid());
    t.text("storage_key").notNullable().unique();
    t.bigInteger("size_bytes").notNullable();
    // {"elections": 3, "contests": 12, …}: rows per CSV file
    t.jsonb("row_counts").notNullable();
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index("created_at");
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("open_data_bundles");
  await knex.schema.dropTable("staff_invitations");
  await knex.schema.dropTable("office_requests");
  await knex.raw("drop type office_request_status");
  await knex.schema.alterTable("jurisdictions", (t) => {
    t.dropChecks(["jurisdictions_brand_hex", "jurisdictions_some_locale"]);
    t.dropColumns(
      "brand_color",
      "logo_key",
      "welcome",
      "enabled_locales",
      "default_moderation_mode",
    );
  });
  await knex("role_grants").whereIn("role", STAFF_ROLES).delete();
  await knex.raw("alter type role_name rename to role_name_with_offices");
  await knex.raw(`create type role_name as enum (${OLD_ROLES.map((r) => `'${r}'`).join(", ")})`);
  await retypeRoleColumn(knex);
  await knex.raw("drop type role_name_with_offices");
}
