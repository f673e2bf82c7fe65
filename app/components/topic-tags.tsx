import { LocalizedText } from "~/components/localized-text";
import { useT } from "~/lib/i18n";
import type { TopicTag } from "~/services/topics.server";

/** Up to five topics for a question: checkboxes named `tag` (the server keeps five at most). */
export function TagCheckboxes({ tags, checked }: { tags: TopicTag[]; checked: string[] }) {
  const t = useT();
  if (tags.length === 0) return null;
  return (
    <fieldset className="mb-4">
      <legend className="mb-1 font-medium">{t("civic.tags.legend")}</legend>
      <p className="mb-2 text-sm text-slate-700">{t("civic.tags.hint")}</p>
      <ul className="flex flex-wrap gap-x-4 gap-y-2">
        {tags.map((tag) => (
          <li key={tag.id}>
            <label className="inline-flex items-center gap-2">
              <input
                type="checkbox"
                name="tag"
                value={tag.id}
                defaultChecked={checked.includes(tag.id)}
              />
              <LocalizedText text={tag.name} />
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}

/** A question's topics, each a link to its contest's questions on that topic. */
export function TagList({
  tags,
  hrefFor,
}: {
  tags: Array<Pick<TopicTag, "slug" | "name">>;
  hrefFor: (slug: string) => string;
}) {
  const t = useT();
  if (tags.length === 0) return null;
  return (
    <p className="mb-3 text-sm">
      {t("civic.tags.label")}{" "}
      {tags.map((tag, i) => (
        <span key={tag.slug}>
          {i > 0 ? ", " : null}
          <a href={hrefFor(tag.slug)} className="text-brand underline">
            <LocalizedText text={tag.name} />
          </a>
        </span>
      ))}
    </p>
  );
}

/** The contest's topics as filter links ("All topics" first); the current one is marked. */
export function TagFilter({
  tags,
  current,
  hrefFor,
}: {
  tags: TopicTag[];
  current: string | null;
  hrefFor: (slug: string | null) => string;
}) {
  const t = useT();
  if (tags.length === 0) return null;
  const link = (slug: string | null, label: React.ReactNode) => (
    <li key={slug ?? ""}>
      <a
        href={hrefFor(slug)}
        aria-current={slug === current ? "page" : undefined}
        className={`inline-block rounded px-2 py-1 ${slug === current ? "bg-brand-dark font-semibold text-white" : "text-brand underline"}`}
      >
        {label}
      </a>
    </li>
  );
  return (
    <nav aria-label={t("civic.tags.filter")} className="mb-2">
      <ul className="flex flex-wrap gap-2 text-sm">
        {link(null, t("civic.tags.all"))}
        {tags.map((tag) => link(tag.slug, <LocalizedText text={tag.name} />))}
      </ul>
    </nav>
  );
}
