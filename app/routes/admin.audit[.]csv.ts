import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireRole } from "~/lib/auth.server";
import { csvResponse, csvStream } from "~/lib/csv.server";
import { db } from "~/lib/db.server";
import { auditExport, auditFilterFromQuery } from "~/services/audit-log.server";

/** The whole audit log as CSV, with the filter of the page it was asked from. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "admin", null);
  const { filter } = auditFilterFromQuery(new URL(request.url).searchParams, null, "UTC");
  const { header, rows } = auditExport(db(), filter);
  return csvResponse(csvStream(header, rows), "audit.csv");
}
