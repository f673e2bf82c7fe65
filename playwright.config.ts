import { defineConfig, devices } from "@playwright/test";

/**
 * End-to-end tests against the built app (`npm run build`) on a seeded database that
 * scripts/test.mjs prepares and passes in E2E_DATABASE_URL. Debian's Chromium: Playwright's own
 * browser download is not reachable here.
 */
const port = Number(process.env.E2E_PORT ?? 3210);
const baseURL = `http://127.0.0.1:${port}`;
// Beside the app: a real SMTP sink (read by tests over HTTP) and the worker that sends the mail.
export const ports = { smtp: port + 15, mailApi: port + 16, workerHealth: port + 17 };
process.env.E2E_MAIL_API = `http://127.0.0.1:${ports.mailApi}`;
const services = {
  NODE_ENV: "test",
  DATABASE_URL: process.env.E2E_DATABASE_URL ?? "",
  REDIS_URL: process.env.E2E_REDIS_URL ?? "redis://127.0.0.1:6379",
  SMTP_URL: `smtp://127.0.0.1:${ports.smtp}`,
  APP_URL: baseURL,
  LOG_LEVEL: "warn",
};

export default defineConfig({
  testDir: "tests/e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"], ["json", { outputFile: "tests/.artifacts/playwright.json" }]],
  use: {
    baseURL,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
      ],
    },
  },
  projects: [
    // The voter on an old phone with JavaScript off: every voter flow must work here.
    {
      name: "no-js",
      use: {
        ...devices["Pixel 5"],
        viewport: { width: 360, height: 640 },
        javaScriptEnabled: false,
      },
    },
    { name: "js", use: { ...devices["Desktop Chrome"] } },
  ],
  webServer: [
    {
      command: "node --import tsx tests/support/mail-sink.ts",
      url: `http://127.0.0.1:${ports.mailApi}/health`,
      reuseExistingServer: false,
      env: { MAIL_SINK_SMTP_PORT: String(ports.smtp), MAIL_SINK_HTTP_PORT: String(ports.mailApi) },
    },
    {
      command: "node --max-semi-space-size=8 --max-old-space-size=192 build/worker.js",
      url: `http://127.0.0.1:${ports.workerHealth}/healthz`,
      reuseExistingServer: false,
      env: {
        ...services,
        WORKER_HEALTH_PORT: String(ports.workerHealth),
        SHUTDOWN_TIMEOUT_MS: "2000",
      },
    },
    {
      command: "node build/server.js",
      url: `${baseURL}/healthz`,
      reuseExistingServer: false,
      timeout: 30_000,
      env: { ...services, PORT: String(port) },
    },
  ],
});
