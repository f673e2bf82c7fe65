import { readFileSync } from "node:fs";
import type { Page } from "@playwright/test";
import { expect, test, totpCodes } from "./support";
import pg from "pg";
import { hashPassword } from "../../app/lib/password.server";

/**
 * Two-step sign-in end to end, with and without JavaScript: enrolment from the QR page, sign-in
 * with a TOTP code and with a recovery code, and a recovery code refused the second time.
 */
const PASSWORD = "a clerk password for the mfa test";
const demoClerk = (
  JSON.parse(readFileSync("db/seeds/demo-accounts.json", "utf8")) as Array<{
    role: string;
    email: string;
    password: string;
    totpSecret?: string;
  }>
).find((account) => account.role === "clerk")!;

const pool = new pg.Pool({ connectionString: process.env.E2E_DATABASE_URL, max: 2 });
test.afterAll(() => pool.end());

/** A clerk of the demo county who has not turned MFA on yet; unique per project and run. */
async function seedClerk(): Promise<string> {
  const email = `mfa-clerk-${test.info().project.name}-${Date.now()}@example.test`;
  const {
    rows: [user],
  } = await pool.query(
    `insert into users (email, email_verified_at, password_hash, password_changed_at)
     values ($1, now(), $2, now()) returning id`,
    [email, await hashPassword(PASSWORD)],
  );
  await pool.query(
    `insert into role_grants (user_id, role, jurisdiction_id)
     select $1, 'clerk', id from jurisdictions where slug = 'harbor-county'`,
    [user.id],
  );
  return email;
}

const freshCode = totpCodes(pool);

async function signInWithPassword(page: Page, email: string, password: string, path = "/sign-in") {
  await page.goto(path);
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function enterSecondFactor(page: Page, code: string) {
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Enter your sign-in code");
  await page.getByLabel("Code from your authenticator app, or a recovery code").fill(code);
  await page.getByRole("button", { name: "Sign in" }).click();
}

const accountNav = (page: Page) => page.getByRole("navigation", { name: "Your account" });

async function signOut(page: Page) {
  await accountNav(page).getByRole("button", { name: "Sign out" }).click();
  await expect(accountNav(page).getByRole("link", { name: "Sign in" })).toBeVisible();
}

test.describe("two-step sign-in", () => {
  test("a clerk turns it on, then signs in with a TOTP code and with a recovery code once", async ({
    page,
  }) => {
    const email = await seedClerk();
    await signInWithPassword(page, email, PASSWORD);
    await expect(accountNav(page).getByRole("link", { name: email })).toBeVisible();

    await page.goto("/account/mfa?required=1");
    await expect(page.getByText("Your role in CivicQ needs two-step sign-in.")).toBeVisible();
    await expect(
      page.getByRole("img", { name: "QR code to add CivicQ to your authenticator app" }),
    ).toBeVisible();
    const secret = (await page.getByTestId("totp-secret").textContent())!.replace(/\s/g, "");
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);

    await page.getByLabel("Six-digit code from the app").fill("000000");
    await page.getByRole("button", { name: "Turn on two-step sign-in" }).click();
    await expect(page.getByText("That code does not match.")).toBeVisible();
    expect((await page.getByTestId("totp-secret").textContent())!.replace(/\s/g, "")).toBe(secret);

    await page.getByLabel("Six-digit code from the app").fill(await freshCode(email, secret));
    await page.getByRole("button", { name: "Turn on two-step sign-in" }).click();
    const recoveryCodes = page.getByTestId("recovery-codes").getByRole("listitem");
    const firstCodes = await recoveryCodes.allTextContents();
    expect(firstCodes).toHaveLength(10);
    await page.getByRole("link", { name: "I have saved my codes" }).click();
    await expect(page.getByText("Two-step sign-in is on for your account.")).toBeVisible();
    await expect(page.getByText("Unused recovery codes: 10")).toBeVisible();
    await page.getByRole("button", { name: "Get new recovery codes" }).click();
    await expect(recoveryCodes).toHaveCount(10);
    const codes = await recoveryCodes.allTextContents();
    expect(codes).not.toContain(firstCodes[0]);
    await page.getByRole("link", { name: "I have saved my codes" }).click();
    await signOut(page);

    // the password alone opens nothing; a fresh TOTP code finishes the sign-in
    await signInWithPassword(page, email, PASSWORD, "/sign-in?redirectTo=/account/mfa");
    await expect(page).toHaveURL(/\/sign-in\/mfa\?redirectTo=%2Faccount%2Fmfa$/);
    await expect(accountNav(page).getByRole("link", { name: "Sign in" })).toBeVisible();
    await enterSecondFactor(page, await freshCode(email, secret));
    await expect(page).toHaveURL(/\/account\/mfa$/);
    await expect(accountNav(page).getByRole("link", { name: email })).toBeVisible();
    await signOut(page);

    // a code from before the regeneration no longer works; a new one does, once
    await signInWithPassword(page, email, PASSWORD);
    await enterSecondFactor(page, firstCodes[1]!);
    await expect(page.getByText("That code is not right, or was already used.")).toBeVisible();
    await enterSecondFactor(page, codes[0]!);
    await expect(accountNav(page).getByRole("link", { name: email })).toBeVisible();
    await signOut(page);

    await signInWithPassword(page, email, PASSWORD);
    await enterSecondFactor(page, codes[0]!);
    await expect(page.getByText("That code is not right, or was already used.")).toBeVisible();
    await expect(page).toHaveURL(/\/sign-in\/mfa/);
    await expect(accountNav(page).getByRole("link", { name: "Sign in" })).toBeVisible();
  });

  test("the demo clerk signs in with password and authenticator code", async ({ page }) => {
    await signInWithPassword(page, demoClerk.email, demoClerk.password);
    await enterSecondFactor(page, await freshCode(demoClerk.email, demoClerk.totpSecret!));
    await expect(accountNav(page).getByRole("link", { name: "Demo Clerk" })).toBeVisible();
  });

  test("the code page is only for a sign-in waiting for its second factor", async ({ page }) => {
    await page.goto("/sign-in/mfa");
    await expect(page).toHaveURL(/\/sign-in$/);
  });
});
