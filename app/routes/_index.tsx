import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BallotLookupForm } from "~/components/ballot-lookup-form";
import { ElectionsByJurisdiction } from "~/components/elections-by-jurisdiction";
import { publicPageCacheControl, publicPageHeaders } from "~/lib/cache.server";
import { db } from "~/lib/db.server";
import { translate, useT } from "~/lib/i18n";
import { localeFromRequest } from "~/lib/locale.server";
import { listUpcomingElections } from "~/services/elections.server";

export async function loader({ request }: LoaderFunctionArgs) {
  return data(
    { locale: localeFromRequest(request), elections: await listUpcomingElections(db()) },
    { headers: { "Cache-Control": publicPageCacheControl(request) } },
  );
}

export const headers = publicPageHeaders;

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
  return (
    <>
      <p className="mb-6 text-lg">{t("site.tagline")}</p>
      <h1 className="mb-4 text-2xl font-bold">{t("home.heading")}</h1>
      <section aria-labelledby="find-ballot" className="mb-8 rounded bg-slate-50 p-4">
        <h2 id="find-ballot" className="mb-2 text-xl font-bold">
          {t("ballot.heading")}
        </h2>
        <BallotLookupForm />
      </section>
      {elections.length === 0 ? (
        <p>{t("home.empty")}</p>
      ) : (
        <ElectionsByJurisdiction elections={elections} level={2} />
      )}
    </>
  );
}
