/**
 * `npm run bench -- --scale tiny|small|large [--only pages,votes,…] [--out DIR] [--keep]`
 *
 * Prepares its own database at the given scale (civicq_bench_<scale>), starts the built app
 * (`npm run build` first) twice — once with the anonymous-page cache off, once on — and runs
 * each section against a baseline measured in the same run. Writes DIR/results.json and
 * DIR/results.md (DIR defaults to bench/) and prints the table. See docs/performance.md.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import {
  shareSessionStore,
  signedIn,
  startApp,
  type App,
  closeSharedClients,
} from "../support/app-server";
import { databaseUrl, dropDatabase } from "../support/database";
import { createDataset } from "./dataset";
import { machine, writeResults, type Results } from "./report";
import { SCALES, type ScaleName } from "./scale";
import { startMailSink } from "../support/mail-sink";

export const SECTIONS = [
  "pages",
  "votes",
  "duplicates",
  "queue",
  "transcode",
  "upload",
  "import",
] as const;
type Section = (typeof SECTIONS)[number];

const { values } = parseArgs({
  options: {
    scale: { type: "string", default: "small" },
    only: { type: "string" },
    out: { type: "string", default: "bench" },
    database: { type: "string" },
    keep: { type: "boolean", default: false },
  },
});
const scale = SCALES[values.scale as ScaleName];
if (!scale) throw new Error(`--scale must be one of ${Object.keys(SCALES).join(", ")}`);
const wanted = new Set<Section>(values.only ? (values.only.split(",") as Section[]) : SECTIONS);
const log = (line: string) => console.log(line);

const results: Results = {
  scale: scale.name,
  startedAt: new Date().toISOString(),
  finishedAt: "",
  machine: machine(),
  dataset: {},
  measurements: [],
  checks: {},
  skipped: {},
};
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "civicq-bench-"));
const storageDir = path.join(workDir, "storage");
const databaseName = values.database ?? `civicq_bench_${scale.name}`;
const apps: App[] = [];
// before anything reads the configuration: the email task sends to this sink
const mailSink = await startMailSink();
Object.assign(process.env, {
  SMTP_URL: mailSink.url,
  STORAGE_DIR: storageDir,
  VIDEO_MAX_BYTES: String(2 * scale.uploadBytes),
  VIDEO_QUOTA_BYTES: String(4 * scale.uploadBytes),
  // shared with the apps, which sign their cookies with it
  SESSION_SECRET: randomBytes(32).toString("hex"),
  // the apps run with NODE_ENV=production, which requires every secret
  CONSTITUENT_HASH_SECRET: randomBytes(32).toString("hex"),
});
shareSessionStore(databaseUrl(databaseName));
// the sections run the app's services in this process: loaded once the settings above are in
const sections = {
  pages: (await import("./sections/pages")).benchPages,
  votes: (await import("./sections/votes")).benchVotes,
  duplicates: (await import("./sections/duplicates")).benchDuplicates,
  queue: (await import("./sections/queue")).benchQueue,
  transcode: (await import("./sections/transcode")).benchTranscode,
  upload: (await import("./sections/upload")).benchUpload,
  import: (await import("./sections/import")).benchImport,
};

try {
  log(`civicq bench, scale ${scale.name}: preparing ${databaseName}`);
  const data = await createDataset(databaseName, scale, log);
  results.dataset = {
    generationSeconds: Math.round(data.seconds * 10) / 10,
    contests: scale.contests,
    candidates: scale.candidates,
    questions: scale.questions,
    votes: scale.votes,
  };
  log(`  dataset ready in ${data.seconds.toFixed(1)} s`);

  const start = async (pageCache: boolean) => {
    // as in production: React's production build, Remix's production mode
    const app = await startApp(data.url, {
      NODE_ENV: "production",
      PAGE_CACHE_SECONDS: pageCache ? "300" : "0",
    });
    apps.push(app);
    return app;
  };
  const rendered = await start(false);
  const cached = await start(true);
  const voterCookie = (await signedIn(data.httpVoters[0]!, { hasMfa: false })).cookie;

  const run = async (section: Section, body: () => Promise<void>) => {
    if (!wanted.has(section)) return void (results.skipped[section] = "not asked for (--only)");
    log(`${section}…`);
    const at = Date.now();
    await body();
    log(`  ${section} done in ${((Date.now() - at) / 1000).toFixed(1)} s`);
    // written after each section, so a run cut short still leaves what it measured
    writeResults(values.out, { ...results, finishedAt: new Date().toISOString() });
  };
  const add = (outcome: { measurements: Results["measurements"]; checks?: Results["checks"] }) => {
    results.measurements.push(...outcome.measurements);
    Object.assign(results.checks, outcome.checks ?? {});
  };

  await run("pages", async () =>
    add(await sections.pages({ scale, data, rendered, cached, voterCookie, workDir, log })),
  );
  await run("votes", async () => add(await sections.votes({ scale, data, app: rendered, log })));
  await run("duplicates", async () => add(await sections.duplicates({ scale, data, log })));
  await run("queue", async () => add(await sections.queue({ scale, data, log })));
  await run("transcode", async () => add(await sections.transcode({ scale, data, workDir, log })));
  await run("upload", async () =>
    add(await sections.upload({ scale, data, app: rendered, workDir, log })),
  );
  await run("import", async () => add(await sections.import({ scale, data, workDir, log })));
  await data.db.destroy();
} finally {
  await mailSink.close();
  await Promise.all(apps.map((app) => app.stop()));
  await closeSharedClients();
  if (!values.keep) await dropDatabase(databaseName).catch(() => undefined);
  fs.rmSync(workDir, { recursive: true, force: true });
}
results.finishedAt = new Date().toISOString();
console.log("\n" + writeResults(values.out, results));
