import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "../../support/net";
import { exited, waitFor } from "../../support/processes";

/**
 * Private PostgreSQL and Redis for fault injection: the shared ones on 5432 and 6379 serve other
 * work and must never be restarted, so each fault test breaks its own throwaway instances.
 * PostgreSQL 15 from Debian's binaries (pgvector is installed system-wide), run as the
 * `postgres` system user when this runs as root (initdb refuses root); Redis without persistence.
 */
const PG_BIN = "/usr/lib/postgresql/15/bin";
const asPostgres = (command: string, args: string[]) =>
  process.getuid?.() === 0
    ? (["runuser", ["-u", "postgres", "--", command, ...args]] as const)
    : ([command, args] as const);

export type PrivatePostgres = {
  url: (database?: string) => string;
  port: number;
  /** an immediate stop (in-flight connections are cut) and a start on the same port */
  restart: (downMs?: number) => Promise<void>;
  stop: () => Promise<void>;
};

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "civicq-pg-"));
  const data = path.join(dir, "data");
  if (process.getuid?.() === 0) execFileSync("chown", ["postgres:postgres", dir]);
  const run = (command: string, args: string[]) => {
    const [bin, argv] = asPostgres(path.join(PG_BIN, command), args);
    execFileSync(bin, argv, { stdio: "pipe" });
  };
  run("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const start = () =>
    run("pg_ctl", ["-D", data, "-o", options, "-l", path.join(dir, "log"), "-w", "start"]);
  const stopNow = () => run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
  start();
  return {
    port,
    url: (database = "postgres") => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async restart(downMs = 2_000) {
      stopNow();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      start();
    },
    async stop() {
      try {
        stopNow();
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export type PrivateRedis = {
  url: string;
  start: () => Promise<void>;
  stop: () => Promise<void>;
  /** stops it for good and removes its data */
  remove: () => Promise<void>;
};

/** Redis keeping its data in a scratch directory across a stop (SHUTDOWN SAVE) and a start. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "civicq-redis-"));
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", ""],
      {
        stdio: "ignore",
      },
    );
    await waitFor(
      async () => {
        try {
          return (
            execFileSync("redis-cli", ["-p", String(port), "ping"], { encoding: "utf8" }).trim() ===
            "PONG"
          );
        } catch {
          return false;
        }
      },
      10_000,
      "the private Redis",
    );
  };
  await start();
  const stop = async () => {
    if (!child) return;
    try {
      execFileSync("redis-cli", ["-p", String(port), "shutdown", "save"], { stdio: "ignore" });
    } catch {
      child.kill("SIGKILL"); // redis-cli reports the connection closing as an error
    }
    await exited(child);
    child = null;
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    start,
    stop,
    async remove() {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One line per fault: what was injected, what was checked, accepted vs stored writes. */
export function report(fault: string, lines: Record<string, string | number>) {
  const detail = Object.entries(lines).map(([key, value]) => `    ${key}: ${value}`);
  console.log([`FAULT ${fault}`, ...detail].join("\n"));
}
