import type { ReactNode } from "react";
import { themeHref, type Theme } from "~/lib/contrast";
import { useT } from "~/lib/i18n";

/**
 * The frame of an embeddable card: the theme's stylesheet, the content, and the way to the full
 * page on CivicQ (opened in a new tab, never inside the host's frame).
 */
export function EmbedCard({
  theme,
  href,
  children,
}: {
  theme: Theme;
  href: string;
  children: ReactNode;
}) {
  const t = useT();
  return (
    <article className="space-y-3">
      <link rel="stylesheet" href={themeHref(theme)} />
      {children}
      <p>
        <a
          href={href}
          target="_blank"
          rel="noopener"
          className="font-semibold text-[color:var(--accent)] underline"
        >
          {t("opendata.embed.open")}
        </a>
      </p>
    </article>
  );
}
