import { themeHref } from "~/lib/contrast";

/**
 * An office's welcome on its public pages, in its brand colour (checked for contrast when the
 * office saved it; white text on it). The colour arrives as a stylesheet: the CSP allows no
 * inline style.
 */
export function OfficeBanner({
  brandColor,
  welcome,
}: {
  brandColor: string | null;
  welcome: string | null;
}) {
  if (!welcome && !brandColor) return null;
  return (
    <>
      {brandColor ? (
        <link rel="stylesheet" href={themeHref({ name: "light", accent: brandColor })} />
      ) : null}
      <div
        data-testid="office-banner"
        className="mb-6 rounded bg-[var(--accent,var(--color-brand))] p-4 text-white"
      >
        {welcome ? <p className="whitespace-pre-line">{welcome}</p> : null}
      </div>
    </>
  );
}
