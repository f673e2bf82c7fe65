import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { AuditLogView } from "~/components/audit-log-view";
import { ConsoleTrail } from "~/components/console-trail";
import { requireConsole } from "~/lib/console.server";
import { db } from "~/lib/db.server";
import { localized, useLocale, useT } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { auditFilterFromQuery, auditPage } from "~/services/audit-log.server";

export const meta: MetaFunction = (args) => pageMeta(args, "console.audit.title");
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

/** The jurisdiction's audit log, for its clerks: only entries recorded for this jurisdiction. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { jurisdiction } = await requireConsole(request, params.jurisdiction, "clerk");
  const query = new URL(request.url).searchParams;
  const { filter, values, errors } = auditFilterFromQuery(
    query,
    jurisdiction.id,
    jurisdiction.timeZone,
  );
  const before = query.get("before");
  const page = await auditPage(
    db(),
    filter,
    before && /^\d{1,19}$/.test(before) ? before : undefined,
  );
  return { jurisdiction, ...page, values, errors, before: Boolean(before) };
}

export default function JurisdictionAudit() {
  const { jurisdiction, entries, nextBefore, values, errors, before } =
    useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <section aria-labelledby="page-title">
      <ConsoleTrail
        jurisdiction={{ slug: jurisdiction.slug, name: localized(jurisdiction.name, locale) }}
      />
      <h1 id="page-title" className="mb-4 text-2xl font-bold">
        {t("console.audit.title")}
      </h1>
      <AuditLogView
        path={`/console/${jurisdiction.slug}/audit`}
        entries={entries}
        nextBefore={nextBefore}
        filtered={{ before }}
        values={values}
        errors={errors}
        timeZone={jurisdiction.timeZone}
        showJurisdiction={false}
      />
    </section>
  );
}
