import { useT } from "~/lib/i18n";

/**
 * Where a console page sits: the jurisdiction's console home first, then the pages above this
 * one (the page itself is its h1).
 */
export function ConsoleTrail({
  jurisdiction,
  trail = [],
}: {
  jurisdiction: { slug: string; name: string };
  trail?: Array<{ href: string; label: string }>;
}) {
  const t = useT();
  const crumbs = [
    {
      href: `/console/${jurisdiction.slug}`,
      label: t("console.trail.home", { name: jurisdiction.name }),
    },
    ...trail,
  ];
  return (
    <nav aria-label={t("console.trail.label")} className="mb-4 text-sm">
      <ol className="flex flex-wrap gap-x-2">
        {crumbs.map((crumb, i) => (
          <li key={crumb.href}>
            {i > 0 ? <span aria-hidden="true">› </span> : null}
            <a href={crumb.href} className="text-brand underline">
              {crumb.label}
            </a>
          </li>
        ))}
      </ol>
    </nav>
  );
}
