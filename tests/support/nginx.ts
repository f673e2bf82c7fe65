import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "./net";
import { exited, waitFor } from "./processes";

/**
 * Debian's nginx with deploy/nginx/civicq.conf, as a test's own unprivileged instance: the config
 * is included in an `http {}` block like the official image's nginx.conf, with its upstream, cache
 * and temp paths, pid and logs moved into a scratch directory, so nothing under /etc/nginx or
 * /var is needed (mime.types is included when the system has it).
 */
const CONF = fileURLToPath(new URL("../../deploy/nginx/civicq.conf", import.meta.url));

/** Writes nginx.conf into `dir` and returns its path. */
export function writeNginxConfig(dir: string, options: { upstream: string; listen?: string }) {
  const original = fs.readFileSync(CONF, "utf8");
  const local = original
    .replace(/server\s+app:3000\b/g, `server ${options.upstream}`)
    .replace("/var/cache/nginx/civicq", path.join(dir, "cache"))
    .replace(/listen 80;/, `listen ${options.listen ?? "80"};`);
  if (local === original) throw new Error("civicq.conf no longer points its upstream at app:3000");
  fs.writeFileSync(path.join(dir, "civicq.conf"), local);

  const mimeTypes = "/etc/nginx/mime.types";
  const conf = path.join(dir, "nginx.conf");
  fs.writeFileSync(
    conf,
    [
      // as root, workers would otherwise run as `nobody` and could not use the scratch dirs
      process.getuid?.() === 0 ? "user root;" : "",
      `pid ${dir}/nginx.pid;`,
      `error_log ${dir}/error.log;`,
      // room for a burst of 1,000 clients, each with a connection to the app as well
      "events { worker_connections 4096; }",
      "http {",
      fs.existsSync(mimeTypes) ? `  include ${mimeTypes};` : "",
      "  default_type application/octet-stream;",
      `  access_log ${dir}/access.log;`,
      "  sendfile on;",
      "  keepalive_timeout 65;",
      ...["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map(
        (kind) => `  ${kind}_temp_path ${dir}/${kind}_temp;`,
      ),
      `  include ${dir}/civicq.conf;`,
      "}",
      "",
    ].join("\n"),
  );
  return conf;
}

/** The nginx command line for a config written by writeNginxConfig. */
export const nginxArgs = (dir: string, conf: string) => [
  "-p",
  dir,
  "-c",
  conf,
  "-e",
  `${dir}/error.log`,
];

export type Nginx = { url: string; stop: () => Promise<void>; errors: () => string };

/** Runs nginx in the foreground on a free port in front of `upstream` (host:port). */
export async function startNginx(dir: string, upstream: string): Promise<Nginx> {
  const port = await freePort();
  const conf = writeNginxConfig(dir, { upstream, listen: `127.0.0.1:${port}` });
  const child: ChildProcess = spawn("nginx", [...nginxArgs(dir, conf), "-g", "daemon off;"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const errors = () => {
    const log = path.join(dir, "error.log");
    return stderr + (fs.existsSync(log) ? fs.readFileSync(log, "utf8") : "");
  };
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`nginx exited:\n${errors()}`);
      return fetch(`${url}/healthz`).then(
        () => true,
        () => false,
      );
    },
    10_000,
    "nginx to listen",
  );
  return {
    url,
    errors,
    async stop() {
      child.kill("SIGQUIT"); // graceful: finishes open requests, then exits
      await exited(child);
    },
  };
}
