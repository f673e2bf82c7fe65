import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type Db } from "~/lib/db.server";
import type { JobPayload } from "~/lib/queue.server";
import type * as Emails from "~/services/emails.server";
import type * as Follows from "~/services/follows.server";
import { startApp, type App } from "../support/app-server";
import { createContest } from "../support/fixtures";

/**
 * Following a question: one "answered" email per follower, however often the answer is
 * published or edited, and an unsubscribe link that works without signing in.
 */
describe("question follows", () => {
  let db: Db;
  let app: App;
  let outbox: string;
  let follows: typeof Follows;
  let emails: typeof Emails;
  let contest: Awaited<ReturnType<typeof createContest>>;

  beforeAll(async () => {
    const url = inject("databaseUrl");
    // read by the configuration on first use, which comes after this: without SMTP, mail is
    // written to the outbox as .eml files, headers exactly as sent
    outbox = await fs.mkdtemp(path.join(os.tmpdir(), "civicq-follows-"));
    delete process.env.SMTP_URL;
    process.env.MAIL_OUTBOX_DIR = outbox;
    process.env.APP_URL = "https://civicq.example.org";
    db = createDb(url, 4);
    follows = await import("~/services/follows.server");
    emails = await import("~/services/emails.server");
    contest = await createContest(db);
    app = await startApp(url);
  });

  afterAll(async () => {
    await app?.stop();
    await db?.destroy();
    await fs.rm(outbox, { recursive: true, force: true });
  });

  async function question() {
    const [row] = await db("questions")
      .insert({
        election_id: contest.electionId,
        contest_id: contest.contestId,
        body: `Will you keep the harbor ferry running all winter? ${randomUUID().slice(0, 8)}`,
        status: "published",
        published_at: db.fn.now(),
      })
      .returning(["id", "body"]);
    return row as { id: string; body: string };
  }

  async function follower(questionId: string, { verified = true, locale = "en" } = {}) {
    const [user] = await db("users")
      .insert({
        email: `follower-${randomUUID()}@example.test`,
        email_verified_at: verified ? db.fn.now() : null,
        locale,
      })
      .returning(["id", "email"]);
    await follows.followQuestion(db, user.id, questionId);
    return user as { id: string; email: string };
  }

  const queued = (questionId: string) =>
    db("graphile_worker._private_jobs")
      .where("key", "like", `answered:${questionId}:%`)
      .select<Array<{ key: string; payload: JobPayload<"send_email"> }>>("key", "payload");

  const tokenOf = async (questionId: string, userId: string) =>
    (
      await db("question_follows")
        .where({ question_id: questionId, user_id: userId })
        .first("unsubscribe_token")
    )?.unsubscribe_token as string | undefined;

  it("queues one email per verified follower, once, however often it is called", async () => {
    const { id, body } = await question();
    const [ana, ben] = [await follower(id), await follower(id, { locale: "es" })];
    const unverified = await follower(id, { verified: false });
    await follows.followQuestion(db, ana.id, id); // following twice changes nothing

    expect(await db.transaction((trx) => follows.notifyFollowersOfAnswer(trx, id))).toBe(2);
    // the answer is edited, then published again: nobody hears twice
    expect(await db.transaction((trx) => follows.notifyFollowersOfAnswer(trx, id))).toBe(0);
    expect(await db.transaction((trx) => follows.notifyFollowersOfAnswer(trx, id))).toBe(0);

    const jobs = await queued(id);
    expect(jobs.map((job) => job.key).sort()).toEqual(
      [`answered:${id}:${ana.id}`, `answered:${id}:${ben.id}`].sort(),
    );
    const toBen = jobs.find((job) => job.payload.to === ben.email)!.payload;
    const benToken = await tokenOf(id, ben.id);
    expect(toBen).toMatchObject({
      template: "question_answered",
      locale: "es",
      params: {
        question: body,
        questionUrl: `https://civicq.example.org/questions/${id}`,
        unsubscribeUrl: `https://civicq.example.org/unsubscribe/${benToken}`,
      },
      headers: {
        "List-Unsubscribe": `<https://civicq.example.org/unsubscribe/${benToken}>`,
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
      },
    });
    expect(jobs.some((job) => job.payload.to === unverified.email)).toBe(false);
  });

  it("delivers the email with the question, its link and the unsubscribe headers", async () => {
    const { id, body } = await question();
    const reader = await follower(id);
    await db.transaction((trx) => follows.notifyFollowersOfAnswer(trx, id));
    const [job] = await queued(id);
    await emails.deliverEmail(job!.payload);
    const [file] = await fs.readdir(outbox);
    const mail = await simpleParser(await fs.readFile(path.join(outbox, file!)));
    // a header's value, unfolded (a long one is wrapped over several lines)
    const header = (name: string) =>
      mail.headerLines
        .find((line) => line.key === name)
        ?.line.replace(/\r?\n\s+/g, " ")
        .replace(/^[^:]+:\s*/, "");
    const token = await tokenOf(id, reader.id);
    expect(mail.to).toMatchObject({ text: reader.email });
    expect(mail.subject).toBe("A question you follow on CivicQ has an answer");
    expect(mail.text).toContain(body);
    expect(mail.text).toContain(`https://civicq.example.org/questions/${id}`);
    expect(mail.text).toContain(`https://civicq.example.org/unsubscribe/${token}`);
    expect(header("list-unsubscribe")).toBe(`<https://civicq.example.org/unsubscribe/${token}>`);
    expect(header("list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
  });

  it("stops the email once the follower unsubscribes by the link, without signing in", async () => {
    const { id, body } = await question();
    const leaving = await follower(id);
    const staying = await follower(id);
    const token = (await tokenOf(id, leaving.id))!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes

    // opening the link only asks: a mail scanner following it unsubscribes nobody
    const page = await app.request(`/unsubscribe/${token}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(body.replace(/'/g, "&#x27;"));
    expect(await tokenOf(id, leaving.id)).toBe(token);

    const confirmed = await app.request(`/unsubscribe/${token}`, { form: {} });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain("You are unsubscribed");
    expect(await tokenOf(id, leaving.id)).toBeUndefined();

    expect(await db.transaction((trx) => follows.notifyFollowersOfAnswer(trx, id))).toBe(1);
    expect((await queued(id)).map((job) => job.payload.to)).toEqual([staying.email]);

    const again = await app.request(`/unsubscribe/${token}`);
    expect(await again.text()).toContain("This link no longer works");
  });
});
