import {
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { PartyForm } from "~/components/ballot-forms";
import { ConsoleTrail } from "~/components/console-trail";
import { actorFrom } from "~/lib/auth.server";
import { requireConsole } from "~/lib/console.server";
import { db } from "~/lib/db.server";
import { typedValues } from "~/lib/form-schemas.server";
import { parseForm, readForm } from "~/lib/forms.server";
import { notFound } from "~/lib/http.server";
import { localized, useLocale, useT } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { findParty, partyForm, saveParty } from "~/services/ballot-setup.server";

export const meta: MetaFunction = (args) => pageMeta(args, "console.party.edit");
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

async function load(request: Request, params: LoaderFunctionArgs["params"]) {
  const access = await requireConsole(request, params.jurisdiction, "clerk");
  const party = await findParty(
    db(),
    { jurisdictionId: access.jurisdiction.id },
    params.party ?? "",
  );
  if (!party) throw notFound();
  return { ...access, party };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { jurisdiction, party } = await load(request, params);
  return {
    jurisdiction,
    party,
    values: {
      nameEn: party.name.en ?? "",
      nameEs: party.name.es ?? "",
      abbreviation: party.abbreviation ?? "",
      color: party.color ?? "",
    },
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, jurisdiction, party } = await load(request, params);
  const body = await readForm(request);
  const form = parseForm(partyForm, body);
  if (!form.ok) return { errors: form.errors, values: form.values };
  const saved = await saveParty(
    db(),
    { jurisdictionId: jurisdiction.id },
    party.id,
    form.data,
    actorFrom(context, user),
  );
  if (!saved.ok) return { errors: saved.errors, values: typedValues(body) };
  return redirect(`/console/${jurisdiction.slug}/parties?done=saved`, { status: 303 });
}

export default function EditParty() {
  const { jurisdiction, party, values } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  return (
    <section aria-labelledby="page-title">
      <ConsoleTrail
        jurisdiction={{ slug: jurisdiction.slug, name: localized(jurisdiction.name, locale) }}
        trail={[{ href: `/console/${jurisdiction.slug}/parties`, label: t("console.party.title") }]}
      />
      <h1 id="page-title" className="mb-4 text-2xl font-bold">
        {localized(party.name, locale)}
      </h1>
      <PartyForm
        values={result?.values ?? values}
        errors={result?.errors ?? {}}
        submitLabel={t("console.save")}
      />
    </section>
  );
}
