import type { Knex } from "knex";
import * as domainSchema from "./20261126000001_domain_schema";
import * as accounts from "./20261126000002_accounts";
import * as voterFeatures from "./20261126000003_voter_features";
import * as questionRankingIndexes from "./20261127000001_question_ranking_indexes";
import * as electionReports from "./20261127000011_election_reports";
import * as ballotImportIdentity from "./20261127000020_ballot_import_identity";
import * as candidateAnswers from "./20261128000040_candidate_answers";
import * as videoUploads from "./20261128000050_video_uploads";
import * as pageChanges from "./20261201000001_page_changes";
import * as civicDepth from "./20261202000001_civic_depth";
import * as fairAnswers from "./20261203000001_fair_answers";
import * as verifiedConstituents from "./20261204000001_verified_constituents";
import * as moderationAppeals from "./20261204000002_moderation_appeals";
import * as officesAndOpenData from "./20261205000001_offices_and_open_data";

/**
 * Every migration, in order. An explicit list (not a directory scan) so the bundled server can
 * tell whether the database is current without the migration files beside it.
 * Add new migrations at the end; see docs/decisions/002-migrations.md for the compatibility rule.
 */
const migrations: Array<[string, Knex.Migration]> = [
  ["20261126000001_domain_schema", domainSchema],
  ["20261126000002_accounts", accounts],
  ["20261126000003_voter_features", voterFeatures],
  ["20261127000001_question_ranking_indexes", questionRankingIndexes],
  ["20261127000011_election_reports", electionReports],
  ["20261127000020_ballot_import_identity", ballotImportIdentity],
  ["20261128000040_candidate_answers", candidateAnswers],
  ["20261128000050_video_uploads", videoUploads],
  ["20261201000001_page_changes", pageChanges],
  ["20261202000001_civic_depth", civicDepth],
  ["20261203000001_fair_answers", fairAnswers],
  ["20261204000001_verified_constituents", verifiedConstituents],
  ["20261204000002_moderation_appeals", moderationAppeals],
  ["20261205000001_offices_and_open_data", officesAndOpenData],
];

export const migrationSource: Knex.MigrationSource<[string, Knex.Migration]> = {
  getMigrations: async () => migrations,
  getMigrationName: ([name]) => name,
  getMigration: async ([, migration]) => migration,
};
