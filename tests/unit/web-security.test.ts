import { describe, expect, it } from "vitest";
import {
  isCrossSiteWrite,
  SELF_AUTHENTICATING_WRITES,
  securityHeaders,
} from "~/lib/web-security.server";

const ours = ["https://civicq.example.org"];

describe("cross-site write check (CSRF)", () => {
  it("lets reads through from anywhere", () => {
    expect(isCrossSiteWrite("GET", { origin: "https://evil.example" }, ours)).toBe(false);
  });

  it("accepts a post from our own origin, by Origin, Referer or Sec-Fetch-Site", () => {
    expect(isCrossSiteWrite("POST", { origin: "https://civicq.example.org" }, ours)).toBe(false);
    expect(isCrossSiteWrite("POST", { referer: "https://civicq.example.org/sign-in" }, ours)).toBe(
      false,
    );
    expect(isCrossSiteWrite("POST", { secFetchSite: "same-origin" }, ours)).toBe(false);
  });

  it("refuses a post from another site, a look-alike, or one that shows no origin at all", () => {
    expect(isCrossSiteWrite("POST", { origin: "https://evil.example" }, ours)).toBe(true);
    expect(
      isCrossSiteWrite("POST", { origin: "https://civicq.example.org.evil.example" }, ours),
    ).toBe(true);
    expect(
      isCrossSiteWrite("POST", { referer: "https://evil.example/civicq.example.org" }, ours),
    ).toBe(true);
    expect(isCrossSiteWrite("POST", { secFetchSite: "cross-site" }, ours)).toBe(true);
    expect(isCrossSiteWrite("DELETE", {}, ours)).toBe(true);
    expect(isCrossSiteWrite("POST", { origin: "null" }, ours)).toBe(true);
  });
});

describe("security headers", () => {
  it("allow scripts only with this response's nonce and forbid framing", () => {
    const headers = securityHeaders("abc123", "https://civicq.example.org");
    expect(headers["Content-Security-Policy"]).toContain("script-src 'self' 'nonce-abc123'");
    expect(headers["Content-Security-Policy"]).not.toContain("unsafe-inline");
    expect(headers["Content-Security-Policy"]).toContain("frame-ancestors 'none'");
    expect(headers["Strict-Transport-Security"]).toMatch(/max-age=\d+/);
  });

  it("let other sites frame the embed cards only, and read the open-data API", () => {
    const at = (path: string) => securityHeaders("n", "https://civicq.example.org", path);
    expect(at("/embed/harbor/general/mayor")["Content-Security-Policy"]).toContain(
      "frame-ancestors *",
    );
    expect(at("/embed/questions/x")["X-Frame-Options"]).toBeUndefined();
    for (const path of ["/", "/embedded", "/elections/harbor/general/mayor", "/api/v1/elections"]) {
      expect(at(path)["X-Frame-Options"], path).toBe("DENY");
      expect(at(path)["Content-Security-Policy"], path).toContain("frame-ancestors 'none'");
    }
    expect(at("/api/v1/elections")["Access-Control-Allow-Origin"]).toBe("*");
    expect(at("/elections")["Access-Control-Allow-Origin"]).toBeUndefined();
  });

  it("send HSTS only over https, where browsers honour it", () => {
    expect(
      securityHeaders("n", "http://localhost:3000")["Strict-Transport-Security"],
    ).toBeUndefined();
  });
});

describe("writes that carry their own credential", () => {
  const exempt = (path: string) => SELF_AUTHENTICATING_WRITES.some((pattern) => pattern.test(path));
  it("are only the one-click unsubscribe links mail providers post to", () => {
    expect(exempt(`/unsubscribe/${"a".repeat(43)}`)).toBe(true);
    expect(exempt("/unsubscribe/short")).toBe(false);
    expect(exempt(`/unsubscribe/${"a".repeat(43)}/../../sign-in`)).toBe(false);
    expect(exempt("/sign-in")).toBe(false);
  });
});
