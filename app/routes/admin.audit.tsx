import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { AuditLogView } from "~/components/audit-log-view";
import { requireRole } from "~/lib/auth.server";
import { db } from "~/lib/db.server";
import { useT } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { auditFilterFromQuery, auditPage } from "~/services/audit-log.server";

export const meta: MetaFunction = (args) => pageMeta(args, "admin.audit.title");
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

/** The whole audit log, every jurisdiction's and the global entries, for admins (times in UTC). */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "admin", null);
  const query = new URL(request.url).searchParams;
  const { filter, values, errors } = auditFilterFromQuery(query, null, "UTC");
  const before = query.get("before");
  const page = await auditPage(
    db(),
    filter,
    before && /^\d{1,19}$/.test(before) ? before : undefined,
  );
  return { ...page, values, errors, before: Boolean(before) };
}

export default function AdminAudit() {
  const { entries, nextBefore, values, errors, before } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" className="mb-4 text-2xl font-bold">
        {t("admin.audit.title")}
      </h1>
      <AuditLogView
        path="/admin/audit"
        entries={entries}
        nextBefore={nextBefore}
        filtered={{ before }}
        values={values}
        errors={errors}
        timeZone="UTC"
        showJurisdiction
      />
    </section>
  );
}
