import { DEFAULT_LOCALE, isLocale, type Locale } from "./i18n";

export const LOCALE_COOKIE = "lang";

function cookieValue(request: Request, name: string): string | undefined {
  const header = request.headers.get("Cookie") ?? "";
  for (const part of header.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return undefined;
}

/** The language chosen by link (remembered in a cookie), else the browser's, else English. */
export function localeFromRequest(request: Request): Locale {
  const chosen = cookieValue(request, LOCALE_COOKIE);
  if (isLocale(chosen)) return chosen;
  const accepted = (request.headers.get("Accept-Language") ?? "")
    .split(",")
    .map((part) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.find((p) => p.trim().startsWith("q="));
      return { language: tag.toLowerCase().split("-")[0], q: q ? Number(q.split("=")[1]) : 1 };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q);
  return accepted.map((entry) => entry.language).find(isLocale) ?? DEFAULT_LOCALE;
}

export function localeCookie(locale: Locale, secure: boolean): string {
  const attributes = [`${LOCALE_COOKIE}=${locale}`, "Path=/", "Max-Age=31536000", "SameSite=Lax"];
  if (secure) attributes.push("Secure");
  return attributes.join("; ");
}
