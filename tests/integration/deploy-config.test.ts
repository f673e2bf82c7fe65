/**
 * Static checks of the container setup, since CI has no Docker engine to build or start it:
 * docker-compose.yml must validate and pin every image, deploy/nginx/civicq.conf must pass
 * `nginx -t`, and the Dockerfile must keep its runtime promises.
 * Needs the Debian packages `docker-compose` (1.29) and `nginx-light` (or `nginx`). Without them
 * the compose/nginx checks are skipped locally, but fail under CI=1 so they cannot silently vanish.
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { nginxArgs, writeNginxConfig } from "../support/nginx";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const COMPOSE_FILE = path.join(ROOT, "docker-compose.yml");

function run(command: string, args: string[]): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd: ROOT, encoding: "utf8", timeout: 20_000 });
}

function installed(command: string, versionFlag: string): boolean {
  return !run(command, [versionFlag]).error;
}

/** Skip when the tool is missing on a workstation; under CI, run and fail loudly instead. */
const skipWithout = (command: string, versionFlag: string) =>
  !process.env.CI && !installed(command, versionFlag);

function describeOutput(result: SpawnSyncReturns<string>): string {
  return `exit ${result.status}${result.error ? ` (${result.error.message})` : ""}\n${result.stdout}\n${result.stderr}`;
}

type ComposeService = { image?: string; build: boolean };

/**
 * Services of `docker-compose config` output (normalised YAML, two-space indents), without a
 * YAML library: service names sit at two spaces under `services:`, their keys at four.
 */
function parseServices(normalised: string): Map<string, ComposeService> {
  const services = new Map<string, ComposeService>();
  let inServices = false;
  let current: ComposeService | undefined;
  for (const line of normalised.split("\n")) {
    if (/^\S/.test(line)) {
      inServices = line.startsWith("services:");
      current = undefined;
      continue;
    }
    if (!inServices) continue;
    const name = /^ {2}([\w.-]+):\s*$/.exec(line);
    if (name?.[1]) {
      current = { build: false };
      services.set(name[1], current);
      continue;
    }
    if (!current) continue;
    const image = /^ {4}image:\s*(.+?)\s*$/.exec(line);
    if (image?.[1]) current.image = image[1].replace(/^['"]|['"]$/g, "");
    if (/^ {4}build:/.test(line)) current.build = true;
  }
  return services;
}

/** The tag of an image reference ("registry:5000/name:tag"), "@digest" when pinned by digest. */
function imageTag(reference: string): string | undefined {
  if (reference.includes("@sha256:")) return "@digest";
  const afterLastSlash = reference.slice(reference.lastIndexOf("/") + 1);
  const colon = afterLastSlash.indexOf(":");
  return colon === -1 ? undefined : afterLastSlash.slice(colon + 1);
}

describe.skipIf(skipWithout("docker-compose", "version"))("docker-compose.yml", () => {
  it("validates without warnings (every ${VAR} has a default)", () => {
    const result = run("docker-compose", ["-f", COMPOSE_FILE, "config", "-q"]);
    expect(result.status, describeOutput(result)).toBe(0);
    expect(result.stderr).not.toMatch(/WARN/i);
  });

  it("defines the whole stack, with pinned images and one shared app image", () => {
    const result = run("docker-compose", ["-f", COMPOSE_FILE, "config"]);
    expect(result.status, describeOutput(result)).toBe(0);
    const services = parseServices(result.stdout);

    const listed = run("docker-compose", ["-f", COMPOSE_FILE, "config", "--services"]);
    expect(listed.status, describeOutput(listed)).toBe(0);
    const names = listed.stdout.split("\n").filter(Boolean);
    expect([...services.keys()].sort()).toEqual([...names].sort());
    for (const required of [
      "postgres",
      "redis",
      "minio",
      "createbucket",
      "mailpit",
      "migrate",
      "app",
      "worker",
      "nginx",
    ]) {
      expect(names, `service ${required}`).toContain(required);
    }

    for (const [name, service] of services) {
      expect(service.image, `${name} names its image`).toBeTruthy();
      const tag = imageTag(service.image ?? "");
      expect(tag, `${name}: ${service.image} has an explicit tag`).toBeTruthy();
      expect(tag, `${name}: ${service.image}`).not.toBe("latest");
      // Pulled images need a full version (x.y.z or MinIO's RELEASE.date); ours is built here.
      if (!service.build) {
        expect(tag, `${name}: ${service.image} is pinned to a full version`).toMatch(
          /^@digest$|\d+\.\d+\.\d+|^RELEASE\.\d{4}-\d{2}-\d{2}T/,
        );
      }
    }

    const appImages = ["app", "worker", "migrate"].map((name) => services.get(name)?.image);
    expect(new Set(appImages).size, `one image for app/worker/migrate: ${appImages}`).toBe(1);
  });
});

describe.skipIf(skipWithout("nginx", "-v"))("deploy/nginx/civicq.conf", () => {
  it("passes nginx -t inside an http {} block like the official image's", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "civicq-nginx-"));
    try {
      // `app` only resolves inside compose, and nginx resolves upstream hosts while testing.
      const conf = writeNginxConfig(dir, { upstream: "127.0.0.1:3000" });
      const result = run("nginx", ["-t", ...nginxArgs(dir, conf)]);
      expect(result.status, describeOutput(result)).toBe(0);
      expect(result.stderr).toContain("test is successful");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("Dockerfile", () => {
  const dockerfile = fs.readFileSync(path.join(ROOT, "Dockerfile"), "utf8");
  const runtime = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));

  it("builds on a pinned Node 24 bookworm-slim image", () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24\.\d+\.\d+-bookworm-slim$/m);
    for (const from of dockerfile.match(/^FROM .+$/gm) ?? []) {
      expect(from).toMatch(/^FROM (\$\{NODE_IMAGE\}|base|deps) AS [\w-]+$/);
    }
  });

  it("runs as a non-root user, with ffmpeg, a /healthz probe and no dev dependencies", () => {
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/install .*\bffmpeg\b/);
    expect(runtime).toMatch(/^HEALTHCHECK .*\n?.*\/healthz/m);
    expect(runtime).toContain("COPY --from=prod-deps /app/node_modules ./node_modules");
    expect(runtime).not.toMatch(/--from=(deps|build) \/app\/node_modules/);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
  });
});
