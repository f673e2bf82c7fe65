import {
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { DistrictForm } from "~/components/ballot-forms";
import { ConsoleTrail } from "~/components/console-trail";
import { actorFrom } from "~/lib/auth.server";
import { requireConsole } from "~/lib/console.server";
import { db } from "~/lib/db.server";
import { typedValues } from "~/lib/form-schemas.server";
import { parseForm, readForm } from "~/lib/forms.server";
import { notFound } from "~/lib/http.server";
import { localized, useLocale, useT } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import {
  DISTRICT_KINDS,
  districtForm,
  findDistrict,
  saveDistrict,
} from "~/services/ballot-setup.server";

export const meta: MetaFunction = (args) => pageMeta(args, "console.district.edit");
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

async function load(request: Request, params: LoaderFunctionArgs["params"]) {
  const access = await requireConsole(request, params.jurisdiction, "clerk");
  const district = await findDistrict(
    db(),
    { jurisdictionId: access.jurisdiction.id },
    params.district ?? "",
  );
  if (!district) throw notFound();
  return { ...access, district };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { jurisdiction, district } = await load(request, params);
  return {
    jurisdiction,
    district,
    // an imported district may have a type outside our list: it stays choosable for it
    kinds: (DISTRICT_KINDS as readonly string[]).includes(district.kind)
      ? [...DISTRICT_KINDS]
      : [district.kind, ...DISTRICT_KINDS],
    values: {
      nameEn: district.name.en ?? "",
      nameEs: district.name.es ?? "",
      kind: district.kind,
      ocdId: district.ocdId ?? "",
    },
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, jurisdiction, district } = await load(request, params);
  const body = await readForm(request);
  const form = parseForm(districtForm, body);
  if (!form.ok) return { errors: form.errors, values: form.values };
  const saved = await saveDistrict(
    db(),
    { jurisdictionId: jurisdiction.id },
    district.id,
    form.data,
    actorFrom(context, user),
  );
  if (!saved.ok) return { errors: saved.errors, values: typedValues(body) };
  return redirect(`/console/${jurisdiction.slug}/districts?done=saved`, { status: 303 });
}

export default function EditDistrict() {
  const { jurisdiction, district, kinds, values } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  return (
    <section aria-labelledby="page-title">
      <ConsoleTrail
        jurisdiction={{ slug: jurisdiction.slug, name: localized(jurisdiction.name, locale) }}
        trail={[
          { href: `/console/${jurisdiction.slug}/districts`, label: t("console.district.title") },
        ]}
      />
      <h1 id="page-title" className="mb-4 text-2xl font-bold">
        {localized(district.name, locale)}
      </h1>
      <DistrictForm
        kinds={kinds}
        values={result?.values ?? values}
        errors={result?.errors ?? {}}
        submitLabel={t("console.save")}
      />
    </section>
  );
}
