import { useT } from "~/lib/i18n";

/**
 * "Embed this on your site": the `<iframe>` code for the card of a contest or a question, as
 * plain text in a read-only box to select and copy (no JavaScript needed).
 */
export function EmbedCode({ src, title }: { src: string; title: string }) {
  const t = useT();
  const code = `<iframe src="${src}" title="${title.replaceAll('"', "&quot;")}" width="100%" height="420" style="border:0" loading="lazy"></iframe>`;
  return (
    <details className="mt-6 rounded border border-slate-300 p-3">
      <summary className="cursor-pointer font-medium">{t("opendata.embed.summary")}</summary>
      <p className="my-2 text-sm text-slate-700">{t("opendata.embed.hint")}</p>
      <label htmlFor="embed-code" className="mb-1 block font-medium">
        {t("opendata.embed.label")}
      </label>
      <textarea
        id="embed-code"
        readOnly
        rows={4}
        className="w-full rounded border border-slate-500 p-2 font-mono text-sm"
        value={code}
      />
    </details>
  );
}
