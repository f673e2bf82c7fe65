import type { Knex } from "knex";
import * as domainSchema from "./20261126000001_domain_schema";
import * as accounts from "./20261126000002_accounts";
import * as voterFeatures from "./20261126000003_voter_features";

/**
 * Every migration, in order. An explicit list (not a directory scan) so the bundled server can
 * tell whether the database is current without the migration files beside it.
 * Add new migrations at the end; see docs/decisions/002-migrations.md for the compatibility rule.
 */
const migrations: Array<[string, Knex.Migration]> = [
  ["20261126000001_domain_schema", domainSchema],
  ["20261126000002_accounts", accounts],
  ["20261126000003_voter_features", voterFeatures],
];

export const migrationSource: Knex.MigrationSource<[string, Knex.Migration]> = {
  getMigrations: async () => migrations,
  getMigrationName: ([name]) => name,
  getMigration: async ([, migration]) => migration,
};
