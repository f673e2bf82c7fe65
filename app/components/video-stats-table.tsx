import { useT } from "~/lib/i18n";
import type { ElectionVideoStat } from "~/services/video-stats.server";

/**
 * Plays and completions (watched to 90 %) of video answers, counted per day without anything
 * about the viewers; completions only where the player ran JavaScript.
 */
export function VideoStatsTable({
  stats,
  withCandidate = true,
}: {
  stats: ElectionVideoStat[];
  withCandidate?: boolean;
}) {
  const t = useT();
  return (
    <section aria-labelledby="video-stats-title">
      <h2 id="video-stats-title" className="mb-2 text-xl font-semibold">
        {t("answers.stats.title")}
      </h2>
      <p className="mb-2 text-sm text-slate-700">{t("answers.stats.hint")}</p>
      {stats.length === 0 ? (
        <p>{t("answers.stats.none")}</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <thead>
              <tr className="border-b border-slate-300">
                {withCandidate ? (
                  <th scope="col" className="py-1 pr-3">
                    {t("answers.stats.candidate")}
                  </th>
                ) : null}
                <th scope="col" className="py-1 pr-3">
                  {t("answers.stats.question")}
                </th>
                <th scope="col" className="py-1 pr-3">
                  {t("answers.stats.plays")}
                </th>
                <th scope="col" className="py-1 pr-3">
                  {t("answers.stats.completions")}
                </th>
              </tr>
            </thead>
            <tbody>
              {stats.map((row) => (
                <tr key={row.answerId} className="border-b border-slate-200">
                  {withCandidate ? <td className="py-1 pr-3">{row.candidateName}</td> : null}
                  <th scope="row" className="py-1 pr-3 font-normal">
                    {row.questionBody}
                  </th>
                  <td className="py-1 pr-3">{row.plays}</td>
                  <td className="py-1 pr-3">{row.completions}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
