import { isMessageKey, translate, type Locale } from "~/lib/i18n";
import type { Counts, ImportReport, Reason } from "./records.server";

/** A report as plain text: what the CLI prints (and what tests show). */

export function reasonText(
  locale: Locale,
  group: "reason" | "failure" | "note",
  reason: Reason,
): string {
  const key = `import.${group}.${reason.code}`;
  return isMessageKey(key)
    ? translate(locale, key, reason.params)
    : `${reason.code} ${JSON.stringify(reason.params ?? {})}`;
}

const COLUMNS: Array<Exclude<keyof Counts, "read"> | "read"> = [
  "read",
  "added",
  "updated",
  "unchanged",
  "withdrawn",
  "removed",
  "rejected",
];

export function reportLines(report: ImportReport, status: string, locale: Locale = "en"): string[] {
  const facts = [
    [report.format, report.schemaVersion].filter(Boolean).join(" "),
    report.election?.name,
    report.bytes !== undefined ? `${report.bytes} bytes` : undefined,
    report.durationMs !== undefined ? `${(report.durationMs / 1000).toFixed(1)} s` : undefined,
  ].filter(Boolean);
  const lines = [`${status}: ${facts.join(", ")}`];
  if (report.failure) lines.push(reasonText(locale, "failure", report.failure));
  for (const note of report.notes) lines.push(reasonText(locale, "note", note));
  const kinds = Object.keys(report.counts).sort();
  if (kinds.length > 0) {
    const width = Math.max(...kinds.map((kind) => kind.length));
    lines.push(`${"".padEnd(width)}  ${COLUMNS.map((column) => column.padStart(10)).join("")}`);
    for (const kind of kinds) {
      const counts = report.counts[kind]!;
      lines.push(
        `${kind.padEnd(width)}  ${COLUMNS.map((column) => String(counts[column]).padStart(10)).join("")}`,
      );
    }
  }
  for (const rejection of report.rejected) {
    lines.push(
      `rejected ${rejection.element}${rejection.id ? ` ${rejection.id}` : ""} (${rejection.at}): ${reasonText(locale, "reason", rejection.reason)}`,
    );
  }
  if (report.rejectedTotal > report.rejected.length)
    lines.push(`… and ${report.rejectedTotal - report.rejected.length} more rejected`);
  return lines;
}
