import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const REPORT_SCRIPT = fileURLToPath(new URL("./wrk-report.lua", import.meta.url));

export type LoadResult = {
  requestsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  requests: number;
  /** socket errors and timeouts, plus answers with a status of 400 or more */
  failures: number;
};

/** Debian's wrk against one URL: 2 threads, `connections` keep-alive connections, `seconds` long. */
export async function wrk(
  url: string,
  options: { connections: number; seconds: number; cookie?: string },
): Promise<LoadResult> {
  const args = [
    "-t2",
    `-c${options.connections}`,
    `-d${options.seconds}s`,
    "--timeout",
    "10s",
    "-s",
    REPORT_SCRIPT,
    ...(options.cookie ? ["-H", `Cookie: ${options.cookie}`] : []),
    url,
  ];
  const { stdout } = await run("wrk", args, { maxBuffer: 1024 * 1024 });
  const line = stdout.split("\n").find((text) => text.startsWith("{"));
  if (!line) throw new Error(`wrk printed no summary:\n${stdout}`);
  const summary = JSON.parse(line) as {
    requests: number;
    durationUs: number;
    errors: number;
    non2xx3xx: number;
    p50: number;
    p95: number;
    p99: number;
  };
  return {
    requestsPerSecond: summary.requests / (summary.durationUs / 1e6),
    p50Ms: summary.p50 / 1000,
    p95Ms: summary.p95 / 1000,
    p99Ms: summary.p99 / 1000,
    requests: summary.requests,
    failures: summary.errors + summary.non2xx3xx,
  };
}

/** The percentile `p` (0–100) of `values`, nearest rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
