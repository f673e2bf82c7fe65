import { createHash } from "node:crypto";
import type { RequestHandler } from "express";
import pg from "pg";
import { config } from "./config.server";
import { localeFromRequest, LOCALE_COOKIE } from "./locale.server";
import { log } from "./log.server";
import { redis } from "./redis.server";

/**
 * The anonymous-page cache (docs/performance.md, docs/decisions/010-anonymous-page-cache.md).
 * A public page rendered for a visitor without a session is kept in Redis, per language and URL,
 * and served to the next anonymous visitor without running Remix. Invalidation is exact for
 * what moves: a page's loader reads the generation numbers of what it shows (pageCacheTags) BEFORE it
 * reads the database, and the page is stored with them; a vote (castVote) or a change to a
 * question, answer or video answer (database triggers → NOTIFY civicq_page_changes → this
 * process) bumps the contest's generation after commit, so a page that could have missed the
 * change is never served again. Everything else (a clerk's edit) is bounded by
 * PAGE_CACHE_SECONDS, as the public Cache-Control already allows shared caches to.
 *
 * Keys carry a namespace made from the database's address and name, so apps on different
 * databases sharing one Redis never see each other's pages or generations, and entries carry
 * the build's version, so a deploy never serves pages pointing at old assets.
 */

/** The response header a loader sets (through publicPageHeaders) and this middleware removes. */
export const PAGE_CACHE_TAGS_HEADER = "X-Page-Cache-Tags";
export const PAGE_CHANGES_CHANNEL = "civicq_page_changes";
/** Stands for the CSP nonce in a stored page; each hit gets its own fresh nonce. */
const NONCE_PLACEHOLDER = "\u0000civicq-nonce\u0000";
const MAX_PAGE_BYTES = 1024 * 1024;

function namespace(): string {
  const url = new URL(config().DATABASE_URL);
  const database = `${url.hostname}:${url.port || 5432}${url.pathname}`;
  return `civicq:page:${createHash("sha256").update(database).digest("hex").slice(0, 16)}`;
}

const generationKey = (tag: string) => `${namespace()}:gen:${tag}`;

export function pageCacheEnabled(): boolean {
  return config().PAGE_CACHE_SECONDS > 0 && redis() !== null;
}

/** What a cached page can depend on; each has a generation number, bumped when it changes. */
export type PageTag = `${"election" | "contest" | "question"}:${string}`;
/** Marks a page rendered while Redis could not say the generations: it is never stored. */
const UNKNOWN = "?";

/**
 * The header value that ties a page to the current generation of each thing it shows
 * ("contest:<id>=<n>, …"), or null when the cache is off. Call it before the loader reads
 * what those things' votes, questions and answers decide.
 */
export async function pageCacheTags(tags: PageTag[]): Promise<string | null> {
  const client = redis();
  if (!client || config().PAGE_CACHE_SECONDS === 0 || tags.length === 0) return null;
  try {
    const generations = await client.mget(tags.map(generationKey));
    return tags.map((tag, i) => `${tag}=${generations[i] ?? "0"}`).join(", ");
  } catch {
    return UNKNOWN;
  }
}

/** After a change to what pages show of these has committed: pages stamped before are stale. */
export async function invalidatePages(tags: PageTag[]): Promise<void> {
  const client = redis();
  if (!client || config().PAGE_CACHE_SECONDS === 0) return;
  try {
    const batch = client.multi();
    for (const tag of tags) batch.incr(generationKey(tag));
    await batch.exec();
  } catch (error) {
    log.warn({ err: (error as Error).message, tags }, "could not invalidate cached pages");
  }
}

type Stored = { headers: Record<string, string>; body: string; tags: string | null };

/** Only a visitor with no cookie but the language's can be sure to get the shared page. */
function anonymousCookies(cookieHeader: string | undefined): boolean {
  if (!cookieHeader) return true;
  return cookieHeader
    .split(";")
    .every((part) => !part.trim() || part.trim().startsWith(`${LOCALE_COOKIE}=`));
}

/** Headers a stored page keeps; the rest (CSP with its nonce, request id) are the hit's own. */
const KEPT_HEADERS = ["content-type", "cache-control", "vary", "link", "content-language"];

/** Serves anonymous GETs of public pages from Redis, and stores the ones Remix renders. */
export function anonymousPageCache(buildVersion: string): RequestHandler {
  const seconds = config().PAGE_CACHE_SECONDS;
  return (req, res, next) => {
    const client = redis();
    if (
      !client ||
      seconds === 0 ||
      client.status !== "ready" ||
      req.method !== "GET" ||
      req.path.endsWith(".data") ||
      !anonymousCookies(req.get("cookie"))
    )
      return next();
    const locale = localeFromRequest({
      headers: new Headers({
        cookie: req.get("cookie") ?? "",
        "accept-language": req.get("accept-language") ?? "",
      }),
    } as Request);
    const key = `${namespace()}:${buildVersion}:${locale}:${req.originalUrl}`;
    const nonce = res.locals.cspNonce as string;

    void (async () => {
      const cached = await client.get(key);
      if (cached) {
        const stored = JSON.parse(cached) as Stored;
        if (await current(stored.tags)) {
          res.set(stored.headers).set("X-Page-Cache", "hit");
          res.status(200).send(stored.body.split(NONCE_PLACEHOLDER).join(nonce));
          return;
        }
      }
      capture(res, (body, tags) => {
        const cacheControl = String(res.getHeader("cache-control") ?? "");
        if (!body || res.statusCode !== 200 || !cacheControl.startsWith("public")) return;
        if (typeof tags === "string" && tags.includes(UNKNOWN)) return;
        if (res.getHeader("set-cookie")) return;
        const headers = Object.fromEntries(
          KEPT_HEADERS.flatMap((name) => {
            const value = res.getHeader(name);
            return value === undefined ? [] : [[name, String(value)]];
          }),
        );
        const stored: Stored = {
          headers,
          body: body.split(nonce).join(NONCE_PLACEHOLDER),
          tags: typeof tags === "string" ? tags : null,
        };
        client.set(key, JSON.stringify(stored), "EX", seconds).catch(() => undefined);
      });
      res.set("X-Page-Cache", "miss");
      next();
    })().catch((error: unknown) => {
      log.warn({ err: (error as Error).message }, "page cache unavailable; rendering");
      if (!res.headersSent) next();
    });
  };
}

/** True when every contest the page was rendered for is still at the generation it read. */
async function current(tags: string | null): Promise<boolean> {
  if (!tags) return true;
  const pairs = tags.split(", ").map((pair) => pair.split("=") as [string, string]);
  const now = await redis()!.mget(pairs.map(([tag]) => generationKey(tag)));
  return pairs.every(([, generation], i) => (now[i] ?? "0") === generation);
}

/**
 * Collects what the response writes (up to MAX_PAGE_BYTES) and hands it over at the end with the
 * loader's tags, which are taken off the response before its headers go out.
 */
function capture(
  res: Parameters<RequestHandler>[1],
  done: (body: string | null, tags: string | number | string[] | undefined) => void,
) {
  const chunks: Buffer[] = [];
  let size = 0;
  let first = true;
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => typeof res;
  let tags: string | number | string[] | undefined;
  const before = () => {
    if (!first) return;
    first = false;
    tags = res.getHeader(PAGE_CACHE_TAGS_HEADER);
    res.removeHeader(PAGE_CACHE_TAGS_HEADER);
  };
  const keep = (chunk: unknown) => {
    if (chunk === undefined || chunk === null || typeof chunk === "function") return;
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buffer.length;
    if (size <= MAX_PAGE_BYTES) chunks.push(buffer);
  };
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    before();
    keep(chunk);
    return write(chunk, ...rest);
  }) as typeof res.write;
  res.end = ((chunk?: unknown, ...rest: unknown[]) => {
    before();
    keep(chunk);
    const result = end(chunk, ...rest);
    done(size <= MAX_PAGE_BYTES ? Buffer.concat(chunks).toString() : null, tags);
    return result;
  }) as typeof res.end;
}

/**
 * Listens for the database's change notifications (questions, answers and video answers; see
 * the page_changes migration: "<election id> <contest id> <question id>") and bumps their
 * generations. One connection per web
 * process, reconnecting after a pause if it drops; none when the cache is off.
 */
export function listenForPageChanges(): { stop: () => Promise<void> } {
  let client: pg.Client | null = null;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  const connect = async () => {
    const connection = new pg.Client({ connectionString: config().DATABASE_URL });
    client = connection;
    connection.on("notification", (message) => {
      const [election, contest, question] = (message.payload ?? "").split(" ");
      if (election && contest && question)
        void invalidatePages([
          `election:${election}`,
          `contest:${contest}`,
          `question:${question}`,
        ]);
    });
    connection.on("error", (error) => {
      log.warn({ err: error.message }, "page change listener lost its connection");
      void connection.end().catch(() => undefined);
      if (!stopped) retry = setTimeout(() => void connect().catch(reconnectLater), 1_000);
    });
    await connection.connect();
    await connection.query(`listen ${PAGE_CHANGES_CHANNEL}`);
  };
  const reconnectLater = (error: Error) => {
    log.warn({ err: error.message }, "page change listener could not connect; retrying");
    if (!stopped) retry = setTimeout(() => void connect().catch(reconnectLater), 5_000);
  };
  if (pageCacheEnabled()) void connect().catch(reconnectLater);
  return {
    async stop() {
      stopped = true;
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}
