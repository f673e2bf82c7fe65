import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { db } from "~/lib/db.server";
import { formatDate, localized, translate, useLocale, useT } from "~/lib/i18n";
import { localeFromRequest } from "~/lib/locale.server";
import { listUpcomingElections } from "~/services/elections.server";

export async function loader({ request }: LoaderFunctionArgs) {
  return { locale: localeFromRequest(request), elections: await listUpcomingElections(db()) };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  const locale = data?.locale ?? "en";
  return [
    { title: translate(locale, "home.title") },
    { name: "description", content: translate(locale, "home.description") },
  ];
};

export default function Home() {
  const { elections } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <p className="mb-6 text-lg">{t("site.tagline")}</p>
      <h1 className="mb-4 text-2xl font-bold">{t("home.heading")}</h1>
      {elections.length === 0 ? (
        <p>{t("home.empty")}</p>
      ) : (
        <ul className="space-y-4">
          {elections.map((election) => (
            <li key={election.id} className="rounded border border-slate-300 p-4">
              <h2 className="text-xl font-semibold">{localized(election.name, locale)}</h2>
              <p className="text-slate-700">{localized(election.jurisdictionName, locale)}</p>
              <p>{t("home.electionDate", { date: formatDate(election.electionDate, locale) })}</p>
              <p>{t("home.contestCount", { count: election.contestCount })}</p>
              <p className="font-medium">{t(`election.status.${election.status}`)}</p>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
