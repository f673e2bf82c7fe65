import { spawn } from "node:child_process";
import net from "node:net";
import { exited, waitFor } from "./processes";

/**
 * The built web app (`npm run build`: build/server.js) on a free port, for tests that go
 * through HTTP the way a browser does, and the session cookies to sign its requests in.
 */
export const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export type App = {
  url: string;
  /** the app's process id (tests that measure its memory read /proc/<pid>/status) */
  pid: number;
  output: () => string;
  stop: () => Promise<void>;
  /** A request with no redirect following; POSTs carry our Origin, as a browser's form would. */
  request: (
    path: string,
    options?: { cookie?: string; form?: Record<string, string> },
  ) => Promise<Response>;
};

/** `env` overrides the app's environment (production mode for the benchmarks, a fault test's private Redis, a fixed port…). */
export async function startApp(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<App> {
  const port = Number(env.PORT ?? (await freePort()));
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ["build/server.js"], {
    env: {
      ...process.env,
      NODE_ENV: "test",
      LOG_LEVEL: "warn",
      DATABASE_URL: databaseUrl,
      REDIS_URL,
      PORT: String(port),
      APP_URL: url,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`the app exited early:\n${output}`);
      // ready, not just alive: until Redis connects, every visitor looks signed out
      return fetch(`${url}/readyz`).then(
        (response) => response.ok,
        () => false,
      );
    },
    20_000,
    "the app to be ready",
  );
  return {
    url,
    pid: child.pid!,
    output: () => output,
    async stop() {
      child.kill("SIGTERM");
      await exited(child);
    },
    request(path, { cookie, form } = {}) {
      const headers: Record<string, string> = {};
      if (cookie) headers.Cookie = cookie;
      if (form) headers.Origin = url;
      return fetch(`${url}${path}`, {
        method: form ? "POST" : "GET",
        headers,
        body: form ? new URLSearchParams(form) : undefined,
        redirect: "manual",
      });
    },
  };
}

/**
 * Points this test process's session store at the app's (Redis, and the test database), so
 * sessions it starts are ones the app reads. Call before anything reads the configuration.
 */
export function shareSessionStore(databaseUrl: string): void {
  process.env.DATABASE_URL = databaseUrl;
  process.env.REDIS_URL = REDIS_URL;
}

/** A signed-in session for `userId`, as the Cookie header a browser would send. */
export async function signedIn(
  userId: string,
  options: { hasMfa: boolean; mfaPassed?: boolean; userAgent?: string },
): Promise<{ cookie: string; sessionId: string }> {
  const { startSession } = await import("~/lib/session.server");
  const { session, cookie } = await startSession({
    userId,
    mfaPassed: options.mfaPassed ?? options.hasMfa,
    userHasMfa: options.hasMfa,
    ip: "127.0.0.1",
    userAgent: options.userAgent ?? "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Firefox/140.0",
  });
  return { cookie: cookie.split(";")[0]!, sessionId: session.id };
}

/** Closes this process's Redis connection and database pool (the shared ones the app code uses). */
export async function closeSharedClients(): Promise<void> {
  const [{ closeRedis }, { closeDb }] = await Promise.all([
    import("~/lib/redis.server"),
    import("~/lib/db.server"),
  ]);
  await Promise.all([closeRedis(), closeDb()]);
}
