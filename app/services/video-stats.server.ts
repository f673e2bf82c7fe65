import type { DbOrTransaction } from "~/lib/db.server";

/**
 * Privacy-respecting statistics of video answers (docs/decisions/017-video-statistics.md): one
 * counter row per answer and day, plays and completions. Nothing about the viewer is stored —
 * no address, no cookie, no trail — so the counts cannot be joined back to anyone.
 *
 * A play is counted where every player, with JavaScript or without, must come: the first bytes
 * of a rendition from the media route. A completion (≥ 90 % watched) only the player can tell:
 * the page's small script sends one beacon; without JavaScript none is counted.
 */

/** Adds to today's counter of a published video answer; nothing for any other answer. */
async function bump(
  db: DbOrTransaction,
  answerIds: string[],
  column: "plays" | "completions",
): Promise<void> {
  if (answerIds.length === 0) return;
  await db.raw(
    `insert into answer_video_stats (answer_id, day, ${column})
     select id, current_date, 1 from answers
     where id = any(?::uuid[]) and kind = 'video' and status = 'published'
     on conflict (answer_id, day) do update
       set ${column} = answer_video_stats.${column} + 1`,
    [answerIds],
  );
}

/** A play of the answers showing the video whose rendition this storage key is. */
export async function countPlay(db: DbOrTransaction, renditionKey: string): Promise<void> {
  const rows = await db("video_renditions as r")
    .join("answers as a", "a.video_id", "r.video_id")
    .where("r.storage_key", renditionKey)
    .select<Array<{ id: string }>>("a.id");
  await bump(
    db,
    rows.map((row) => row.id),
    "plays",
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A viewing of the answer's video that reached 90 %. */
export async function countCompletion(db: DbOrTransaction, answerId: string): Promise<void> {
  if (UUID.test(answerId)) await bump(db, [answerId], "completions");
}

export type VideoStats = { plays: number; completions: number; days: number };

export type ElectionVideoStat = VideoStats & {
  answerId: string;
  candidateName: string;
  questionBody: string;
};

/**
 * Every video answer of the election (for the clerk) or of one candidate (for their desk), with
 * its totals, most played first.
 */
export async function videoAnswerStats(
  db: DbOrTransaction,
  scope: { electionId: string } | { candidateId: string },
): Promise<ElectionVideoStat[]> {
  const rows = await db("answers as a")
    .join("questions as q", "q.id", "a.question_id")
    .join("candidates as c", "c.id", "a.candidate_id")
    .leftJoin("answer_video_stats as s", "s.answer_id", "a.id")
    .where(
      "electionId" in scope
        ? { "q.election_id": scope.electionId }
        : { "a.candidate_id": scope.candidateId },
    )
    .where("a.kind", "video")
    .whereNot("a.status", "draft")
    .groupBy("a.id", "c.ballot_name", "q.body")
    .orderByRaw("coalesce(sum(s.plays), 0) desc, c.ballot_name, a.id")
    .select<
      Array<{
        id: string;
        ballot_name: string;
        body: string;
        plays: number;
        completions: number;
        days: number;
      }>
    >(
      "a.id",
      "c.ballot_name",
      "q.body",
      db.raw("coalesce(sum(s.plays), 0)::int as plays"),
      db.raw("coalesce(sum(s.completions), 0)::int as completions"),
      db.raw("count(s.day)::int as days"),
    );
  return rows.map((row) => ({
    answerId: row.id,
    candidateName: row.ballot_name,
    questionBody: row.body,
    plays: row.plays,
    completions: row.completions,
    days: row.days,
  }));
}
