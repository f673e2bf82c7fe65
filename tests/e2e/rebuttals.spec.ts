import type { Page } from "@playwright/test";
import { generate } from "otplib";
import pg from "pg";
import { hashPassword } from "../../app/lib/password.server";
import { expect, test, uniqueEmail } from "./support";

/**
 * Issue 11's rebuttal acceptance, with JavaScript off: a candidate rebuts a rival's answer in
 * their contest, citing a source, through the plain form; a voter then reads the rebuttal beside
 * the answer, with its date and the source as a link; and the contest page states the rules.
 */
const pool = new pg.Pool({ connectionString: process.env.E2E_DATABASE_URL, max: 2 });
test.afterAll(() => pool.end());

const PASSWORD = "a candidate who rebuts with sources";
const SECRET = "KRUGS4ZANFZSA5DIMUQHIZLTOQQHGZLD";
const STEP_SECONDS = 30;
const currentStep = () => Math.floor(Date.now() / 1000 / STEP_SECONDS);

/** A code the server has not accepted yet (codes are single-use per step). */
async function freshCode(email: string): Promise<string> {
  const { rows } = await pool.query("select totp_last_step from users where email = $1", [email]);
  const step = Math.max(currentStep(), Number(rows[0]?.totp_last_step ?? 0) + 1);
  while (step > currentStep() + 1) await new Promise((resolve) => setTimeout(resolve, 500));
  return generate({ secret: SECRET, epoch: step * STEP_SECONDS });
}

type Setup = { email: string; jurisdiction: string; question: string; rival: string };

/**
 * An election taking answers, a contest with two candidates: the rebutting one signed up with a
 * password and two-step sign-in, and a rival who has published an answer to a question.
 */
async function seed(project: string): Promise<Setup> {
  const suffix = `${project}-${Date.now().toString(36)}`;
  const email = uniqueEmail("rebutter", project);
  const one = async (sql: string, values: unknown[]) =>
    (await pool.query(sql, values)).rows[0] as { id: string };
  const jurisdiction = `rebut-${suffix}`;
  const county = await one(
    `insert into jurisdictions (slug, name, kind) values ($1, $2, 'county') returning id`,
    [jurisdiction, { en: `Rebuttal County ${suffix}` }],
  );
  const election = await one(
    `insert into elections (jurisdiction_id, slug, name, election_date, status, answer_max_words)
     values ($1, 'general', $2, current_date + 30, 'answers_open', 120) returning id`,
    [county.id, { en: "General Election", es: "Elección general" }],
  );
  const contest = await one(
    `insert into contests (election_id, kind, slug, title) values ($1, 'candidate', 'mayor', $2)
     returning id`,
    [election.id, { en: "Mayor", es: "Alcaldía" }],
  );
  const user = await one(
    `insert into users (email, email_verified_at, password_hash, password_changed_at, totp_secret, mfa_enabled_at)
     values ($1, now(), $2, now(), $3, now()) returning id`,
    [email, await hashPassword(PASSWORD), SECRET],
  );
  await pool.query(
    `insert into role_grants (user_id, role, jurisdiction_id) values ($1, 'candidate', $2)`,
    [user.id, county.id],
  );
  await one(
    `insert into candidates (contest_id, ballot_name, slug, ballot_order, user_id)
     values ($1, 'Dana Ortiz', 'dana-ortiz', 1, $2) returning id`,
    [contest.id, user.id],
  );
  const rival = await one(
    `insert into candidates (contest_id, ballot_name, slug, ballot_order)
     values ($1, 'Sam Lee', 'sam-lee', 2) returning id`,
    [contest.id],
  );
  const question = await one(
    `insert into questions (election_id, contest_id, body, status, published_at, vote_count)
     values ($1, $2, $3, 'published', now(), 7) returning id`,
    [election.id, contest.id, `Will the ferry run all winter? ${suffix}`],
  );
  await pool.query(
    `insert into answers (question_id, candidate_id, kind, body, status, published_at)
     values ($1, $2, 'text', 'The ferry will run every day of the year.', 'published', now())`,
    [question.id, rival.id],
  );
  return { email, jurisdiction, question: question.id, rival: "Sam Lee" };
}

async function signIn(page: Page, email: string) {
  await page.goto("/sign-in");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page
    .getByLabel("Code from your authenticator app, or a recovery code")
    .fill(await freshCode(email));
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("navigation", { name: "Your account" })).toBeVisible();
}

test("a candidate posts a rebuttal with a source; a voter sees it beside the answer", async ({
  page,
  browser,
}) => {
  const setup = await seed(test.info().project.name);
  await signIn(page, setup.email);

  // from the desk's question page, to the rival's answer
  await page.goto(`/candidate/questions/${setup.question}`);
  await page.getByRole("link", { name: `Post a rebuttal to ${setup.rival}` }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Rebut an answer");
  await expect(page.getByText("The ferry will run every day of the year.")).toBeVisible();
  await expect(page.getByText(/Up to 120 words/)).toBeVisible();

  // a source that is not a web address is refused, keeping what was typed
  await page.getByLabel("Your rebuttal").fill("The budget pays for ferries only until March.");
  const source = page.getByRole("group", { name: "Source 1" });
  await source.getByLabel("Web address").fill("javascript:alert(1)");
  await source.getByLabel("Title").fill("County budget 2027");
  await page.getByRole("button", { name: "Publish the rebuttal" }).click();
  await expect(
    page.getByText("Give a web address starting with http:// or https://."),
  ).toBeVisible();
  await expect(page.getByLabel("Your rebuttal")).toHaveValue(
    "The budget pays for ferries only until March.",
  );

  await source.getByLabel("Web address").fill("https://county.example.gov/budget-2027.pdf");
  await page.getByRole("button", { name: "Publish the rebuttal" }).click();
  await expect(page).toHaveURL(/\/rebuttal\?done=posted$/);
  await expect(
    page.getByRole("status").filter({ hasText: "You have posted your rebuttal" }),
  ).toBeVisible();
  // one rebuttal per answer: the form is gone
  await expect(page.getByRole("button", { name: "Publish the rebuttal" })).toHaveCount(0);

  // a voter (a fresh, signed-out visitor) reads it beside the answer
  const voter = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
  await voter.goto(`/questions/${setup.question}`);
  const answer = voter.getByRole("listitem").filter({ hasText: "The ferry will run every day" });
  const rebuttals = answer.getByRole("complementary", { name: "Rebuttals" });
  await expect(
    rebuttals.getByRole("heading", { name: /^Rebuttal by Dana Ortiz, posted / }),
  ).toBeVisible();
  await expect(rebuttals).toContainText("The budget pays for ferries only until March.");
  const link = rebuttals.getByRole("link", { name: "County budget 2027" });
  await expect(link).toHaveAttribute("href", "https://county.example.gov/budget-2027.pdf");

  // the contest page states the rules every candidate answers under
  await voter.goto(`/elections/${setup.jurisdiction}/general/mayor`);
  const rules = voter.getByRole("region", { name: "Rules for candidates" });
  await expect(rules).toContainText("120 words");
  await expect(rules).toContainText("Staff never edit them");
  await voter.context().close();
});
