import type { Db, DbOrTransaction } from "~/lib/db.server";
import { publishVoteCount } from "~/lib/live.server";
import { invalidatePages } from "~/lib/page-cache.server";
import { votingAllowed } from "./election-rules.server";
import type { ElectionStatus } from "./elections.server";
import { questionSupport, supportFilterFor, type Electorate } from "./vote-counting.server";

/** Which of `questionIds` the user has voted for (one query for a whole list of questions). */
export async function votedQuestionIds(
  db: DbOrTransaction,
  userId: string,
  questionIds: string[],
): Promise<Set<string>> {
  if (questionIds.length === 0) return new Set();
  const rows = await db("question_votes")
    .where({ user_id: userId })
    .whereIn("question_id", questionIds)
    .select<Array<{ question_id: string }>>("question_id");
  return new Set(rows.map((row) => row.question_id));
}

export type VoteIntent = "vote" | "unvote";
export type VoteOutcome =
  | { ok: true; questionId: string; contestId: string; count: number; changed: boolean }
  | { ok: false; reason: "notFound" | "notVotable" };

/**
 * Adds or removes one user's vote. The unique (question_id, user_id) index makes a repeated
 * vote a no-op (`on conflict do nothing`), and the trigger on question_votes keeps
 * `questions.vote_count` exact in the same transaction, so concurrent votes never miscount.
 * Only published questions of an election taking questions or answers can be voted on.
 * After commit the new count — as the election counts votes, every voter's or verified
 * constituents' only — goes out to live pages (best effort: the page is right on reload), and
 * anonymous pages cached before it are no longer served.
 */
export async function castVote(
  db: Db,
  input: { questionId: string; userId: string; intent: VoteIntent },
): Promise<VoteOutcome> {
  const outcome = await db.transaction(async (trx): Promise<VoteOutcome> => {
    const question = await trx("questions as q")
      .join("elections as e", "e.id", "q.election_id")
      .where("q.id", input.questionId)
      .first<
        | {
            contest_id: string;
            status: string;
            election_status: ElectionStatus;
            ranking_electorate: Electorate;
            jurisdiction_id: string;
          }
        | undefined
      >(
        "q.contest_id",
        "q.status",
        "e.status as election_status",
        "e.ranking_electorate",
        "e.jurisdiction_id",
      );
    if (!question) return { ok: false, reason: "notFound" };
    if (question.status !== "published" || !votingAllowed(question.election_status))
      return { ok: false, reason: "notVotable" };
    const changed =
      input.intent === "vote"
        ? (
            await trx("question_votes")
              .insert({ question_id: input.questionId, user_id: input.userId })
              .onConflict(["question_id", "user_id"])
              .ignore()
              .returning("id")
          ).length > 0
        : (await trx("question_votes")
            .where({ question_id: input.questionId, user_id: input.userId })
            .delete()) > 0;
    const count = await questionSupport(
      trx,
      input.questionId,
      supportFilterFor({
        rankingElectorate: question.ranking_electorate,
        jurisdictionId: question.jurisdiction_id,
      }),
    );
    return {
      ok: true,
      questionId: input.questionId,
      contestId: question.contest_id,
      count,
      changed,
    };
  });
  if (outcome.ok && outcome.changed)
    await Promise.all([
      invalidatePages([`question:${outcome.questionId}`, `contest:${outcome.contestId}`]),
      publishVoteCount(outcome.contestId, { questionId: outcome.questionId, count: outcome.count }),
    ]);
  return outcome;
}
