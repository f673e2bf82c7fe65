import { formatDate, useLocale, useT } from "~/lib/i18n";
import { electionPath } from "~/lib/paths";
import type { ElectionSummary } from "~/services/elections.server";
import { LocalizedText } from "./localized-text";

/**
 * Elections grouped under their jurisdiction, each a link to its page. `level` is the heading
 * level of the jurisdictions (elections are one below), so the outline fits the page.
 */
export function ElectionsByJurisdiction({
  elections,
  level,
}: {
  elections: ElectionSummary[];
  level: 2 | 3;
}) {
  const t = useT();
  const locale = useLocale();
  const groups = new Map<string, ElectionSummary[]>();
  for (const election of elections) {
    groups.set(election.jurisdictionSlug, [
      ...(groups.get(election.jurisdictionSlug) ?? []),
      election,
    ]);
  }
  const JurisdictionHeading = level === 2 ? "h2" : "h3";
  const ElectionHeading = level === 2 ? "h3" : "h4";
  return (
    <>
      {[...groups.values()].map((group) => (
        <section key={group[0]!.jurisdictionSlug} className="mb-6">
          <LocalizedText
            as={JurisdictionHeading}
            text={group[0]!.jurisdictionName}
            className="mb-2 text-xl font-bold"
          />
          <ul className="space-y-3">
            {group.map((election) => (
              <li key={election.id} className="rounded border border-slate-300 p-4">
                <ElectionHeading className="text-lg font-semibold">
                  <a
                    href={electionPath({
                      jurisdiction: election.jurisdictionSlug,
                      election: election.slug,
                    })}
                    className="text-brand-dark underline"
                  >
                    <LocalizedText text={election.name} />
                  </a>
                </ElectionHeading>
                <p>{t("home.electionDate", { date: formatDate(election.electionDate, locale) })}</p>
                <p>{t("home.contestCount", { count: election.contestCount })}</p>
                <p className="font-medium">{t(`election.status.${election.status}`)}</p>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </>
  );
}
