import fs from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import type { App } from "../../support/app-server";
import type { Dataset } from "../dataset";
import { wrk, type LoadResult } from "../load";
import { measurement, round, type Measurement } from "../report";
import type { Scale } from "../scale";
import { queriesPerRender, rawGet, startBaseline, type Baseline } from "../servers";

type Page = { name: string; path: string };

export function pagesOf(data: Dataset): Page[] {
  const contest = `/elections/${data.jurisdiction}/${data.election}/${data.contest.slug}`;
  return [
    { name: "home", path: "/" },
    { name: "contest", path: contest },
    { name: "question", path: `/questions/${data.question.id}` },
    { name: "candidate", path: `${contest}/candidates/${data.candidate.slug}` },
  ];
}

const latency = (result: LoadResult) => ({
  p50Ms: round(result.p50Ms, 2),
  p95Ms: round(result.p95Ms, 2),
  p99Ms: round(result.p99Ms, 2),
  requests: result.requests,
  failures: result.failures,
});

/**
 * Section 1. Each page rendered by the app (anonymous, and for a signed-in voter), served from
 * the anonymous-page cache, and by the three baselines, at each connection count; plus its
 * compressed size and the database queries one render makes.
 */
export async function benchPages(input: {
  scale: Scale;
  data: Dataset;
  rendered: App;
  cached: App;
  voterCookie: string;
  workDir: string;
  log: (line: string) => void;
}): Promise<{ measurements: Measurement[]; checks: Record<string, boolean> }> {
  const { scale, data, rendered, cached, voterCookie, log } = input;
  const pages = pagesOf(data);
  const measurements: Measurement[] = [];

  // the bytes the baselines serve: each page exactly as the app sends it to an anonymous visitor
  const captured: Record<string, string> = {};
  for (const page of pages) {
    const { status, body } = await rawGet(`${rendered.url}${page.path}`);
    if (status !== 200) throw new Error(`GET ${page.path} answered ${status}`);
    captured[page.path] = body.toString();
  }
  const pagesFile = path.join(input.workDir, "pages.json");
  fs.writeFileSync(pagesFile, JSON.stringify(captured));

  for (const page of pages) {
    const html = Buffer.from(captured[page.path]!);
    const { body: compressed, headers } = await rawGet(`${rendered.url}${page.path}`, {
      "Accept-Encoding": "gzip",
    });
    measurements.push(
      measurement({
        section: "pages",
        name: `${page.name}: bytes sent compressed (${headers["content-encoding"] ?? "identity"})`,
        unit: "bytes",
        value: compressed.length,
        baseline: { name: "uncompressed page", value: html.length },
        details: { gzipLevel9Bytes: gzipSync(html, { level: 9 }).length },
      }),
    );
    const anonymous = await queriesPerRender(rendered.url, page.path);
    const signedIn = await queriesPerRender(rendered.url, page.path, voterCookie);
    measurements.push(
      measurement({
        section: "pages",
        name: `${page.name}: DB queries per render, signed-in voter`,
        unit: "queries",
        value: signedIn,
        baseline: { name: "anonymous visitor", value: anonymous },
      }),
    );
  }
  // the contest page lists a full page of questions; contest-0 only two: the counts must match
  const contestPath = pages.find((page) => page.name === "contest")!.path;
  const sparsePath = contestPath.replace(data.contest.slug, data.sparseContest.slug);
  const full = await queriesPerRender(rendered.url, contestPath, voterCookie);
  const sparse = await queriesPerRender(rendered.url, sparsePath, voterCookie);
  measurements.push(
    measurement({
      section: "pages",
      name: "contest: DB queries per render with a full page of questions (voter)",
      unit: "queries",
      value: full,
      baseline: { name: "same page showing 2 questions", value: sparse },
      target: { text: "no more queries (ratio 1)", test: ({ value }) => value <= sparse },
    }),
  );

  const baselines: Baseline[] = [];
  try {
    for (const kind of ["node", "express", "react"] as const)
      baselines.push(await startBaseline(kind, pagesFile));
    const [node, express, react] = baselines as [Baseline, Baseline, Baseline];
    for (const connections of scale.connections) {
      for (const page of pages) {
        const run = (url: string, cookie?: string) =>
          wrk(`${url}${page.path}`, { connections, seconds: scale.loadSeconds, cookie });
        const ceiling = await run(node.url);
        const bareExpress = await run(express.url);
        const reactRender = await run(react.url);
        const anonymous = await run(rendered.url);
        const fromCache = await run(cached.url);
        const voter = await run(rendered.url, voterCookie);
        log(
          `  ${page.name} c=${connections}: app ${Math.round(anonymous.requestsPerSecond)}/s, cached ${Math.round(fromCache.requestsPerSecond)}/s, voter ${Math.round(voter.requestsPerSecond)}/s; node ${Math.round(ceiling.requestsPerSecond)}/s, express ${Math.round(bareExpress.requestsPerSecond)}/s, react ${Math.round(reactRender.requestsPerSecond)}/s`,
        );
        const isContest100 = page.name === "contest" && connections === 100;
        const row = (
          name: string,
          result: LoadResult,
          baselineName: string,
          baseline: LoadResult,
          target?: number,
        ) =>
          measurement({
            section: "pages",
            name: `${page.name}, c=${connections}: ${name} throughput`,
            unit: "req/s",
            value: result.requestsPerSecond,
            baseline: { name: baselineName, value: baseline.requestsPerSecond },
            details: { ...latency(result), baseline: latency(baseline) },
            ...(target !== undefined && page.name === "contest"
              ? {
                  target: {
                    text: `≥ ${target}× ${baselineName}`,
                    test: ({ ratio }) => ratio >= target,
                  },
                }
              : {}),
          });
        const p95 = (
          name: string,
          result: LoadResult,
          baselineName: string,
          baseline: LoadResult,
        ) =>
          measurement({
            section: "pages",
            name: `${page.name}, c=${connections}: ${name} p95 latency (p50 ${round(result.p50Ms, 1)}, p99 ${round(result.p99Ms, 1)})`,
            unit: "ms",
            value: result.p95Ms,
            baseline: { name: `${baselineName} p95`, value: baseline.p95Ms },
            ...(isContest100 && name === "anonymous, rendered"
              ? { target: { text: "p95 < 50 ms", test: ({ value }) => value < 50 } }
              : {}),
          });
        measurements.push(
          row(
            "anonymous, rendered",
            anonymous,
            "minimal React render",
            reactRender,
            connections === 100 ? 0.5 : undefined,
          ),
          p95("anonymous, rendered", anonymous, "minimal React render", reactRender),
          row("anonymous, from the page cache", fromCache, "bare Express", bareExpress, 0.5),
          p95("anonymous, from the page cache", fromCache, "bare Express", bareExpress),
          row("signed-in voter, rendered", voter, "minimal React render", reactRender),
          p95("signed-in voter, rendered", voter, "minimal React render", reactRender),
          row("baseline: minimal React render", reactRender, "bare Node http (ceiling)", ceiling),
          row("baseline: bare Express", bareExpress, "bare Node http (ceiling)", ceiling),
        );
      }
    }
  } finally {
    await Promise.all(baselines.map((baseline) => baseline.stop()));
  }
  return {
    measurements,
    checks: { "contest page queries do not grow with questions shown": full <= sparse },
  };
}
