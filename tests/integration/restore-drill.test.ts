/**
 * The restore drill: seed a database with the demo data, back it up with deploy/scripts/backup,
 * restore it with deploy/scripts/restore into a new, empty database, compare every table (row
 * count and a checksum of its rows) between the two, and start the built app on the copy.
 * Prints the tables it compared. Needs pg_dump, pg_restore and psql (PostgreSQL 15 client).
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audit } from "~/lib/audit.server";
import type { Db } from "~/lib/db.server";
import { enqueue } from "~/lib/queue.server";
import { seedDemo } from "../../db/seeds/demo";
import { startApp } from "../support/app-server";
import { createDatabase, createMigratedDatabase, dropDatabase } from "../support/database";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SOURCE = `civicq_drill_source_${process.pid}`;
const TARGET = `civicq_drill_restored_${process.pid}`;
const havePgTools = ["pg_dump", "pg_restore", "psql"].every(
  (tool) => !spawnSync(tool, ["--version"]).error,
);

type TableSum = { table: string; rows: number; checksum: string };

/** Every table outside the system schemas, with its row count and an md5 of its sorted rows. */
async function tableSums(db: Db): Promise<TableSum[]> {
  const { rows: tables } = await db.raw<{ rows: Array<{ name: string }> }>(
    `select schemaname || '.' || tablename as name from pg_tables
     where schemaname not in ('pg_catalog', 'information_schema') order by 1`,
  );
  const sums: TableSum[] = [];
  for (const { name } of tables) {
    const {
      rows: [sum],
    } = await db.raw<{ rows: Array<{ rows: number; checksum: string }> }>(
      `select count(*)::int as rows,
              md5(coalesce(string_agg(t::text, E'\\n' order by t::text), '')) as checksum
       from ?? as t`,
      [name],
    );
    sums.push({ table: name, ...sum! });
  }
  return sums;
}

function script(name: string, args: string[], env: Record<string, string>) {
  const result = spawnSync("bash", [`deploy/scripts/${name}`, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 120_000,
  });
  return { ...result, output: `exit ${result.status}\n${result.stdout}\n${result.stderr}` };
}

describe.skipIf(!havePgTools && !process.env.CI)("restore drill", () => {
  let source: { url: string; db: Db };
  let targetUrl: string;
  let work: string;
  let storage: string;
  let backup: string;

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "civicq-drill-"));
    storage = path.join(work, "storage");
    fs.mkdirSync(path.join(storage, "videos/originals"), { recursive: true });
    fs.writeFileSync(path.join(storage, "videos/originals/answer 1.mp4"), Buffer.alloc(4096, 7));
    fs.writeFileSync(path.join(storage, "portrait.jpg"), "not really a jpeg");

    source = await createMigratedDatabase(SOURCE);
    console.log(await seedDemo(source.db));
    // Rows the seed leaves empty: the append-only audit log (its triggers refuse rewrites) and
    // a queued job, so the drill shows both survive.
    await audit(
      source.db,
      { userId: null, ip: "192.0.2.1", requestId: "restore-drill-0001" },
      { action: "account.password_reset_requested", targetType: "user" },
    );
    await enqueue(source.db, "embed_missing_questions", { limit: 5 }, { runAt: new Date(2100, 0) });
    const made = script("backup", ["--out", path.join(work, "backups")], {
      DATABASE_URL: source.url,
      STORAGE_DRIVER: "local",
      STORAGE_DIR: storage,
    });
    expect(made.status, made.output).toBe(0);
    backup = made.stdout.trim().split("\n").at(-1)!;
    targetUrl = await createDatabase(TARGET);
  });

  afterAll(async () => {
    await source?.db.destroy();
    await Promise.all([dropDatabase(SOURCE), dropDatabase(TARGET)]);
    fs.rmSync(work, { recursive: true, force: true });
  });

  it("backs up the database in custom format, with a manifest of the stored files", () => {
    expect(fs.readdirSync(backup).sort()).toEqual([
      "backup-info.txt",
      "database.dump",
      "storage-manifest.tsv",
    ]);
    expect(fs.readFileSync(path.join(backup, "database.dump")).subarray(0, 5).toString()).toBe(
      "PGDMP",
    );
    const sha256 = (file: string) =>
      createHash("sha256")
        .update(fs.readFileSync(path.join(storage, file)))
        .digest("hex");
    expect(fs.readFileSync(path.join(backup, "storage-manifest.tsv"), "utf8")).toBe(
      [
        "path\tbytes\tsha256",
        `portrait.jpg\t17\t${sha256("portrait.jpg")}`,
        `videos/originals/answer 1.mp4\t4096\t${sha256("videos/originals/answer 1.mp4")}`,
        "",
      ].join("\n"),
    );
    expect(fs.readFileSync(path.join(backup, "backup-info.txt"), "utf8")).toMatch(
      /^latest_migration=\d{14}_\w+$/m,
    );
  });

  it("refuses to restore into a database that has tables", () => {
    const refused = script("restore", [backup], { DATABASE_URL: source.url });
    expect(refused.status, refused.output).not.toBe(0);
    expect(refused.stderr).toMatch(/is not empty \(\d+ tables\)/);
  });

  it("restores into an empty database: every table has the same rows", async () => {
    const restored = script("restore", [backup, "--verify-storage"], {
      DATABASE_URL: targetUrl,
      STORAGE_DIR: storage,
    });
    expect(restored.status, restored.output).toBe(0);
    expect(restored.stdout).toContain("already up to date"); // the migrations ran, had nothing to do

    const { createDb } = await import("~/lib/db.server");
    const target = createDb(targetUrl, 1);
    try {
      const [before, after] = await Promise.all([tableSums(source.db), tableSums(target)]);
      console.log(
        [
          `compared ${before.length} tables (rows, md5 of the sorted rows):`,
          ...before.map(
            ({ table, rows, checksum }) =>
              `  ${table.padEnd(44)} ${String(rows).padStart(6)}  ${checksum}`,
          ),
        ].join("\n"),
      );
      expect(after).toEqual(before);
      expect(before.length).toBeGreaterThan(20);
      const rows = (name: string) => before.find((sum) => sum.table === name)?.rows ?? 0;
      expect(rows("public.questions")).toBeGreaterThan(100);
      expect(rows("public.users")).toBeGreaterThan(4);
      expect(rows("public.knex_migrations")).toBeGreaterThan(0);
      expect(rows("public.audit_log")).toBeGreaterThan(0);
      expect(rows("graphile_worker._private_jobs")).toBe(1);
    } finally {
      await target.destroy();
    }
  });

  it("runs the app on the restored copy", async () => {
    const app = await startApp(targetUrl);
    try {
      const ready = await app.request("/readyz");
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ ready: true });
      const home = await app.request("/");
      expect(home.status).toBe(200);
      expect(await home.text()).toContain("Harbor County");
    } finally {
      await app.stop();
    }
  });
});
