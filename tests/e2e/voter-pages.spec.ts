import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, test } from "./support";

/**
 * The voter's read-only pages on the demo data: find the ballot, the election, contests,
 * candidates and questions — complete without JavaScript (none is shipped), in English and
 * Spanish, with no axe-core violations of WCAG 2.1 A/AA.
 */

const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

async function expectAccessible(page: Page) {
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const summary = violations.map(
    (violation) =>
      `${violation.id} (${violation.impact}): ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`,
  );
  expect(summary, `axe on ${page.url()}`).toEqual([]);
}

/** No app bundle, no hydration: at most the 2 KB enhancement module (live counts, optimistic votes). */
async function expectNoScripts(page: Page) {
  const others = page.locator('script:not([type="module"][src="/enhance.js"])');
  expect(await others.count(), `<script> tags on ${page.url()}`).toBe(0);
  expect(
    await page.locator("script").count(),
    `<script> tags on ${page.url()}`,
  ).toBeLessThanOrEqual(1);
}

/** The demo election's address (its slug carries the year the seed ran). */
async function electionPath(page: Page): Promise<string> {
  await page.goto("/");
  const href = await page
    .getByRole("link", { name: /Harbor County General Election|Elección General/ })
    .getAttribute("href");
  return href!;
}

const questionItems = (page: Page) => page.locator('section[aria-labelledby="questions"] ol > li');

async function questionIds(page: Page): Promise<string[]> {
  return questionItems(page).evaluateAll((items) => items.map((item) => item.id));
}

test.describe("find your ballot", () => {
  test("by a ZIP in one precinct: the contests that apply, in ballot order", async ({ page }) => {
    await page.goto("/");
    await page.getByLabel("ZIP code or street address").fill("95410");
    await page.getByRole("button", { name: "Show my ballot" }).click();
    await expect(page).toHaveURL(/\/ballot\?address=95410$/);
    await expect(page.getByRole("heading", { name: "Your ballot", exact: true })).toBeVisible();
    await expect(page.getByText("precinct 101 Alder Valley")).toBeVisible();
    await expect(page.locator('section[aria-labelledby="your-ballot"] ol > li a')).toHaveText([
      "County Supervisor, District 1",
      "Sheriff-Coroner",
      "Harbor Unified School District Governing Board",
      "Measure A: Wildfire Prevention and Emergency Response Sales Tax",
    ]);
    await expectNoScripts(page);

    await page.getByRole("link", { name: "Sheriff-Coroner" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sheriff-Coroner");
  });

  test("a ZIP spanning precincts asks for the street address; the side of the street decides", async ({
    page,
  }) => {
    await page.goto("/ballot?address=95401");
    await expect(page.getByRole("status")).toContainText(
      "ZIP code 95401 covers more than one voting precinct",
    );
    const field = page.getByLabel("ZIP code or street address");
    await expect(field).toHaveValue("95401");
    await expect(page.getByRole("heading", { name: "Your ballot", exact: true })).toHaveCount(0);

    await field.fill("411 Main Street, 95401");
    await page.getByRole("button", { name: "Show my ballot" }).click();
    const ballot = page.locator('section[aria-labelledby="your-ballot"] ol > li a');
    await expect(ballot.first()).toHaveText("County Supervisor, District 2");
    await expect(ballot).toHaveCount(7);

    await page.goto(`/ballot?address=${encodeURIComponent("412 Main St, Port Alder, CA 95401")}`);
    await expect(ballot.first()).toHaveText("County Supervisor, District 1");
    await expect(page.getByText("precinct 207 Port Alder Eastside")).toBeVisible();
  });

  test("an address we cannot place: says so and offers the jurisdictions", async ({ page }) => {
    await page.goto("/ballot?address=99999");
    await expect(page.getByRole("status")).toContainText("We could not find “99999”");
    await expect(page.getByRole("heading", { name: "Harbor County", exact: true })).toBeVisible();
    await page.getByRole("link", { name: /Harbor County General Election/ }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(
      /Harbor County General Election \d{4}/,
    );
  });
});

test.describe("election and contest pages", () => {
  test("the election lists its contests in ballot order, grouped by district", async ({ page }) => {
    await page.goto(await electionPath(page));
    await expect(page.getByText("Questions open")).toBeVisible();
    await expect(page.locator("main section h3")).toHaveText([
      "Supervisorial District 1",
      "Supervisorial District 2",
      "Harbor County",
      "City of Port Alder",
      "Harbor Unified School District",
    ]);
    await expect(page.locator("main section li > a")).toHaveText([
      "County Supervisor, District 1",
      "County Supervisor, District 2",
      "Sheriff-Coroner",
      /^Measure A/,
      "Mayor of Port Alder",
      "Port Alder City Council, At-Large",
      /^Measure B/,
      "Harbor Unified School District Governing Board",
    ]);
  });

  test("a candidate contest: candidates, 20 questions a page, sort links that change the order", async ({
    page,
  }) => {
    const contest = `${await electionPath(page)}/mayor-port-alder`;
    await page.goto(contest);
    await expect(page).toHaveTitle(/^Mayor of Port Alder — Harbor County General Election/);
    await expect(page.locator('section[aria-labelledby="candidates"] li a')).toHaveText([
      "Priya Raman",
      "Walter Briggs",
      "Luis Navarro",
      "Hannah Lindqvist",
    ]);
    await expect(page.getByRole("link", { name: "Ask a question" })).toHaveAttribute(
      "href",
      `${contest}/ask`,
    );

    await expect(questionItems(page)).toHaveCount(20);
    const sortLinks = page.getByRole("navigation", { name: "Sort questions" });
    // the default is the representative ranking (docs/ranking.md); plain most votes is a link
    await expect(sortLinks.getByRole("link", { name: "Top (representative)" })).toHaveAttribute(
      "aria-current",
      "page",
    );
    await sortLinks.getByRole("link", { name: "Most votes" }).click();
    await expect(page).toHaveURL(/\?sort=votes#questions$/);
    const counts = (await questionItems(page).locator("[data-vote-count]").allTextContents()).map(
      Number,
    );
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    const top = await questionIds(page);

    await sortLinks.getByRole("link", { name: "New" }).click();
    await expect(page).toHaveURL(/\?sort=new#questions$/);
    await expect(sortLinks.getByRole("link", { name: "New" })).toHaveAttribute(
      "aria-current",
      "page",
    );
    const newest = await questionIds(page);
    expect(newest).toHaveLength(20);
    expect(newest).not.toEqual(top);

    await sortLinks.getByRole("link", { name: "Trending" }).click();
    await expect(page).toHaveURL(/\?sort=trending#questions$/);
    const trending = await questionIds(page);
    expect(trending).toHaveLength(20);
    expect(trending).not.toEqual(top);

    // pagination keeps the sort and never repeats a question
    const pager = page.getByRole("navigation", { name: "Pages" });
    await expect(pager.getByText(/^Page 1 of \d+$/)).toBeVisible();
    await pager.getByRole("link", { name: "Next page" }).click();
    await expect(page).toHaveURL(/\?sort=trending&page=2#questions$/);
    await expect(pager.getByText(/^Page 2 of \d+$/)).toBeVisible();
    const second = await questionIds(page);
    expect(second.filter((id) => trending.includes(id))).toEqual([]);
    await pager.getByRole("link", { name: "Previous page" }).click();
    expect(await questionIds(page)).toEqual(trending);
    await expectNoScripts(page);
  });

  test("a measure: its texts in the chosen language", async ({ page }) => {
    await page.goto(`${await electionPath(page)}/measure-a`);
    await expect(page.getByRole("heading", { name: "Argument in favor" })).toBeVisible();
    await expect(
      page.getByText(/^Every summer, families in the Harbor County hills/),
    ).toBeVisible();
    await expect(page.locator('section[aria-labelledby="candidates"]')).toHaveCount(0);

    await page.getByRole("link", { name: "Español", exact: true }).click();
    await expect(page.locator("html")).toHaveAttribute("lang", "es");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(
      /^Medida A: Impuesto sobre las ventas/,
    );
    await expect(page.getByRole("heading", { name: "Argumento a favor" })).toBeVisible();
    await expect(page.getByText(/^Cada verano, las familias de las colinas/)).toBeVisible();
    await expect(page.getByText(/^Nadie niega que los incendios forestales/)).toBeVisible();
    await page.getByText("Texto completo de la medida").click();
    await expect(page.getByText(/^Sección 1\. Título\./)).toBeVisible();
  });

  test("a candidate's profile and a question with every candidate's answer or none yet", async ({
    page,
  }) => {
    const contest = `${await electionPath(page)}/mayor-port-alder`;
    await page.goto(`${contest}/candidates/priya-raman`);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Priya Raman");
    await expect(page.getByText(/civil engineer who worked on the harbor seawall/)).toBeVisible();

    await page.goto(contest);
    // a question asked of every candidate (the others name one)
    const first = questionItems(page)
      .filter({ hasNotText: "Asked of" })
      .first()
      .locator('a[href^="/questions/"]');
    const body = await first.textContent();
    await first.click();
    await expect(page).toHaveURL(/\/questions\/[0-9a-f-]{36}$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(body!);
    const answers = page.locator('section[aria-labelledby="answers"] > ul > li');
    await expect(answers.locator("h3")).toHaveText([
      "Priya Raman",
      "Walter Briggs",
      "Luis Navarro",
      "Hannah Lindqvist",
    ]);
    await expect(page.getByRole("heading", { name: "Related questions" })).toBeVisible();
    await expect(page.locator('section[aria-labelledby="related"] ol > li')).toHaveCount(5);
    await expectNoScripts(page);
  });

  test("an unknown contest or question is a 404 page", async ({ page }) => {
    const contest = `${await electionPath(page)}/no-such-contest`;
    expect((await page.goto(contest))?.status()).toBe(404);
    expect((await page.goto("/questions/not-a-question"))?.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page not found");
  });
});

test.describe("accessibility", () => {
  // axe runs inside the page: the pages ship no script, so turning JavaScript on for the
  // checker changes nothing they render.
  test.use({ javaScriptEnabled: true });

  type Finder = { election: string; page: Page };
  /** The first question on the mayor's contest page. */
  const firstQuestion = async ({ election, page }: Finder) => {
    await page.goto(`${election}/mayor-port-alder`);
    return (await questionItems(page)
      .first()
      .locator('a[href^="/questions/"]')
      .getAttribute("href"))!;
  };
  /** The demo's video answer (Priya Raman's), found through her page. */
  const videoQuestion = async ({ election, page }: Finder) => {
    await page.goto(`${election}/mayor-port-alder/candidates/priya-raman`);
    return (await page
      .locator('section[aria-labelledby="answers"] li')
      .filter({ has: page.locator("video") })
      .locator('a[href^="/questions/"]')
      .getAttribute("href"))!;
  };
  const pages: Array<[string, (finder: Finder) => string | Promise<string>]> = [
    ["home", () => "/"],
    ["ballot by ZIP", () => "/ballot?address=95410"],
    ["ballot asking for an address", () => "/ballot?address=95401"],
    ["ballot with no match", () => "/ballot?address=99999"],
    ["election", ({ election }) => election],
    ["candidate contest", ({ election }) => `${election}/mayor-port-alder`],
    [
      "contest, trending, page 2",
      ({ election }) => `${election}/mayor-port-alder?sort=trending&page=2`,
    ],
    ["measure", ({ election }) => `${election}/measure-a`],
    ["candidate", ({ election }) => `${election}/mayor-port-alder/candidates/priya-raman`],
    ["question", firstQuestion],
    ["question with a video answer", videoQuestion],
    ["sign in", () => "/sign-in"],
    ["sign in with an emailed code", () => "/sign-in/code"],
    ["create an account", () => "/sign-up"],
    ["reset the password", () => "/forgot-password"],
    ["moderation policy", () => "/moderation-policy"],
    [
      "moderation ledger",
      ({ election }) => election.replace(/^\/elections\//, "/moderation-ledger/"),
    ],
    ["election office home", ({ election }) => election.split("/").slice(0, 3).join("/")],
    ["request an office space", () => "/offices/request"],
    ["open data", () => "/open-data"],
    [
      "embedded contest card, dark",
      ({ election }) =>
        `${election.replace(/^\/elections\//, "/embed/")}/mayor-port-alder?theme=dark&accent=fbbf24`,
    ],
    [
      "embedded question card",
      async (finder) =>
        (await firstQuestion(finder)).replace(/^\/questions\//, "/embed/questions/"),
    ],
  ];
  for (const locale of ["en", "es"] as const) {
    for (const [name, find] of pages) {
      test(`${name} (${locale}): no axe violations, no scripts`, async ({ page }) => {
        await page.goto(`/language/${locale}?returnTo=/`);
        const election = await electionPath(page);
        const path = await find({ election, page });
        const response = await page.goto(path);
        expect(response?.status(), path).toBe(200);
        await expect(page.locator("html")).toHaveAttribute("lang", locale);
        await expect(page.locator("h1")).toHaveCount(1);
        await expectNoScripts(page);
        await expectAccessible(page);
      });
    }
  }
});
