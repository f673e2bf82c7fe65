/**
 * WCAG 2.1 contrast, for colours an office or an embedding site chooses: a colour is accepted
 * only where text drawn in it (or white text on it) stays readable — AA, 4.5:1 for body text.
 */
export const HEX_COLOUR = /^#[0-9a-f]{6}$/;
export const AA_BODY_TEXT = 4.5;

/** "#1a2b3c" (any case, "#" optional) → "#1a2b3c"; null when it is not a six-digit hex colour. */
export function normaliseHex(value: string | null | undefined): string | null {
  const hex = `#${(value ?? "").trim().replace(/^#/, "").toLowerCase()}`;
  return HEX_COLOUR.test(hex) ? hex : null;
}

function luminance(hex: string): number {
  const channel = (offset: number) => {
    const c = parseInt(hex.slice(offset, offset + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** The contrast ratio of two colours, 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

export const WHITE = "#ffffff";
export const DARK_BACKGROUND = "#0f172a";

export type ThemeName = "light" | "dark";
export type Theme = { name: ThemeName; accent: string; surface: string; ink: string };

const SURFACES: Record<ThemeName, { surface: string; ink: string; accent: string }> = {
  light: { surface: WHITE, ink: DARK_BACKGROUND, accent: "#1d4ed8" },
  dark: { surface: DARK_BACKGROUND, ink: "#f1f5f9", accent: "#93c5fd" },
};

/**
 * The colours of a themed page (an embed, a branded office page) from its URL parameters:
 * `theme=light|dark` and `accent=<hex>`. An accent that is not a colour, or that would be
 * unreadable on the theme's background (under AA), gives way to the theme's own: a page that
 * embeds us cannot make our text illegible.
 */
export function resolveTheme(params: URLSearchParams): Theme {
  const name: ThemeName = params.get("theme") === "dark" ? "dark" : "light";
  const base = SURFACES[name];
  const asked = normaliseHex(params.get("accent"));
  const accent = asked && contrastRatio(asked, base.surface) >= AA_BODY_TEXT ? asked : base.accent;
  return { name, accent, surface: base.surface, ink: base.ink };
}

/** The stylesheet of a theme: custom properties the themed pages' classes read. */
export function themeCss(theme: Theme): string {
  return `:root{--accent:${theme.accent};--surface:${theme.surface};--ink:${theme.ink}}\n`;
}

/** The address of a theme's stylesheet (app/routes/theme[.]css.ts). */
export function themeHref(theme: Pick<Theme, "name" | "accent">): string {
  return `/theme.css?${new URLSearchParams({ theme: theme.name, accent: theme.accent.slice(1) })}`;
}
