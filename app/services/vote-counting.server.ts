import type { DbOrTransaction } from "~/lib/db.server";

/**
 * The one place votes are counted for ranking and for the counts pages show. Whose votes count
 * is a parameter, the `SupportFilter`: every voter's, or only those of voters verified as
 * constituents of the election's jurisdiction (the clerk's choice per election,
 * `elections.ranking_electorate`; docs/decisions/018-verified-constituents.md).
 * Every count and order of a question list goes through `supportCount` so a page never ranks
 * by one electorate and shows the other's number.
 */
export type Electorate = "all" | "verified";
export const ELECTORATES: readonly Electorate[] = ["all", "verified"];

export type SupportFilter =
  { electorate: "all" } | { electorate: "verified"; jurisdictionId: string };

/** The filter an election's pages count with. */
export function supportFilterFor(election: {
  rankingElectorate: Electorate;
  jurisdictionId: string;
}): SupportFilter {
  return election.rankingElectorate === "verified"
    ? { electorate: "verified", jurisdictionId: election.jurisdictionId }
    : { electorate: "all" };
}

/** A fragment of SQL and its bindings, for `db.raw` or `orderByRaw`. */
export type SqlFragment = { sql: string; bindings: string[] };

/** `from question_votes v …` restricted to the filter's voters, for the question `q`. */
function countedVotesFrom(filter: SupportFilter): SqlFragment {
  return filter.electorate === "all"
    ? { sql: "from question_votes v where v.question_id = q.id", bindings: [] }
    : {
        sql: `from question_votes v
          join constituent_verifications cv on cv.user_id = v.user_id and cv.jurisdiction_id = ?
          where v.question_id = q.id`,
        bindings: [filter.jurisdictionId],
      };
}

/**
 * The counted votes of the question `q` (an alias the caller's query defines). Every voter:
 * the trigger-kept `vote_count`, which the ranking index serves. Verified constituents only:
 * the question's votes joined to the verifications of its jurisdiction (a range of the
 * (question_id, user_id) index per question, so the cost follows the contest, not the site).
 */
export function supportCount(filter: SupportFilter): SqlFragment {
  if (filter.electorate === "all") return { sql: "q.vote_count", bindings: [] };
  const from = countedVotesFrom(filter);
  return { sql: `(select count(*)::int ${from.sql})`, bindings: from.bindings };
}

/** The question `q`'s counted votes of the last `hours` hours (for the trending order). */
export function recentSupportCount(filter: SupportFilter, hours: number): SqlFragment {
  const from = countedVotesFrom(filter);
  return {
    sql: `(select count(*)::int ${from.sql} and v.created_at > now() - make_interval(hours => ${Math.trunc(hours)}))`,
    bindings: from.bindings,
  };
}

/** One question's counted votes (what a live page is sent after a vote). */
export async function questionSupport(
  db: DbOrTransaction,
  questionId: string,
  filter: SupportFilter,
): Promise<number> {
  const count = supportCount(filter);
  const row = await db("questions as q")
    .where("q.id", questionId)
    .first<{ count: number } | undefined>(db.raw(`${count.sql} as count`, count.bindings));
  return row?.count ?? 0;
}
