import type { LoaderFunctionArgs } from "@remix-run/node";
import { csvResponse, csvStream } from "~/lib/csv.server";
import { db } from "~/lib/db.server";
import { notFound } from "~/lib/http.server";
import { localeFromRequest } from "~/lib/locale.server";
import { findElection } from "~/services/elections.server";
import { LEDGER_CSV_HEADER, ledgerCsvRows } from "~/services/moderation-ledger.server";

/** The whole moderation ledger of an election as CSV, rules in the visitor's language. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const election = await findElection(db(), params.jurisdiction ?? "", params.election ?? "");
  if (!election) throw notFound();
  return csvResponse(
    csvStream(LEDGER_CSV_HEADER, ledgerCsvRows(db(), election.id, localeFromRequest(request))),
    `moderation-ledger-${election.jurisdictionSlug}-${election.slug}.csv`,
  );
}
