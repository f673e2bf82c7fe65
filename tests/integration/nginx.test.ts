/**
 * Debian's nginx running deploy/nginx/civicq.conf, end to end. In front of the built app
 * (`npm run build`): anonymous public pages come from the micro-cache, signed-in ones never do,
 * request ids pass through, /metrics stays private. In front of a small upstream written here
 * (the app has no upload or event-stream route yet): a 200 MB upload streams through, and
 * server-sent events arrive as they are written, not when the stream ends.
 * Needs nginx (provision.sh installs nginx-light): skipped without it, except under CI=1.
 */
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type Db } from "~/lib/db.server";
import {
  closeSharedClients,
  shareSessionStore,
  signedIn,
  startApp,
  type App,
} from "../support/app-server";
import { createUser } from "../support/fixtures";
import { startNginx, type Nginx } from "../support/nginx";

const UPLOAD_BYTES = 200 * 1024 * 1024;
const SSE_PAUSE_MS = 1_500;
const haveNginx = !spawnSync("nginx", ["-v"]).error;

/** Stands in for upload and event-stream endpoints: counts bytes, writes events with a pause. */
function startStubUpstream() {
  const upload = { bytes: 0, firstByteAt: 0 };
  const server = http.createServer((req, res) => {
    if (req.url?.startsWith("/uploads/")) {
      req.on("data", (chunk: Buffer) => {
        upload.firstByteAt ||= Date.now();
        upload.bytes += chunk.length;
      });
      req.on("end", () => res.writeHead(200).end(JSON.stringify({ bytes: upload.bytes })));
      return;
    }
    if (req.url?.startsWith("/events/")) {
      res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" });
      res.write("data: first\n\n");
      setTimeout(() => res.end("data: second\n\n"), SSE_PAUSE_MS);
      return;
    }
    res.writeHead(200, { "Content-Type": "text/plain" }).end("ok");
  });
  return { server, upload };
}

/** Sends `bytes` of zeros in 1 MiB writes; resolves with the answer and when sending ended. */
function upload(url: string, bytes: number) {
  return new Promise<{ status: number; body: string; sentAt: number }>((resolve, reject) => {
    let sentAt = 0;
    const request = http.request(
      url,
      { method: "POST", headers: { "Content-Length": bytes, "Content-Type": "video/mp4" } },
      (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (body += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body, sentAt }));
      },
    );
    request.on("error", reject);
    const chunk = Buffer.alloc(1024 * 1024);
    let left = bytes;
    const write = () => {
      while (left > 0) {
        const size = Math.min(left, chunk.length);
        left -= size;
        if (!request.write(size === chunk.length ? chunk : chunk.subarray(0, size))) {
          request.once("drain", write);
          return;
        }
      }
      request.end(() => (sentAt = Date.now()));
    };
    write();
  });
}

describe.skipIf(!haveNginx && !process.env.CI)("nginx (deploy/nginx/civicq.conf)", () => {
  let db: Db;
  let app: App;
  let stub: ReturnType<typeof startStubUpstream>;
  let front: Nginx;
  let edge: Nginx;
  const dirs: string[] = [];
  const scratch = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "civicq-nginx-e2e-"));
    dirs.push(dir);
    return dir;
  };

  beforeAll(async () => {
    const url = inject("databaseUrl");
    shareSessionStore(url);
    db = createDb(url, 2);
    app = await startApp(url);
    stub = startStubUpstream();
    await new Promise<void>((resolve) => stub.server.listen(0, "127.0.0.1", resolve));
    const stubPort = (stub.server.address() as AddressInfo).port;
    [front, edge] = await Promise.all([
      startNginx(scratch(), new URL(app.url).host),
      startNginx(scratch(), `127.0.0.1:${stubPort}`),
    ]);
  });

  afterAll(async () => {
    await Promise.all([front?.stop(), edge?.stop(), app?.stop()]);
    stub?.server.close();
    await Promise.all([db?.destroy(), closeSharedClients()]);
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  const get = (url: string, headers: Record<string, string> = {}) =>
    fetch(url, { headers, redirect: "manual" });

  it("serves a second anonymous request for a public page from the micro-cache", async () => {
    const page = `${front.url}/?cache-test=${randomUUID()}`;
    const first = await get(page);
    expect(first.status, front.errors()).toBe(200);
    expect(first.headers.get("X-Cache-Status")).toBe("MISS");
    const second = await get(page, { "X-Request-Id": "nginx-test-request-0002" });
    expect(second.headers.get("X-Cache-Status")).toBe("HIT");
    expect(await second.text()).toBe(await first.text());
    // a cached copy still answers with this request's id, not the one that filled the cache
    expect(second.headers.get("X-Request-Id")).toBe("nginx-test-request-0002");
  });

  it("never caches for a signed-in visitor, nor stores what they were shown", async () => {
    const userId = await createUser(db);
    const { cookie } = await signedIn(userId, { hasMfa: false });
    const page = `${front.url}/?session-test=${randomUUID()}`;
    for (let i = 0; i < 2; i++) {
      const mine = await get(page, { Cookie: cookie });
      expect(mine.status).toBe(200);
      expect(mine.headers.get("X-Cache-Status")).toBe("BYPASS");
      expect(await mine.text()).toContain('action="/sign-out"');
    }
    const anonymous = await get(page);
    expect(anonymous.headers.get("X-Cache-Status")).toBe("MISS");
    expect(await anonymous.text()).not.toContain('action="/sign-out"');
  });

  it("keeps /metrics private and refuses an oversized form body", async () => {
    expect((await get(`${front.url}/metrics`)).status).toBe(404);
    // nginx answers from the Content-Length alone, before any of the body is sent
    const status = await new Promise<number>((resolve, reject) => {
      const request = http.request(`${front.url}/sign-in`, {
        method: "POST",
        headers: { "Content-Length": 11 * 1024 * 1024 },
      });
      request.on("response", (response) => {
        resolve(response.statusCode ?? 0);
        request.destroy();
      });
      request.on("error", reject);
      request.flushHeaders();
    });
    expect(status).toBe(413);
  });

  it("streams a 200 MB upload through to the app", async () => {
    const result = await upload(`${edge.url}/uploads/video`, UPLOAD_BYTES);
    expect(result.status, edge.errors()).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ bytes: UPLOAD_BYTES });
    expect(stub.upload.bytes).toBe(UPLOAD_BYTES);
    // unbuffered: the upstream was receiving long before the client finished sending
    expect(stub.upload.firstByteAt).toBeLessThan(result.sentAt);
  });

  it("passes server-sent events on as they are written", async () => {
    const started = Date.now();
    const response = await get(`${edge.url}/events/updates`);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toContain("text/event-stream");
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    const first = await reader.read();
    const firstAt = Date.now() - started;
    expect(decoder.decode(first.value)).toBe("data: first\n\n");
    let rest = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      rest += decoder.decode(chunk.value);
    }
    const endedAt = Date.now() - started;
    expect(rest).toBe("data: second\n\n");
    expect(firstAt).toBeLessThan(SSE_PAUSE_MS - 500);
    expect(endedAt).toBeGreaterThanOrEqual(SSE_PAUSE_MS - 50);
  });
});
