import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData, useSearchParams } from "@remix-run/react";
import { ConsoleTrail } from "~/components/console-trail";
import { FormMessage } from "~/components/form";
import { requireConsole } from "~/lib/console.server";
import { db } from "~/lib/db.server";
import { notFound } from "~/lib/http.server";
import { formatDate, localized, useLocale, useT } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { formatDateTime } from "~/lib/time-zone";
import { listContests } from "~/services/ballot-setup.server";
import { allowedTransitions, permissionsAt } from "~/services/election-lifecycle.server";
import { findElection } from "~/services/election-setup.server";

export const meta: MetaFunction = (args) => pageMeta(args, "console.election.title");
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

/** One election as its clerk manages it: status and windows, the next step, the ballot. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { jurisdiction } = await requireConsole(request, params.jurisdiction, "clerk");
  const election = await findElection(db(), jurisdiction.id, params.election ?? "");
  if (!election) throw notFound();
  return {
    jurisdiction,
    election,
    contests: await listContests(db(), election.id),
    transitions: allowedTransitions(election.status),
    allowedNow: permissionsAt(election),
  };
}

const DONE = {
  created: "console.election.created",
  updated: "console.election.updated",
  status: "console.lifecycle.done",
} as const;

export default function ElectionPage() {
  const { jurisdiction, election, contests, transitions, allowedNow } =
    useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const [params] = useSearchParams();
  const done = params.get("done");
  const base = `/console/${jurisdiction.slug}/elections/${election.slug}`;
  const when = (value: Date | null) =>
    value ? formatDateTime(value, locale, jurisdiction.timeZone) : t("console.election.unset");
  const yesNo = (allowed: boolean) => (allowed ? t("console.yes") : t("console.no"));
  return (
    <section aria-labelledby="page-title" className="space-y-6">
      <ConsoleTrail
        jurisdiction={{ slug: jurisdiction.slug, name: localized(jurisdiction.name, locale) }}
      />
      <FormMessage
        message={done && done in DONE ? DONE[done as keyof typeof DONE] : undefined}
        tone="info"
      />
      <div>
        <h1 id="page-title" className="text-2xl font-bold">
          {localized(election.name, locale)}
        </h1>
        <p>{t("home.electionDate", { date: formatDate(election.electionDate, locale) })}</p>
      </div>

      <section aria-labelledby="lifecycle-title">
        <h2 id="lifecycle-title" className="mb-2 text-xl font-semibold">
          {t("console.lifecycle.title")}
        </h2>
        <p className="font-medium">
          {t("console.lifecycle.status", { status: t(`election.status.${election.status}`) })}
        </p>
        <dl className="my-2 grid grid-cols-[auto_1fr] gap-x-4">
          <dt>{t("console.election.questionsOpenAt")}</dt>
          <dd>{when(election.questionsOpenAt)}</dd>
          <dt>{t("console.election.questionsCloseAt")}</dt>
          <dd>{when(election.questionsCloseAt)}</dd>
          <dt>{t("console.election.answersOpenAt")}</dt>
          <dd>{when(election.answersOpenAt)}</dd>
          <dt>{t("console.election.answersCloseAt")}</dt>
          <dd>{when(election.answersCloseAt)}</dd>
          <dt>{t("console.election.moderationMode")}</dt>
          <dd>{t(`console.election.moderation.${election.moderationMode}`)}</dd>
        </dl>
        <h3 className="font-semibold">{t("console.lifecycle.now")}</h3>
        <ul className="mb-3 list-disc pl-6">
          <li>{t("console.lifecycle.canAsk", { answer: yesNo(allowedNow.ask) })}</li>
          <li>{t("console.lifecycle.canVote", { answer: yesNo(allowedNow.vote) })}</li>
          <li>{t("console.lifecycle.canAnswer", { answer: yesNo(allowedNow.answer) })}</li>
        </ul>
        <p className="flex flex-wrap gap-x-6 gap-y-2">
          {transitions.map((to) => (
            <a key={to} href={`${base}/status?to=${to}`} className="text-brand underline">
              {t(`console.lifecycle.to.${to}`)}
            </a>
          ))}
          <a href={`${base}/edit`} className="text-brand underline">
            {t("console.election.edit")}
          </a>
          <a
            href={`/console/${jurisdiction.slug}/reports/${election.slug}`}
            className="text-brand underline"
          >
            {t("console.reports.title")}
          </a>
        </p>
      </section>

      <section aria-labelledby="contests-title">
        <h2 id="contests-title" className="mb-2 text-xl font-semibold">
          {t("console.contest.listTitle")}
        </h2>
        {contests.length === 0 ? (
          <p>{t("console.contest.none")}</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left">
              <thead>
                <tr className="border-b border-slate-300">
                  <th scope="col" className="py-2 pr-3">
                    {t("console.ballotOrder")}
                  </th>
                  <th scope="col" className="py-2 pr-3">
                    {t("console.contest.title")}
                  </th>
                  <th scope="col" className="py-2 pr-3">
                    {t("console.contest.district")}
                  </th>
                  <th scope="col" className="py-2 pr-3">
                    {t("console.contest.candidates")}
                  </th>
                  <th scope="col" className="py-2">
                    {t("console.contest.questions")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {contests.map((contest) => (
                  <tr key={contest.id} className="border-b border-slate-200">
                    <td className="py-2 pr-3">{contest.ballotOrder}</td>
                    <td className="py-2 pr-3">
                      <a
                        href={`/console/${jurisdiction.slug}/contests/${contest.id}`}
                        className="text-brand underline"
                      >
                        {localized(contest.title, locale)}
                      </a>
                      {contest.kind === "measure"
                        ? ` (${t("console.contest.kind.measure")})`
                        : null}
                    </td>
                    <td className="py-2 pr-3">
                      {contest.districtName ? localized(contest.districtName, locale) : "—"}
                    </td>
                    <td className="py-2 pr-3">
                      {contest.kind === "candidate" ? contest.candidateCount : "—"}
                    </td>
                    <td className="py-2">
                      {t("console.contest.questionCounts", {
                        published: contest.publishedQuestions,
                        pending: contest.pendingQuestions,
                      })}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <p className="mt-3 flex flex-wrap gap-x-6">
          <a href={`${base}/contests/new?kind=candidate`} className="text-brand underline">
            {t("console.contest.addCandidateContest")}
          </a>
          <a href={`${base}/contests/new?kind=measure`} className="text-brand underline">
            {t("console.contest.addMeasure")}
          </a>
        </p>
      </section>
    </section>
  );
}
