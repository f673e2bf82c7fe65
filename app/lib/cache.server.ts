import { createHash } from "node:crypto";
import type { HeadersFunction } from "@remix-run/node";
import { PAGE_CACHE_TAGS_HEADER, pageCacheTags, type PageTag } from "./page-cache.server";
import { SESSION_COOKIE } from "./session.server";

const SESSION_COOKIE_PRESENT = new RegExp(`(?:^|;)\\s*${SESSION_COOKIE}=`);

/**
 * Cache-Control for a public page. Anonymous visitors all get the same page (per language, which
 * entry.server adds to Vary along with Cookie), so Nginx or a CDN may keep it for 30 seconds and
 * serve it stale for a minute more while fetching a fresh one; the vote counts a visitor sees
 * are at most that far behind. With a session cookie the page carries the visitor's own votes
 * and follows, so no shared cache may keep it.
 */
export function publicPageCacheControl(request: Request): string {
  return SESSION_COOKIE_PRESENT.test(request.headers.get("Cookie") ?? "")
    ? "private, no-store"
    : "public, max-age=30, stale-while-revalidate=60";
}

/**
 * For an anonymous visitor (with the page cache on), the current generations of what a public
 * page shows — read before the loader reads it (app/lib/page-cache.server.ts); else null.
 */
export async function pageCacheStamp(request: Request, tags: PageTag[]): Promise<string | null> {
  return publicPageCacheControl(request).startsWith("public") ? pageCacheTags(tags) : null;
}

/** A public page loader's headers: its Cache-Control, and the stamps it took, if any. */
export function publicPageLoaderHeaders(
  request: Request,
  ...stamps: Array<string | null>
): Record<string, string> {
  const tags = stamps.filter((stamp) => stamp !== null).join(", ");
  return {
    "Cache-Control": publicPageCacheControl(request),
    ...(tags ? { [PAGE_CACHE_TAGS_HEADER]: tags } : {}),
  };
}

/** A public page route's `headers`: what its loader chose (no-store if nothing). */
export const publicPageHeaders: HeadersFunction = ({ loaderHeaders }) => {
  const tags = loaderHeaders.get(PAGE_CACHE_TAGS_HEADER);
  return {
    "Cache-Control": loaderHeaders.get("Cache-Control") ?? "private, no-store",
    ...(tags ? { [PAGE_CACHE_TAGS_HEADER]: tags } : {}),
  };
};

/**
 * A JSON document that caches and revalidates: a weak ETag of its bytes, 304 when the client's
 * If-None-Match names it, and the given Cache-Control either way.
 */
export function cachedJson(request: Request, body: unknown, cacheControl: string): Response {
  const text = JSON.stringify(body);
  const etag = `W/"${createHash("sha256").update(text).digest("base64url").slice(0, 27)}"`;
  const headers = {
    ETag: etag,
    "Cache-Control": cacheControl,
    "Content-Type": "application/json; charset=utf-8",
  };
  const sent = request.headers.get("If-None-Match") ?? "";
  const matches =
    sent.trim() === "*" ||
    sent.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag.slice(2));
  return matches ? new Response(null, { status: 304, headers }) : new Response(text, { headers });
}
