import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { LocalizedText } from "~/components/localized-text";
import { OfficeBanner } from "~/components/office-banner";
import { publicPageCacheControl, publicPageHeaders } from "~/lib/cache.server";
import { db } from "~/lib/db.server";
import { notFound } from "~/lib/http.server";
import { formatDate, localized, translate, useLocale, useT } from "~/lib/i18n";
import { localeFromRequest } from "~/lib/locale.server";
import { contentMeta } from "~/lib/meta";
import { electionPath } from "~/lib/paths";
import { officeHome } from "~/services/office-settings.server";

/** A jurisdiction's public home: the office's welcome in its colour, and its elections. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const home = await officeHome(db(), params.jurisdiction ?? "", localeFromRequest(request));
  if (!home) throw notFound();
  return data(home, { headers: { "Cache-Control": publicPageCacheControl(request) } });
}

export const headers = publicPageHeaders;

export const meta: MetaFunction<typeof loader> = (args) =>
  args.data
    ? contentMeta(args, (locale) => ({
        title: localized(args.data!.name, locale),
        description: translate(locale, "office.home.description", {
          office: localized(args.data!.name, locale),
        }),
      }))
    : [];

export default function OfficeHome() {
  const { name, slug, branding, elections } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <LocalizedText as="h1" text={name} className="mb-4 text-2xl font-bold" />
      <OfficeBanner branding={branding} office={localized(name, locale)} />
      <h2 className="mb-3 text-xl font-bold">{t("office.home.elections")}</h2>
      {elections.length === 0 ? <p>{t("office.home.noElections")}</p> : null}
      <ul className="space-y-2">
        {elections.map((election) => (
          <li key={election.slug}>
            <a
              href={electionPath({ jurisdiction: slug, election: election.slug })}
              className="text-brand-dark underline"
            >
              <LocalizedText text={election.name} />
            </a>{" "}
            · {formatDate(election.electionDate, locale)}
          </li>
        ))}
      </ul>
    </>
  );
}
