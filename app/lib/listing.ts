/**
 * How lists are sorted and paged in their URLs (`?sort=`, `?page=`): shared by the services
 * that query and the components that draw the links.
 */
export const QUESTION_SORTS = ["top", "new", "trending"] as const;
export type QuestionSort = (typeof QUESTION_SORTS)[number];

/** `?sort=` as a sort: anything unknown is the default, "top". */
export function parseSort(value: string | null): QuestionSort {
  return (QUESTION_SORTS as readonly string[]).includes(value ?? "")
    ? (value as QuestionSort)
    : "top";
}

/** `?page=` as a page number: anything but a positive integer is the first page. */
export function parsePage(value: string | null): number {
  const page = Number(value);
  return Number.isSafeInteger(page) && page >= 1 ? page : 1;
}

/** The list's address for a sort and page; the defaults (top, page 1) are left out. */
export function listHref(path: string, sort: QuestionSort, page: number): string {
  const query = new URLSearchParams();
  if (sort !== "top") query.set("sort", sort);
  if (page > 1) query.set("page", String(page));
  const search = query.toString();
  return search ? `${path}?${search}` : path;
}
