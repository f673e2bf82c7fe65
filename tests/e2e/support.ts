import { test as base, expect } from "@playwright/test";

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
