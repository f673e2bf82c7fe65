import { randomBytes } from "node:crypto";
import { secureCookies } from "./session.server";

/**
 * A random seed per visitor (browser), in a cookie, so where an election rotates the order
 * candidates are listed in, each visitor keeps the same order on every visit and page — with
 * JavaScript off too. It says nothing about who the visitor is and is stored nowhere else.
 */
const ORDER_COOKIE = "civicq_order";
const SEED = /^[A-Za-z0-9_-]{16,64}$/;
const YEAR_SECONDS = 365 * 24 * 3600;

export type VisitorOrderSeed = {
  seed: string;
  /** the Set-Cookie value when the visitor had no seed yet */
  setCookie: string | null;
};

export function visitorOrderSeed(request: Request): VisitorOrderSeed {
  const header = request.headers.get("Cookie") ?? "";
  const match = header.match(new RegExp(`(?:^|;)\\s*${ORDER_COOKIE}=([^;]*)`));
  const existing = match?.[1];
  if (existing && SEED.test(existing)) return { seed: existing, setCookie: null };
  const seed = randomBytes(16).toString("base64url");
  const parts = [
    `${ORDER_COOKIE}=${seed}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${YEAR_SECONDS}`,
  ];
  if (secureCookies()) parts.push("Secure");
  return { seed, setCookie: parts.join("; ") };
}
