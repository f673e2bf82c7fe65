import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Breadcrumbs } from "~/components/breadcrumbs";
import { Pager } from "~/components/pager";
import { publicPageCacheControl, publicPageHeaders } from "~/lib/cache.server";
import { db } from "~/lib/db.server";
import { notFound } from "~/lib/http.server";
import { localized, translate, useLocale, useT, type MessageKey } from "~/lib/i18n";
import { parsePage } from "~/lib/listing";
import { contentMeta } from "~/lib/meta";
import { electionPath, ledgerPath, questionPath } from "~/lib/paths";
import { formatDateTime } from "~/lib/time-zone";
import { findElection } from "~/services/elections.server";
import { ledgerPage, policyText } from "~/services/moderation-ledger.server";

/**
 * The election's open moderation ledger: every decision, newest first, with the rule it
 * applied (code, title, text), its date and its appeal. Rejected or hidden content never
 * appears, only its reason; content still public is linked. A CSV of the whole ledger is linked.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const election = await findElection(db(), params.jurisdiction ?? "", params.election ?? "");
  if (!election) throw notFound();
  const page = parsePage(new URL(request.url).searchParams.get("page"));
  return data(
    { election, ledger: await ledgerPage(db(), election.id, page) },
    { headers: { "Cache-Control": publicPageCacheControl(request) } },
  );
}

export const headers = publicPageHeaders;

export const meta: MetaFunction<typeof loader> = (args) =>
  args.data
    ? contentMeta(args, (locale) => ({
        title: translate(locale, "trust.ledger.title", {
          election: localized(args.data!.election.name, locale),
        }),
        description: translate(locale, "trust.ledger.description"),
      }))
    : [];

export default function Ledger() {
  const { election, ledger } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const slugs = { jurisdiction: election.jurisdictionSlug, election: election.slug };
  const base = ledgerPath(slugs);
  return (
    <>
      <Breadcrumbs trail={[{ href: electionPath(slugs), label: election.name }]} />
      <h1 className="mb-2 text-2xl font-bold">
        {t("trust.ledger.title", { election: localized(election.name, locale) })}
      </h1>
      <p className="mb-2">{t("trust.ledger.intro")}</p>
      <p className="mb-4">
        <a href="/moderation-policy" className="text-brand underline">
          {t("trust.ledger.policyLink")}
        </a>
        {" · "}
        <a href={`${base}/export.csv`} download className="text-brand underline">
          {t("trust.ledger.csv")}
        </a>
      </p>
      {ledger.total === 0 ? (
        <p>{t("trust.ledger.empty")}</p>
      ) : (
        <ol className="divide-y divide-slate-200" data-testid="ledger">
          {ledger.entries.map((entry) => {
            const [rule, text] = policyText(entry.reasonCode, locale);
            return (
              <li
                key={entry.decisionId}
                id={`d-${entry.decisionId}`}
                className="space-y-1 py-3"
                data-testid="ledger-entry"
              >
                <p className="font-semibold">
                  {t(`trust.ledger.action.${entry.action}` as MessageKey)}
                  {" · "}
                  {t(`trust.ledger.kind.${entry.kind}` as MessageKey)}
                </p>
                <p className="text-sm text-slate-700">
                  {formatDateTime(entry.decidedAt, locale, election.timeZone)}
                </p>
                {entry.reasonCode ? (
                  <p>
                    <span className="font-medium">
                      {t("trust.ledger.reason", { code: entry.reasonCode, rule })}
                    </span>{" "}
                    {text}
                  </p>
                ) : null}
                <p className="text-sm">{t(`trust.ledger.appeal.${entry.appeal}`)}</p>
                {entry.publicQuestionId ? (
                  <p className="text-sm">
                    <a href={questionPath(entry.publicQuestionId)} className="text-brand underline">
                      {t("trust.ledger.seeQuestion")}
                    </a>
                  </p>
                ) : null}
              </li>
            );
          })}
        </ol>
      )}
      <Pager
        page={ledger.page}
        pageCount={ledger.pageCount}
        hrefFor={(page) => `${base}?page=${page}`}
      />
    </>
  );
}
