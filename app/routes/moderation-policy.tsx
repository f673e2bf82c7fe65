import type { MetaFunction } from "@remix-run/node";
import { useLocale, useT } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { MODERATION_POLICY, POLICY_CODES } from "~/services/moderation-policy";

export const meta: MetaFunction = (args) => pageMeta(args, "policy.title", "policy.description");

/**
 * The published moderation policy: the only reasons a question can be rejected or an answer
 * hidden. Moderators choose from this list; authors are emailed the rule and a link here.
 */
export default function ModerationPolicy() {
  const t = useT();
  const locale = useLocale();
  return (
    <section aria-labelledby="page-title" className="space-y-4">
      <h1 id="page-title" className="text-2xl font-bold">
        {t("policy.title")}
      </h1>
      <p>{t("policy.intro")}</p>
      <dl className="space-y-3">
        {POLICY_CODES.map((code) => (
          <div key={code} id={code}>
            <dt className="font-semibold">{MODERATION_POLICY[code][locale].title}</dt>
            <dd>{MODERATION_POLICY[code][locale].description}</dd>
          </div>
        ))}
      </dl>
      <p>{t("policy.duplicates")}</p>
    </section>
  );
}
