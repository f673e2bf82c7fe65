import type { AddressInfo } from "node:net";
import type { ServerBuild } from "@remix-run/node";
import express from "express";
import { describe, expect, it } from "vitest";
import { parseConfig } from "~/lib/config.server";
import { httpMetrics, registry, routeLabeller, scrapeAllowed } from "~/lib/metrics.server";

const valid = { DATABASE_URL: "postgres://postgres@127.0.0.1:5432/civicq" };

describe("METRICS_ALLOW and METRICS_TOKEN", () => {
  it("default to loopback and the private ranges, without a token", () => {
    const config = parseConfig(valid);
    expect(config.METRICS_ALLOW).toEqual([
      "127.0.0.0/8",
      "::1/128",
      "10.0.0.0/8",
      "172.16.0.0/12",
      "192.168.0.0/16",
    ]);
    expect(config.METRICS_TOKEN).toBeUndefined();
  });

  it("take a comma-separated list (empty: token only) and refuse what is not a CIDR range", () => {
    expect(
      parseConfig({ ...valid, METRICS_ALLOW: " 10.1.0.0/16 , fd00::/8" }).METRICS_ALLOW,
    ).toEqual(["10.1.0.0/16", "fd00::/8"]);
    expect(parseConfig({ ...valid, METRICS_ALLOW: "" }).METRICS_ALLOW).toEqual([]);
    expect(() => parseConfig({ ...valid, METRICS_ALLOW: "10.0.0.1" })).toThrow(
      /^METRICS_ALLOW\.0 must be a comma-separated list of CIDR ranges/,
    );
    expect(() => parseConfig({ ...valid, METRICS_TOKEN: "short" })).toThrow(
      /^METRICS_TOKEN must be at least 16 characters/,
    );
  });
});

describe("who may scrape", () => {
  const request = (remoteAddress: string, headers: Record<string, string> = {}) =>
    ({ socket: { remoteAddress }, headers }) as unknown as Parameters<
      ReturnType<typeof scrapeAllowed>
    >[0];
  const allowed = scrapeAllowed({ allow: parseConfig(valid).METRICS_ALLOW, token: undefined });

  it("lets direct connections from the allowed ranges in, IPv4-mapped addresses included", () => {
    for (const address of [
      "127.0.0.1",
      "::1",
      "::ffff:127.0.0.1",
      "10.2.3.4",
      "::ffff:172.20.0.5",
    ]) {
      expect(allowed(request(address)), address).toBe(true);
    }
    for (const address of ["203.0.113.9", "::ffff:8.8.8.8", "2001:db8::1", "172.32.0.1"]) {
      expect(allowed(request(address)), address).toBe(false);
    }
  });

  it("never lets a proxied request in on its address, whatever the header says", () => {
    for (const header of ["x-forwarded-for", "forwarded", "x-real-ip"]) {
      expect(allowed(request("10.0.0.5", { [header]: "127.0.0.1" })), header).toBe(false);
    }
  });

  it("lets the right bearer token in from anywhere, and only that token", () => {
    const withToken = scrapeAllowed({ allow: [], token: "a-long-enough-metrics-token" });
    const bearer = (token: string) => ({
      authorization: `Bearer ${token}`,
      "x-forwarded-for": "1.2.3.4",
    });
    expect(withToken(request("203.0.113.9", bearer("a-long-enough-metrics-token")))).toBe(true);
    expect(withToken(request("203.0.113.9", bearer("a-long-enough-metrics-tokeN")))).toBe(false);
    expect(withToken(request("127.0.0.1"))).toBe(false); // empty allow list: token only
  });
});

const route = (id: string, parentId: string | undefined, path?: string, index?: boolean) => ({
  [id]: { id, parentId, path, index, module: {} },
});
const routes = {
  ...route("root", undefined, ""),
  ...route("routes/_index", "root", undefined, true),
  ...route("routes/console.$jurisdiction", "root", "console/:jurisdiction"),
  ...route("routes/events.contests.$contest", "root", "events/contests/:contest"),
  ...route("routes/$", "root", "*"),
} as unknown as ServerBuild["routes"];

describe("route labels", () => {
  const label = routeLabeller(routes);

  it("are Remix route ids, never the URL, so the number of series stays fixed", () => {
    expect(label("/")).toBe("routes/_index");
    expect(label("/console/harbor-county")).toBe("routes/console.$jurisdiction");
    expect(label("/console/port-alder")).toBe("routes/console.$jurisdiction");
    expect(label("/no/such/page/12345")).toBe("routes/$");
  });

  it("count single-fetch data requests as their page", () => {
    expect(label("/_root.data")).toBe("routes/_index");
    expect(label("/console/harbor-county.data")).toBe("routes/console.$jurisdiction");
  });
});

describe("request metrics", () => {
  it("count every answer by route and status, and time all but event streams", async () => {
    const app = express();
    app.use(httpMetrics(routes));
    app.get("/events/*", (_req, res) => {
      res.type("text/event-stream").end("data: hello\n\n");
    });
    app.get("*", (req, res) => {
      res.status(req.path === "/" ? 200 : 500).end("page");
    });
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      for (const path of ["/", "/console/harbor-county", "/events/contests/123", "/"]) {
        await (await fetch(`${base}${path}`)).text();
      }
    } finally {
      server.close();
    }
    const text = await registry.metrics();
    expect(text).toContain(
      'civicq_http_requests_total{route="routes/_index",method="GET",status="200"} 2',
    );
    expect(text).toContain(
      'civicq_http_requests_total{route="routes/console.$jurisdiction",method="GET",status="500"} 1',
    );
    expect(text).toContain(
      'civicq_http_requests_total{route="routes/events.contests.$contest",method="GET",status="200"} 1',
    );
    expect(text).toContain(
      'civicq_http_request_duration_seconds_count{route="routes/_index",method="GET"} 2',
    );
    expect(text).not.toMatch(/duration_seconds_count\{route="routes\/events/);
  });
});
