import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ConsoleTrail } from "~/components/console-trail";
import { requireConsole } from "~/lib/console.server";
import { db } from "~/lib/db.server";
import { notFound } from "~/lib/http.server";
import { isUuid } from "~/lib/ids";
import { isMessageKey, localized, useLocale, useT } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { findImport } from "~/services/imports/console.server";
import type { Counts, Reason } from "~/services/imports/records.server";

export const meta: MetaFunction = (args) => pageMeta(args, "import.report.title");
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

/**
 * One import's report: its outcome, what each kind of element came to (added, updated,
 * unchanged, withdrawn, removed, rejected), and every rejected record with where it is in the
 * feed and why. Clerks of the jurisdiction only; another jurisdiction's import does not exist.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { jurisdiction } = await requireConsole(request, params.jurisdiction, "clerk");
  if (!isUuid(params.import)) throw notFound();
  const found = await findImport(db(), jurisdiction.id, params.import);
  if (!found) throw notFound();
  return { jurisdiction, found };
}

const COLUMNS = [
  "read",
  "added",
  "updated",
  "unchanged",
  "withdrawn",
  "removed",
  "rejected",
] as const;

export default function ImportReport() {
  const { jurisdiction, found } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const { report } = found;
  /** A stored reason in the reader's language; a code we have no sentence for shows as is. */
  const explain = (group: "reason" | "failure" | "note", reason: Reason) => {
    const key = `import.${group}.${reason.code}`;
    return isMessageKey(key) ? t(key, reason.params) : reason.code;
  };
  /** "candidate.txt line 4" → "candidate.txt línea 4" */
  const where = (at: string) =>
    at.replace(/\bline (\d+)$/, (_, line: string) => t("import.report.line", { line }));
  const finished = !["queued", "running"].includes(found.status);
  const kinds = Object.entries(report.counts as Record<string, Counts>).sort(([a], [b]) =>
    a.localeCompare(b),
  );
  const listUrl = `/console/${jurisdiction.slug}/imports`;
  return (
    <section aria-labelledby="page-title" className="space-y-6">
      <ConsoleTrail
        jurisdiction={{ slug: jurisdiction.slug, name: localized(jurisdiction.name, locale) }}
        trail={[{ href: listUrl, label: t("import.title") }]}
      />
      <h1 id="page-title" className="text-2xl font-bold">
        {t("import.report.title")}
      </h1>
      <dl className="grid max-w-2xl grid-cols-[auto_1fr] gap-x-4 gap-y-1">
        <dt className="font-medium">{t("import.list.source")}</dt>
        <dd className="break-all">
          {t(`import.kind.${found.sourceKind}`)}: {found.source}
        </dd>
        <dt className="font-medium">{t("import.list.election")}</dt>
        <dd>{found.electionName ? localized(found.electionName, locale) : "—"}</dd>
        <dt className="font-medium">{t("import.report.format")}</dt>
        <dd>
          {found.format ? t(`import.format.${found.format as "vip_xml"}`) : "—"}
          {found.schemaVersion ? ` ${found.schemaVersion}` : ""}
        </dd>
        <dt className="font-medium">{t("import.list.status")}</dt>
        <dd>{t(`import.status.${found.status}`)}</dd>
      </dl>

      {!finished ? (
        <p role="status" className="rounded border border-brand bg-blue-50 p-3">
          {t("import.report.pending")}{" "}
          <a href={`${listUrl}/${found.id}`} className="text-brand underline">
            {t("import.report.reload")}
          </a>
        </p>
      ) : report.failure ? (
        <div role="alert" className="rounded border border-red-700 bg-red-50 p-3 text-red-900">
          <p className="font-semibold">{t("import.report.failed")}</p>
          <p>{explain("failure", report.failure)}</p>
        </div>
      ) : (
        <p role="status" className="rounded border border-brand bg-blue-50 p-3">
          {t(found.status === "unchanged" ? "import.report.unchanged" : "import.report.succeeded")}
        </p>
      )}

      {report.notes.length > 0 ? (
        <section aria-labelledby="notes-title">
          <h2 id="notes-title" className="mb-2 text-xl font-semibold">
            {t("import.report.notes")}
          </h2>
          <ul className="list-disc pl-6">
            {report.notes.map((note, i) => (
              <li key={i}>{explain("note", note)}</li>
            ))}
          </ul>
        </section>
      ) : null}

      {kinds.length > 0 ? (
        <section aria-labelledby="counts-title">
          <h2 id="counts-title" className="mb-2 text-xl font-semibold">
            {t("import.report.counts")}
          </h2>
          <div className="overflow-x-auto">
            <table className="text-left">
              <thead>
                <tr className="border-b border-slate-300">
                  <th scope="col" className="py-2 pr-4">
                    {t("import.report.element")}
                  </th>
                  {COLUMNS.map((column) => (
                    <th key={column} scope="col" className="py-2 pr-4 text-right">
                      {t(`import.counts.${column}`)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {kinds.map(([kind, counts]) => (
                  <tr key={kind} className="border-b border-slate-200">
                    <th scope="row" className="py-1 pr-4 font-normal">
                      {kind}
                    </th>
                    {COLUMNS.map((column) => (
                      <td key={column} className="py-1 pr-4 text-right tabular-nums">
                        {counts[column]}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}

      {report.rejectedTotal > 0 ? (
        <section aria-labelledby="rejected-title">
          <h2 id="rejected-title" className="mb-2 text-xl font-semibold">
            {t("import.report.rejectedTitle", { count: report.rejectedTotal })}
          </h2>
          <div className="overflow-x-auto">
            <table className="w-full text-left">
              <thead>
                <tr className="border-b border-slate-300">
                  <th scope="col" className="py-2 pr-3">
                    {t("import.report.element")}
                  </th>
                  <th scope="col" className="py-2 pr-3">
                    {t("import.report.where")}
                  </th>
                  <th scope="col" className="py-2">
                    {t("import.report.reason")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {report.rejected.map((rejection, i) => (
                  <tr key={i} className="border-b border-slate-200 align-top">
                    <td className="py-1 pr-3">
                      {rejection.element}
                      {rejection.id ? ` ${rejection.id}` : ""}
                    </td>
                    <td className="py-1 pr-3">{where(rejection.at)}</td>
                    <td className="py-1">{explain("reason", rejection.reason)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {report.rejectedTotal > report.rejected.length ? (
            <p className="mt-2">
              {t("import.report.rejectedMore", {
                count: report.rejectedTotal - report.rejected.length,
              })}
            </p>
          ) : null}
        </section>
      ) : null}
    </section>
  );
}
