/**
 * How lists are sorted and paged in their URLs (`?sort=`, `?page=`): shared by the services
 * that query and the components that draw the links.
 */
/** "top" is the representative ranking (docs/ranking.md); "votes" is plain most votes. */
export const QUESTION_SORTS = ["top", "votes", "new", "trending"] as const;
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

/** `?tag=` as a topic tag slug, or null for every topic. */
export function parseTag(value: string | null): string | null {
  return value && /^[a-z0-9]+(-[a-z0-9]+)*$/.test(value) && value.length <= 60 ? value : null;
}

/** The list's address for a sort, page and topic; the defaults (top, page 1, all) are left out. */
export function listHref(
  path: string,
  sort: QuestionSort,
  page: number,
  tag: string | null = null,
): string {
  const query = new URLSearchParams();
  if (tag) query.set("tag", tag);
  if (sort !== "top") query.set("sort", sort);
  if (page > 1) query.set("page", String(page));
  const search = query.toString();
  return search ? `${path}?${search}` : path;
}
