import { useT, type MessageKey } from "~/lib/i18n";
import { REPORT_DETAILS_MAX, REPORT_REASONS } from "~/lib/report-reasons";

function SignInLink({ returnTo, label }: { returnTo: string; label: MessageKey }) {
  const t = useT();
  return (
    <a
      href={`/sign-in?redirectTo=${encodeURIComponent(returnTo)}`}
      className="text-brand underline"
    >
      {t(label)}
    </a>
  );
}

/** Follow / stop following a question: one email when it is answered. A plain form. */
export function FollowButton({
  questionId,
  following,
  signedIn,
  returnTo,
}: {
  questionId: string;
  following: boolean;
  signedIn: boolean;
  returnTo: string;
}) {
  const t = useT();
  if (!signedIn) return <SignInLink returnTo={returnTo} label="follow.signInToFollow" />;
  const hintId = `follow-hint-${questionId}`;
  return (
    <form method="post" action={`/questions/${questionId}/follow`}>
      <input type="hidden" name="intent" value={following ? "unfollow" : "follow"} />
      <input type="hidden" name="returnTo" value={returnTo} />
      <button
        type="submit"
        aria-describedby={following ? undefined : hintId}
        className="rounded border border-slate-500 px-3 py-1 text-brand-dark"
      >
        {t(following ? "follow.unfollow" : "follow.follow")}
      </button>
      {following ? null : (
        <p id={hintId} className="mt-1 text-sm text-slate-700">
          {t("follow.hint")}
        </p>
      )}
    </form>
  );
}

/**
 * Report a question or an answer to the moderators: a reason and optional details, folded in a
 * `<details>` so it costs nothing until opened. Posts to the report route of the target's id.
 */
export function ReportForm({
  target,
  targetId,
  signedIn,
  returnTo,
}: {
  target: "question" | "answer";
  targetId: string;
  signedIn: boolean;
  returnTo: string;
}) {
  const t = useT();
  const id = `report-${target}-${targetId}`;
  return (
    <details className="text-sm">
      <summary className="cursor-pointer text-brand underline">{t("report.summary")}</summary>
      {signedIn ? (
        <form method="post" action={`/questions/${targetId}/report`} className="mt-2">
          <input type="hidden" name="target" value={target} />
          <input type="hidden" name="returnTo" value={returnTo} />
          <fieldset>
            <legend className="mb-2 font-medium">{t("report.legend")}</legend>
            <label htmlFor={`${id}-reason`} className="mb-1 block">
              {t("report.reason")}
            </label>
            <select
              id={`${id}-reason`}
              name="reason"
              required
              className="mb-3 rounded border border-slate-500 px-2 py-1"
            >
              {REPORT_REASONS.map((reason) => (
                <option key={reason} value={reason}>
                  {t(`report.reason.${reason}`)}
                </option>
              ))}
            </select>
            <label htmlFor={`${id}-details`} className="mb-1 block">
              {t("report.details")}
            </label>
            <p id={`${id}-details-hint`} className="mb-1 text-slate-700">
              {t("report.detailsHint")}
            </p>
            <textarea
              id={`${id}-details`}
              name="details"
              maxLength={REPORT_DETAILS_MAX}
              rows={3}
              aria-describedby={`${id}-details-hint`}
              className="mb-3 w-full rounded border border-slate-500 px-2 py-1"
            />
          </fieldset>
          <button type="submit" className="rounded border border-slate-500 px-3 py-1">
            {t("report.submit")}
          </button>
        </form>
      ) : (
        <p className="mt-2">
          <SignInLink returnTo={returnTo} label="report.signInToReport" />
        </p>
      )}
    </details>
  );
}

/**
 * Follow a contest, a candidate or a topic, choosing the email notices (immediately, weekly
 * digest, none) and, optionally, election reminders; once followed, change them or stop.
 */
export function ItemFollowForm({
  kind,
  id,
  notice,
  signedIn,
  returnTo,
}: {
  kind: "contest" | "candidate" | "tag";
  id: string;
  /** how the visitor follows it now; null when they do not */
  notice: "immediately" | "weekly" | "none" | null;
  signedIn: boolean;
  returnTo: string;
}) {
  const t = useT();
  if (!signedIn) return <SignInLink returnTo={returnTo} label="civic.follow.signIn" />;
  const prefix = `follow-${kind}`;
  return (
    <div className="mb-4 rounded border border-slate-300 p-3">
      <form method="post" action="/follows">
        <input type="hidden" name="intent" value="follow" />
        <input type="hidden" name="kind" value={kind} />
        <input type="hidden" name="id" value={id} />
        <input type="hidden" name="returnTo" value={returnTo} />
        <fieldset>
          <legend className="mb-1 font-semibold">{t(`civic.follow.legend.${kind}`)}</legend>
          {notice ? <p className="mb-1 text-sm">{t("civic.follow.following")}</p> : null}
          <p className="mb-1 text-sm">{t("civic.follow.notice")}</p>
          <ul className="mb-2 flex flex-wrap gap-x-4">
            {(["immediately", "weekly", "none"] as const).map((choice) => (
              <li key={choice}>
                <label className="inline-flex items-center gap-1">
                  <input
                    type="radio"
                    name="notice"
                    value={choice}
                    id={`${prefix}-${choice}`}
                    defaultChecked={(notice ?? "weekly") === choice}
                  />
                  {t(`civic.follow.notice.${choice}`)}
                </label>
              </li>
            ))}
          </ul>
          <label className="mb-2 flex items-center gap-2 text-sm">
            <input type="checkbox" name="remind" value="1" />
            {t("civic.follow.remind")}
          </label>
        </fieldset>
        <button type="submit" className="rounded border border-slate-500 px-3 py-1 text-brand-dark">
          {t(notice ? `civic.follow.update.${kind}` : `civic.follow.legend.${kind}`)}
        </button>
      </form>
      {notice ? (
        <form method="post" action="/follows" className="mt-2">
          <input type="hidden" name="intent" value="unfollow" />
          <input type="hidden" name="kind" value={kind} />
          <input type="hidden" name="id" value={id} />
          <input type="hidden" name="returnTo" value={returnTo} />
          <button type="submit" className="text-sm text-brand underline">
            {t(`civic.follow.unfollow.${kind}`)}
          </button>
        </form>
      ) : null}
    </div>
  );
}
