// `npm test`: builds the app, runs Vitest (unit + integration against the real Postgres and
// Redis), prepares a seeded database for the end-to-end run, runs Playwright (JavaScript off and
// on), and ends with one line: "N passed, N failed". Exits non-zero when anything failed.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import pg from "pg";

const ARTIFACTS = "tests/.artifacts";
const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const E2E_DATABASE = `civicq_e2e_${process.pid}`;

fs.rmSync(ARTIFACTS, { recursive: true, force: true });
fs.mkdirSync(ARTIFACTS, { recursive: true });

function run(command, args, env = {}) {
  const result = spawnSync(command, args, { stdio: "inherit", env: { ...process.env, ...env } });
  return result.status ?? 1;
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

async function admin(sql) {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];

if (run("npm", ["run", "build"]) !== 0) {
  console.log("0 passed, 1 failed");
  console.error("the build failed; no tests ran");
  process.exit(1);
}

// Unit and integration tests
const vitestStatus = run("npx", [
  "vitest",
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${ARTIFACTS}/vitest.json`,
]);
const vitest = readJson(`${ARTIFACTS}/vitest.json`);
if (vitest) {
  totals.passed += vitest.numPassedTests;
  totals.failed += vitest.numFailedTests;
  totals.skipped += vitest.numPendingTests + vitest.numTodoTests;
}
if (vitestStatus !== 0 && !vitest?.numFailedTests) failures.push("vitest exited with an error");

// End-to-end tests on a freshly migrated and seeded database
const url = new URL(POSTGRES_URL);
url.pathname = `/${E2E_DATABASE}`;
const e2eEnv = { DATABASE_URL: url.toString(), NODE_ENV: "test" };
await admin(`drop database if exists ${E2E_DATABASE} with (force)`);
await admin(`create database ${E2E_DATABASE}`);
try {
  const prepared =
    run("npx", ["tsx", "db/cli.ts", "migrate"], e2eEnv) === 0 &&
    run("npx", ["tsx", "db/cli.ts", "seed"], e2eEnv) === 0;
  if (!prepared) failures.push("could not prepare the end-to-end database");
  else {
    const playwrightStatus = run("npx", ["playwright", "test"], {
      E2E_DATABASE_URL: url.toString(),
    });
    const stats = readJson(`${ARTIFACTS}/playwright.json`)?.stats;
    if (stats) {
      totals.passed += stats.expected + stats.flaky;
      totals.failed += stats.unexpected;
      totals.skipped += stats.skipped;
    }
    if (playwrightStatus !== 0 && !stats?.unexpected)
      failures.push("playwright exited with an error");
  }
} finally {
  if (process.env.KEEP_TEST_DB !== "1")
    await admin(`drop database if exists ${E2E_DATABASE} with (force)`);
}

totals.failed += failures.length;
for (const failure of failures) console.error(`error: ${failure}`);
const skipped = totals.skipped ? `, ${totals.skipped} skipped` : "";
console.log(`\n${totals.passed} passed, ${totals.failed} failed${skipped}`);
process.exit(totals.failed > 0 || totals.passed === 0 ? 1 : 0);
