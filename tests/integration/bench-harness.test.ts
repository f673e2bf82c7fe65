import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Results } from "../bench/report";
import { runMeasured } from "../support/measured-process";

/**
 * The benchmark harness itself (`npm run bench`, tests/bench), at its tiny scale: it must prepare
 * its data, measure the pages, votes and duplicate search against their baselines, and
 * write a well-formed results.json and results.md — and a page must not make more queries for
 * showing more questions. (The figures at this scale mean nothing; none is asserted.)
 * Needs the built app (`npm run build`).
 */
const out = fs.mkdtempSync(path.join(os.tmpdir(), "civicq-bench-smoke-"));
const SECTIONS = ["pages", "votes", "duplicates"];

describe("the benchmark harness at tiny scale", () => {
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  it("writes every measurement next to its baseline, as a ratio", async () => {
    const run = await runMeasured(
      [
        "--import",
        "tsx",
        "tests/bench/index.ts",
        ...["--scale", "tiny", "--only", SECTIONS.join(","), "--out", out],
        ...["--database", `civicq_bench_smoke_${process.pid}`],
      ],
      { NODE_ENV: "test", LOG_LEVEL: "silent" },
    );
    expect(run.code, run.output).toBe(0);

    const results = JSON.parse(fs.readFileSync(path.join(out, "results.json"), "utf8")) as Results;
    expect(results.scale).toBe("tiny");
    expect(new Set(results.measurements.map((m) => m.section))).toEqual(new Set(SECTIONS));
    for (const m of results.measurements) {
      expect(m.name).not.toBe("");
      expect(m.baseline.name).not.toBe("");
      expect(Number.isFinite(m.value) && Number.isFinite(m.baseline.value)).toBe(true);
      expect(m.ratio).toBeCloseTo(m.baseline.value ? m.value / m.baseline.value : 0, 1);
    }
    expect(results.checks).toEqual({
      "contest page queries do not grow with questions shown": true,
      "HTTP votes: none lost or doubled": true,
      "duplicate lookups return suggestions": true,
    });
    const table = fs.readFileSync(path.join(out, "results.md"), "utf8");
    expect(table).toContain(
      "| section | measurement | value | unit | baseline | baseline value | ratio | target |",
    );
    expect(table.split("\n").filter((line) => line.startsWith("| pages |")).length).toBeGreaterThan(
      8,
    );
  }, 120_000);
});
