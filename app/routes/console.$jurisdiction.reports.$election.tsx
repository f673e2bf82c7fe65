import {
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { useLoaderData, useSearchParams } from "@remix-run/react";
import { BarChart } from "~/components/bar-chart";
import { ConsoleTrail } from "~/components/console-trail";
import { FormMessage } from "~/components/form";
import { actorFrom } from "~/lib/auth.server";
import { requireConsole } from "~/lib/console.server";
import { db } from "~/lib/db.server";
import { readForm } from "~/lib/forms.server";
import { badRequest, notFound } from "~/lib/http.server";
import { localized, useLocale, useT, type MessageKey } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { formatDateTime } from "~/lib/time-zone";
import { findElection } from "~/services/election-setup.server";
import {
  answerRate,
  EXPORT_TABLES,
  requestReportRefresh,
  storedReport,
  type DayReport,
  type ReportCounts,
} from "~/services/reports.server";
import { videoAnswerStats } from "~/services/video-stats.server";
import { VideoStatsTable } from "~/components/video-stats-table";

export const meta: MetaFunction = (args) => pageMeta(args, "console.reports.title");
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

async function load(request: Request, params: LoaderFunctionArgs["params"]) {
  const access = await requireConsole(request, params.jurisdiction, "clerk");
  const election = await findElection(db(), access.jurisdiction.id, params.election ?? "");
  if (!election) throw notFound();
  return { ...access, election };
}

/** Every day from the first to the last with a question, counted, days without any as 0. */
function everyDay(days: DayReport[]): Array<{ day: string; asked: number }> {
  const counts = new Map<string, number>();
  for (const { day, asked } of days) counts.set(day, (counts.get(day) ?? 0) + asked);
  const sorted = [...counts.keys()].sort();
  if (sorted.length === 0) return [];
  const filled = [];
  for (let day = new Date(`${sorted[0]}T00:00:00Z`); ; day.setUTCDate(day.getUTCDate() + 1)) {
    const key = day.toISOString().slice(0, 10);
    filled.push({ day: key, asked: counts.get(key) ?? 0 });
    if (key >= sorted[sorted.length - 1]!) return filled;
  }
}

/**
 * The election's participation report, from its last rollup: the whole election, or one contest
 * (`?contest=<id>`). The numbers come from one stored row (see reports.server.ts).
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { jurisdiction, election } = await load(request, params);
  const [stored, videos] = await Promise.all([
    storedReport(db(), election.id),
    videoAnswerStats(db(), { electionId: election.id }),
  ]);
  const contestId = new URL(request.url).searchParams.get("contest");
  const base = {
    jurisdiction,
    election: { slug: election.slug, name: election.name },
    exports: EXPORT_TABLES,
    videos,
  };
  if (!stored) return { ...base, report: null };
  const { report, computedAt } = stored;
  const contest = report.contests.find((c) => c.contestId === contestId) ?? null;
  const inScope = <T extends { contestId: string }>(rows: T[]) =>
    contest ? rows.filter((row) => row.contestId === contest.contestId) : rows;
  return {
    ...base,
    report: {
      computedAt,
      contest: contest ? { id: contest.contestId, title: contest.title } : null,
      counts: (contest ?? report.totals) as ReportCounts,
      contests: report.contests,
      candidates: inScope(report.candidates).map((c) => ({ ...c, rate: answerRate(c) })),
      days: everyDay(inScope(report.days)),
    },
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, jurisdiction, election } = await load(request, params);
  if ((await readForm(request)).get("intent") !== "refresh") throw badRequest();
  await requestReportRefresh(
    db(),
    { jurisdictionId: jurisdiction.id, electionId: election.id },
    actorFrom(context, user),
  );
  return redirect(`/console/${jurisdiction.slug}/reports/${election.slug}?done=refresh`, {
    status: 303,
  });
}

const COUNT_LABELS: Array<[keyof ReportCounts, MessageKey]> = [
  ["asked", "console.reports.asked"],
  ["published", "console.reports.published"],
  ["rejected", "console.reports.rejected"],
  ["pending", "console.reports.pending"],
  ["merged", "console.reports.merged"],
  ["votes", "console.reports.votes"],
  ["participants", "console.reports.participants"],
  ["answers", "console.reports.answers"],
];

export default function ReportPage() {
  const { jurisdiction, election, report, exports, videos } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const [params] = useSearchParams();
  const page = `/console/${jurisdiction.slug}/reports/${election.slug}`;
  const name = localized(election.name, locale);
  const scopeName = report?.contest ? localized(report.contest.title, locale) : name;
  return (
    <section aria-labelledby="page-title" className="space-y-6">
      <ConsoleTrail
        jurisdiction={{ slug: jurisdiction.slug, name: localized(jurisdiction.name, locale) }}
        trail={[{ href: `/console/${jurisdiction.slug}/elections/${election.slug}`, label: name }]}
      />
      <h1 id="page-title" className="text-2xl font-bold">
        {t("console.reports.heading", { name: scopeName })}
      </h1>
      <FormMessage
        message={params.get("done") === "refresh" ? "console.reports.refreshQueued" : undefined}
        tone="info"
      />
      <div className="flex flex-wrap items-center gap-4">
        <p>
          {report
            ? t("console.reports.computedAt", {
                when: formatDateTime(report.computedAt, locale, jurisdiction.timeZone),
              })
            : t("console.reports.notYet")}
        </p>
        <form method="post">
          <input type="hidden" name="intent" value="refresh" />
          <button
            type="submit"
            className="rounded border border-slate-500 px-3 py-1 hover:bg-slate-100"
          >
            {t("console.reports.refresh")}
          </button>
        </form>
      </div>
      {report ? (
        <>
          <nav aria-label={t("console.reports.scope")}>
            <ul className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
              <li>
                <a
                  href={page}
                  aria-current={report.contest ? undefined : "page"}
                  className="text-brand underline"
                >
                  {t("console.reports.allContests")}
                </a>
              </li>
              {report.contests.map((contest) => (
                <li key={contest.contestId}>
                  <a
                    href={`${page}?contest=${contest.contestId}`}
                    aria-current={report.contest?.id === contest.contestId ? "page" : undefined}
                    className="text-brand underline"
                  >
                    {localized(contest.title, locale)}
                  </a>
                </li>
              ))}
            </ul>
          </nav>

          <section aria-labelledby="totals-title">
            <h2 id="totals-title" className="mb-2 text-xl font-semibold">
              {t("console.reports.totals")}
            </h2>
            <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
              {COUNT_LABELS.map(([key, label]) => (
                <div key={key} className="rounded border border-slate-300 p-3">
                  <dt className="text-sm text-slate-700">{t(label)}</dt>
                  <dd className="text-2xl font-bold" data-testid={`count-${key}`}>
                    {report.counts[key]}
                  </dd>
                </div>
              ))}
            </dl>
          </section>

          {report.contest ? null : (
            <section aria-labelledby="contests-title">
              <h2 id="contests-title" className="mb-2 text-xl font-semibold">
                {t("console.reports.byContest")}
              </h2>
              <div className="overflow-x-auto">
                <table className="w-full text-left text-sm">
                  <thead>
                    <tr className="border-b border-slate-300">
                      <th scope="col" className="py-1 pr-3">
                        {t("console.contest.title")}
                      </th>
                      {COUNT_LABELS.map(([key, label]) => (
                        <th key={key} scope="col" className="py-1 pr-3">
                          {t(label)}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {report.contests.map((contest) => (
                      <tr key={contest.contestId} className="border-b border-slate-200">
                        <th scope="row" className="py-1 pr-3 font-normal">
                          {localized(contest.title, locale)}
                        </th>
                        {COUNT_LABELS.map(([key]) => (
                          <td key={key} className="py-1 pr-3">
                            {contest[key]}
                          </td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
          )}

          <section aria-labelledby="days-title">
            <h2 id="days-title" className="text-xl font-semibold">
              {t("console.reports.byDay")}
            </h2>
            <BarChart
              id="questions-by-day"
              orientation="vertical"
              title={t("console.reports.byDayChart", { name: scopeName })}
              description={t("console.reports.byDayDescription", {
                days: report.days.length,
                total: report.days.reduce((sum, d) => sum + d.asked, 0),
              })}
              bars={report.days.map((d) => ({
                label: d.day,
                short: d.day.slice(5),
                value: d.asked,
              }))}
              labelHeader={t("console.reports.day")}
              valueHeader={t("console.reports.asked")}
              empty={t("console.reports.noQuestions")}
            />
          </section>

          <section aria-labelledby="rate-title">
            <h2 id="rate-title" className="text-xl font-semibold">
              {t("console.reports.answerRate")}
            </h2>
            <p className="text-sm text-slate-700">{t("console.reports.answerRateHint")}</p>
            <BarChart
              id="answer-rate"
              orientation="horizontal"
              max={100}
              title={t("console.reports.answerRateChart", { name: scopeName })}
              description={t("console.reports.answerRateDescription", {
                count: report.candidates.length,
              })}
              bars={report.candidates.map((c) => ({
                label: c.ballotName,
                value: c.rate ?? 0,
                display:
                  c.rate === null
                    ? t("console.reports.noQuestionsYet")
                    : t("console.reports.rate", {
                        rate: c.rate,
                        answered: c.answered,
                        questions: c.questions,
                      }),
              }))}
              labelHeader={t("console.candidate.ballotName")}
              valueHeader={t("console.reports.answerRate")}
              empty={t("console.reports.noCandidates")}
            />
          </section>
        </>
      ) : null}

      <VideoStatsTable stats={videos} />

      <section aria-labelledby="exports-title">
        <h2 id="exports-title" className="mb-2 text-xl font-semibold">
          {t("console.reports.exports")}
        </h2>
        <ul className="list-disc pl-6">
          {exports.map((table) => (
            <li key={table}>
              <a href={`${page}/export?table=${table}`} className="text-brand underline">
                {t(`console.reports.export.${table}`)}
              </a>
            </li>
          ))}
        </ul>
      </section>
    </section>
  );
}
