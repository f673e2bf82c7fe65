/**
 * Fault: the app is SIGKILLed while a candidate's video streams in by the plain form. The
 * half-received video is registered nowhere a voter or the candidate's answer could show it,
 * and the clean-up (app/services/media-cleanup.server.ts) removes its row and its bytes.
 */
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type App } from "../support/app-server";
import { MP4_HEADER } from "../support/video-fixtures";
import { waitFor } from "../support/processes";
import { report } from "./support/services";
import { startStack, type Stack } from "./support/stack";

const DECLARED_BYTES = 40 * 1024 * 1024;

/** Every file in the storage directory (this test's upload is the only thing stored there). */
function storedFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

describe("the app killed mid-upload", () => {
  let stack: Stack;
  let app: App;
  const storageDir = fs.mkdtempSync(path.join(os.tmpdir(), "civicq-upload-kill-"));

  beforeAll(async () => {
    // before anything reads the configuration: the clean-up below runs in this process
    process.env.STORAGE_DIR = storageDir;
    stack = await startStack("uploadkill", { voters: 1 });
    app = await startApp(stack.databaseUrl, { ...stack.appEnv, STORAGE_DIR: storageDir });
  });

  afterAll(async () => {
    await app?.stop();
    await stack?.stop();
    fs.rmSync(storageDir, { recursive: true, force: true });
  });

  it("leaves no half-registered video visible, and the clean-up removes the leftovers", async () => {
    const questionId = stack.candidate.questionIds[0]!;
    const boundary = "----civicq-upload-kill";
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="video"; filename="answer.mp4"\r\nContent-Type: video/mp4\r\n\r\n`,
    );
    // a body that declares 40 MB and sends 4 MB of it, then waits: the app is killed meanwhile
    const request = http.request(`${app.url}/candidate/questions/${questionId}/video/upload`, {
      method: "POST",
      headers: {
        Cookie: stack.candidate.cookie,
        Origin: app.url,
        "Content-Type": `multipart/form-data; boundary=${boundary}`,
        "Content-Length": DECLARED_BYTES,
      },
    });
    request.on("error", () => undefined); // the connection dies with the app
    request.write(head);
    request.write(MP4_HEADER);
    request.write(Buffer.alloc(4 * 1024 * 1024, 1));
    const video: { id: string } = await waitFor(
      async () => stack.db("videos").where({ status: "uploading" }).first("id"),
      30_000,
      "the upload to be registered",
    );
    await waitFor(async () => storedFiles(storageDir).length > 0, 30_000, "bytes in storage");
    process.kill(app.pid, "SIGKILL");
    await waitFor(async () => {
      try {
        process.kill(app.pid, 0);
        return false;
      } catch {
        return true;
      }
    });
    request.destroy();
    const leftovers = storedFiles(storageDir).length;

    // a new instance: the video appears nowhere a voter or the candidate's answer shows
    app = await startApp(stack.databaseUrl, { ...stack.appEnv, STORAGE_DIR: storageDir });
    const publicPage = await (await app.request(`/questions/${questionId}`)).text();
    const desk = await (
      await app.request(`/candidate/questions/${questionId}`, { cookie: stack.candidate.cookie })
    ).text();
    const answers = await stack.db("answers").where({ video_id: video.id }).count({ n: "*" });

    // the hourly clean-up, a day later, removes the row and its bytes
    const { cleanupMedia } = await import("~/services/media-cleanup.server");
    const later = new Date(Date.now() + 25 * 60 * 60 * 1000);
    await stack
      .db("videos")
      .where({ id: video.id })
      .update({ updated_at: new Date(Date.now() - 25 * 60 * 60 * 1000) });
    const cleaned = await cleanupMedia(stack.db, later);
    const rowAfter = await stack.db("videos").where({ id: video.id }).first("id");
    const filesAfter = storedFiles(storageDir);

    report("app SIGKILLed while a 40 MB video streamed in by the plain form", {
      injected: "SIGKILL to build/server.js after 4 MB of the body",
      "left behind": `a videos row 'uploading' and ${leftovers} file(s) in storage`,
      "shown anywhere": `public question page: ${publicPage.includes(video.id)}, candidate desk: ${desk.includes(video.id)}, answers naming it: ${answers[0]!.n}`,
      "clean-up": `stale uploads removed ${cleaned.staleUploads}; row left: ${Boolean(rowAfter)}, files left: ${filesAfter.length}`,
    });
    expect(leftovers).toBeGreaterThan(0);
    expect(publicPage).not.toContain(video.id);
    expect(desk).not.toContain(video.id);
    expect(answers).toEqual([{ n: "0" }]);
    expect(cleaned.staleUploads).toBe(1);
    expect(rowAfter).toBeUndefined();
    expect(filesAfter).toEqual([]);
  });
});
