import { useLocale, useT, type MessageKey } from "~/lib/i18n";
import { MODERATION_POLICY, POLICY_CODES } from "~/services/moderation-policy";

/**
 * The moderation decisions as plain forms. They all post to the queue's action
 * (`/console/:jurisdiction/moderation`), which sends the moderator back to `returnTo`.
 */
type Target = { action: string; returnTo: string };

/** What the page says after a decision (`?done=<intent>`) or a refusal (`?problem=<outcome>`). */
export const MODERATION_MESSAGES: Record<string, MessageKey> = {
  approve: "console.moderation.approved",
  reject: "console.moderation.rejected",
  merge: "console.moderation.merged",
  hide: "console.moderation.hidden",
  dismiss: "console.moderation.dismissed",
  notAllowed: "console.moderation.notAllowed",
  answered: "console.moderation.answered",
  uphold: "trust.appeals.upheld",
  overturn: "trust.appeals.overturned",
  sameModerator: "trust.appeals.sameModerator",
};

function Hidden({ fields }: { fields: Record<string, string | undefined> }) {
  return (
    <>
      {Object.entries(fields).map(([name, value]) =>
        value === undefined ? null : <input key={name} type="hidden" name={name} value={value} />,
      )}
    </>
  );
}

const buttonClass = "rounded px-3 py-1 text-sm";

export function ApproveButton({
  questionId,
  action,
  returnTo,
  excerpt,
}: Target & { questionId: string; excerpt: string }) {
  const t = useT();
  return (
    <form method="post" action={action} className="inline">
      <Hidden fields={{ intent: "approve", questionId, returnTo }} />
      <button
        type="submit"
        aria-label={t("console.moderation.approveLabel", { question: excerpt })}
        className={`${buttonClass} bg-brand text-white hover:bg-brand-dark`}
      >
        {t("console.moderation.approve")}
      </button>
    </form>
  );
}

/**
 * A decision that needs a reason from the published policy: reject a question, or hide an
 * answer. `id` keeps each form's select label unique on a page listing many.
 */
export function ReasonForm({
  id,
  intent,
  fields,
  action,
  returnTo,
  submitLabel,
  accessibleLabel,
}: Target & {
  id: string;
  intent: "reject" | "hide";
  fields: Record<string, string | undefined>;
  submitLabel: string;
  /** the button's full name in a list of many ("Reject: <question>") */
  accessibleLabel: string;
}) {
  const t = useT();
  const locale = useLocale();
  return (
    <form method="post" action={action} className="flex flex-wrap items-end gap-2">
      <Hidden fields={{ intent, returnTo, ...fields }} />
      <div>
        <label htmlFor={`reason-${id}`} className="block text-sm font-medium">
          {t("console.moderation.reason")}
        </label>
        <select
          id={`reason-${id}`}
          name="reasonCode"
          required
          defaultValue=""
          className="rounded border border-slate-500 px-2 py-1"
        >
          {/* nothing chosen for the moderator: the browser asks for a reason before sending */}
          <option value="" disabled>
            {t("console.moderation.chooseReason")}
          </option>
          {POLICY_CODES.map((code) => (
            <option key={code} value={code}>
              {MODERATION_POLICY[code][locale].title}
            </option>
          ))}
        </select>
      </div>
      <button
        type="submit"
        aria-label={accessibleLabel}
        className={`${buttonClass} border border-red-800 text-red-900 hover:bg-red-50`}
      >
        {submitLabel}
      </button>
    </form>
  );
}

export function DismissButton({
  reportId,
  action,
  returnTo,
  label,
}: Target & { reportId: string; label: string }) {
  const t = useT();
  return (
    <form method="post" action={action} className="inline">
      <Hidden fields={{ intent: "dismiss", reportId, returnTo }} />
      <button
        type="submit"
        aria-label={label}
        className={`${buttonClass} border border-slate-500 hover:bg-slate-100`}
      >
        {t("console.moderation.dismiss")}
      </button>
    </form>
  );
}

/** Merges `sourceId` into `targetId`: the source's votes and followers move to the target. */
export function MergeButton({
  sourceId,
  targetId,
  action,
  returnTo,
  label,
  accessibleLabel,
}: Target & { sourceId: string; targetId: string; label: string; accessibleLabel: string }) {
  return (
    <form method="post" action={action} className="inline">
      <Hidden fields={{ intent: "merge", questionId: sourceId, targetId, returnTo }} />
      <button
        type="submit"
        aria-label={accessibleLabel}
        className={`${buttonClass} border border-slate-500 hover:bg-slate-100`}
      >
        {label}
      </button>
    </form>
  );
}

/** Settles an appeal: upholds the decision, or overturns it (the content is public again). */
export function AppealButtons({
  appealId,
  action,
  returnTo,
  excerpt,
}: Target & { appealId: string; excerpt: string }) {
  const t = useT();
  return (
    <div className="flex flex-wrap gap-2">
      {(["uphold", "overturn"] as const).map((intent) => (
        <form key={intent} method="post" action={action} className="inline">
          <Hidden fields={{ intent, appealId, returnTo }} />
          <button
            type="submit"
            aria-label={t(`trust.appeals.${intent}Label`, { content: excerpt })}
            className={`${buttonClass} border border-slate-500 hover:bg-slate-100`}
          >
            {t(`trust.appeals.${intent}`)}
          </button>
        </form>
      ))}
    </div>
  );
}
