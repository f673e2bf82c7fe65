import { useRouteLoaderData } from "@remix-run/react";
import { en, es } from "~/i18n/catalogues";

/**
 * The one `t()` for text a user reads. Catalogues live in app/i18n/*.json (merged in catalogues.ts); a key missing from a
 * language falls back to English (a test keeps the catalogues in step).
 */
export const LOCALES = ["en", "es"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "en";
export const LOCALE_NAMES: Record<Locale, string> = { en: "English", es: "Español" };

export type MessageKey = keyof typeof en;
const catalogues: Record<Locale, Partial<Record<MessageKey, string>>> = { en, es };

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

export function isMessageKey(value: string): value is MessageKey {
  return Object.hasOwn(en, value);
}

export function translate(
  locale: Locale,
  key: MessageKey,
  params: Record<string, string | number> = {},
): string {
  const template = catalogues[locale][key] ?? en[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (match, name: string) =>
    name in params ? String(params[name]) : match,
  );
}

/** Text stored in several languages (VIP InternationalizedText): the chosen one, else English. */
export type LocalizedText = Partial<Record<string, string>> & { en?: string };
export function localized(text: LocalizedText | null | undefined, locale: Locale): string {
  return text?.[locale] ?? text?.en ?? "";
}

// Made once per language: building an Intl formatter costs far more than formatting with one
// (it was a quarter of the home page's render time; docs/performance.md).
const longDates = new Map<Locale, Intl.DateTimeFormat>();

export function formatDate(date: Date | string, locale: Locale): string {
  const value = typeof date === "string" ? new Date(`${date.slice(0, 10)}T12:00:00Z`) : date;
  let format = longDates.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "UTC" });
    longDates.set(locale, format);
  }
  return format.format(value);
}

/** The page's locale, from the root loader; English when the root itself failed. */
export function useLocale(): Locale {
  const data = useRouteLoaderData<{ locale?: Locale }>("root");
  return data?.locale ?? DEFAULT_LOCALE;
}

export function useT() {
  const locale = useLocale();
  return (key: MessageKey, params?: Record<string, string | number>) =>
    translate(locale, key, params);
}
