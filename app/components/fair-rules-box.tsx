import { formatDateTime } from "~/lib/time-zone";
import { useLocale, useT } from "~/lib/i18n";
import type { ContestRules } from "~/services/answer-rules.server";

/** The fair rules every candidate of the contest answers under, stated to voters. */
export function FairRulesBox({ rules }: { rules: ContestRules }) {
  const t = useT();
  const locale = useLocale();
  const when = (value: string) => formatDateTime(value, locale, rules.timeZone);
  return (
    <section aria-labelledby="rules" className="mb-6 rounded border border-slate-300 p-3">
      <h2 id="rules" className="mb-2 text-lg font-bold">
        {t("answers.box.title")}
      </h2>
      <ul className="list-disc space-y-1 pl-6">
        <li>
          {rules.offeredAt
            ? t("answers.box.offered", { count: rules.offeredCount, date: when(rules.offeredAt) })
            : t("answers.box.offeredLater", { count: rules.offeredCount })}
        </li>
        <li>
          {t("answers.box.limits", {
            words: rules.maxWords,
            minutes: Math.round(rules.maxVideoSeconds / 60),
          })}
        </li>
        <li>{t("answers.box.asWritten")}</li>
        {rules.lockAt ? <li>{t("answers.box.lock", { date: when(rules.lockAt) })}</li> : null}
        <li>
          {t(rules.candidateOrder === "rotated" ? "answers.box.rotated" : "answers.box.ballot")}
        </li>
      </ul>
    </section>
  );
}
