import { useLocation } from "@remix-run/react";
import { LOCALES, LOCALE_NAMES, useT, type Locale } from "~/lib/i18n";

/** Plain links (no JavaScript): /language/es sets the cookie and returns to this page. */
export function LanguageSwitch({ current }: { current: Locale }) {
  const t = useT();
  const location = useLocation();
  const returnTo = encodeURIComponent(location.pathname + location.search);
  return (
    <nav aria-label={t("nav.language")}>
      <ul className="flex gap-3 text-sm">
        {LOCALES.map((locale) => (
          <li key={locale}>
            {locale === current ? (
              <span aria-current="true" lang={locale} className="font-semibold">
                {LOCALE_NAMES[locale]}
              </span>
            ) : (
              <a
                href={`/language/${locale}?returnTo=${returnTo}`}
                lang={locale}
                hrefLang={locale}
                className="text-brand underline"
              >
                {LOCALE_NAMES[locale]}
              </a>
            )}
          </li>
        ))}
      </ul>
    </nav>
  );
}
