import {
  data,
  redirect,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
  MaxPartSizeExceededError,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { FormMessage } from "~/components/form";
import { STATUS_LABELS } from "~/components/video-upload";
import { formatBytes } from "~/lib/bytes";
import { actorFrom } from "~/lib/auth.server";
import { requireCandidate } from "~/lib/candidate-access.server";
import { config } from "~/lib/config.server";
import { db } from "~/lib/db.server";
import { readForm } from "~/lib/forms.server";
import { badRequest, notFound } from "~/lib/http.server";
import { isMessageKey, useLocale, useT, type MessageKey } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { deskQuestion } from "~/services/answer-desk.server";
import { CAPTIONS_MAX_BYTES, type CaptionsProblem } from "~/services/captions.server";
import { publishVideoAnswer, type VideoAnswerOutcome } from "~/services/video-answers.server";
import {
  attachCaptions,
  candidateVideo,
  discardVideo,
  originalUrl,
  retryVideo,
} from "~/services/videos.server";

/** While the worker has the video, the page reloads itself (no JavaScript needed). */
const REFRESH_SECONDS = 10;

export const meta: MetaFunction<typeof loader> = (args) => [
  ...pageMeta(args, "upload.page.title"),
  ...(args.data?.video.status === "uploaded" || args.data?.video.status === "processing"
    ? [{ httpEquiv: "refresh", content: String(REFRESH_SECONDS) }]
    : []),
];
/** A refused captions file may be unread: then the connection closes (see the action). */
export const headers: HeadersFunction = ({ actionHeaders }) => ({
  "Cache-Control": "no-store",
  ...(actionHeaders.get("Connection") === "close" ? { Connection: "close" } : {}),
});

async function load(request: Request, videoId: string | undefined) {
  const access = await requireCandidate(request);
  const video = await candidateVideo(
    db(),
    access.candidacies.map((candidacy) => candidacy.id),
    videoId ?? "",
  );
  if (!video) throw notFound();
  return { ...access, video };
}

/**
 * One of the candidate's videos: its state (uploaded, processing, ready, failed with the reason
 * and "try again"), a preview once ready, its captions, publishing it as the answer, discarding
 * it, and the original by a five-minute link.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { candidacies, video } = await load(request, params.video);
  const detail = video.question ? await deskQuestion(db(), candidacies, video.question.id) : null;
  return {
    video: {
      id: video.id,
      status: video.status,
      failureReason: video.failureReason,
      sizeBytes: video.sizeBytes,
      durationSeconds: video.durationSeconds,
      posterUrl: video.posterUrl,
      sources: video.sources,
      captionsUrl: video.captionsUrl,
      upload: video.upload,
      answer: video.answer,
      questionLanguage: detail?.question.language ?? "en",
    },
    question: video.question,
    windowOpen: detail?.windowOpen ?? false,
    electionMaxMinutes: detail ? Math.round(detail.rules.maxVideoSeconds / 60) : null,
    maxMinutes: Math.floor(config().VIDEO_MAX_SECONDS / 60),
    originalUrl: video.status === "uploading" ? null : await originalUrl(video),
  };
}

type ActionData = { problem: MessageKey };

const CAPTIONS_PROBLEMS: Record<CaptionsProblem | "tooLarge" | "noFile", MessageKey> = {
  empty: "captions.problem.empty",
  notText: "captions.problem.notText",
  notCaptions: "captions.problem.notCaptions",
  badTiming: "captions.problem.badTiming",
  tooManyCues: "captions.problem.tooManyCues",
  tooLarge: "captions.problem.tooLarge",
  noFile: "captions.problem.noFile",
};

const PUBLISH_PROBLEMS: Record<Exclude<VideoAnswerOutcome, { ok: true }>["problem"], MessageKey> = {
  notFound: "upload.publish.notFound",
  notReady: "upload.publish.notReady",
  windowClosed: "upload.publish.windowClosed",
  locked: "answers.locked",
  overDurationLimit: "answers.videoTooLong",
  answeredWithText: "upload.publish.answeredWithText",
  hidden: "upload.publish.hidden",
};

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, video } = await load(request, params.video);
  const actor = actorFrom(context, user);
  const page = `/candidate/videos/${video.id}`;

  // Captions come as a file (multipart), held in memory only up to CAPTIONS_MAX_BYTES.
  if ((request.headers.get("Content-Type") ?? "").startsWith("multipart/form-data")) {
    let form: FormData;
    try {
      form = await unstable_parseMultipartFormData(
        request,
        unstable_createMemoryUploadHandler({ maxPartSize: CAPTIONS_MAX_BYTES }),
      );
    } catch (error) {
      if (error instanceof MaxPartSizeExceededError) {
        // The rest of the file is unread: nothing more may be read from this connection.
        return data<ActionData>(
          { problem: CAPTIONS_PROBLEMS.tooLarge },
          { status: 413, headers: { Connection: "close" } },
        );
      }
      throw badRequest();
    }
    const file = form.get("captions");
    if (form.get("intent") !== "captions") throw badRequest();
    if (video.status !== "ready") {
      return data<ActionData>({ problem: "captions.problem.notReady" }, { status: 409 });
    }
    if (!(file instanceof Blob) || file.size === 0) {
      return data<ActionData>({ problem: CAPTIONS_PROBLEMS.noFile }, { status: 400 });
    }
    const outcome = await attachCaptions(db(), video.id, Buffer.from(await file.arrayBuffer()));
    if (!outcome.ok) {
      return data<ActionData>({ problem: CAPTIONS_PROBLEMS[outcome.problem] }, { status: 400 });
    }
    return redirect(`${page}?done=captions`, { status: 303 });
  }

  const intent = (await readForm(request)).get("intent");
  if (intent === "retry") {
    await retryVideo(db(), video, actor);
    return redirect(page, { status: 303 });
  }
  if (intent === "publish") {
    const outcome = await publishVideoAnswer(db(), video, actor);
    if (!outcome.ok) {
      return data<ActionData>({ problem: PUBLISH_PROBLEMS[outcome.problem] }, { status: 409 });
    }
    return redirect(`${page}?done=${outcome.result}`, { status: 303 });
  }
  if (intent === "discard") {
    if ((await discardVideo(db(), video, actor)) === "inUse") {
      return data<ActionData>({ problem: "upload.discard.inUse" }, { status: 409 });
    }
    const back = video.question ? `/candidate/questions/${video.question.id}/video` : "/candidate";
    return redirect(back, { status: 303 });
  }
  throw badRequest();
}

const DONE: Record<string, MessageKey> = {
  captions: "captions.done",
  published: "upload.publish.done",
  replaced: "upload.publish.replaced",
  unchanged: "upload.publish.unchanged",
};

function IntentButton({
  intent,
  label,
  danger = false,
}: {
  intent: string;
  label: string;
  danger?: boolean;
}) {
  return (
    <form method="post">
      <button
        type="submit"
        name="intent"
        value={intent}
        className={`rounded px-4 py-2 font-semibold text-white ${danger ? "bg-red-800 hover:bg-red-900" : "bg-brand hover:bg-brand-dark"}`}
      >
        {label}
      </button>
    </form>
  );
}

export default function VideoPage() {
  const { video, question, windowOpen, electionMaxMinutes, maxMinutes, originalUrl } =
    useLoaderData<typeof loader>();
  const result = useActionData<ActionData>();
  const [params] = useSearchParams();
  const t = useT();
  const locale = useLocale();
  const done = params.get("done");
  // failure_reason holds a message key (videos.server.ts FAILURE)
  const reason =
    video.failureReason && isMessageKey(video.failureReason)
      ? t(video.failureReason, { minutes: maxMinutes })
      : t("transcode.reason.failed");
  const answerIsThis = video.answer?.isThisVideo && video.answer.status === "published";
  return (
    <section aria-labelledby="video-title" className="max-w-2xl space-y-6">
      {question ? (
        <p>
          <a href={`/candidate/questions/${question.id}`} className="text-brand underline">
            {t("upload.page.backToQuestion")}
          </a>
        </p>
      ) : null}
      <div>
        <h1 id="video-title" className="mb-2 text-2xl font-bold">
          {t("upload.page.title")}
        </h1>
        {question ? (
          <blockquote className="border-l-4 border-brand pl-4 text-lg">{question.body}</blockquote>
        ) : null}
      </div>
      <FormMessage message={done ? DONE[done] : undefined} tone="info" />
      <FormMessage message={result?.problem} />

      <section aria-labelledby="status-title" className="space-y-2">
        <h2 id="status-title" className="text-lg font-semibold">
          {t("upload.page.status")}:{" "}
          <span data-video-status={video.status}>{t(STATUS_LABELS[video.status])}</span>
        </h2>
        {video.status === "uploading" ? (
          <p>
            {video.upload
              ? t("upload.page.uploadingParts", {
                  received: formatBytes(video.upload.receivedBytes, locale),
                  total: formatBytes(video.upload.totalBytes, locale),
                })
              : t("upload.page.uploading")}{" "}
            {question ? (
              <a
                href={`/candidate/questions/${question.id}/video`}
                className="text-brand underline"
              >
                {t("upload.title")}
              </a>
            ) : null}
          </p>
        ) : null}
        {video.status === "uploaded" || video.status === "processing" ? (
          <p role="status">{t("upload.page.processing")}</p>
        ) : null}
        {video.status === "failed" ? (
          <>
            <p role="alert" data-failure-reason>
              {reason}
            </p>
            <IntentButton intent="retry" label={t("upload.page.retry")} />
            {question ? (
              <p>
                <a
                  href={`/candidate/questions/${question.id}/video`}
                  className="text-brand underline"
                >
                  {t("upload.page.uploadAnother")}
                </a>
              </p>
            ) : null}
          </>
        ) : null}
        {video.status === "ready" ? (
          <video
            controls
            preload="metadata"
            poster={video.posterUrl ?? undefined}
            className="h-auto w-full rounded bg-black"
            aria-label={t("upload.page.preview")}
          >
            {video.sources.map((source) => (
              <source key={source.url} src={source.url} type={source.type} />
            ))}
            {video.captionsUrl ? (
              <track
                kind="captions"
                srcLang={video.questionLanguage}
                src={video.captionsUrl}
                default
              />
            ) : null}
          </video>
        ) : null}
        {originalUrl ? (
          <p className="text-sm">
            <a href={originalUrl} className="text-brand underline">
              {t("upload.page.original")}
            </a>
            {video.sizeBytes ? ` (${formatBytes(video.sizeBytes, locale)})` : ""}
          </p>
        ) : null}
      </section>

      {video.status === "ready" ? (
        <section aria-labelledby="captions-title" className="space-y-2">
          <h2 id="captions-title" className="text-lg font-semibold">
            {t("captions.title")}
          </h2>
          <p>{t(video.captionsUrl ? "captions.present" : "captions.absent")}</p>
          <form method="post" encType="multipart/form-data" className="space-y-2">
            <input type="hidden" name="intent" value="captions" />
            <label htmlFor="captions" className="block font-medium">
              {t("captions.label")}
            </label>
            <p id="captions-hint" className="text-sm text-slate-700">
              {t("captions.hint")}
            </p>
            <input
              id="captions"
              name="captions"
              type="file"
              accept=".vtt,.srt,text/vtt"
              required
              aria-describedby="captions-hint"
              className="block w-full"
            />
            <button
              type="submit"
              className="rounded border border-slate-500 px-4 py-2 font-semibold hover:bg-slate-100"
            >
              {t("captions.submit")}
            </button>
          </form>
        </section>
      ) : null}

      {video.status === "ready" && question ? (
        <section aria-labelledby="publish-title" className="space-y-2">
          <h2 id="publish-title" className="text-lg font-semibold">
            {t("upload.publish.title")}
          </h2>
          {electionMaxMinutes ? (
            <p>{t("answers.videoLimit", { minutes: electionMaxMinutes })}</p>
          ) : null}
          {answerIsThis ? (
            <p>{t("upload.publish.isAnswer")}</p>
          ) : video.answer?.kind === "text" && video.answer.status === "published" ? (
            <p>{t("upload.publish.answeredWithText")}</p>
          ) : !windowOpen ? (
            <p>{t("upload.publish.windowClosed")}</p>
          ) : (
            <>
              {video.answer?.kind === "text" ? <p>{t("upload.publish.replacesDraft")}</p> : null}
              {video.answer?.kind === "video" && video.answer.status === "published" ? (
                <p>{t("upload.publish.replacesVideo")}</p>
              ) : null}
              <IntentButton intent="publish" label={t("upload.publish.submit")} />
            </>
          )}
        </section>
      ) : null}

      {!video.answer?.isThisVideo ? (
        <section aria-labelledby="discard-title" className="space-y-2">
          <h2 id="discard-title" className="text-lg font-semibold">
            {t("upload.discard.title")}
          </h2>
          <p>{t("upload.discard.note")}</p>
          <IntentButton intent="discard" label={t("upload.discard.submit")} danger />
        </section>
      ) : null}
    </section>
  );
}
