import type { LoaderFunctionArgs } from "@remix-run/node";
import { actorFrom } from "~/lib/auth.server";
import { audit } from "~/lib/audit.server";
import { requireConsole } from "~/lib/console.server";
import { csvResponse, csvStream } from "~/lib/csv.server";
import { db } from "~/lib/db.server";
import { notFound } from "~/lib/http.server";
import { findElection } from "~/services/election-setup.server";
import { electionExport, EXPORT_TABLES, type ExportTable } from "~/services/reports.server";

/**
 * One of the election's exports as CSV (`?table=questions|answers|contests|candidates|days`).
 * Questions and answers are read from the live tables a batch at a time while the download
 * goes on; the report tables come from the last rollup (404 before the first). Each export is
 * audited: it takes data out of CivicQ.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { user, jurisdiction } = await requireConsole(request, params.jurisdiction, "clerk");
  const election = await findElection(db(), jurisdiction.id, params.election ?? "");
  const table = new URL(request.url).searchParams.get("table");
  if (!election || !EXPORT_TABLES.includes(table as ExportTable)) throw notFound();
  await audit(db(), actorFrom(context, user), {
    action: "report.exported",
    targetType: "election",
    targetId: election.id,
    jurisdictionId: jurisdiction.id,
    details: { table },
  });
  // after the audit row, which must not wait for the download
  const data = await electionExport(db(), election.id, table as ExportTable);
  if (!data) throw notFound();
  return csvResponse(csvStream(data.header, data.rows), `${election.slug}-${table}.csv`);
}
