import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { FormMessage } from "~/components/form";
import { STATUS_LABELS, UPLOAD_PROBLEMS, VideoUploadForm } from "~/components/video-upload";
import { formatBytes } from "~/lib/bytes";
import { requireCandidate } from "~/lib/candidate-access.server";
import { config } from "~/lib/config.server";
import { db } from "~/lib/db.server";
import { notFound } from "~/lib/http.server";
import { formatDate, useLocale, useT } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { deskQuestion } from "~/services/answer-desk.server";
import { quotaLeft, type UploadProblem } from "~/services/video-uploads.server";
import { videosForQuestion } from "~/services/videos.server";

export const meta: MetaFunction = (args) => pageMeta(args, "upload.title");
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

/**
 * Answering a question by video: the upload form (posted to ./video/upload, which the proxy
 * streams unbuffered) and the candidate's videos for this question, each linking to its page.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const access = await requireCandidate(request);
  const detail = await deskQuestion(db(), access.candidacies, params.question ?? "");
  if (!detail) throw notFound();
  const settings = config();
  return {
    question: {
      id: detail.question.id,
      body: detail.question.body,
      language: detail.question.language,
    },
    windowOpen: detail.windowOpen,
    answer: detail.answer ? { kind: detail.answer.kind, status: detail.answer.status } : null,
    limits: {
      maxBytes: settings.VIDEO_MAX_BYTES,
      // the election's limit, the same for every candidate, within what the worker accepts
      maxSeconds: Math.min(settings.VIDEO_MAX_SECONDS, detail.rules.maxVideoSeconds),
      quotaBytes: settings.VIDEO_QUOTA_BYTES,
      quotaLeft: await quotaLeft(db(), detail.candidacy.id),
    },
    videos: await videosForQuestion(db(), detail.candidacy.id, detail.question.id),
  };
}

export default function VideoUploadPage() {
  const { question, windowOpen, answer, limits, videos } = useLoaderData<typeof loader>();
  // The refusal ./video/upload answers with (this page, rendered at that address).
  const result = useActionData<{ problem?: UploadProblem }>();
  const t = useT();
  const locale = useLocale();
  const problemParams = {
    size: formatBytes(limits.maxBytes, locale),
    quota: formatBytes(limits.quotaBytes, locale),
    left: formatBytes(limits.quotaLeft, locale),
  };
  return (
    <section aria-labelledby="upload-title" className="max-w-2xl space-y-6">
      <p>
        <a href={`/candidate/questions/${question.id}`} className="text-brand underline">
          {t("upload.back")}
        </a>
      </p>
      <div>
        <h1 id="upload-title" className="mb-2 text-2xl font-bold">
          {t("upload.title")}
        </h1>
        <blockquote
          className="border-l-4 border-brand pl-4 text-lg"
          lang={question.language === locale ? undefined : question.language}
        >
          {question.body}
        </blockquote>
      </div>
      {result?.problem ? (
        <p role="alert" className="rounded border border-red-700 bg-red-50 p-3 text-red-900">
          {t(UPLOAD_PROBLEMS[result.problem], problemParams)}
        </p>
      ) : null}
      {!windowOpen ? <FormMessage message="upload.windowClosed" tone="info" /> : null}
      {answer?.kind === "text" && answer.status === "published" ? (
        <FormMessage message="upload.answeredWithText" tone="info" />
      ) : null}
      <VideoUploadForm
        questionId={question.id}
        maxBytes={limits.maxBytes}
        maxSeconds={limits.maxSeconds}
      />
      <p className="text-sm text-slate-700">{t("upload.quota", problemParams)}</p>
      {videos.length > 0 ? (
        <section aria-labelledby="videos-title" className="space-y-2">
          <h2 id="videos-title" className="text-lg font-semibold">
            {t("upload.yourVideos")}
          </h2>
          <ul className="list-disc space-y-1 pl-6">
            {videos.map((video) => (
              <li key={video.id}>
                <a href={`/candidate/videos/${video.id}`} className="text-brand underline">
                  {t("upload.videoFrom", { date: formatDate(new Date(video.createdAt), locale) })}
                </a>{" "}
                · {t(STATUS_LABELS[video.status])}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </section>
  );
}
