import type { FieldErrors } from "~/lib/forms.server";
import { useLocale, useT } from "~/lib/i18n";
import { formatDateTime } from "~/lib/time-zone";
import { Field, SubmitButton } from "./form";

/**
 * The audit log as a page: the filter (a GET form, so a filtered view is a link to share),
 * newest entries first, a link to older ones, and the CSV export of the same filter.
 * The console (one jurisdiction) and the admin page (all of them) both show it.
 */
export type AuditRow = {
  id: string;
  occurredAt: Date;
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  jurisdictionSlug: string | null;
  ip: string | null;
  requestId: string | null;
  details: unknown;
};

export function AuditLogView({
  path,
  entries,
  nextBefore,
  filtered,
  values,
  errors,
  timeZone,
  showJurisdiction,
}: {
  /** the page's path; the export is at `<path>.csv` */
  path: string;
  entries: AuditRow[];
  nextBefore: string | null;
  /** a page other than the newest (`before` is set) */
  filtered: { before: boolean };
  values: Record<string, string>;
  errors: FieldErrors;
  timeZone: string;
  showJurisdiction: boolean;
}) {
  const t = useT();
  const locale = useLocale();
  const query = new URLSearchParams(Object.entries(values).filter(([, value]) => value));
  const withQuery = (base: string, extra: Record<string, string> = {}) => {
    const params = new URLSearchParams(query);
    for (const [key, value] of Object.entries(extra)) params.set(key, value);
    const text = params.toString();
    return text ? `${base}?${text}` : base;
  };
  return (
    <div className="space-y-4">
      <form method="get" noValidate className="grid gap-x-4 sm:grid-cols-2">
        <Field
          name="actor"
          label="console.audit.actor"
          hint="console.audit.actorHint"
          defaultValue={values.actor}
          autoComplete="off"
        />
        <Field
          name="action"
          label="console.audit.action"
          hint="console.audit.actionHint"
          defaultValue={values.action}
          autoComplete="off"
        />
        <Field
          name="target"
          label="console.audit.target"
          hint="console.audit.targetHint"
          defaultValue={values.target}
          autoComplete="off"
        />
        <div />
        <Field
          name="from"
          type="date"
          label="console.audit.from"
          defaultValue={values.from}
          error={errors.from}
        />
        <Field
          name="to"
          type="date"
          label="console.audit.to"
          defaultValue={values.to}
          error={errors.to}
        />
        <div className="flex items-center gap-4 sm:col-span-2">
          <SubmitButton>{t("console.audit.filter")}</SubmitButton>
          <a href={path} className="text-brand underline">
            {t("console.audit.clear")}
          </a>
          <a href={withQuery(`${path}.csv`)} className="text-brand underline">
            {t("console.audit.export")}
          </a>
        </div>
      </form>
      {entries.length === 0 ? (
        <p>{t("console.audit.none")}</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">{t("console.audit.caption")}</caption>
            <thead>
              <tr className="border-b border-slate-300">
                <th scope="col" className="py-1 pr-3">
                  {t("console.audit.when")}
                </th>
                <th scope="col" className="py-1 pr-3">
                  {t("console.audit.actor")}
                </th>
                <th scope="col" className="py-1 pr-3">
                  {t("console.audit.action")}
                </th>
                <th scope="col" className="py-1 pr-3">
                  {t("console.audit.target")}
                </th>
                {showJurisdiction ? (
                  <th scope="col" className="py-1 pr-3">
                    {t("console.audit.jurisdiction")}
                  </th>
                ) : null}
                <th scope="col" className="py-1">
                  {t("console.audit.details")}
                </th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr key={entry.id} className="border-b border-slate-200 align-top">
                  <td className="py-1 pr-3 whitespace-nowrap">
                    {formatDateTime(entry.occurredAt, locale, timeZone)}
                  </td>
                  <td className="py-1 pr-3 break-all">
                    {entry.actorEmail ?? entry.actorId ?? t("console.audit.system")}
                  </td>
                  <td className="py-1 pr-3">{entry.action}</td>
                  <td className="py-1 pr-3 break-all">
                    {entry.targetType ? `${entry.targetType} ${entry.targetId ?? ""}` : "—"}
                  </td>
                  {showJurisdiction ? (
                    <td className="py-1 pr-3">{entry.jurisdictionSlug ?? "—"}</td>
                  ) : null}
                  <td className="py-1">
                    <details>
                      <summary>{t("console.audit.show")}</summary>
                      <p>
                        {t("console.audit.origin", {
                          ip: entry.ip ?? "—",
                          request: entry.requestId ?? "—",
                        })}
                      </p>
                      <pre className="max-w-md overflow-x-auto text-xs whitespace-pre-wrap">
                        {JSON.stringify(entry.details, null, 2)}
                      </pre>
                    </details>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav aria-label={t("console.audit.pages")} className="flex gap-6">
        {filtered.before ? (
          <a href={withQuery(path)} className="text-brand underline">
            {t("console.audit.newest")}
          </a>
        ) : null}
        {nextBefore ? (
          <a href={withQuery(path, { before: nextBefore })} className="text-brand underline">
            {t("console.audit.older")}
          </a>
        ) : null}
      </nav>
    </div>
  );
}
