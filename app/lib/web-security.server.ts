/**
 * Browser-facing protections applied to every response and every write, in one place
 * (server.ts wires them in front of Remix). See docs/decisions/004-csrf-and-headers.md.
 */

/**
 * The only pages other sites may frame: the embeddable cards (docs/decisions/021). Every other
 * response keeps `frame-ancestors 'none'` and `X-Frame-Options: DENY`.
 */
export const EMBED_PATH = /^\/embed\//;
/** The open-data API (docs/decisions/022): any site's script may read it. */
export const OPEN_API_PATH = /^\/api\/v1\//;

/** CORS for the open-data API: reads from anywhere, no credentials, the ETag readable. */
export const OPEN_API_CORS: Record<string, string> = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
  "Access-Control-Allow-Headers": "If-None-Match",
  "Access-Control-Expose-Headers": "ETag",
  "Access-Control-Max-Age": "86400",
};

/**
 * Content-Security-Policy with a per-response nonce: no inline script without it, ever. `path`
 * chooses the exceptions: embeds may be framed by any site, the API may be read by any site.
 */
export function securityHeaders(nonce: string, appUrl: string, path = "/"): Record<string, string> {
  const https = appUrl.startsWith("https:");
  const embed = EMBED_PATH.test(path);
  const openApi = OPEN_API_PATH.test(path);
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    embed ? "frame-ancestors *" : "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
  return {
    "Content-Security-Policy": csp,
    "X-Content-Type-Options": "nosniff",
    ...(embed ? {} : { "X-Frame-Options": "DENY" }),
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy":
      "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": embed || openApi ? "cross-origin" : "same-origin",
    ...(openApi ? OPEN_API_CORS : {}),
    ...(https ? { "Strict-Transport-Security": "max-age=63072000; includeSubDomains" } : {}),
  };
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * CSRF defence by a strict origin check: a state-changing request must show it comes from one
 * of our own origins through `Origin` (every current browser sends it on POST), else `Referer`,
 * else `Sec-Fetch-Site: same-origin`. A request showing none of them is refused too.
 */
export function isCrossSiteWrite(
  method: string,
  headers: { origin?: string; referer?: string; secFetchSite?: string },
  trustedOrigins: string[],
): boolean {
  if (SAFE_METHODS.has(method.toUpperCase())) return false;
  const originOf = (value: string) => (URL.canParse(value) ? new URL(value).origin : "invalid");
  if (headers.origin && headers.origin !== "null")
    return !trustedOrigins.includes(originOf(headers.origin));
  if (headers.referer) return !trustedOrigins.includes(originOf(headers.referer));
  if (headers.secFetchSite) return headers.secFetchSite !== "same-origin";
  return true;
}

/**
 * Writes whose URL carries their own credential, which mail providers post from no page at all:
 * RFC 8058 one-click unsubscribe (`List-Unsubscribe-Post`). The origin check does not apply.
 */
export const SELF_AUTHENTICATING_WRITES = [/^\/unsubscribe\/[A-Za-z0-9_-]{20,}$/];

/** Largest body a plain form may send; uploads (multipart, on their own routes) have their own limits. */
export const FORM_BODY_LIMIT_BYTES = 64 * 1024;
