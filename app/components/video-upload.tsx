import { useNonce } from "~/components/nonce";
import { formatBytes } from "~/lib/bytes";
import { useLocale, useT, type MessageKey } from "~/lib/i18n";
import type { UploadProblem } from "~/services/video-uploads.server";
import type { VideoStatus } from "~/services/videos.server";

export const UPLOAD_PROBLEMS: Record<UploadProblem, MessageKey> = {
  noFile: "upload.problem.noFile",
  empty: "upload.problem.empty",
  notVideo: "upload.problem.notVideo",
  tooLarge: "upload.problem.tooLarge",
  quotaExceeded: "upload.problem.quotaExceeded",
  interrupted: "upload.problem.interrupted",
};

export const STATUS_LABELS: Record<VideoStatus, MessageKey> = {
  uploading: "upload.status.uploading",
  uploaded: "upload.status.uploaded",
  processing: "upload.status.processing",
  ready: "upload.status.ready",
  failed: "upload.status.failed",
};

/**
 * The upload form: a plain multipart form that works everywhere, and /upload.js (loaded with
 * this response's CSP nonce) which, where it runs, sends the file in parts instead, with a
 * progress bar, resuming after a dropped connection. The script's words come from here, in the
 * page's language.
 */
export function VideoUploadForm({
  questionId,
  maxBytes,
  maxSeconds,
}: {
  questionId: string;
  maxBytes: number;
  maxSeconds: number;
}) {
  const t = useT();
  const locale = useLocale();
  const nonce = useNonce();
  const limits = {
    size: formatBytes(maxBytes, locale),
    minutes: Math.floor(maxSeconds / 60),
  };
  return (
    <>
      <form
        method="post"
        encType="multipart/form-data"
        action={`/candidate/questions/${questionId}/video/upload`}
        data-video-upload
        data-question={questionId}
        data-max-bytes={maxBytes}
        data-text-too-large={t("upload.problem.tooLarge", limits)}
        data-text-progress={t("upload.progress")}
        data-text-retrying={t("upload.retrying")}
        data-text-resuming={t("upload.resuming")}
        data-text-failed={t("upload.failedToSend")}
        data-text-done={t("upload.done")}
        className="space-y-3"
      >
        <div>
          <label htmlFor="video" className="mb-1 block font-medium">
            {t("upload.label")}
          </label>
          <p id="video-hint" className="mb-1 text-sm text-slate-700">
            {t("upload.hint", limits)}
          </p>
          <input
            id="video"
            name="video"
            type="file"
            accept="video/*"
            capture
            required
            aria-describedby="video-hint"
            className="block w-full"
          />
        </div>
        <div data-upload-progress hidden>
          <progress max={100} value={0} aria-labelledby="upload-status" className="w-full" />
          <p id="upload-status" role="status" aria-live="polite" data-upload-status />
        </div>
        <button
          type="submit"
          className="rounded bg-brand px-4 py-2 font-semibold text-white hover:bg-brand-dark"
        >
          {t("upload.submit")}
        </button>
      </form>
      <script type="module" src="/upload.js" nonce={nonce} />
    </>
  );
}
