import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireConsole } from "~/lib/console.server";
import { csvResponse, csvStream } from "~/lib/csv.server";
import { db } from "~/lib/db.server";
import { auditExport, auditFilterFromQuery } from "~/services/audit-log.server";

/** The jurisdiction's audit log as CSV, with the filter of the page it was asked from. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { jurisdiction } = await requireConsole(request, params.jurisdiction, "clerk");
  const query = new URL(request.url).searchParams;
  const { filter } = auditFilterFromQuery(query, jurisdiction.id, jurisdiction.timeZone);
  const { header, rows } = auditExport(db(), filter);
  return csvResponse(csvStream(header, rows), `audit-${jurisdiction.slug}.csv`);
}
