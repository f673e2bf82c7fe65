import { translate, type Locale, type MessageKey } from "~/lib/i18n";
import type { JobPayload } from "~/lib/queue.server";
import { sendMail } from "~/lib/mail.server";

type EmailJob = JobPayload<"send_email">;

const TEMPLATES: Record<EmailJob["template"], { subject: MessageKey; body: MessageKey }> = {
  verify_email: { subject: "email.verify.subject", body: "email.verify.body" },
  reset_password: { subject: "email.reset.subject", body: "email.reset.body" },
  sign_in_code: { subject: "email.code.subject", body: "email.code.body" },
  account_exists: { subject: "email.exists.subject", body: "email.exists.body" },
  question_answered: { subject: "email.answered.subject", body: "email.answered.body" },
  candidate_invitation: { subject: "email.invitation.subject", body: "email.invitation.body" },
  question_rejected: {
    subject: "trust.email.rejected.subject",
    body: "trust.email.rejected.body",
  },
  answer_hidden: { subject: "trust.email.hidden.subject", body: "trust.email.hidden.body" },
  office_request_confirm: {
    subject: "office.email.confirm.subject",
    body: "office.email.confirm.body",
  },
  staff_invitation: {
    subject: "office.email.invitation.subject",
    body: "office.email.invitation.body",
  },
  followed_answer: { subject: "civic.email.answer.subject", body: "civic.email.answer.body" },
  weekly_digest: { subject: "civic.email.digest.subject", body: "civic.email.digest.body" },
  candidate_digest: {
    subject: "civic.email.candidateDigest.subject",
    body: "civic.email.candidateDigest.body",
  },
  election_reminder: {
    subject: "civic.email.reminder.subject",
    body: "civic.email.reminder.body",
  },
};

/** Renders an email in the recipient's language from the message catalogue. */
export function renderEmail(job: EmailJob): { subject: string; text: string } {
  const template = TEMPLATES[job.template];
  const locale = job.locale as Locale;
  return {
    subject: translate(locale, template.subject, job.params),
    text: `${translate(locale, template.body, job.params)}\n\n— ${translate(locale, "email.signature")}\n`,
  };
}

/** The send_email task's work: render, then hand to the mail transport (SMTP or outbox). */
export async function deliverEmail(job: EmailJob): Promise<void> {
  await sendMail({ to: job.to, ...renderEmail(job), headers: job.headers });
}
