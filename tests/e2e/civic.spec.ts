import type { Page } from "@playwright/test";
import pg from "pg";
import { codeIn, expect, latestMail, mailCount, test, uniqueEmail } from "./support";

/**
 * Civic depth, as a voter does it (JavaScript off in the no-js project): edit one's question and
 * see every version on its page; follow a topic, get the weekly digest of its new answers from
 * the real worker and SMTP server, and leave the digest with the email's one-click unsubscribe.
 */
const pool = new pg.Pool({ connectionString: process.env.E2E_DATABASE_URL, max: 2 });
test.afterAll(() => pool.end());

async function signInFreshVoter(page: Page): Promise<string> {
  const email = uniqueEmail("civic", test.info().project.name);
  await page.goto("/sign-in/code");
  await page.getByLabel("Email address").fill(email);
  await page.getByRole("button", { name: "Email me a code" }).click();
  await page.getByLabel("Six-digit code").fill(codeIn(await latestMail(email)));
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(
    page.getByRole("navigation", { name: "Your account" }).getByRole("link", { name: email }),
  ).toBeVisible();
  return email;
}

/** The demo's race for mayor (the election's slug carries the seed's year). */
async function mayorRace(page: Page): Promise<string> {
  await page.goto("/");
  const election = await page
    .getByRole("link", { name: /Harbor County General Election/ })
    .first()
    .getAttribute("href");
  return `${election}/mayor-port-alder`;
}

/** Waits until the worker has no job of these tasks left (queued or running). */
async function drained(...tasks: string[]) {
  await expect
    .poll(
      async () =>
        (
          await pool.query(
            "select count(*)::int as n from graphile_worker.jobs where task_identifier = any($1)",
            [tasks],
          )
        ).rows[0].n,
      { timeout: 15_000 },
    )
    .toBe(0);
}

test.describe("civic depth", () => {
  test("the author edits a question and its page shows every version", async ({ page }) => {
    await signInFreshVoter(page);
    const race = await mayorRace(page);
    const first = `Will the Eastside library lend tools to residents? (${Date.now()})`;
    await page.goto(`${race}/ask`);
    await page.getByLabel("Your question", { exact: true }).fill(first);
    await page.getByRole("button", { name: "Post my question" }).click();
    await expect(page).toHaveURL(/\/questions\/[0-9a-f-]{36}$/);

    await page.getByRole("link", { name: "Edit your question" }).click();
    const second = first.replace("lend tools", "lend tools and sewing machines");
    await page.getByLabel("Your question", { exact: true }).fill(second);
    await page.getByRole("button", { name: "Save the new version" }).click();

    await expect(page.getByText("Your question was updated.")).toBeVisible();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(second);
    const history = page.getByRole("region", { name: "History of this question" });
    const versions = history.getByRole("listitem");
    await expect(versions).toHaveCount(2);
    await expect(versions.nth(0)).toContainText("Version 2 · edited by its author");
    await expect(versions.nth(0)).toContainText(second);
    await expect(versions.nth(1)).toContainText("Version 1 · as asked");
    await expect(versions.nth(1)).toContainText(first);
  });

  test("follow a topic, get its weekly digest once, and unsubscribe with one click", async ({
    page,
  }) => {
    const suffix = `${test.info().project.name}-${Date.now()}`;
    // The clerk's topic, a question on it and a candidate's answer, written directly (the
    // console and the candidate desk have their own tests).
    const { rows } = await pool.query(
      `with contest as (
         select c.id, c.election_id, e.jurisdiction_id from contests c
         join elections e on e.id = c.election_id
         where c.slug = 'mayor-port-alder' and e.status <> 'draft' limit 1),
       tag as (
         insert into topic_tags (jurisdiction_id, slug, name)
         select jurisdiction_id, $1, jsonb_build_object('en', $2::text) from contest returning id),
       question as (
         insert into questions (election_id, contest_id, body, status, published_at)
         select election_id, id, $3, 'published', now() from contest returning id, contest_id),
       tagged as (
         insert into question_tags (question_id, tag_id) select question.id, tag.id
         from question, tag returning question_id)
       insert into answers (question_id, candidate_id, kind, body, status, published_at)
       select question.id, k.id, 'text', 'Yes: every branch, from March.', 'published', now()
       from question join candidates k on k.contest_id = question.contest_id
       order by k.ballot_order limit 1
       returning question_id`,
      [
        `ferries-${suffix}`,
        `Ferries ${suffix}`,
        `Will the ferry to Gull Island run every hour? ${suffix}`,
      ],
    );
    expect(rows).toHaveLength(1);

    const email = await signInFreshVoter(page);
    await page.goto(`${await mayorRace(page)}?tag=ferries-${suffix}`);
    const follow = page.getByRole("group", { name: "Follow this topic" });
    await follow.getByLabel("In a weekly digest").check();
    await page.getByRole("button", { name: "Follow this topic" }).click();
    await expect(page.getByText("You are following it.")).toBeVisible();
    await expect(page.getByRole("group", { name: "Follow this topic" })).toContainText(
      "You follow it.",
    );
    await expect(page.getByRole("button", { name: "Stop following this topic" })).toBeVisible();

    // The Monday run, started now through the worker's queue (twice: a duplicated job).
    const before = await mailCount(email);
    await pool.query("select graphile_worker.add_job('send_weekly_digests', '{}'::json)");
    const mail = await latestMail(email, { after: before });
    await pool.query("select graphile_worker.add_job('send_weekly_digests', '{}'::json)");
    await drained("send_weekly_digests", "send_email");
    expect(await mailCount(email)).toBe(before + 1);

    expect(mail.subject).toBe("Your weekly CivicQ digest of new answers");
    expect(mail.text).toContain(`Will the ferry to Gull Island run every hour? ${suffix}`);
    const unsubscribe = mail.text.match(/https?:\/\/\S+\/unsubscribe\/\S+/)![0];
    expect(mail.rawHeaders["list-unsubscribe"]).toBe(`<${unsubscribe}>`);
    expect(mail.rawHeaders["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");

    // RFC 8058: the mail client's POST, with no session, no Origin, nothing but the token
    const oneClick = await fetch(unsubscribe, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(oneClick.status).toBe(200);
    await page.goto(unsubscribe);
    await expect(page.getByText("This link no longer works")).toBeVisible();

    // unsubscribed from the digest: the next run sends nothing, though the follow stays
    await pool.query("select graphile_worker.add_job('send_weekly_digests', $1::json)", [
      JSON.stringify({ now: new Date(Date.now() + 7 * 86_400_000 - 60_000).toISOString() }),
    ]);
    await drained("send_weekly_digests", "send_email");
    expect(await mailCount(email)).toBe(before + 1);
  });
});
