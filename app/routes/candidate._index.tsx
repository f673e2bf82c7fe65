import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData, useSearchParams } from "@remix-run/react";
import { FormMessage } from "~/components/form";
import { jurisdictionsWithRole, requireMfaFor, requireUser } from "~/lib/auth.server";
import { db } from "~/lib/db.server";
import { forbidden } from "~/lib/http.server";
import { formatDate, localized, useLocale, useT } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { candidaciesOf } from "~/services/roles.server";

export const meta: MetaFunction = (args) => pageMeta(args, "candidateDesk.title");
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

/** The candidate's desk: for anyone holding a candidate grant somewhere (with MFA on). */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (jurisdictionsWithRole(user, "candidate")?.length === 0) throw forbidden();
  requireMfaFor(user, "candidate");
  return { candidacies: await candidaciesOf(db(), user.id) };
}

export default function CandidateDesk() {
  const { candidacies } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const t = useT();
  const locale = useLocale();
  return (
    <section aria-labelledby="desk-title" className="space-y-6">
      <h1 id="desk-title" className="text-2xl font-bold">
        {t("candidateDesk.title")}
      </h1>
      <FormMessage message={params.has("claimed") ? "claim.done" : undefined} tone="info" />
      {candidacies.length === 0 ? (
        <p>{t("candidateDesk.none")}</p>
      ) : (
        <ul className="space-y-4">
          {candidacies.map((candidacy) => (
            <li key={candidacy.id} className="rounded border border-slate-300 p-4">
              <h2 className="text-lg font-semibold">{candidacy.ballotName}</h2>
              <p>{localized(candidacy.contestTitle, locale)}</p>
              <p className="text-slate-700">
                {localized(candidacy.electionName, locale)} ·{" "}
                {localized(candidacy.jurisdictionName, locale)}
              </p>
              <p>{t("home.electionDate", { date: formatDate(candidacy.electionDate, locale) })}</p>
              {candidacy.status === "withdrawn" ? (
                <p className="font-medium">{t("candidateDesk.withdrawn")}</p>
              ) : null}
              <ul className="mt-2 flex flex-wrap gap-4">
                <li>
                  <a
                    href={`/candidate/questions?candidate=${candidacy.id}`}
                    className="text-brand underline"
                  >
                    {t("desk.open", { name: candidacy.ballotName })}
                  </a>
                </li>
                <li>
                  <a
                    href={`/candidate/profile?candidate=${candidacy.id}`}
                    className="text-brand underline"
                  >
                    {t("profile.open", { name: candidacy.ballotName })}
                  </a>
                </li>
              </ul>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
