import { audit, type Actor } from "~/lib/audit.server";
import type { Db } from "~/lib/db.server";
import { writeRefusal, type WriteRefusal } from "./answer-rules.server";
import type { ElectionStatus } from "./elections.server";
import { notifyFollowersOfAnswer } from "./follows.server";
import type { CandidateVideo } from "./videos.server";

/**
 * A ready video published as the candidate's answer to the question it was recorded for. Text
 * answers are the answer desk's (./answer-desk.server.ts); the two share the rules: the
 * question is published and put to this candidate (by name or to their whole contest), the
 * election's answer window is open and its lock date not passed, a hidden answer stays hidden,
 * and the first publication queues the followers' emails in the same transaction. A video
 * longer than the election's limit (the same for every candidate) is not published.
 */
export type VideoAnswerOutcome =
  | { ok: true; result: "published" | "replaced" | "unchanged" }
  | {
      ok: false;
      problem:
        | "notFound"
        | "notReady"
        | WriteRefusal
        | "overDurationLimit"
        | "answeredWithText"
        | "hidden";
    };

type Target = {
  question_id: string;
  status: ElectionStatus;
  answers_open_at: Date | null;
  answers_close_at: Date | null;
  answer_max_video_seconds: number;
  duration_seconds: string | null;
};

type ExistingAnswer = {
  id: string;
  kind: "text" | "video";
  status: "draft" | "published" | "hidden";
  video_id: string | null;
};

/**
 * Publishes the video as the answer: a new answer, or one replacing the candidate's unpublished
 * written draft (the page says so before), or the video of an earlier video answer (shown to
 * voters as edited). A published written answer is not replaced by a video.
 */
export async function publishVideoAnswer(
  db: Db,
  video: Pick<CandidateVideo, "id" | "candidateId" | "jurisdictionId">,
  actor: Actor,
  now: Date = new Date(),
): Promise<VideoAnswerOutcome> {
  return db.transaction(async (trx) => {
    // A share lock on the election: a clerk closing the window waits for this to commit.
    const target = await trx("videos as v")
      .join("candidates as c", "c.id", "v.candidate_id")
      .join("questions as q", "q.id", "v.question_id")
      .join("elections as e", "e.id", "q.election_id")
      .where({ "v.id": video.id, "q.status": "published" })
      .whereRaw("q.contest_id = c.contest_id")
      .where((scope) => scope.whereNull("q.candidate_id").orWhereRaw("q.candidate_id = c.id"))
      .forShare("e")
      .first<Target | undefined>(
        "q.id as question_id",
        "e.status",
        "e.answers_open_at",
        "e.answers_close_at",
        "e.answer_max_video_seconds",
        "v.duration_seconds",
      );
    if (!target) return { ok: false, problem: "notFound" };
    const refusal = writeRefusal(
      {
        status: target.status,
        answersOpenAt: target.answers_open_at,
        answersCloseAt: target.answers_close_at,
      },
      now,
    );
    if (refusal) return { ok: false, problem: refusal };
    // Rounded to the second, as the limit is stated: a 180.4 s video fits three minutes.
    if (Math.round(Number(target.duration_seconds ?? 0)) > target.answer_max_video_seconds) {
      return { ok: false, problem: "overDurationLimit" };
    }
    // One writer per candidate at a time, as for text answers (a double click inserts once).
    await trx("candidates").where({ id: video.candidateId }).forNoKeyUpdate().first("id");
    const current = await trx("videos")
      .where({ id: video.id })
      .first<{ status: string } | undefined>("status");
    if (current?.status !== "ready") return { ok: false, problem: "notReady" };
    const answer = await trx("answers")
      .where({ question_id: target.question_id, candidate_id: video.candidateId })
      .first<ExistingAnswer | undefined>("id", "kind", "status", "video_id");
    if (answer?.status === "hidden") return { ok: false, problem: "hidden" };
    if (answer?.kind === "text" && answer.status === "published") {
      return { ok: false, problem: "answeredWithText" };
    }

    const record = (action: string, answerId: string) =>
      audit(trx, actor, {
        action,
        targetType: "answer",
        targetId: answerId,
        jurisdictionId: video.jurisdictionId,
        details: {
          questionId: target.question_id,
          candidateId: video.candidateId,
          videoId: video.id,
        },
      });

    if (answer?.status === "published") {
      if (answer.video_id === video.id) return { ok: true, result: "unchanged" };
      await trx("answers")
        .where({ id: answer.id })
        .update({ video_id: video.id, edited_at: now, updated_at: trx.fn.now() });
      await record("answer.edited", answer.id);
      return { ok: true, result: "replaced" };
    }

    const fields = {
      kind: "video",
      video_id: video.id,
      body: null,
      draft_body: null,
      status: "published",
      published_at: now,
    };
    const [saved] = answer
      ? await trx("answers")
          .where({ id: answer.id })
          .update({ ...fields, updated_at: trx.fn.now() })
          .returning<Array<{ id: string }>>("id")
      : await trx("answers")
          .insert({ question_id: target.question_id, candidate_id: video.candidateId, ...fields })
          .returning<Array<{ id: string }>>("id");
    await notifyFollowersOfAnswer(trx, target.question_id);
    await record("answer.published", saved!.id);
    return { ok: true, result: "published" };
  });
}
