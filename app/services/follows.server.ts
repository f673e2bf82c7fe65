import { randomBytes } from "node:crypto";
import { config } from "~/lib/config.server";
import type { DbOrTransaction } from "~/lib/db.server";
import { isLocale } from "~/lib/i18n";
import { enqueue } from "~/lib/queue.server";

/** Whether the user follows the question (gets one email when it is answered). */
export async function isFollowing(
  db: DbOrTransaction,
  userId: string,
  questionId: string,
): Promise<boolean> {
  const row = await db("question_follows")
    .where({ user_id: userId, question_id: questionId })
    .first("question_id");
  return Boolean(row);
}

/** Whether the user may follow the question: a published one, or their own awaiting moderation. */
export async function questionFollowable(
  db: DbOrTransaction,
  userId: string,
  questionId: string,
): Promise<boolean> {
  const row = await db("questions")
    .where({ id: questionId })
    .andWhere((visible) => visible.where({ status: "published" }).orWhere({ author_id: userId }))
    .first("id");
  return Boolean(row);
}

/**
 * Follows a question; following twice keeps the first follow (and its token). The token lets
 * the emailed unsubscribe link work without signing in: 32 random bytes, so it cannot be guessed.
 */
export async function followQuestion(
  db: DbOrTransaction,
  userId: string,
  questionId: string,
): Promise<void> {
  await db("question_follows")
    .insert({
      question_id: questionId,
      user_id: userId,
      unsubscribe_token: randomBytes(32).toString("base64url"),
    })
    .onConflict(["question_id", "user_id"])
    .ignore();
}

export async function unfollowQuestion(
  db: DbOrTransaction,
  userId: string,
  questionId: string,
): Promise<void> {
  await db("question_follows").where({ user_id: userId, question_id: questionId }).delete();
}

/** The followed question behind an unsubscribe token, or null when it is unknown (or spent). */
export async function followByToken(
  db: DbOrTransaction,
  token: string,
): Promise<{ questionId: string; body: string } | null> {
  const row = await db("question_follows as f")
    .join("questions as q", "q.id", "f.question_id")
    .where("f.unsubscribe_token", token)
    .first<{ id: string; body: string } | undefined>("q.id", "q.body");
  return row ? { questionId: row.id, body: row.body } : null;
}

/** Ends the follow the token belongs to; false when there was none (already unsubscribed). */
export async function unsubscribeByToken(db: DbOrTransaction, token: string): Promise<boolean> {
  return (await db("question_follows").where({ unsubscribe_token: token }).delete()) > 0;
}

export function unsubscribeUrl(token: string): string {
  return new URL(`/unsubscribe/${encodeURIComponent(token)}`, config().APP_URL).toString();
}

/**
 * Queues the "your question was answered" email for every follower not yet told, in the
 * caller's transaction (the answer's publication). `notified_at` and the job key
 * `answered:<question>:<user>` make it one email per follower, however often the answer is
 * edited or republished. Only verified addresses are written to. Returns how many were queued.
 */
export async function notifyFollowersOfAnswer(
  trx: DbOrTransaction,
  questionId: string,
): Promise<number> {
  const question = await trx("questions").where({ id: questionId }).first<{ body: string }>("body");
  if (!question) return 0;
  const followers = await trx("question_follows as f")
    .join("users as u", "u.id", "f.user_id")
    .where("f.question_id", questionId)
    .whereNull("f.notified_at")
    .whereNotNull("u.email_verified_at")
    .forUpdate("f")
    .select<Array<{ user_id: string; unsubscribe_token: string; email: string; locale: string }>>(
      "f.user_id",
      "f.unsubscribe_token",
      "u.email",
      "u.locale",
    );
  if (followers.length === 0) return 0;
  await trx("question_follows")
    .where({ question_id: questionId })
    .whereIn(
      "user_id",
      followers.map((follower) => follower.user_id),
    )
    .update({ notified_at: trx.fn.now() });
  const questionUrl = new URL(`/questions/${questionId}`, config().APP_URL).toString();
  for (const follower of followers) {
    const unsubscribe = unsubscribeUrl(follower.unsubscribe_token);
    await enqueue(
      trx,
      "send_email",
      {
        template: "question_answered",
        to: follower.email,
        locale: isLocale(follower.locale) ? follower.locale : "en",
        params: { question: question.body, questionUrl, unsubscribeUrl: unsubscribe },
        headers: {
          "List-Unsubscribe": `<${unsubscribe}>`,
          "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
      },
      { jobKey: `answered:${questionId}:${follower.user_id}` },
    );
  }
  return followers.length;
}
