import fs from "node:fs/promises";
import path from "node:path";
import nodemailer, { type Transporter } from "nodemailer";
import { config } from "./config.server";

export type Mail = { to: string; subject: string; text: string; headers?: Record<string, string> };

let transport: Transporter | undefined;

/**
 * SMTP when SMTP_URL is set; otherwise each message is written to MAIL_OUTBOX_DIR as an .eml
 * file (open it with any mail client), so a fresh clone needs no mail server.
 */
function mailTransport(): Transporter {
  const { SMTP_URL } = config();
  transport ??= SMTP_URL
    ? nodemailer.createTransport(SMTP_URL)
    : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  return transport;
}

/** Sends one message; only the worker calls this (through the send_email task). */
export async function sendMail(mail: Mail): Promise<void> {
  const { MAIL_FROM, SMTP_URL, MAIL_OUTBOX_DIR } = config();
  const info = await mailTransport().sendMail({ from: MAIL_FROM, ...mail });
  if (!SMTP_URL) {
    await fs.mkdir(MAIL_OUTBOX_DIR, { recursive: true });
    const file = `${new Date().toISOString().replace(/[:.]/g, "-")}-${info.messageId.replace(/[^\w.-]/g, "")}.eml`;
    await fs.writeFile(path.join(MAIL_OUTBOX_DIR, file), info.message as Buffer);
  }
}
