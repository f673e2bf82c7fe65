import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Breadcrumbs } from "~/components/breadcrumbs";
import { LocalizedText } from "~/components/localized-text";
import { OfficeBanner } from "~/components/office-banner";
import { pageCacheStamp, publicPageHeaders, publicPageLoaderHeaders } from "~/lib/cache.server";
import { db } from "~/lib/db.server";
import { notFound } from "~/lib/http.server";
import { formatDate, localized, translate, useLocale, useT } from "~/lib/i18n";
import { localeFromRequest } from "~/lib/locale.server";
import { contentMeta } from "~/lib/meta";
import { contestPath, ledgerPath } from "~/lib/paths";
import { formatDateTime } from "~/lib/time-zone";
import { electionContestsByDistrict, findElection } from "~/services/elections.server";
import { publicBranding } from "~/services/office-settings.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const election = await findElection(db(), params.jurisdiction ?? "", params.election ?? "");
  if (!election) throw notFound();
  // the contests' question counts move with questions published or taken down
  const stamp = await pageCacheStamp(request, [`election:${election.id}`]);
  return data(
    {
      election,
      groups: await electionContestsByDistrict(db(), election.id),
      branding: await publicBranding(db(), election.jurisdictionId, localeFromRequest(request)),
    },
    { headers: publicPageLoaderHeaders(request, stamp) },
  );
}

export const headers = publicPageHeaders;

export const meta: MetaFunction<typeof loader> = (args) =>
  args.data
    ? contentMeta(args, (locale) => ({
        title: localized(args.data!.election.name, locale),
        description: translate(locale, "election.description", {
          election: localized(args.data!.election.name, locale),
          date: formatDate(args.data!.election.electionDate, locale),
        }),
      }))
    : [];

/**
 * "from … to …", "until …", "from …" or nothing, as the clerk set the window; times as the
 * jurisdiction's clocks show them.
 */
function useWindow(timeZone: string) {
  const t = useT();
  const locale = useLocale();
  return (opens: string | null, closes: string | null) => {
    const date = (iso: string) => formatDateTime(iso, locale, timeZone);
    if (opens && closes)
      return t("election.window.between", { from: date(opens), to: date(closes) });
    if (closes) return t("election.window.until", { to: date(closes) });
    if (opens) return t("election.window.from", { from: date(opens) });
    return null;
  };
}

export default function Election() {
  const { election, groups, branding } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const windowText = useWindow(election.timeZone);
  const slugs = { jurisdiction: election.jurisdictionSlug, election: election.slug };
  const questionWindow = windowText(election.questionsOpenAt, election.questionsCloseAt);
  const answerWindow = windowText(election.answersOpenAt, election.answersCloseAt);
  return (
    <>
      <Breadcrumbs trail={[]} />
      <LocalizedText as="h1" text={election.name} className="mb-1 text-2xl font-bold" />
      <LocalizedText as="p" text={election.jurisdictionName} className="mb-4 text-slate-700" />
      <OfficeBanner branding={branding} office={localized(election.jurisdictionName, locale)} />
      <dl className="mb-6 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1">
        <dt className="font-semibold">{t("election.date")}</dt>
        <dd>{formatDate(election.electionDate, locale)}</dd>
        <dt className="font-semibold">{t("election.statusLabel")}</dt>
        <dd>{t(`election.status.${election.status}`)}</dd>
        {questionWindow ? (
          <>
            <dt className="font-semibold">{t("election.questionWindow")}</dt>
            <dd>{questionWindow}</dd>
          </>
        ) : null}
        {answerWindow ? (
          <>
            <dt className="font-semibold">{t("election.answerWindow")}</dt>
            <dd>{answerWindow}</dd>
          </>
        ) : null}
      </dl>
      <h2 className="mb-3 text-xl font-bold">{t("election.contests.heading")}</h2>
      {groups.length === 0 ? <p>{t("election.contests.none")}</p> : null}
      {groups.map((group, index) => (
        <section key={index} aria-labelledby={`district-${index}`} className="mb-6">
          {group.districtName ? (
            <LocalizedText
              as="h3"
              id={`district-${index}`}
              text={group.districtName}
              className="mb-2 text-lg font-semibold"
            />
          ) : (
            <h3 id={`district-${index}`} className="mb-2 text-lg font-semibold">
              {t("election.contests.wide")}
            </h3>
          )}
          <ol className="space-y-2">
            {group.contests.map((contest) => (
              <li key={contest.slug} className="rounded border border-slate-300 p-3">
                <a href={contestPath(slugs, contest.slug)} className="text-brand-dark underline">
                  <LocalizedText text={contest.title} />
                </a>
                <p className="text-sm text-slate-700">
                  {contest.kind === "measure"
                    ? t("contest.kind.measure")
                    : t("election.contest.candidates", { count: contest.candidateCount })}
                  {" · "}
                  {t("election.contest.questions", { count: contest.questionCount })}
                </p>
              </li>
            ))}
          </ol>
        </section>
      ))}
      <p className="mt-6">
        <a href={ledgerPath(slugs)} className="text-brand underline">
          {t("trust.ledger.link")}
        </a>
        {election.rankingElectorate === "verified"
          ? ` · ${t("trust.ledger.verifiedRanking")}`
          : null}
      </p>
    </>
  );
}
