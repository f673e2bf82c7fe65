import {
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { DistrictForm } from "~/components/ballot-forms";
import { ConsoleTrail } from "~/components/console-trail";
import { FormMessage } from "~/components/form";
import { actorFrom } from "~/lib/auth.server";
import { requireConsole } from "~/lib/console.server";
import { db } from "~/lib/db.server";
import { typedValues } from "~/lib/form-schemas.server";
import { parseForm, readForm } from "~/lib/forms.server";
import { localized, useLocale, useT } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import {
  DISTRICT_KINDS,
  districtForm,
  listDistricts,
  saveDistrict,
} from "~/services/ballot-setup.server";

export const meta: MetaFunction = (args) => pageMeta(args, "console.district.title");
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

/** The jurisdiction's electoral districts (which contests are for), and a form to add one. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { jurisdiction } = await requireConsole(request, params.jurisdiction, "clerk");
  return {
    jurisdiction,
    districts: await listDistricts(db(), jurisdiction.id),
    kinds: DISTRICT_KINDS,
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, jurisdiction } = await requireConsole(request, params.jurisdiction, "clerk");
  const body = await readForm(request);
  const form = parseForm(districtForm, body);
  if (!form.ok) return { errors: form.errors, values: form.values };
  const saved = await saveDistrict(
    db(),
    { jurisdictionId: jurisdiction.id },
    null,
    form.data,
    actorFrom(context, user),
  );
  if (!saved.ok) return { errors: saved.errors, values: typedValues(body) };
  return redirect(`/console/${jurisdiction.slug}/districts?done=saved`, { status: 303 });
}

export default function Districts() {
  const { jurisdiction, districts, kinds } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const [params] = useSearchParams();
  return (
    <section aria-labelledby="page-title" className="space-y-6">
      <ConsoleTrail
        jurisdiction={{ slug: jurisdiction.slug, name: localized(jurisdiction.name, locale) }}
      />
      <h1 id="page-title" className="text-2xl font-bold">
        {t("console.district.title")}
      </h1>
      <FormMessage
        message={params.get("done") === "saved" ? "console.district.saved" : undefined}
        tone="info"
      />
      {districts.length === 0 ? (
        <p>{t("console.district.none")}</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left">
            <thead>
              <tr className="border-b border-slate-300">
                <th scope="col" className="py-2 pr-3">
                  {t("console.district.name")}
                </th>
                <th scope="col" className="py-2 pr-3">
                  {t("console.district.kind")}
                </th>
                <th scope="col" className="py-2">
                  {t("console.district.ocdId")}
                </th>
              </tr>
            </thead>
            <tbody>
              {districts.map((district) => (
                <tr key={district.id} className="border-b border-slate-200">
                  <td className="py-2 pr-3">
                    <a
                      href={`/console/${jurisdiction.slug}/districts/${district.id}`}
                      className="text-brand underline"
                    >
                      {localized(district.name, locale)}
                    </a>
                  </td>
                  <td className="py-2 pr-3">{district.kind}</td>
                  <td className="py-2 break-all">{district.ocdId ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <section aria-labelledby="add-title">
        <h2 id="add-title" className="mb-2 text-xl font-semibold">
          {t("console.district.add")}
        </h2>
        <DistrictForm
          kinds={kinds}
          values={result?.values ?? {}}
          errors={result?.errors ?? {}}
          submitLabel={t("console.district.create")}
        />
      </section>
    </section>
  );
}
