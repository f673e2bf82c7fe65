import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requireConsole } from "~/lib/console.server";
import { db } from "~/lib/db.server";
import { formatDate, localized, useLocale, useT } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { formatDateTime } from "~/lib/time-zone";
import { consoleElections } from "~/services/roles.server";

export const meta: MetaFunction = (args) => pageMeta(args, "console.title");
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

/**
 * The election office's home, for the jurisdiction's clerks and moderators (and admins):
 * anonymous → sign-in; unknown jurisdiction or no role there → 404; no MFA → enrolment.
 * Each sees the links of what their staff role may do (docs/offices.md).
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { jurisdiction, can } = await requireConsole(request, params.jurisdiction, "view");
  return { jurisdiction, can, elections: await consoleElections(db(), jurisdiction.id) };
}

const linkClass = "text-brand underline";

export default function Console() {
  const { jurisdiction, can, elections } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const base = `/console/${jurisdiction.slug}`;
  const date = (value: string | null) =>
    value ? formatDateTime(value, locale, jurisdiction.timeZone) : "—";
  const total = (key: "pendingQuestions" | "openReports") =>
    elections.reduce((sum, election) => sum + election[key], 0);
  return (
    <section aria-labelledby="console-title" className="space-y-6">
      <div>
        <p className="text-slate-700">{t("console.title")}</p>
        <h1 id="console-title" className="text-2xl font-bold">
          {localized(jurisdiction.name, locale)}
        </h1>
      </div>
      <dl className="grid grid-cols-2 gap-4">
        <div className="rounded border border-slate-300 p-4">
          <dt className="text-slate-700">{t("console.pendingQuestions")}</dt>
          <dd className="text-3xl font-bold">{total("pendingQuestions")}</dd>
        </div>
        <div className="rounded border border-slate-300 p-4">
          <dt className="text-slate-700">{t("console.openReports")}</dt>
          <dd className="text-3xl font-bold">{total("openReports")}</dd>
        </div>
      </dl>
      <nav aria-label={t("console.tools")}>
        <ul className="flex flex-wrap gap-x-6 gap-y-2">
          {can.includes("moderation") ? (
            <li>
              <a href={`${base}/moderation`} className={linkClass}>
                {t("console.moderation.title")}
              </a>
            </li>
          ) : null}
          {can.includes("staff") ? (
            <li>
              <a href={`${base}/staff`} className={linkClass}>
                {t("office.staff.title")}
              </a>
            </li>
          ) : null}
          {can.includes("settings") ? (
            <li>
              <a href={`${base}/settings`} className={linkClass}>
                {t("office.settings.title")}
              </a>
            </li>
          ) : null}
          {can.includes("clerk") || can.includes("readContent") ? (
            <>
              <li>
                <a href={`${base}/elections/new`} className={linkClass}>
                  {t("console.election.new")}
                </a>
              </li>
              <li>
                <a href={`${base}/districts`} className={linkClass}>
                  {t("console.district.title")}
                </a>
              </li>
              <li>
                <a href={`${base}/parties`} className={linkClass}>
                  {t("console.party.title")}
                </a>
              </li>
              <li>
                <a href={`${base}/topics`} className={linkClass}>
                  {t("civic.topics.title")}
                </a>
              </li>
              <li>
                <a href={`${base}/imports`} className={linkClass}>
                  {t("import.title")}
                </a>
              </li>
              <li>
                <a href={`${base}/constituents`} className={linkClass}>
                  {t("trust.console.title")}
                </a>
              </li>
              <li>
                <a href={`${base}/audit`} className={linkClass}>
                  {t("console.audit.title")}
                </a>
              </li>
            </>
          ) : null}
        </ul>
      </nav>
      <section aria-labelledby="console-elections">
        <h2 id="console-elections" className="mb-2 text-xl font-semibold">
          {t("console.elections")}
        </h2>
        {elections.length === 0 ? (
          <p>{t("console.noElections")}</p>
        ) : (
          <ul className="space-y-4">
            {elections.map((election) => (
              <li key={election.id} className="rounded border border-slate-300 p-4">
                <h3 className="text-lg font-semibold">{localized(election.name, locale)}</h3>
                <p className="font-medium">{t(`election.status.${election.status}`)}</p>
                <p>{t("home.electionDate", { date: formatDate(election.electionDate, locale) })}</p>
                {election.questionsOpenAt || election.questionsCloseAt ? (
                  <p>
                    {t("console.questionWindow", {
                      from: date(election.questionsOpenAt),
                      to: date(election.questionsCloseAt),
                    })}
                  </p>
                ) : null}
                {election.answersOpenAt || election.answersCloseAt ? (
                  <p>
                    {t("console.answerWindow", {
                      from: date(election.answersOpenAt),
                      to: date(election.answersCloseAt),
                    })}
                  </p>
                ) : null}
                <p>
                  {t("console.electionCounts", {
                    pending: election.pendingQuestions,
                    reports: election.openReports,
                  })}
                </p>
                {can.includes("clerk") || can.includes("readContent") ? (
                  <p className="mt-2 flex flex-wrap gap-x-6">
                    <a href={`${base}/elections/${election.slug}`} className={linkClass}>
                      {t("console.election.manage", { name: localized(election.name, locale) })}
                    </a>
                    <a href={`${base}/reports/${election.slug}`} className={linkClass}>
                      {t("console.reports.link", { name: localized(election.name, locale) })}
                    </a>
                  </p>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </section>
    </section>
  );
}
