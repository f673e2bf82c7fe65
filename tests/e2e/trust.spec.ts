import type { Browser } from "@playwright/test";
import { generate } from "otplib";
import pg from "pg";
import { hashPassword } from "../../app/lib/password.server";
import { expect, latestMail, test, uniqueEmail } from "./support";

/**
 * Issue 10's trust features with JavaScript off (the voter's 360×640 phone).
 *
 * The open moderation ledger and appeals: a moderator rejects a question
 * for a policy reason; its author is emailed the reason and a link, and appeals once with a
 * plain form; the election's public ledger and its CSV list the rejection with its reason; the
 * moderator who decided cannot settle the appeal (the page offers nothing, and the server
 * refuses a forged post); a second moderator overturns it, and the question is public again.
 *
 * Verified constituents: a clerk switches the ways on, uploads a roll and downloads a batch of
 * codes; one voter verifies by the roll (typed their own way) and removes it, another uses a code.
 */
const COUNTY = "harbor-county";
const ELECTION = "general-2027";
const PASSWORD = "a moderator of harbor county for the ledger";
const VOTER_PASSWORD = "an author who appeals once, politely";
const SECRETS = {
  first: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXA",
  second: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXB",
};

const pool = new pg.Pool({ connectionString: process.env.E2E_DATABASE_URL, max: 2 });
test.afterAll(() => pool.end());

async function seedAccount(email: string, password: string, totpSecret: string | null) {
  const {
    rows: [user],
  } = await pool.query(
    `insert into users (email, email_verified_at, password_hash, password_changed_at, totp_secret, mfa_enabled_at)
     values ($1, now(), $2, now(), $3, case when $3::text is null then null else now() end) returning id`,
    [email, await hashPassword(password), totpSecret],
  );
  return user.id as string;
}

async function seedModerator(email: string, secret: string) {
  const id = await seedAccount(email, PASSWORD, secret);
  await pool.query(
    `insert into role_grants (user_id, role, jurisdiction_id)
     select $1, 'moderator', id from jurisdictions where slug = $2`,
    [id, COUNTY],
  );
}

async function signIn(browser: Browser, email: string, password: string, secret?: string) {
  const context = await browser.newContext({
    javaScriptEnabled: false,
    viewport: { width: 360, height: 640 },
  });
  const page = await context.newPage();
  await page.goto("/sign-in");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  if (secret) {
    await page
      .getByLabel("Code from your authenticator app, or a recovery code")
      .fill(await generate({ secret }));
    await page.getByRole("button", { name: "Sign in" }).click();
  }
  await expect(page.getByRole("navigation", { name: "Your account" })).toContainText("@");
  return page;
}

test("a rejection is in the public ledger with its reason, and its appeal is decided by another moderator, all without JavaScript", async ({
  browser,
}, testInfo) => {
  test.skip(testInfo.project.name !== "no-js", "the flow is the no-JavaScript one");
  const label = `ledger-${Date.now()}`;
  const author = uniqueEmail("appealing-author", label);
  const first = uniqueEmail("first-moderator", label);
  const second = uniqueEmail("second-moderator", label);
  const authorId = await seedAccount(author, VOTER_PASSWORD, null);
  await seedModerator(first, SECRETS.first);
  await seedModerator(second, SECRETS.second);
  const body = `Visit my shop for cheap campaign buttons today ${label}!`;
  const {
    rows: [question],
  } = await pool.query(
    `insert into questions (election_id, contest_id, body, status, author_id)
     select e.id, c.id, $1, 'pending', $2 from contests c
       join elections e on e.id = c.election_id join jurisdictions j on j.id = e.jurisdiction_id
      where j.slug = $3 and e.slug = $4 and c.slug = 'sheriff' returning id`,
    [body, authorId, COUNTY, ELECTION],
  );
  const ledger = `/moderation-ledger/${COUNTY}/${ELECTION}`;

  const moderator = await signIn(browser, first, PASSWORD, SECRETS.first);
  await test.step("the first moderator rejects the question for a policy reason", async () => {
    await moderator.goto(`/console/${COUNTY}/moderation/questions/${question.id}`);
    await moderator
      .getByLabel("Reason (from the policy)")
      .selectOption({ label: "Spam or advertising" });
    await moderator.getByRole("button", { name: "Reject" }).click();
    await expect(moderator.getByTestId("question-status")).toHaveText("Rejected");
  });

  const voter = await signIn(browser, author, VOTER_PASSWORD);
  await test.step("the author is emailed the reason and appeals once with a plain form", async () => {
    const mail = await latestMail(author);
    expect(mail.text).toContain("Reason: Spam or advertising.");
    const appealUrl = mail.text.match(/https?:\/\/\S+\/appeals\/[0-9a-f-]{36}/)![0];
    await voter.goto(new URL(appealUrl).pathname);
    await expect(voter.getByText("Reason: Spam or advertising.")).toBeVisible();
    await voter
      .getByLabel("Why should this decision be changed?")
      .fill("These buttons are for every candidate, not an advert. Please look again.");
    await voter.getByRole("button", { name: "Send my appeal" }).click();
    await expect(
      voter.getByText("Your appeal was sent. A different moderator will decide."),
    ).toBeVisible();
    await expect(voter.getByTestId("appeal-status")).toHaveText(
      "Your appeal is waiting for a moderator.",
    );
    await expect(voter.getByRole("button", { name: "Send my appeal" })).toHaveCount(0);
  });

  await test.step("the public ledger and its CSV list the rejection with its reason", async () => {
    await voter.goto(ledger);
    const { rows } = await pool.query(
      "select id from moderation_decisions where question_id = $1 and action = 'reject'",
      [question.id],
    );
    const entry = voter.locator(`#d-${rows[0].id}`);
    await expect(entry).toContainText("Rule spam — Spam or advertising:");
    await expect(entry).toContainText("Appealed: waiting for a decision");
    await expect(entry).toContainText("Rejected · a question");
    await expect(entry).toContainText("No advertising, links to sell something");
    await expect(voter.getByText(body)).toHaveCount(0); // the rejected text itself never shows
    const csv = await (await voter.request.get(`${ledger}/export.csv`)).text();
    const line = csv.split("\r\n").find((row) => row.startsWith(rows[0].id))!;
    expect(line).toMatch(
      /,question,reject,spam,Spam or advertising,"No advertising[^"]*",pending$/,
    );
    expect(csv).not.toContain(body);
  });

  const { rows: appeals } = await pool.query(
    `select a.id from moderation_appeals a join moderation_decisions d on d.id = a.decision_id
      where d.question_id = $1`,
    [question.id],
  );
  const queue = `/console/${COUNTY}/moderation`;
  await test.step("the moderator who decided cannot settle the appeal, on the page or by a forged post", async () => {
    await moderator.goto(queue);
    const appeal = moderator.getByTestId("appeal").filter({ hasText: body });
    await expect(appeal).toContainText("You made this decision");
    await expect(appeal.getByRole("button")).toHaveCount(0);
    const forged = await moderator.request.post(queue, {
      form: { intent: "overturn", appealId: appeals[0].id, returnTo: queue },
      headers: { Origin: new URL(moderator.url()).origin },
      maxRedirects: 0,
    });
    expect(forged.status()).toBe(303);
    expect(forged.headers().location).toContain("problem=sameModerator");
    const { rows } = await pool.query("select outcome from moderation_appeals where id = $1", [
      appeals[0].id,
    ]);
    expect(rows[0].outcome).toBeNull();
  });

  await test.step("a second moderator overturns it: the question is public again", async () => {
    const other = await signIn(browser, second, PASSWORD, SECRETS.second);
    await other.goto(queue);
    await other.getByRole("button", { name: `Overturn the decision and publish: ${body}` }).click();
    await expect(
      other.getByText("The appeal was decided: the content is public again."),
    ).toBeVisible();
    await voter.goto(ledger);
    const { rows: decisions } = await pool.query(
      "select id, action from moderation_decisions where question_id = $1 order by created_at",
      [question.id],
    );
    expect(decisions.map((decision) => decision.action)).toEqual(["reject", "restore"]);
    await expect(voter.locator(`#d-${decisions[0].id}`)).toContainText(
      "Appealed: decision overturned",
    );
    await expect(voter.locator(`#d-${decisions[1].id}`)).toContainText("Restored after appeal");
    await voter.goto(`/questions/${question.id}`);
    await expect(voter.getByText(body)).toBeVisible();
    await other.context().close();
    const { rows } = await pool.query(
      `select action from audit_log
        where target_id in ($1, $2) or details->>'appealId' = $2 order by id`,
      [question.id, appeals[0].id],
    );
    expect(rows.map((row) => row.action)).toEqual(
      expect.arrayContaining([
        "moderation.reject",
        "moderation.appeal",
        "moderation.restore",
        "moderation.appeal_overturned",
      ]),
    );
  });
  await Promise.all([moderator.context().close(), voter.context().close()]);
});

test("a clerk uploads a roll and prints codes; voters verify by roll and by code, and remove it, all without JavaScript", async ({
  browser,
}, testInfo) => {
  test.skip(testInfo.project.name !== "no-js", "the flow is the no-JavaScript one");
  const label = `constituents-${Date.now()}`;
  const {
    rows: [county],
  } = await pool.query(
    `insert into jurisdictions (slug, name, kind) values ($1, $2, 'county') returning id`,
    [label, { en: `Roll County ${label}` }],
  );
  const clerkEmail = uniqueEmail("roll-clerk", label);
  const clerkId = await seedAccount(clerkEmail, PASSWORD, SECRETS.first);
  await pool.query(
    `insert into role_grants (user_id, role, jurisdiction_id) values ($1, 'clerk', $2)`,
    [clerkId, county.id],
  );
  const byRoll = uniqueEmail("roll-voter", label);
  const byCode = uniqueEmail("code-voter", label);
  await seedAccount(byRoll, VOTER_PASSWORD, null);
  await seedAccount(byCode, VOTER_PASSWORD, null);

  const clerk = await signIn(browser, clerkEmail, PASSWORD, SECRETS.first);
  let code = "";
  await test.step("the clerk switches both ways on, uploads a roll and downloads a batch of codes", async () => {
    await clerk.goto(`/console/${label}/constituents`);
    await clerk.getByLabel(/Match against the voter roll/).check();
    await clerk.getByRole("checkbox", { name: /One-time code/ }).check();
    await clerk.getByRole("button", { name: "Save ways of verifying" }).click();
    await expect(clerk.getByText("The ways of verifying were saved.")).toBeVisible();
    await clerk.getByLabel("Voter roll file (CSV)").setInputFiles({
      name: "roll.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(
        "name,date_of_birth,zip\r\nAna Quintero Ruiz,1990-02-14,95410\r\nBo Lindqvist,03/30/1975,95403\r\n,1970-01-01,95401\r\n",
      ),
    });
    await clerk.getByRole("button", { name: "Upload and replace the roll" }).click();
    await expect(clerk.getByTestId("roll-report")).toContainText(
      "2 entries stored; 1 rows could not be used.",
    );
    await expect(clerk.getByTestId("roll-entries")).toHaveText("Entries in the roll: 2");
    await clerk.getByLabel("How many codes").fill("3");
    await clerk.getByLabel(/Valid until/).fill("2099-06-30");
    const [download] = await Promise.all([
      clerk.waitForEvent("download"),
      clerk.getByRole("button", { name: "Generate and download codes" }).click(),
    ]);
    const csv = (await (await download.createReadStream()).toArray()).join("");
    const lines = csv
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    expect(lines[0]).toBe("code,expires");
    expect(lines).toHaveLength(4);
    code = lines[1]!.split(",")[0]!;
    expect(code).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/);
  });

  await test.step("a voter verifies by the roll, sees the badge, and removes it", async () => {
    const voter = await signIn(browser, byRoll, VOTER_PASSWORD);
    await voter.goto("/account");
    await voter.getByRole("link", { name: "See or change" }).click();
    await expect(voter.getByTestId("not-verified")).toBeVisible();
    await voter.getByLabel("Jurisdiction").selectOption({ label: `Roll County ${label}` });
    await voter.getByLabel("Full name").fill("ruiz, ana quintero");
    await voter.getByLabel("Date of birth").fill("1990-02-14");
    await voter.getByLabel("ZIP code").fill("95410");
    await voter.getByRole("button", { name: "Verify with the roll" }).click();
    await expect(voter.getByText("You are now a verified constituent.")).toBeVisible();
    await expect(voter.getByTestId("verification")).toContainText(
      `Roll County ${label}: verified constituent through the voter roll`,
    );
    await voter
      .getByRole("button", { name: `Remove my verification for Roll County ${label}` })
      .click();
    await expect(voter.getByText("Your verification was removed.")).toBeVisible();
    await expect(voter.getByTestId("not-verified")).toBeVisible();
    await voter.context().close();
  });

  await test.step("another voter verifies with a printed code, which then cannot be used again", async () => {
    const voter = await signIn(browser, byCode, VOTER_PASSWORD);
    await voter.goto("/account/constituent");
    await voter.getByLabel("Code", { exact: true }).fill(code.toLowerCase().replaceAll("-", " "));
    await voter.getByRole("button", { name: "Verify with the code" }).click();
    await expect(voter.getByTestId("verification")).toContainText(
      "verified constituent through an office code",
    );
    await voter.context().close();
  });
  await clerk.context().close();
});
