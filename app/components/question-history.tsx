import { formatDate, useLocale, useT, type MessageKey } from "~/lib/i18n";
import type { EditKind, QuestionVersion } from "~/services/question-history.server";

const KIND_LABELS: Record<EditKind, MessageKey> = {
  original: "civic.history.original",
  author: "civic.history.author",
  moderator_typo: "civic.history.moderatorTypo",
  moderator_redaction: "civic.history.moderatorRedaction",
};

/** Every version of a question, newest first; shown once it has been edited at least once. */
export function QuestionHistory({ versions }: { versions: QuestionVersion[] }) {
  const t = useT();
  const locale = useLocale();
  if (versions.length < 2) return null;
  return (
    <section aria-labelledby="history" className="mb-8">
      <h2 id="history" className="mb-2 text-xl font-bold">
        {t("civic.history.heading")}
      </h2>
      <ol className="space-y-3">
        {[...versions].reverse().map((version) => (
          <li key={version.version} className="rounded border border-slate-300 p-3">
            <p className="text-sm text-slate-700">
              {t("civic.history.version", { version: version.version })} ·{" "}
              {t(KIND_LABELS[version.kind])} · {formatDate(new Date(version.createdAt), locale)}
            </p>
            {version.reason ? (
              <p className="text-sm">{t("civic.history.reason", { reason: version.reason })}</p>
            ) : null}
            {version.body === null ? (
              <p className="text-slate-700 italic">{t("civic.history.redacted")}</p>
            ) : (
              <p className="whitespace-pre-line">{version.body}</p>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
