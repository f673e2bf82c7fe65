import { spawnSync } from "node:child_process";
import AxeBuilder from "@axe-core/playwright";
import type { Locator, Page } from "@playwright/test";
import { codeIn, expect, latestMail, mailCount, test, uniqueEmail } from "./support";

/**
 * What a voter does, with JavaScript off and on: ask (and be offered the question already
 * there instead), upvote and un-vote, report, follow — and unsubscribe from the emailed link.
 */

/** A new voter, signed in by an emailed code (which also confirms the address). */
async function signInFreshVoter(page: Page): Promise<string> {
  const email = uniqueEmail("voter-actions", test.info().project.name);
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

/** The ask page of the demo's race for mayor (the election's slug carries the seed's year). */
async function askPage(page: Page): Promise<string> {
  await page.goto("/");
  const election = await page
    .getByRole("link", { name: /Harbor County General Election/ })
    .first()
    .getAttribute("href");
  return `${election}/mayor-port-alder/ask`;
}

async function ask(page: Page, path: string, body: string) {
  await page.goto(path);
  await page.getByLabel("Your question", { exact: true }).fill(body);
  await page.getByRole("button", { name: "Post my question" }).click();
}

const countIn = async (scope: Locator) =>
  Number(await scope.locator("[data-vote-count]").first().textContent());

const javaScript = () => test.info().project.name === "js";

const SEEDED = "What will you do about the homeless encampment on the waterfront near Pier 7?";

test.describe("voter actions", () => {
  test("ask: a new question waits for moderation; a near-copy is offered the original to upvote", async ({
    page,
  }) => {
    await signInFreshVoter(page);
    const path = await askPage(page);

    await page.goto(path);
    await expect(page.getByText("Between 10 and 500 characters")).toBeVisible();
    await expect(page.getByLabel("Your question", { exact: true })).toHaveAttribute(
      "maxlength",
      "500",
    );
    // the demo election reviews questions before publishing them, and says so
    await expect(page.getByText("A moderator reads every question")).toBeVisible();

    await ask(page, path, "Too short");
    await expect(page.getByText("Your question needs at least 10 characters.")).toBeVisible();

    const mine = `Will you open the Eastside pool on Sundays in July? (${Date.now()})`;
    await ask(page, path, mine);
    await expect(page).toHaveURL(/\/questions\/[0-9a-f-]{36}$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(mine);
    await page.goto("/account/activity");
    await expect(
      page.getByRole("listitem").filter({ hasText: mine }).getByText("Awaiting moderation"),
    ).toBeVisible();

    await ask(page, path, "What will you do about the homeless camp by Pier 7 on the waterfront?");
    await expect(
      page.getByRole("heading", { name: "Is your question one of these?" }),
    ).toBeVisible();
    const suggestion = page.getByRole("listitem").filter({ hasText: SEEDED });
    const questionUrl = await suggestion.getByRole("link", { name: SEEDED }).getAttribute("href");
    const before = await countIn(suggestion);
    await suggestion.getByRole("button", { name: /^Upvote/ }).click();
    if (javaScript()) {
      // counted in place, no page load; then the question's own page agrees
      await expect(suggestion.getByRole("button", { name: /^Remove my vote/ })).toBeVisible();
      await expect(suggestion.locator("[data-vote-count]")).toHaveText(String(before + 1));
      await page.goto(questionUrl!);
    } else {
      await expect(page).toHaveURL(new RegExp(`${questionUrl}#q-`));
    }
    const question = page.locator(`[id^="q-"]`).first();
    await expect(question.locator("[data-vote-count]")).toHaveText(String(before + 1));

    await question.getByRole("button", { name: /^Remove my vote/ }).click();
    await expect(question.getByRole("button", { name: /^Upvote/ })).toBeVisible();
    await page.reload();
    await expect(question.locator("[data-vote-count]")).toHaveText(String(before));

    // "mine is different" posts it anyway
    await page.goto(path);
    await ask(page, path, "What will you do about the homeless camp by Pier 7 on the waterfront?");
    await page.getByRole("button", { name: "Mine is different — post it" }).click();
    await expect(page).toHaveURL(/\/questions\/[0-9a-f-]{36}$/);
  });

  test("report a question, follow it, and unsubscribe from the emailed link", async ({ page }) => {
    const email = await signInFreshVoter(page);
    // the seeded question, found the way a voter finds it: by asking it again
    await ask(page, await askPage(page), SEEDED);
    const questionUrl = await page.getByRole("link", { name: SEEDED }).getAttribute("href");
    await page.goto(questionUrl!);
    const question = page.locator(`[id^="q-"]`).first();

    await question.getByText("Report", { exact: true }).click();
    await question.getByLabel("Reason").selectOption({ label: "Spam or advertising" });
    await question.getByRole("button", { name: "Send report" }).click();
    await expect(page.getByText("Thank you — moderators will look at it.")).toBeVisible();

    await page.getByRole("button", { name: "Follow this question" }).click();
    await expect(page.getByText("You follow this question.")).toBeVisible();
    await expect(page.getByRole("button", { name: "Stop following" })).toBeVisible();

    // a candidate answers: the worker emails each follower once (as the answer flow will)
    const before = await mailCount(email);
    notifyFollowers(questionUrl!.split("/").pop()!);
    const mail = await latestMail(email, { after: before });
    expect(mail.subject).toBe("A question you follow on CivicQ has an answer");
    expect(mail.text).toContain(SEEDED);

    await page.goto(mail.text.match(/https?:\/\/\S+\/unsubscribe\/\S+/)![0]);
    await expect(page.getByText(SEEDED)).toBeVisible();
    await page.getByRole("button", { name: "Unsubscribe" }).click();
    await expect(page.getByText("You are unsubscribed.")).toBeVisible();
    await page.goto(questionUrl!);
    await expect(page.getByRole("button", { name: "Follow this question" })).toBeVisible();
  });
});

/**
 * What publishing an answer does for its followers (app/services/follows.server.ts), run the way
 * the app runs it: through tsx, which reads the app's JSON message catalogues and path aliases.
 */
function notifyFollowers(questionId: string) {
  const script = `
    const { createDb } = await import("~/lib/db.server");
    const { notifyFollowersOfAnswer } = await import("~/services/follows.server");
    const db = createDb(process.env.DATABASE_URL, 1);
    await db.transaction((trx) => notifyFollowersOfAnswer(trx, process.argv.at(-1)));
    await db.destroy();`;
  const run = spawnSync(
    process.execPath,
    ["--import", "tsx", "--input-type=module", "-e", script, questionId],
    {
      env: {
        ...process.env,
        NODE_ENV: "test",
        DATABASE_URL: process.env.E2E_DATABASE_URL,
        APP_URL: test.info().project.use.baseURL,
      },
      encoding: "utf8",
    },
  );
  expect(run.status, run.stderr).toBe(0);
}

test.describe("accessibility of the signed-in voter's pages", () => {
  // axe runs inside the page; the pages render the same without it
  test.use({ javaScriptEnabled: true });

  for (const locale of ["en", "es"] as const) {
    test(`ask, my activity, my account, verified constituent (${locale}): no axe violations`, async ({
      page,
    }) => {
      await signInFreshVoter(page);
      const path = await askPage(page); // found by its English name, before switching
      await page.goto(`/language/${locale}?returnTo=/`);
      const pages = [path, "/account/activity", "/account", "/account/constituent"];
      for (const url of pages) {
        expect((await page.goto(url))?.status(), url).toBe(200);
        const { violations } = await new AxeBuilder({ page })
          .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
          .analyze();
        expect(violations.map((violation) => `${url}: ${violation.id}`)).toEqual([]);
      }
    });
  }
});
