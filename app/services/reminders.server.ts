import { config } from "~/lib/config.server";
import type { Db } from "~/lib/db.server";
import { isLocale, localized, translate, type Locale, type LocalizedText } from "~/lib/i18n";
import { enqueue } from "~/lib/queue.server";
import { claimSend } from "./email-sends.server";
import { listToken, unsubscribeHeaders, unsubscribeUrl, type NoticeList } from "./follows.server";

/**
 * The worker's scheduled emails (worker/crontab): the weekly digest of new answers to what a
 * voter follows, the weekly digest of a candidate's top unanswered questions, and election
 * reminders 7 days and 1 day before election day to voters who opted in. Each email carries the
 * RFC 8058 one-click unsubscribe of its list, and each is sent at most once per recipient and
 * period (email_sends, claimed in the transaction that queues the email). `now` is the moment
 * the run stands for: the crontab passes nothing (the real time).
 */

const DAY_MS = 86_400_000;
const DIGEST_MAX_ITEMS = 20;
const CANDIDATE_TOP_QUESTIONS = 5;

/** The ISO week of a moment (UTC), like 2026-W48: a digest's period. */
export function isoWeek(now: Date): string {
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const weekday = day.getUTCDay() || 7;
  day.setUTCDate(day.getUTCDate() + 4 - weekday); // the week's Thursday names its year
  const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((day.getTime() - yearStart) / DAY_MS + 1) / 7);
  return `${day.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
}

const questionUrl = (id: string) => new URL(`/questions/${id}`, config().APP_URL).toString();
const localeOf = (value: string): Locale => (isLocale(value) ? value : "en");

type Recipient = { userId: string; email: string; locale: Locale };

/**
 * Claims the send and queues the email in one transaction; nothing when the key was taken or
 * the recipient has left the list. True when an email was queued.
 */
async function sendOnce(
  db: Db,
  recipient: Recipient,
  send: {
    kind: NoticeList;
    period: string;
    params: (unsubscribe: string) => Record<string, string>;
  },
  template: "weekly_digest" | "candidate_digest" | "election_reminder",
): Promise<boolean> {
  return db.transaction(async (trx) => {
    const token = await listToken(trx, recipient.userId, send.kind);
    if (!token) return false;
    if (!(await claimSend(trx, recipient.userId, send.kind, send.period))) return false;
    const unsubscribe = unsubscribeUrl(token);
    await enqueue(trx, "send_email", {
      template,
      to: recipient.email,
      locale: recipient.locale,
      params: { ...send.params(unsubscribe), unsubscribeUrl: unsubscribe },
      headers: unsubscribeHeaders(unsubscribe),
    });
    return true;
  });
}

type DigestRow = {
  user_id: string;
  email: string;
  locale: string;
  question_id: string;
  body: string;
  ballot_name: string;
};

/**
 * Every voter who follows a contest, candidate or tag with the weekly digest gets the answers
 * published in the 7 days before `now` to questions those follows cover (verified addresses, not
 * unsubscribed from the digest). Returns how many emails were queued.
 */
export async function sendWeeklyDigests(db: Db, now: Date = new Date()): Promise<number> {
  const rows: DigestRow[] = (
    await db.raw(
      `select distinct on (f.user_id, a.id) f.user_id, u.email, u.locale, q.id as question_id,
         q.body, k.ballot_name
       from answers a
       join questions q on q.id = a.question_id and q.status = 'published'
       join candidates k on k.id = a.candidate_id
       join follows f on f.notice = 'weekly' and (f.contest_id = q.contest_id
         or f.candidate_id = a.candidate_id
         or f.tag_id in (select qt.tag_id from question_tags qt where qt.question_id = q.id))
       join users u on u.id = f.user_id and u.email_verified_at is not null
       where a.status = 'published' and a.published_at > ? and a.published_at <= ?
         and not exists (select 1 from notice_subscriptions s where s.user_id = f.user_id
           and s.list = 'weekly_digest' and not s.subscribed)
       order by f.user_id, a.id`,
      [new Date(now.getTime() - 7 * DAY_MS), now],
    )
  ).rows;
  const byUser = Map.groupBy(rows, (row) => row.user_id);
  const period = isoWeek(now);
  let sent = 0;
  for (const [userId, answers] of byUser) {
    const locale = localeOf(answers[0]!.locale);
    const lines = answers.slice(0, DIGEST_MAX_ITEMS).map((row) =>
      translate(locale, "civic.email.digest.item", {
        candidate: row.ballot_name,
        question: row.body,
        url: questionUrl(row.question_id),
      }),
    );
    if (answers.length > DIGEST_MAX_ITEMS)
      lines.push(
        translate(locale, "civic.email.digest.more", { count: answers.length - DIGEST_MAX_ITEMS }),
      );
    const queued = await sendOnce(
      db,
      { userId, email: answers[0]!.email, locale },
      {
        kind: "weekly_digest",
        period,
        params: () => ({ count: String(answers.length), items: lines.join("\n\n") }),
      },
      "weekly_digest",
    );
    if (queued) sent++;
  }
  return sent;
}

/**
 * Each candidate with an account, in an election taking questions or answers, gets the top
 * questions (most votes) addressed to them or their whole contest that they have not answered.
 * Nothing when there are none. Returns how many emails were queued.
 */
export async function sendCandidateDigests(db: Db, now: Date = new Date()): Promise<number> {
  const rows: Array<{
    candidate_id: string;
    user_id: string;
    email: string;
    locale: string;
    contest_title: LocalizedText;
    question_id: string;
    body: string;
    vote_count: number;
  }> = (
    await db.raw(
      `select k.id as candidate_id, u.id as user_id, u.email, u.locale, c.title as contest_title,
         top.id as question_id, top.body, top.vote_count
       from candidates k
       join users u on u.id = k.user_id and u.email_verified_at is not null
       join contests c on c.id = k.contest_id
       join elections e on e.id = c.election_id and e.status in ('questions_open', 'answers_open')
       cross join lateral (
         select q.id, q.body, q.vote_count from questions q
         where q.contest_id = k.contest_id and q.status = 'published'
           and (q.candidate_id is null or q.candidate_id = k.id)
           and not exists (select 1 from answers a where a.question_id = q.id
             and a.candidate_id = k.id and a.status = 'published')
         order by q.vote_count desc, q.published_at desc nulls last, q.id
         limit ?) top
       where k.status = 'active'
       order by k.id, top.vote_count desc, top.id`,
      [CANDIDATE_TOP_QUESTIONS],
    )
  ).rows;
  const period = isoWeek(now);
  let sent = 0;
  for (const [candidateId, questions] of Map.groupBy(rows, (row) => row.candidate_id)) {
    const first = questions[0]!;
    const locale = localeOf(first.locale);
    const items = questions.map((row) =>
      translate(locale, "civic.email.candidateDigest.item", {
        votes: row.vote_count,
        question: row.body,
        url: questionUrl(row.question_id),
      }),
    );
    const queued = await sendOnce(
      db,
      { userId: first.user_id, email: first.email, locale },
      {
        kind: "candidate_digest",
        period: `${period}:${candidateId}`,
        params: () => ({
          contest: localized(first.contest_title, locale),
          items: items.join("\n\n"),
          deskUrl: new URL("/candidate/questions", config().APP_URL).toString(),
        }),
      },
      "candidate_digest",
    );
    if (queued) sent++;
  }
  return sent;
}

/** Days before election day on which reminders go out. */
export const REMINDER_DAYS = [7, 1] as const;

/**
 * Voters who opted in to reminders and follow something in an election (a question, its
 * contest or candidate, or a topic of its jurisdiction) are reminded 7 days and 1 day before
 * its election day (the UTC date of `now`). Returns how many emails were queued.
 */
export async function sendElectionReminders(db: Db, now: Date = new Date()): Promise<number> {
  const dayOf = (offset: number) =>
    new Date(now.getTime() + offset * DAY_MS).toISOString().slice(0, 10);
  const rows: Array<{
    election_id: string;
    name: LocalizedText;
    election_date: string;
    jurisdiction_slug: string;
    slug: string;
    user_id: string;
    email: string;
    locale: string;
    days: number;
  }> = (
    await db.raw(
      `select e.id as election_id, e.name, to_char(e.election_date, 'YYYY-MM-DD') as election_date,
         j.slug as jurisdiction_slug, e.slug, u.id as user_id, u.email, u.locale,
         (e.election_date - ?::date) as days
       from elections e
       join jurisdictions j on j.id = e.jurisdiction_id
       join notice_subscriptions s on s.list = 'election_reminders' and s.subscribed
       join users u on u.id = s.user_id and u.email_verified_at is not null
       where e.status not in ('draft', 'archived') and e.election_date in (?::date, ?::date)
         and (exists (select 1 from follows f join contests c on c.id = f.contest_id
                where f.user_id = u.id and c.election_id = e.id)
           or exists (select 1 from follows f join candidates k on k.id = f.candidate_id
                join contests c on c.id = k.contest_id where f.user_id = u.id and c.election_id = e.id)
           or exists (select 1 from follows f join topic_tags t on t.id = f.tag_id
                where f.user_id = u.id and t.jurisdiction_id = e.jurisdiction_id)
           or exists (select 1 from question_follows qf join questions q on q.id = qf.question_id
                where qf.user_id = u.id and q.election_id = e.id))`,
      [dayOf(0), dayOf(REMINDER_DAYS[0]), dayOf(REMINDER_DAYS[1])],
    )
  ).rows;
  let sent = 0;
  for (const row of rows) {
    const locale = localeOf(row.locale);
    const queued = await sendOnce(
      db,
      { userId: row.user_id, email: row.email, locale },
      {
        kind: "election_reminders",
        period: `${row.election_id}:${row.days}d`,
        params: () => ({
          election: localized(row.name, locale),
          date: row.election_date,
          days: String(row.days),
          electionUrl: new URL(
            `/elections/${row.jurisdiction_slug}/${row.slug}`,
            config().APP_URL,
          ).toString(),
        }),
      },
      "election_reminder",
    );
    if (queued) sent++;
  }
  return sent;
}
