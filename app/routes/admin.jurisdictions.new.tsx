import {
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { JurisdictionForm } from "~/components/jurisdiction-form";
import { actorFrom, requireRole } from "~/lib/auth.server";
import { db } from "~/lib/db.server";
import { typedValues } from "~/lib/form-schemas.server";
import { parseForm, readForm } from "~/lib/forms.server";
import { localized, useLocale, useT } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { timeZoneNames } from "~/lib/time-zone";
import {
  JURISDICTION_KINDS,
  jurisdictionForm,
  listJurisdictionRecords,
  saveJurisdiction,
} from "~/services/jurisdictions.server";

export const meta: MetaFunction = (args) => pageMeta(args, "admin.jurisdictions.new");
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "admin", null);
  return {
    parents: await listJurisdictionRecords(db()),
    kinds: JURISDICTION_KINDS,
    timeZones: timeZoneNames(),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requireRole(request, "admin", null);
  const body = await readForm(request);
  const form = parseForm(jurisdictionForm, body);
  if (!form.ok) return { errors: form.errors, values: form.values };
  const saved = await saveJurisdiction(db(), null, form.data, actorFrom(context, admin));
  if (!saved.ok) return { errors: saved.errors, values: typedValues(body) };
  return redirect("/admin/jurisdictions?done=saved", { status: 303 });
}

export default function NewJurisdiction() {
  const { parents, kinds, timeZones } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  return (
    <section aria-labelledby="page-title">
      <p className="mb-4 text-sm">
        <a href="/admin/jurisdictions" className="text-brand underline">
          {t("admin.jurisdictions.title")}
        </a>
      </p>
      <h1 id="page-title" className="mb-4 text-2xl font-bold">
        {t("admin.jurisdictions.new")}
      </h1>
      <JurisdictionForm
        values={result?.values ?? {}}
        errors={result?.errors ?? {}}
        kinds={kinds}
        parents={parents.map((j) => ({ value: j.id, label: localized(j.name, locale) }))}
        timeZones={timeZones}
        submitLabel={t("admin.jurisdictions.create")}
      />
    </section>
  );
}
