import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { App } from "./app-server";
import { MP4_HEADER } from "./video-fixtures";

/**
 * Streaming a large video through the app's plain upload form (as a browser without JavaScript
 * does), and reading a process's memory: for the upload-memory test and the upload benchmark.
 */

export function residentBytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)![1]) * 1024;
}

/** POSTs a multipart form whose one file is `fileBytes` long, streamed, and returns the answer. */
export async function postVideo(app: App, cookie: string, questionId: string, fileBytes: number) {
  const boundary = `----civicq${randomBytes(8).toString("hex")}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="video"; filename="answer.mp4"\r\n` +
      `Content-Type: video/mp4\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const zeros = Buffer.alloc(1024 * 1024);
  function* body() {
    yield head;
    yield MP4_HEADER;
    for (let sent = MP4_HEADER.length; sent < fileBytes; sent += zeros.length) {
      yield zeros.subarray(0, Math.min(zeros.length, fileBytes - sent));
    }
    yield tail;
  }
  const request = http.request(`${app.url}/candidate/questions/${questionId}/video/upload`, {
    method: "POST",
    headers: {
      Cookie: cookie,
      Origin: app.url,
      "Content-Type": `multipart/form-data; boundary=${boundary}`,
      "Content-Length": head.length + fileBytes + tail.length,
    },
  });
  const response = new Promise<http.IncomingMessage>((resolve, reject) => {
    request.on("response", resolve).on("error", reject);
  });
  await pipeline(Readable.from(body()), request);
  const answer = await response;
  answer.resume();
  return answer;
}
