import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import { fileURLToPath } from "node:url";
import { freePort } from "../support/net";
import { exited, waitFor } from "../support/processes";

export type Baseline = {
  kind: "node" | "express" | "react";
  url: string;
  stop: () => Promise<void>;
};

/** One baseline page server (tests/bench/baseline-server.ts) in a process of its own. */
export async function startBaseline(kind: Baseline["kind"], pagesFile: string): Promise<Baseline> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      fileURLToPath(new URL("./baseline-server.ts", import.meta.url)),
      kind,
      String(port),
      pagesFile,
    ],
    { env: { ...process.env, NODE_ENV: "production" }, stdio: ["ignore", "pipe", "inherit"] },
  );
  let ready = false;
  child.stdout!.on("data", () => (ready = true));
  await waitFor(
    async () =>
      ready || (child.exitCode !== null && Promise.reject(new Error(`${kind} baseline exited`))),
    20_000,
    `the ${kind} baseline`,
  );
  return {
    kind,
    url: `http://127.0.0.1:${port}`,
    async stop() {
      child.kill("SIGTERM");
      await exited(child);
    },
  };
}

/** A GET with nothing decoded: the status, the raw (possibly compressed) bytes, the headers. */
export function rawGet(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Buffer; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks),
            headers: res.headers,
          }),
        );
        res.on("error", reject);
      })
      .on("error", reject);
  });
}

/** How many database queries the app has sent so far (its knex query counter, from /metrics). */
export async function queriesSoFar(appUrl: string): Promise<number> {
  const { body } = await rawGet(`${appUrl}/metrics`);
  const match = /^civicq_db_query_duration_seconds_count(?:\{[^}]*\})? (\d+)/m.exec(
    body.toString(),
  );
  if (!match) throw new Error("the app's /metrics has no query counter");
  return Number(match[1]);
}

/** The queries one GET of `path` makes (nothing else may be talking to the app meanwhile). */
export async function queriesPerRender(
  appUrl: string,
  path: string,
  cookie?: string,
): Promise<number> {
  const before = await queriesSoFar(appUrl);
  const { status } = await rawGet(`${appUrl}${path}`, cookie ? { Cookie: cookie } : {});
  if (status !== 200) throw new Error(`GET ${path} answered ${status}`);
  return (await queriesSoFar(appUrl)) - before;
}
