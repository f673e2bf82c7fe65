import { readFileSync } from "node:fs";
import type { Page } from "@playwright/test";
import pg from "pg";
import {
  codeIn,
  expect,
  latestMail,
  linkIn,
  signInWithTotp,
  signOut,
  test,
  totpCodes,
  turnOnTwoStep,
  uniqueEmail,
} from "./support";

/**
 * Jurisdiction onboarding (issue 11.5) with JavaScript off (and on): an election office asks
 * for a space and confirms its address by email; the demo admin activates it; its contact signs
 * up as owner, brands it and invites an editor; the editor edits a contest but is refused the
 * staff page and a role grant (403); voters see the welcome in the office's colour.
 */
const demoAdmin = (
  JSON.parse(readFileSync("db/seeds/demo-accounts.json", "utf8")) as Array<{
    role: string;
    email: string;
    password: string;
    totpSecret?: string;
  }>
).find((account) => account.role === "admin")!;

const pool = new pg.Pool({ connectionString: process.env.E2E_DATABASE_URL, max: 2 });
test.afterAll(() => pool.end());
const freshCode = totpCodes(pool);

const notice = (page: Page, text: string | RegExp) =>
  expect(page.getByRole("status").filter({ hasText: text })).toBeVisible();

/** From an invitation email to the console, as someone new: sign-up by code, join, MFA. */
async function joinAsNewcomer(page: Page, email: string, mailsBefore: number) {
  await page.goto(linkIn(await latestMail(email, { after: mailsBefore })));
  await page
    .getByRole("link", { name: `Sign in (or create an account) as ${email} to accept` })
    .click();
  await page.getByLabel("Email address").fill(email);
  await page.getByRole("button", { name: "Email me a code" }).click();
  await page
    .getByLabel("Six-digit code")
    .fill(codeIn(await latestMail(email, { after: mailsBefore + 1 })));
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText(`You are signed in as ${email}.`)).toBeVisible();
  await page.getByRole("button", { name: "Accept the invitation" }).click();
  // staff roles must turn on two-step sign-in before the console opens
  await turnOnTwoStep(page, freshCode, email);
}

test("an office goes from request to active and branded, with an editor who cannot grant roles", async ({
  page,
}) => {
  // two newcomers sign up and turn on two-step sign-in, and an admin signs in: a long story
  test.setTimeout(120_000);
  const project = test.info().project.name;
  const suffix = `${project}-${Date.now().toString(36)}`;
  const officeName = `Cedar County Elections ${suffix}`;
  const slug = `cedar-county-elections-${suffix}`;
  const contact = uniqueEmail("office", project);

  // 1. the request, with its state and division id checked
  await page.goto("/offices/request");
  await page.getByLabel("Name of the election office").fill(officeName);
  await page.getByLabel("State").fill("CA");
  await page
    .getByLabel("Open Civic Data division id")
    .fill(`ocd-division/country:us/state:ca/county:cedar_${suffix.replaceAll("-", "_")}`);
  await page.getByLabel("Official contact email").fill(contact);
  await page.getByRole("button", { name: "Send the request" }).click();
  await notice(page, "Check the official inbox");

  // 2. the contact confirms by the emailed link
  await page.goto(linkIn(await latestMail(contact)));
  await page.getByRole("button", { name: "Confirm the request" }).click();
  await notice(page, "Confirmed.");

  // 3. the admin activates it
  await signInWithTotp(page, freshCode, { ...demoAdmin, secret: demoAdmin.totpSecret! });
  await page.goto("/admin/offices");
  await page
    .getByRole("button", { name: `Activate ${officeName} and invite its contact as owner` })
    .click();
  await notice(page, "The office is active");
  await signOut(page);

  // 4. the contact becomes its owner, and brands it
  await joinAsNewcomer(page, contact, 1);
  await page.goto(`/console/${slug}/settings`);
  await page.getByLabel("Colour").fill("#fde047");
  await page.getByLabel("Welcome text (English)").fill(`Welcome, voters of Cedar ${suffix}.`);
  await page.getByLabel("Welcome text (Spanish)").fill(`Bienvenida, votantes de Cedar ${suffix}.`);
  await page.getByRole("button", { name: "Save the settings" }).click();
  await expect(page.getByText("This colour is too light to read on white")).toBeVisible();
  await page.getByLabel("Colour").fill("#7c2d12");
  await page.getByRole("button", { name: "Save the settings" }).click();
  await notice(page, "The settings were saved.");

  // 5. the owner invites an editor
  const editorEmail = uniqueEmail("editor", project);
  await page.goto(`/console/${slug}/staff`);
  await page.getByLabel("Email address").fill(editorEmail);
  await page.getByLabel("Role").selectOption({ label: "Editor" });
  await page.getByRole("button", { name: "Send the invitation" }).click();
  await notice(page, "The invitation is on its way.");
  await signOut(page);

  // an election with a contest for the editor to edit (the clerk's set-up has its own test)
  const { rows } = await pool.query(
    `with e as (
       insert into elections (jurisdiction_id, slug, name, election_date, status)
       select id, 'general', '{"en": "General Election"}', current_date + 60, 'questions_open'
       from jurisdictions where slug = $1 returning id)
     insert into contests (election_id, kind, slug, title)
     select id, 'candidate', 'sheriff', '{"en": "Sheriff"}' from e returning id`,
    [slug],
  );
  const contestId = rows[0].id as string;

  // 6. the editor joins, edits the contest…
  await joinAsNewcomer(page, editorEmail, 0);
  await page.goto(`/console/${slug}/contests/${contestId}/edit`);
  await page.getByRole("group", { name: "Title" }).getByLabel("English").fill("County Sheriff");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("County Sheriff");

  // 7. …and may not grant roles: no staff page, and a grant sent anyway is refused
  const staffPage = await page.goto(`/console/${slug}/staff`);
  expect(staffPage!.status()).toBe(403);
  const grant = await page.request.post(`/console/${slug}/staff`, {
    form: { intent: "invite", email: uniqueEmail("crony", project), role: "owner" },
    headers: { Origin: new URL(page.url()).origin },
  });
  expect(grant.status()).toBe(403);
  await signOut(page);

  // 8. voters see the office's welcome, in its colour, on its home and election pages
  for (const path of [`/elections/${slug}`, `/elections/${slug}/general`]) {
    await page.goto(path);
    const banner = page.getByTestId("office-banner");
    await expect(banner).toHaveText(`Welcome, voters of Cedar ${suffix}.`);
    await expect(banner).toHaveCSS("background-color", "rgb(124, 45, 18)");
  }
});
