import { formatDate, useLocale, useT } from "~/lib/i18n";
import type { AnswerForDisplay } from "~/services/answers.server";

/**
 * One answer's content: a text as paragraphs, or a video with captions, its transcript in full
 * below (readable without playing anything) and a download link for browsers that cannot play it.
 * The page around it names the candidate and the question.
 */
export function AnswerView({ answer }: { answer: AnswerForDisplay }) {
  const t = useT();
  const locale = useLocale();
  return (
    <div className="space-y-3">
      {answer.video ? (
        <VideoAnswer video={answer.video} candidateName={answer.candidate.ballotName} />
      ) : (
        <TextAnswer body={answer.body ?? ""} />
      )}
      {answer.editedAt ? (
        <p className="text-sm text-slate-700">
          {t("answer.edited", { date: formatDate(new Date(answer.editedAt), locale) })}
        </p>
      ) : null}
    </div>
  );
}

/** Each line the candidate wrote is a paragraph (React escapes the text). */
function TextAnswer({ body }: { body: string }) {
  const paragraphs = body
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  return (
    <div className="space-y-2">
      {paragraphs.map((paragraph, index) => (
        <p key={index}>{paragraph}</p>
      ))}
    </div>
  );
}

function VideoAnswer({
  video,
  candidateName,
}: {
  video: NonNullable<AnswerForDisplay["video"]>;
  candidateName: string;
}) {
  const t = useT();
  const locale = useLocale();
  const smallest = video.sources[0];
  const languageName = languageNameOf(video.captionsLanguage, locale);
  return (
    <div className="space-y-2">
      {/* preload="none": nothing is fetched until the voter presses play (data plans). */}
      <video
        controls
        preload="none"
        poster={video.posterUrl ?? undefined}
        width={smallest?.width}
        height={smallest?.height}
        aria-label={t("video.label", { name: candidateName })}
        className="h-auto w-full rounded bg-black"
      >
        {video.sources.map((source) => (
          <source key={source.url} src={source.url} type={source.type} />
        ))}
        {video.captionsUrl ? (
          <track
            kind="captions"
            srcLang={video.captionsLanguage}
            label={t("video.captions", { language: languageName })}
            src={video.captionsUrl}
            default
          />
        ) : null}
        {t("video.unsupported")}
      </video>
      {smallest ? (
        <p className="text-sm">
          <a href={smallest.url} download className="text-brand underline">
            {t("video.download", { height: smallest.height })}
          </a>
        </p>
      ) : null}
      {video.transcript ? (
        <details open className="rounded border border-slate-200 p-3">
          <summary className="cursor-pointer font-semibold">{t("video.transcript")}</summary>
          <p className="mt-2 whitespace-pre-line">{video.transcript}</p>
        </details>
      ) : null}
    </div>
  );
}

/** "English", "inglés"; the code itself for one Intl cannot name (it throws on malformed codes). */
function languageNameOf(code: string, locale: string): string {
  try {
    return new Intl.DisplayNames([locale], { type: "language" }).of(code) ?? code;
  } catch {
    return code;
  }
}
