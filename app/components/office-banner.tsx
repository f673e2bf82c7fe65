import { themeHref } from "~/lib/contrast";
import { useT } from "~/lib/i18n";

/**
 * An office's logo and welcome on its public pages, in its brand colour (checked for contrast
 * when the office saved it; white text on it). The colour arrives as a stylesheet: the CSP
 * allows no inline style.
 */
export function OfficeBanner({
  branding,
  office,
}: {
  branding: { brandColor: string | null; welcome: string | null; logoUrl: string | null };
  office: string;
}) {
  const t = useT();
  const { brandColor, welcome, logoUrl } = branding;
  if (!welcome && !brandColor && !logoUrl) return null;
  return (
    <>
      {brandColor ? (
        <link rel="stylesheet" href={themeHref({ name: "light", accent: brandColor })} />
      ) : null}
      <div
        data-testid="office-banner"
        className="mb-6 flex flex-wrap items-center gap-4 rounded bg-[var(--accent,var(--color-brand))] p-4 text-white"
      >
        {logoUrl ? (
          <img
            src={logoUrl}
            alt={t("office.settings.logoAlt", { office })}
            className="max-h-16 rounded bg-white p-1"
          />
        ) : null}
        {welcome ? <p className="whitespace-pre-line">{welcome}</p> : null}
      </div>
    </>
  );
}
