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
import { notFound } from "~/lib/http.server";
import { localized, useLocale, useT } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { timeZoneNames } from "~/lib/time-zone";
import {
  findJurisdictionRecord,
  JURISDICTION_KINDS,
  jurisdictionForm,
  listJurisdictionRecords,
  saveJurisdiction,
} from "~/services/jurisdictions.server";

export const meta: MetaFunction = (args) => pageMeta(args, "admin.jurisdictions.editTitle");
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

async function load(request: Request, slug: string | undefined) {
  const admin = await requireRole(request, "admin", null);
  const jurisdiction = await findJurisdictionRecord(db(), slug ?? "");
  if (!jurisdiction) throw notFound();
  return { admin, jurisdiction };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { jurisdiction } = await load(request, params.jurisdiction);
  const all = await listJurisdictionRecords(db());
  return {
    jurisdiction,
    // a jurisdiction cannot be its own parent (the service also refuses longer loops)
    parents: all.filter((j) => j.id !== jurisdiction.id),
    kinds: JURISDICTION_KINDS,
    timeZones: timeZoneNames(),
    values: {
      nameEn: jurisdiction.name.en ?? "",
      nameEs: jurisdiction.name.es ?? "",
      slug: jurisdiction.slug,
      kind: jurisdiction.kind,
      ocdId: jurisdiction.ocdId ?? "",
      fips: jurisdiction.fips ?? "",
      parentId: jurisdiction.parentId ?? "",
      timeZone: jurisdiction.timeZone,
    },
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { admin, jurisdiction } = await load(request, params.jurisdiction);
  const body = await readForm(request);
  const form = parseForm(jurisdictionForm, body);
  if (!form.ok) return { errors: form.errors, values: form.values };
  const saved = await saveJurisdiction(db(), jurisdiction.id, form.data, actorFrom(context, admin));
  if (!saved.ok) return { errors: saved.errors, values: typedValues(body) };
  return redirect("/admin/jurisdictions?done=saved", { status: 303 });
}

export default function EditJurisdiction() {
  const { jurisdiction, parents, kinds, timeZones, values } = useLoaderData<typeof loader>();
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
        {localized(jurisdiction.name, locale)}
      </h1>
      <JurisdictionForm
        values={result?.values ?? values}
        errors={result?.errors ?? {}}
        kinds={kinds}
        parents={parents.map((j) => ({ value: j.id, label: localized(j.name, locale) }))}
        timeZones={timeZones}
        submitLabel={t("console.save")}
      />
    </section>
  );
}
