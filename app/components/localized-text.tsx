import { useLocale, type LocalizedText as Text } from "~/lib/i18n";

/**
 * Text stored in several languages (titles, bios, measure texts), in the page's language, else
 * in English marked `lang="en"` so a screen reader reads it with the right voice. With
 * `paragraphs`, blank lines in the text separate paragraphs.
 */
export function LocalizedText({
  text,
  as: Tag = "span",
  paragraphs = false,
  className,
  id,
}: {
  text: Text | null | undefined;
  id?: string;
  as?: "span" | "div" | "p" | "h1" | "h2" | "h3";
  paragraphs?: boolean;
  className?: string;
}) {
  const locale = useLocale();
  const own = text?.[locale];
  const value = own ?? text?.en ?? "";
  const lang = own === undefined && locale !== "en" ? "en" : undefined;
  // Inline text needing no attribute needs no element either (every byte counts on a slow link).
  if (!paragraphs && Tag === "span" && !lang && !className && !id) return <>{value}</>;
  if (!paragraphs)
    return (
      <Tag id={id} lang={lang} className={className}>
        {value}
      </Tag>
    );
  return (
    <div id={id} lang={lang} className={className}>
      {value.split(/\n\s*\n/).map((paragraph, index) => (
        <p key={index} className="mb-3">
          {paragraph}
        </p>
      ))}
    </div>
  );
}
