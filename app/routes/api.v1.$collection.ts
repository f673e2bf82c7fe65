import type { LoaderFunctionArgs } from "@remix-run/node";
import { cachedJson } from "~/lib/cache.server";
import { db } from "~/lib/db.server";
import { isUuid } from "~/services/console-common.server";
import {
  collectionPage,
  DEFAULT_PAGE_SIZE,
  findCollection,
  MAX_PAGE_SIZE,
} from "~/services/open-data.server";

/**
 * The open-data API: `/api/v1/<collection>` (app/services/open-data.server.ts), read-only,
 * paginated, cached a minute by anyone (the same minute-old counts the public pages show).
 */
const CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=60";

const problem = (status: number, error: string) =>
  Response.json({ error }, { status, headers: { "Cache-Control": "no-store" } });

function positive(value: string | null, fallback: number): number | null {
  if (value === null) return fallback;
  return /^[1-9]\d{0,6}$/.test(value) ? Number(value) : null;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const collection = findCollection(params.collection ?? "");
  if (!collection) return problem(404, "no such collection; see /api/v1/openapi.json");
  const url = new URL(request.url);
  const page = positive(url.searchParams.get("page"), 1);
  const perPage = positive(url.searchParams.get("per_page"), DEFAULT_PAGE_SIZE);
  if (page === null) return problem(400, "page must be a whole number from 1");
  if (perPage === null || perPage > MAX_PAGE_SIZE)
    return problem(400, `per_page must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
  const filters: Record<string, string> = {};
  for (const name of Object.keys(collection.filters)) {
    const value = url.searchParams.get(name);
    if (value === null) continue;
    if (!isUuid(value)) return problem(400, `${name} must be an id (a UUID)`);
    filters[name] = value.toLowerCase();
  }
  const body = await collectionPage(db(), collection, { filters, page, perPage, url });
  return cachedJson(request, body, CACHE_CONTROL);
}
