import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import type { Readable } from "node:stream";
import { FeedError } from "./records.server";

/**
 * Fetches a feed from the address a clerk gave: http(s) only, conditional (ETag and
 * Last-Modified of the last import, so an unchanged feed costs a 304), with a timeout while
 * waiting and a size limit while reading. Addresses inside our own networks are refused — the
 * check runs on the address actually connected to, so a name that resolves differently later
 * (DNS rebinding) cannot slip through — unless `allowPrivate` (config FEED_FETCH_ALLOW_PRIVATE).
 */
export type FetchOptions = {
  etag?: string | null;
  lastModified?: string | null;
  maxBytes: number;
  /** for the response to start, and for each pause while the body streams */
  timeoutMs: number;
  allowPrivate: boolean;
};

export type Fetched =
  | { notModified: true }
  | {
      notModified: false;
      body: AsyncIterable<Buffer>;
      etag: string | null;
      lastModified: string | null;
    };

const MAX_REDIRECTS = 5;

const PRIVATE = new net.BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.168.0.0", 16],
  ["224.0.0.0", 3],
] as const)
  PRIVATE.addSubnet(network, prefix, "ipv4");
for (const [network, prefix] of [
  ["::", 127],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const)
  PRIVATE.addSubnet(network, prefix, "ipv6");

function isPrivate(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return PRIVATE.check(mapped, "ipv4");
  return PRIVATE.check(address, net.isIPv6(address) ? "ipv6" : "ipv4");
}

/** dns.lookup, refusing private answers: what the socket connects to is what was checked. */
const guardedLookup: net.LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, "", 4);
    const allowed = addresses.filter((entry) => !isPrivate(entry.address));
    if (allowed.length === 0)
      return callback(new FeedError("privateAddress", { host: hostname }) as never, "", 4);
    if (options.all)
      return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, allowed);
    callback(null, allowed[0]!.address, allowed[0]!.family);
  });
};

export async function fetchFeed(address: string, options: FetchOptions): Promise<Fetched> {
  let url = parseFeedUrl(address);
  for (let redirects = 0; ; redirects++) {
    const response = await request(url, options);
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (status >= 300 && status < 400 && status !== 304 && location) {
      response.resume();
      if (redirects >= MAX_REDIRECTS) throw new FeedError("tooManyRedirects");
      url = parseFeedUrl(new URL(location, url).toString());
      continue;
    }
    if (status === 304) {
      response.resume();
      return { notModified: true };
    }
    if (status !== 200) {
      response.resume();
      throw new FeedError("fetchStatus", { status });
    }
    const length = Number(response.headers["content-length"] ?? 0);
    if (length > options.maxBytes) {
      response.destroy();
      throw new FeedError("tooLarge", { limit: options.maxBytes });
    }
    return {
      notModified: false,
      body: limited(response, options),
      etag: header(response.headers.etag),
      lastModified: header(response.headers["last-modified"]),
    };
  }
}

function parseFeedUrl(address: string): URL {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new FeedError("badUrl", { url: address.slice(0, 200) });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new FeedError("badUrl", { url: address.slice(0, 200) });
  return url;
}

function header(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

function request(url: URL, options: FetchOptions): Promise<http.IncomingMessage> {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (!options.allowPrivate && net.isIP(host) && isPrivate(host))
    return Promise.reject(new FeedError("privateAddress", { host }));
  const headers: Record<string, string> = { "User-Agent": "CivicQ ballot import", Accept: "*/*" };
  if (options.etag) headers["If-None-Match"] = options.etag;
  if (options.lastModified) headers["If-Modified-Since"] = options.lastModified;
  const get = url.protocol === "https:" ? https.get : http.get;
  return new Promise((resolve, reject) => {
    const outgoing = get(
      url,
      {
        headers,
        lookup: options.allowPrivate ? undefined : guardedLookup,
        timeout: options.timeoutMs,
      },
      resolve,
    );
    outgoing.on("timeout", () =>
      outgoing.destroy(new FeedError("timeout", { seconds: options.timeoutMs / 1000 })),
    );
    outgoing.on("error", (error) =>
      reject(
        error instanceof FeedError
          ? error
          : new FeedError("fetchFailed", { message: error.message }),
      ),
    );
  });
}

/** The body, cut off (and the import failed) at the size limit or a stall. */
async function* limited(body: Readable, options: FetchOptions): AsyncGenerator<Buffer> {
  let bytes = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > options.maxBytes) throw new FeedError("tooLarge", { limit: options.maxBytes });
      yield chunk;
    }
  } catch (error) {
    if (error instanceof FeedError) throw error;
    throw new FeedError("fetchFailed", { message: (error as Error).message });
  } finally {
    body.destroy();
  }
}
