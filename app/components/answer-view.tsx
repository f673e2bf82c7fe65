import { formatDate, useLocale, useT, type MessageKey } from "~/lib/i18n";
import type { AnswerPart, Source } from "~/services/answer-content";
import type { AnswerForDisplay } from "~/services/answers.server";
import { policyTitle } from "~/services/moderation-policy";
import type { RebuttalForDisplay } from "~/services/rebuttals.server";

/**
 * One answer's content: a text as paragraphs, or a video with captions, its transcript in full
 * below (readable without playing anything) and a download link for browsers that cannot play it.
 * Then its structured parts, the sources it cites, and other candidates' rebuttals beside it.
 * A hidden answer shows only the moderators' public reason in its place.
 * The page around it names the candidate and the question.
 */
export function AnswerView({ answer }: { answer: AnswerForDisplay }) {
  const t = useT();
  const locale = useLocale();
  if (answer.hiddenReason !== null) {
    return (
      <p className="rounded border border-slate-300 bg-slate-50 p-3">
        {t("answers.hidden", { reason: policyTitle(answer.hiddenReason, locale) })}{" "}
        <a href="/moderation-policy" className="text-brand underline">
          {t("answers.hidden.policy")}
        </a>
      </p>
    );
  }
  return (
    <div className="space-y-3">
      {answer.video ? (
        <VideoAnswer
          video={answer.video}
          candidateName={answer.candidate.ballotName}
          answerId={answer.id}
        />
      ) : (
        <TextAnswer body={answer.body ?? ""} />
      )}
      <AnswerParts parts={answer.parts} />
      <SourceList sources={answer.sources} />
      {answer.editedAt ? (
        <p className="text-sm text-slate-700">
          {t("answer.edited", { date: formatDate(new Date(answer.editedAt), locale) })}
        </p>
      ) : null}
      {answer.rebuttals.length > 0 ? <Rebuttals rebuttals={answer.rebuttals} /> : null}
    </div>
  );
}

const PART_TITLES: Record<AnswerPart, MessageKey> = {
  position: "answers.part.position",
  reasoning: "answers.part.reasoning",
  tradeoffs: "answers.part.tradeoffs",
  measures: "answers.part.measures",
};

/** The structured parts the candidate filled, each under its title. */
function AnswerParts({ parts }: { parts: AnswerForDisplay["parts"] }) {
  const t = useT();
  const filled = (Object.keys(PART_TITLES) as AnswerPart[]).filter((part) => parts[part]);
  if (filled.length === 0) return null;
  return (
    <dl className="space-y-2">
      {filled.map((part) => (
        <div key={part}>
          <dt className="font-semibold">{t(PART_TITLES[part])}</dt>
          <dd>
            <TextAnswer body={parts[part]!} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** Cited sources as links (http or https only, checked when saved and when read). */
function SourceList({ sources }: { sources: Source[] }) {
  const t = useT();
  if (sources.length === 0) return null;
  return (
    <div>
      <p className="font-semibold">{t("answers.sources")}</p>
      <ol className="list-decimal pl-6">
        {sources.map((source) => (
          <li key={source.url}>
            <a href={source.url} rel="nofollow ugc noopener" className="text-brand underline">
              {source.title}
            </a>{" "}
            <span className="break-all text-sm text-slate-700">({new URL(source.url).host})</span>
          </li>
        ))}
      </ol>
    </div>
  );
}

/** Other candidates' rebuttals of the answer, oldest first, each dated. */
function Rebuttals({ rebuttals }: { rebuttals: RebuttalForDisplay[] }) {
  const t = useT();
  const locale = useLocale();
  return (
    <aside
      aria-label={t("answers.rebuttals")}
      className="space-y-3 border-l-4 border-slate-400 pl-3"
    >
      {rebuttals.map((rebuttal) => (
        <article key={rebuttal.id} className="space-y-2">
          <h4 className="font-semibold">
            {t("answers.rebuttal.heading", {
              name: rebuttal.candidate.ballotName,
              date: formatDate(new Date(rebuttal.createdAt), locale),
            })}
          </h4>
          <TextAnswer body={rebuttal.body} />
          <SourceList sources={rebuttal.sources} />
        </article>
      ))}
    </aside>
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
  answerId,
}: {
  video: NonNullable<AnswerForDisplay["video"]>;
  candidateName: string;
  answerId: string;
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
        data-stats-url={`/media-stats/${answerId}`}
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
