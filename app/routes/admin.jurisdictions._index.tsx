import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData, useSearchParams } from "@remix-run/react";
import { FormMessage } from "~/components/form";
import { requireRole } from "~/lib/auth.server";
import { db } from "~/lib/db.server";
import { localized, useLocale, useT } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { listJurisdictionRecords } from "~/services/jurisdictions.server";

export const meta: MetaFunction = (args) => pageMeta(args, "admin.jurisdictions.title");
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

/** Every jurisdiction CivicQ serves, for admins to add and edit. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "admin", null);
  return { jurisdictions: await listJurisdictionRecords(db()) };
}

export default function Jurisdictions() {
  const { jurisdictions } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const [params] = useSearchParams();
  const slugs = new Map(jurisdictions.map((j) => [j.id, j.slug]));
  return (
    <section aria-labelledby="page-title" className="space-y-4">
      <h1 id="page-title" className="text-2xl font-bold">
        {t("admin.jurisdictions.title")}
      </h1>
      <FormMessage
        message={params.get("done") === "saved" ? "admin.jurisdictions.saved" : undefined}
        tone="info"
      />
      <p className="flex gap-6">
        <a href="/admin/jurisdictions/new" className="text-brand underline">
          {t("admin.jurisdictions.new")}
        </a>
        <a href="/admin/offices" className="text-brand underline">
          {t("office.admin.title")}
        </a>
        <a href="/admin/audit" className="text-brand underline">
          {t("admin.audit.title")}
        </a>
      </p>
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm">
          <thead>
            <tr className="border-b border-slate-300">
              <th scope="col" className="py-1 pr-3">
                {t("admin.jurisdictions.name")}
              </th>
              <th scope="col" className="py-1 pr-3">
                {t("admin.jurisdictions.kind")}
              </th>
              <th scope="col" className="py-1 pr-3">
                {t("admin.jurisdictions.ocdId")}
              </th>
              <th scope="col" className="py-1 pr-3">
                {t("admin.jurisdictions.parent")}
              </th>
              <th scope="col" className="py-1">
                <span className="sr-only">{t("console.actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {jurisdictions.map((j) => (
              <tr key={j.id} className="border-b border-slate-200">
                <td className="py-1 pr-3">
                  <a href={`/console/${j.slug}`} className="text-brand underline">
                    {localized(j.name, locale)}
                  </a>
                </td>
                <td className="py-1 pr-3">{t(`admin.jurisdictions.kind.${j.kind}`)}</td>
                <td className="py-1 pr-3 break-all">{j.ocdId ?? "—"}</td>
                <td className="py-1 pr-3">{j.parentId ? slugs.get(j.parentId) : "—"}</td>
                <td className="py-1">
                  <a
                    href={`/admin/jurisdictions/${j.slug}/edit`}
                    aria-label={t("admin.jurisdictions.editLabel", {
                      name: localized(j.name, locale),
                    })}
                    className="text-brand underline"
                  >
                    {t("admin.jurisdictions.edit")}
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
