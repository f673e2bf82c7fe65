import { randomBytes } from "node:crypto";
import { config } from "~/lib/config.server";
import type { DbOrTransaction } from "~/lib/db.server";
import { isLocale, type LocalizedText } from "~/lib/i18n";
import { enqueue } from "~/lib/queue.server";
import { claimSend } from "./email-sends.server";

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

/** What an unsubscribe token stops, for its confirmation page. */
export type Subscription =
  | { kind: "question"; text: string }
  | { kind: "item"; target: FollowTarget["kind"]; name: LocalizedText }
  | { kind: "list"; list: NoticeList };

/** What an unsubscribe token stops, or null when it is unknown (or spent). */
export async function followByToken(
  db: DbOrTransaction,
  token: string,
): Promise<Subscription | null> {
  const question = await db("question_follows as f")
    .join("questions as q", "q.id", "f.question_id")
    .where("f.unsubscribe_token", token)
    .first<{ body: string } | undefined>("q.body");
  if (question) return { kind: "question", text: question.body };
  const item = await db("follows as f")
    .leftJoin("contests as c", "c.id", "f.contest_id")
    .leftJoin("candidates as k", "k.id", "f.candidate_id")
    .leftJoin("topic_tags as t", "t.id", "f.tag_id")
    .where("f.unsubscribe_token", token)
    .whereNot("f.notice", "none")
    .first<
      | {
          contest_title: LocalizedText | null;
          ballot_name: string | null;
          tag_name: LocalizedText | null;
        }
      | undefined
    >("c.title as contest_title", "k.ballot_name", "t.name as tag_name");
  if (item) {
    if (item.contest_title) return { kind: "item", target: "contest", name: item.contest_title };
    if (item.ballot_name)
      return { kind: "item", target: "candidate", name: { en: item.ballot_name } };
    return { kind: "item", target: "tag", name: item.tag_name ?? { en: "" } };
  }
  const list = await db("notice_subscriptions")
    .where({ unsubscribe_token: token, subscribed: true })
    .first<{ list: NoticeList } | undefined>("list");
  return list ? { kind: "list", list: list.list } : null;
}

/**
 * Stops what the token belongs to: a question's follow ends; a contest / candidate / tag follow
 * stays but sends nothing more; a mailing list is switched off. False when there was nothing
 * (already unsubscribed). Needs no session: the token is the key (RFC 8058 one-click).
 */
export async function unsubscribeByToken(db: DbOrTransaction, token: string): Promise<boolean> {
  if ((await db("question_follows").where({ unsubscribe_token: token }).delete()) > 0) return true;
  if (
    (await db("follows")
      .where({ unsubscribe_token: token })
      .whereNot("notice", "none")
      .update({ notice: "none" })) > 0
  )
    return true;
  return (
    (await db("notice_subscriptions")
      .where({ unsubscribe_token: token, subscribed: true })
      .update({ subscribed: false, updated_at: db.fn.now() })) > 0
  );
}

/** What a voter may follow besides a question: a contest, a candidate or a topic tag. */
export type FollowTarget = { kind: "contest" | "candidate" | "tag"; id: string };
export const FOLLOW_NOTICES = ["immediately", "weekly", "none"] as const;
export type FollowNotice = (typeof FOLLOW_NOTICES)[number];

const TARGET_COLUMN = { contest: "contest_id", candidate: "candidate_id", tag: "tag_id" } as const;
const targetWhere = (target: FollowTarget) => ({ [TARGET_COLUMN[target.kind]]: target.id });

/** How the user follows the target (its notice frequency), or null when they do not. */
export async function itemFollow(
  db: DbOrTransaction,
  userId: string,
  target: FollowTarget,
): Promise<FollowNotice | null> {
  const row = await db("follows")
    .where({ user_id: userId, ...targetWhere(target) })
    .first<{ notice: FollowNotice } | undefined>("notice");
  return row?.notice ?? null;
}

/**
 * Follows a contest, candidate or tag with the chosen notices, or changes them. Choosing the
 * weekly digest again also undoes an earlier unsubscribe from the digest: an explicit choice.
 */
export async function followItem(
  db: DbOrTransaction,
  userId: string,
  target: FollowTarget,
  notice: FollowNotice,
): Promise<void> {
  await db("follows")
    .insert({
      user_id: userId,
      ...targetWhere(target),
      notice,
      unsubscribe_token: randomBytes(32).toString("base64url"),
    })
    .onConflict(db.raw("(user_id, contest_id, candidate_id, tag_id)"))
    .merge({ notice });
  if (notice === "weekly") await setListSubscription(db, userId, "weekly_digest", true);
}

/** Whether the target exists where voters can see it (a contest or candidate of a published election). */
export async function followTargetExists(
  db: DbOrTransaction,
  target: FollowTarget,
): Promise<boolean> {
  if (target.kind === "tag")
    return Boolean(
      await db("topic_tags").where({ id: target.id }).whereNull("archived_at").first("id"),
    );
  const query =
    target.kind === "contest"
      ? db("contests as c").where("c.id", target.id)
      : db("candidates as k")
          .join("contests as c", "c.id", "k.contest_id")
          .where("k.id", target.id);
  const row = await query
    .join("elections as e", "e.id", "c.election_id")
    .whereNot("e.status", "draft")
    .first("c.id");
  return Boolean(row);
}

export async function unfollowItem(
  db: DbOrTransaction,
  userId: string,
  target: FollowTarget,
): Promise<void> {
  await db("follows")
    .where({ user_id: userId, ...targetWhere(target) })
    .delete();
}

/** Mailing lists beyond follows, each with its own one-click unsubscribe token. */
export type NoticeList = "election_reminders" | "weekly_digest" | "candidate_digest";

/** Turns a list on or off for the user, keeping (or creating) its token. */
export async function setListSubscription(
  db: DbOrTransaction,
  userId: string,
  list: NoticeList,
  subscribed: boolean,
): Promise<void> {
  await db("notice_subscriptions")
    .insert({
      user_id: userId,
      list,
      subscribed,
      unsubscribe_token: randomBytes(32).toString("base64url"),
    })
    .onConflict(["user_id", "list"])
    .merge({ subscribed, updated_at: db.fn.now() });
}

/**
 * The user's token for a list, creating the row as subscribed when there is none (the digests
 * are on until refused; reminders are opt-in, so their row exists before anything is sent).
 * Null when they unsubscribed.
 */
export async function listToken(
  db: DbOrTransaction,
  userId: string,
  list: NoticeList,
): Promise<string | null> {
  await db("notice_subscriptions")
    .insert({
      user_id: userId,
      list,
      subscribed: true,
      unsubscribe_token: randomBytes(32).toString("base64url"),
    })
    .onConflict(["user_id", "list"])
    .ignore();
  const row = await db("notice_subscriptions")
    .where({ user_id: userId, list })
    .first<{ subscribed: boolean; unsubscribe_token: string }>("subscribed", "unsubscribe_token");
  return row?.subscribed ? row.unsubscribe_token : null;
}

/** The List-Unsubscribe headers of RFC 8058: one POST to the URL unsubscribes, no sign-in. */
export function unsubscribeHeaders(url: string): Record<string, string> {
  return {
    "List-Unsubscribe": `<${url}>`,
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
  };
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
  const itemNotices = await notifyItemFollowersOfAnswers(trx, questionId, question.body);
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
  if (followers.length === 0) return itemNotices;
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
        headers: unsubscribeHeaders(unsubscribe),
      },
      { jobKey: `answered:${questionId}:${follower.user_id}` },
    );
  }
  return followers.length + itemNotices;
}

/**
 * "Immediately" for followers of the question's contest, of its topic tags, or of the candidate
 * who answered: one email per follower and published answer (the key `answer:<answer id>`),
 * whichever follow led to it and however often the answer is published again. Someone who
 * follows the question itself gets the email above instead.
 */
async function notifyItemFollowersOfAnswers(
  trx: DbOrTransaction,
  questionId: string,
  questionBody: string,
): Promise<number> {
  const rows = await trx("answers as a")
    .join("questions as q", "q.id", "a.question_id")
    .join("candidates as k", "k.id", "a.candidate_id")
    .joinRaw(
      `join follows f on f.contest_id = q.contest_id or f.candidate_id = a.candidate_id
        or f.tag_id in (select qt.tag_id from question_tags qt where qt.question_id = q.id)`,
    )
    .join("users as u", "u.id", "f.user_id")
    .where({ "a.question_id": questionId, "a.status": "published", "f.notice": "immediately" })
    .whereNotNull("u.email_verified_at")
    .whereNotExists((own) =>
      own
        .select(trx.raw("1"))
        .from("question_follows as qf")
        .whereRaw("qf.question_id = q.id and qf.user_id = f.user_id"),
    )
    .distinctOn("a.id", "f.user_id")
    .orderBy([{ column: "a.id" }, { column: "f.user_id" }, { column: "f.created_at" }])
    .select<
      Array<{
        answer_id: string;
        user_id: string;
        email: string;
        locale: string;
        ballot_name: string;
        unsubscribe_token: string;
      }>
    >(
      "a.id as answer_id",
      "f.user_id",
      "u.email",
      "u.locale",
      "k.ballot_name",
      "f.unsubscribe_token",
    );
  const questionUrl = new URL(`/questions/${questionId}`, config().APP_URL).toString();
  let queued = 0;
  for (const row of rows) {
    if (!(await claimSend(trx, row.user_id, "answer", row.answer_id))) continue;
    const unsubscribe = unsubscribeUrl(row.unsubscribe_token);
    await enqueue(trx, "send_email", {
      template: "followed_answer",
      to: row.email,
      locale: isLocale(row.locale) ? row.locale : "en",
      params: {
        question: questionBody,
        candidate: row.ballot_name,
        questionUrl,
        unsubscribeUrl: unsubscribe,
      },
      headers: unsubscribeHeaders(unsubscribe),
    });
    queued++;
  }
  return queued;
}
