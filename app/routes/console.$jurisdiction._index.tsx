import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { hasRole, requireMfaFor, requireUser } from "~/lib/auth.server";
import { db } from "~/lib/db.server";
import { forbidden, notFound } from "~/lib/http.server";
import { formatDate, localized, useLocale, useT } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { consoleElections, findJurisdiction } from "~/services/roles.server";

export const meta: MetaFunction = (args) => pageMeta(args, "console.title");
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

/**
 * The election office's home. Open to the jurisdiction's clerks and moderators (and admins):
 * anonymous → sign-in, unknown jurisdiction → 404, no role there → 403, no MFA → enrolment.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const jurisdiction = await findJurisdiction(db(), params.jurisdiction ?? "");
  if (!jurisdiction) throw notFound();
  const role = hasRole(user, "clerk", jurisdiction.id)
    ? "clerk"
    : hasRole(user, "moderator", jurisdiction.id)
      ? "moderator"
      : null;
  if (!role) throw forbidden();
  requireMfaFor(user, role);
  return { jurisdiction, elections: await consoleElections(db(), jurisdiction.id) };
}

export default function Console() {
  const { jurisdiction, elections } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const date = (value: string | null) => (value ? formatDate(new Date(value), locale) : "—");
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
              </li>
            ))}
          </ul>
        )}
      </section>
    </section>
  );
}
