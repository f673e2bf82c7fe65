import { useT, type LocalizedText as Text } from "~/lib/i18n";
import { LocalizedText } from "./localized-text";

/** The pages above this one (home first), as links; the page itself is its h1. */
export function Breadcrumbs({ trail }: { trail: Array<{ href: string; label: Text }> }) {
  const t = useT();
  return (
    <nav aria-label={t("election.breadcrumb.label")} className="mb-4 text-sm">
      <ol className="flex flex-wrap gap-x-2">
        <li>
          <a href="/" className="text-brand underline">
            {t("election.breadcrumb.home")}
          </a>
        </li>
        {trail.map((crumb) => (
          <li key={crumb.href}>
            <span aria-hidden="true">› </span>
            <a href={crumb.href} className="text-brand underline">
              <LocalizedText text={crumb.label} />
            </a>
          </li>
        ))}
      </ol>
    </nav>
  );
}
