import type { Locale } from "./i18n";

/** "1 GB", "512 MB": a size as people read it (binary units, as phones and computers show them). */
export function formatBytes(bytes: number, locale: Locale): string {
  const [unit, size] =
    bytes >= 1024 ** 3
      ? (["gigabyte", bytes / 1024 ** 3] as const)
      : (["megabyte", bytes / 1024 ** 2] as const);
  return new Intl.NumberFormat(locale, {
    style: "unit",
    unit,
    maximumFractionDigits: size < 10 ? 1 : 0,
  }).format(size);
}
