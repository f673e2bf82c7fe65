import type { Db, DbOrTransaction } from "~/lib/db.server";
import { publishVoteCount } from "~/lib/live.server";
import { invalidatePages } from "~/lib/page-cache.server";
import { VOTING_STATUSES } from "./election-rules.server";

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
 * The check and the write are one statement (a vote used to be five round trips — begin,
 * check, write, read, commit — and a third of the bare insert's rate: docs/performance.md);
 * the count is read after it commits, so it includes this vote and any committed since.
 * After commit the new count goes out to live pages (best effort: the page is right on reload),
 * and anonymous pages cached before it are no longer served.
 */
export async function castVote(
  db: Db,
  input: { questionId: string; userId: string; intent: VoteIntent },
): Promise<VoteOutcome> {
  const write =
    input.intent === "vote"
      ? `insert into question_votes (question_id, user_id)
         select id, :userId from target where votable
         on conflict (question_id, user_id) do nothing returning 1`
      : `delete from question_votes v using target
         where v.question_id = target.id and v.user_id = :userId and target.votable returning 1`;
  const {
    rows: [question],
  } = await db.raw<{ rows: Array<{ contest_id: string; votable: boolean; changed: number }> }>(
    `with target as (
       select q.id, q.contest_id, q.status = 'published' and e.status = any(cast(:statuses as election_status[])) as votable
       from questions q join elections e on e.id = q.election_id where q.id = :questionId),
     changed as (${write})
     select contest_id, votable, (select count(*) from changed)::int as changed from target`,
    { questionId: input.questionId, userId: input.userId, statuses: [...VOTING_STATUSES] },
  );
  const outcome: VoteOutcome = !question
    ? { ok: false, reason: "notFound" }
    : !question.votable
      ? { ok: false, reason: "notVotable" }
      : {
          ok: true,
          questionId: input.questionId,
          contestId: question.contest_id,
          count: (
            await db("questions")
              .where({ id: input.questionId })
              .first<{ vote_count: number }>("vote_count")
          ).vote_count,
          changed: question.changed > 0,
        };
  if (outcome.ok && outcome.changed)
    await Promise.all([
      invalidatePages([`question:${outcome.questionId}`, `contest:${outcome.contestId}`]),
      publishVoteCount(outcome.contestId, { questionId: outcome.questionId, count: outcome.count }),
    ]);
  return outcome;
}
