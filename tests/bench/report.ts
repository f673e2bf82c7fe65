import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * One figure of the run, next to the baseline measured in the same run on the same machine.
 * `ratio` is value ÷ baseline, oriented so that higher is better when `higherIsBetter`
 * (throughput) and lower is better otherwise (latency, memory, time) — read it with its unit.
 */
export type Measurement = {
  section: string;
  name: string;
  unit: string;
  value: number;
  baseline: { name: string; value: number };
  ratio: number;
  /** the issue's target for this figure, if it has one, and whether this run met it */
  target?: { text: string; met: boolean };
  details?: Record<string, unknown>;
};

export type Results = {
  scale: string;
  startedAt: string;
  finishedAt: string;
  machine: { cpus: number; node: string; loadAverage: number[] };
  dataset: Record<string, number>;
  measurements: Measurement[];
  checks: Record<string, boolean>;
  /** sections skipped (tool missing, or not asked for) with the reason */
  skipped: Record<string, string>;
};

export function measurement(
  m: Omit<Measurement, "ratio" | "target"> & {
    target?: { text: string; test: (m: { value: number; ratio: number }) => boolean };
  },
): Measurement {
  const ratio = m.baseline.value === 0 ? 0 : round(m.value / m.baseline.value, 3);
  const { target, ...rest } = m;
  return {
    ...rest,
    value: round(m.value, 3),
    baseline: { ...m.baseline, value: round(m.baseline.value, 3) },
    ratio,
    ...(target
      ? { target: { text: target.text, met: target.test({ value: m.value, ratio }) } }
      : {}),
  };
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function machine(): Results["machine"] {
  return { cpus: os.cpus().length, node: process.version, loadAverage: os.loadavg() };
}

function cell(value: number): string {
  return value >= 100 ? Math.round(value).toLocaleString("en") : String(round(value, 2));
}

export function markdown(results: Results): string {
  const lines = [
    `# CivicQ benchmarks — scale ${results.scale}`,
    "",
    `${results.startedAt} → ${results.finishedAt}; ${results.machine.cpus} CPUs, Node ${results.machine.node}, load average at start ${results.machine.loadAverage.map((n) => round(n, 2)).join(" ")}.`,
    `Dataset: ${Object.entries(results.dataset)
      .map(([key, value]) => `${key} ${cell(value)}`)
      .join(", ")}.`,
    "",
    "| section | measurement | value | unit | baseline | baseline value | ratio | target |",
    "| --- | --- | ---: | --- | --- | ---: | ---: | --- |",
    ...results.measurements.map(
      (m) =>
        `| ${m.section} | ${m.name} | ${cell(m.value)} | ${m.unit} | ${m.baseline.name} | ${cell(m.baseline.value)} | ${m.ratio} | ${m.target ? `${m.target.met ? "✅" : "❌"} ${m.target.text}` : ""} |`,
    ),
    "",
    "Checks: " +
      (Object.entries(results.checks)
        .map(([name, ok]) => `${ok ? "✅" : "❌"} ${name}`)
        .join("; ") || "none"),
  ];
  const skipped = Object.entries(results.skipped);
  if (skipped.length)
    lines.push("", "Skipped: " + skipped.map(([name, why]) => `${name} (${why})`).join("; "));
  return lines.join("\n") + "\n";
}

export function writeResults(directory: string, results: Results): string {
  fs.mkdirSync(directory, { recursive: true });
  fs.writeFileSync(path.join(directory, "results.json"), JSON.stringify(results, null, 2) + "\n");
  const table = markdown(results);
  fs.writeFileSync(path.join(directory, "results.md"), table);
  return table;
}
