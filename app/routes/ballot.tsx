import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BallotLookupForm } from "~/components/ballot-lookup-form";
import { ElectionsByJurisdiction } from "~/components/elections-by-jurisdiction";
import { LocalizedText } from "~/components/localized-text";
import { publicPageCacheControl, publicPageHeaders } from "~/lib/cache.server";
import { db } from "~/lib/db.server";
import { formatDate, useLocale, useT, type MessageKey } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { contestPath, electionPath } from "~/lib/paths";
import { findBallot, type BallotLookup } from "~/services/ballots.server";
import { listUpcomingElections, type ElectionSummary } from "~/services/elections.server";

/** /ballot?address=… — the voter's ballot for a ZIP code or street address (a GET form). */
export async function loader({ request }: LoaderFunctionArgs) {
  const address = new URL(request.url).searchParams.get("address");
  let result: BallotLookup | { kind: "empty" } | null = null;
  let jurisdictions: ElectionSummary[] = [];
  if (address !== null) {
    result = address.trim() ? await findBallot(db(), address) : { kind: "empty" };
    // what to browse instead when the address says nothing we can use
    if (result.kind === "noMatch") jurisdictions = await listUpcomingElections(db());
  }
  return data(
    { address: address ?? "", result, jurisdictions },
    { headers: { "Cache-Control": publicPageCacheControl(request) } },
  );
}

export const headers = publicPageHeaders;

export const meta: MetaFunction<typeof loader> = (args) =>
  pageMeta(args, "ballot.title", "ballot.description");

/** Why the address was not enough: a ZIP over several precincts, or a street without its ZIP. */
function ambiguityMessage(query: { zip: string | null; houseNumber: number | null }): MessageKey {
  if (!query.zip) return "ballot.ambiguous.needZip";
  return query.houseNumber === null ? "ballot.ambiguous.zip" : "ballot.ambiguous.address";
}

export default function Ballot() {
  const { address, result, jurisdictions } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <h1 className="mb-4 text-2xl font-bold">{t("ballot.heading")}</h1>
      {result?.kind === "ambiguous" ? (
        <p role="status" className="mb-4 rounded border border-brand bg-blue-50 p-3">
          {t(ambiguityMessage(result.query), { zip: result.query.zip ?? "" })}
        </p>
      ) : null}
      {result?.kind === "noMatch" ? (
        <p role="status" className="mb-4 rounded border border-red-700 bg-red-50 p-3 text-red-900">
          {t("ballot.noMatch", { address })}
        </p>
      ) : null}
      <BallotLookupForm
        defaultValue={address}
        error={result?.kind === "empty" ? "ballot.address.required" : undefined}
      />
      {result?.kind === "ballot" ? (
        <section aria-labelledby="your-ballot" className="mt-8">
          <h2 id="your-ballot" className="mb-1 text-xl font-bold">
            {t("ballot.result.heading")}
          </h2>
          <p className="mb-4 text-slate-700">
            {t("ballot.result.precinct", { address, precinct: result.precinctName })}
          </p>
          {result.elections.length === 0 ? <p>{t("ballot.result.none")}</p> : null}
          {result.elections.map((election) => {
            const slugs = { jurisdiction: election.jurisdictionSlug, election: election.slug };
            return (
              <section key={election.id} aria-labelledby={`e-${election.id}`} className="mb-6">
                <h3 id={`e-${election.id}`} className="text-lg font-semibold">
                  <a href={electionPath(slugs)} className="text-brand-dark underline">
                    <LocalizedText text={election.name} />
                  </a>
                </h3>
                <p className="mb-2">
                  {t("home.electionDate", { date: formatDate(election.electionDate, locale) })}
                </p>
                <ol className="list-decimal space-y-2 pl-6">
                  {election.contests.map((contest) => (
                    <li key={contest.slug}>
                      <a href={contestPath(slugs, contest.slug)} className="text-brand underline">
                        <LocalizedText text={contest.title} />
                      </a>
                      {contest.kind === "measure" ? (
                        <span className="text-sm text-slate-700">
                          {" "}
                          · {t("contest.kind.measure")}
                        </span>
                      ) : null}
                    </li>
                  ))}
                </ol>
              </section>
            );
          })}
        </section>
      ) : null}
      {result?.kind === "noMatch" ? (
        <section aria-labelledby="browse" className="mt-8">
          <h2 id="browse" className="mb-4 text-xl font-bold">
            {t("ballot.browse.heading")}
          </h2>
          {jurisdictions.length === 0 ? (
            <p>{t("home.empty")}</p>
          ) : (
            <ElectionsByJurisdiction elections={jurisdictions} level={3} />
          )}
        </section>
      ) : null}
    </>
  );
}
