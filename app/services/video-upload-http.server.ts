import { formatBytes } from "~/lib/bytes";
import { config } from "~/lib/config.server";
import { translate, type MessageKey } from "~/lib/i18n";
import { localeFromRequest } from "~/lib/locale.server";
import type { UploadProblem, UploadSession } from "./video-uploads.server";

/**
 * The JSON the resumable upload routes answer /upload.js with: where an upload stands, or why
 * it was refused, in the candidate's language (the script shows the sentence as it is).
 */
export function uploadSessionJson(session: UploadSession, status: number): Response {
  return Response.json(
    {
      url: `/uploads/videos/${session.id}`,
      offset: session.receivedBytes,
      size: session.totalBytes,
      partBytes: session.partBytes,
      complete: session.complete,
      videoUrl: `/candidate/videos/${session.videoId}`,
    },
    {
      status,
      headers: {
        "Upload-Offset": String(session.receivedBytes),
        "Upload-Length": String(session.totalBytes),
        "Cache-Control": "no-store",
      },
    },
  );
}

const PROBLEMS: Record<
  Exclude<UploadProblem, "interrupted">,
  { key: MessageKey; status: number }
> = {
  noFile: { key: "upload.problem.noFile", status: 400 },
  empty: { key: "upload.problem.empty", status: 400 },
  notVideo: { key: "upload.problem.notVideo", status: 415 },
  tooLarge: { key: "upload.problem.tooLarge", status: 413 },
  quotaExceeded: { key: "upload.problem.quotaExceeded", status: 413 },
};

/** A refusal; "interrupted" is a 500 the script retries (the part did not arrive whole). */
export function uploadProblemResponse(request: Request, problem: UploadProblem): Response {
  if (problem === "interrupted") return Response.json({ problem }, { status: 500 });
  const { key, status } = PROBLEMS[problem];
  const locale = localeFromRequest(request);
  const message = translate(locale, key, {
    size: formatBytes(config().VIDEO_MAX_BYTES, locale),
    quota: formatBytes(config().VIDEO_QUOTA_BYTES, locale),
  });
  return Response.json({ problem, message }, { status, headers: { "Cache-Control": "no-store" } });
}
