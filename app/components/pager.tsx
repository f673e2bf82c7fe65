import { useT } from "~/lib/i18n";

/**
 * Pages as plain links (no JavaScript): previous, where we are, next. `hrefFor` builds a page's
 * address, keeping the rest of the query (the sort) as it is.
 */
export function Pager({
  page,
  pageCount,
  hrefFor,
}: {
  page: number;
  pageCount: number;
  hrefFor: (page: number) => string;
}) {
  const t = useT();
  if (pageCount <= 1) return null;
  const link = "rounded border border-slate-500 px-3 py-1 text-brand-dark underline";
  return (
    <nav aria-label={t("pager.label")} className="mt-4">
      <ul className="flex flex-wrap items-center gap-3">
        {page > 1 ? (
          <li>
            <a href={hrefFor(page - 1)} rel="prev" className={link}>
              {t("pager.previous")}
            </a>
          </li>
        ) : null}
        <li aria-current="page">{t("pager.status", { page, pageCount })}</li>
        {page < pageCount ? (
          <li>
            <a href={hrefFor(page + 1)} rel="next" className={link}>
              {t("pager.next")}
            </a>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}
