import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser } from "@playwright/test";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { createDb, type Db } from "~/lib/db.server";
import { closeSharedClients, signedIn, startApp, type App } from "../support/app-server";
import { createVideoCandidate, MP4_HEADER } from "../support/video-fixtures";

/**
 * /upload.js in Chromium against the built app: the upload page's form sends the file in parts
 * with a progress bar; when the connection drops it retries, and when the candidate reloads the
 * page and picks the same file again it resumes from what the server has, not from the start.
 */
const MIB = 1024 * 1024;
const { storageDir, previousEnv } = await vi.hoisted(async () => {
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const previous = { ...process.env };
  const directory = mkdtempSync(`${tmpdir()}/civicq-upload-js-`);
  Object.assign(process.env, {
    STORAGE_DIR: directory,
    REDIS_URL: process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379",
  });
  return { storageDir: directory, previousEnv: previous };
});

describe("resumable upload in the browser (/upload.js)", () => {
  let db: Db;
  let app: App;
  let browser: Browser;

  beforeAll(async () => {
    db = createDb(inject("databaseUrl"), 2);
    app = await startApp(inject("databaseUrl"));
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await db?.destroy();
    await closeSharedClients();
    fs.rmSync(storageDir, { recursive: true, force: true });
    process.env = previousEnv;
  });

  it("sends parts, survives a dropped connection and a reload, and resumes where it stopped", async () => {
    const candidate = await createVideoCandidate(db);
    const { cookie } = await signedIn(candidate.userId, { hasMfa: true });
    const [name, value] = cookie.split("=") as [string, string];
    const context = await browser.newContext();
    await context.addCookies([{ name, value, url: app.url }]);
    const page = await context.newPage();

    const bytes = Buffer.concat([MP4_HEADER, randomBytes(20 * MIB)]);
    const file = path.join(storageDir, "answer.mp4");
    fs.writeFileSync(file, bytes);

    // The network drops for every part after the first, until the candidate reloads.
    const offsets: number[] = [];
    let offline = true;
    await page.route("**/uploads/videos/*", async (route) => {
      const request = route.request();
      if (request.method() !== "PATCH") return route.continue();
      const offset = Number(request.headers()["upload-offset"]);
      offsets.push(offset);
      if (offline && offset > 0) return route.abort("connectionreset");
      return route.continue();
    });

    const uploadPage = `${app.url}/candidate/questions/${candidate.questionId}/video`;
    await page.goto(uploadPage);
    await page.setInputFiles("#video", file);
    await page.click('form[data-video-upload] button[type="submit"]');
    const status = page.locator("[data-upload-status]");
    await expect
      .poll(() => status.textContent(), { timeout: 15_000 })
      .toMatch(/connection dropped/);
    expect(await page.locator("progress").getAttribute("value")).not.toBe("0");

    offline = false;
    offsets.length = 0;
    await page.goto(uploadPage);
    await page.setInputFiles("#video", file);
    await Promise.all([
      page.waitForURL(/\/candidate\/videos\/[0-9a-f-]{36}$/, { timeout: 30_000 }),
      page.click('form[data-video-upload] button[type="submit"]'),
    ]);
    // After the reload, the first part sent was the one the server did not have.
    expect(offsets[0]).toBe(8 * MIB);
    expect(offsets).toEqual([8 * MIB, 16 * MIB]);
    await expect
      .poll(() => page.locator("[data-video-status]").textContent())
      .toBe("Uploaded, waiting to be processed");

    const videoId = page.url().split("/").pop()!;
    const row = await db("videos").where({ id: videoId }).first();
    const stored = fs.readFileSync(path.join(storageDir, row.original_key));
    const digest = (data: Buffer) => createHash("sha256").update(data).digest("hex");
    expect(digest(stored)).toBe(digest(bytes));
    expect(await page.evaluate(() => Object.keys(localStorage))).toEqual([]);
    console.info(
      `upload.js: ${bytes.length} bytes, parts after the reload at ${offsets.map((o) => o / MIB)} MiB, sha256 matches`,
    );
    await context.close();
  }, 90_000);
});
