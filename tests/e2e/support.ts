import { test as base, expect, type Page } from "@playwright/test";
import { generate } from "otplib";
import type { Pool } from "pg";

/**
 * Every test comes from its own client address (X-Forwarded-For, trusted from loopback), so the
 * per-IP rate limits that protect sign-in and sign-up count each test separately, as they would
 * count separate voters.
 */
export const test = base.extend({
  extraHTTPHeaders: async ({}, use) => {
    const octet = () => Math.floor(Math.random() * 254) + 1;
    await use({ "X-Forwarded-For": `10.${octet()}.${octet()}.${octet()}` });
  },
});
export { expect };

export type Mail = {
  to: string[];
  subject: string;
  text: string;
  headers: Record<string, string>;
  /** headers as sent, unfolded (mailparser turns List-* headers into objects in `headers`) */
  rawHeaders: Record<string, string>;
};

/** Waits for the newest message to `address` in the test SMTP server (sent by the real worker). */
export async function latestMail(address: string, { after = 0 } = {}): Promise<Mail> {
  let found: Mail | undefined;
  await expect
    .poll(
      async () => {
        const response = await fetch(
          `${process.env.E2E_MAIL_API}/messages?to=${encodeURIComponent(address)}`,
        );
        const messages = (await response.json()) as Mail[];
        found = messages.length > after ? messages[messages.length - 1] : undefined;
        return Boolean(found);
      },
      { timeout: 15_000, message: `an email to ${address}` },
    )
    .toBe(true);
  return found!;
}

export async function mailCount(address: string): Promise<number> {
  const response = await fetch(
    `${process.env.E2E_MAIL_API}/messages?to=${encodeURIComponent(address)}`,
  );
  return ((await response.json()) as Mail[]).length;
}

export const linkIn = (mail: Mail) => mail.text.match(/https?:\/\/\S+/)![0];
export const codeIn = (mail: Mail) => mail.text.match(/\b\d{6}\b/)![0];

/** An address no other test or project uses. */
export const uniqueEmail = (label: string, project: string) =>
  `${label}-${project}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.test`;

const TOTP_STEP_SECONDS = 30;
const currentTotpStep = () => Math.floor(Date.now() / 1000 / TOTP_STEP_SECONDS);

/**
 * `freshCode(email, secret)`: a TOTP code the server has not accepted yet, for the step after
 * the last one it recorded for that account (codes are single-use; the server takes a code up to
 * one step ahead of its clock, and this waits when even that is too far).
 */
export function totpCodes(pool: Pool) {
  return async (email: string, secret: string): Promise<string> => {
    const { rows } = await pool.query("select totp_last_step from users where email = $1", [email]);
    const step = Math.max(currentTotpStep(), Number(rows[0]?.totp_last_step ?? 0) + 1);
    while (step > currentTotpStep() + 1) await new Promise((resolve) => setTimeout(resolve, 500));
    return generate({ secret, epoch: step * TOTP_STEP_SECONDS });
  };
}

type FreshCode = ReturnType<typeof totpCodes>;

/** Signs in with a password and the account's TOTP code. */
export async function signInWithTotp(
  page: Page,
  freshCode: FreshCode,
  account: { email: string; password: string; secret: string },
) {
  await page.goto("/sign-in");
  await page.getByLabel("Email address").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page
    .getByLabel("Code from your authenticator app, or a recovery code")
    .fill(await freshCode(account.email, account.secret));
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(
    page
      .getByRole("navigation", { name: "Your account" })
      .getByRole("button", { name: "Sign out" }),
  ).toBeVisible();
}

export async function signOut(page: Page) {
  await page
    .getByRole("navigation", { name: "Your account" })
    .getByRole("button", { name: "Sign out" })
    .click();
}

/**
 * On the enrolment page a privileged role is sent to: turns two-step sign-in on with the secret
 * the page shows, and leaves the recovery codes page.
 */
export async function turnOnTwoStep(page: Page, freshCode: FreshCode, email: string) {
  await expect(page).toHaveURL(/\/account\/mfa\?required=1$/);
  await expect(page.getByText("Your role in CivicQ needs two-step sign-in.")).toBeVisible();
  const secret = (await page.getByTestId("totp-secret").textContent())!.replace(/\s/g, "");
  await page.getByLabel("Six-digit code from the app").fill(await freshCode(email, secret));
  await page.getByRole("button", { name: "Turn on two-step sign-in" }).click();
  await expect(page.getByTestId("recovery-codes").getByRole("listitem")).toHaveCount(10);
  await page.getByRole("link", { name: "I have saved my codes" }).click();
}
