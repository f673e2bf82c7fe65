import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { publicPageCacheControl, publicPageHeaders } from "~/lib/cache.server";
import { db } from "~/lib/db.server";
import { formatDate, useLocale, useT } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { latestOpenDataBundle } from "~/services/open-data-bundle.server";
import { COLLECTIONS, OPEN_DATA_LICENCE } from "~/services/open-data.server";

export const meta: MetaFunction = (args) => pageMeta(args, "opendata.title");

/** Where the open data is: the API and its description, and the newest CSV bundle. */
export async function loader({ request }: LoaderFunctionArgs) {
  return data(
    {
      bundle: await latestOpenDataBundle(db()),
      collections: COLLECTIONS.map((collection) => collection.name),
      licence: OPEN_DATA_LICENCE,
    },
    { headers: { "Cache-Control": publicPageCacheControl(request) } },
  );
}

export const headers = publicPageHeaders;

export default function OpenData() {
  const { bundle, collections, licence } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <section aria-labelledby="page-title" className="space-y-4">
      <h1 id="page-title" className="text-2xl font-bold">
        {t("opendata.title")}
      </h1>
      <p>{t("opendata.intro")}</p>
      <h2 className="text-xl font-semibold">{t("opendata.bundle.heading")}</h2>
      {bundle ? (
        <p>
          <a href={bundle.url} className="text-brand underline" download>
            {t("opendata.bundle.download", {
              date: formatDate(bundle.createdAt, locale),
              size: Math.max(1, Math.round(bundle.sizeBytes / 1024)),
            })}
          </a>
        </p>
      ) : (
        <p>{t("opendata.bundle.none")}</p>
      )}
      <p>
        {t("opendata.licence")}{" "}
        <a href={licence.url} className="text-brand underline">
          {licence.name}
        </a>
      </p>
      <h2 className="text-xl font-semibold">{t("opendata.api.heading")}</h2>
      <p>
        {t("opendata.api.intro")}{" "}
        <a href="/api/v1/openapi.json" className="text-brand underline">
          {t("opendata.api.description")}
        </a>
      </p>
      <ul className="list-disc pl-6">
        {collections.map((name) => (
          <li key={name}>
            <a href={`/api/v1/${name}`} className="text-brand underline">
              /api/v1/{name}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
