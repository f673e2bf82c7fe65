import {
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { ContestForm } from "~/components/ballot-forms";
import { ConsoleTrail } from "~/components/console-trail";
import { actorFrom } from "~/lib/auth.server";
import { requireConsole } from "~/lib/console.server";
import { db } from "~/lib/db.server";
import { typedValues } from "~/lib/form-schemas.server";
import { parseForm, readForm } from "~/lib/forms.server";
import { notFound } from "~/lib/http.server";
import { localized, useLocale, useT } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { contestForm, createContest, listDistricts } from "~/services/ballot-setup.server";
import { findElection } from "~/services/election-setup.server";

export const meta: MetaFunction = (args) => pageMeta(args, "console.contest.new");
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

async function load(request: Request, params: LoaderFunctionArgs["params"]) {
  const access = await requireConsole(request, params.jurisdiction, "clerk");
  const election = await findElection(db(), access.jurisdiction.id, params.election ?? "");
  if (!election) throw notFound();
  return { ...access, election };
}

/** A new contest of the election: `?kind=candidate` (the default) or `?kind=measure`. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { jurisdiction, election } = await load(request, params);
  const kind =
    new URL(request.url).searchParams.get("kind") === "measure" ? "measure" : "candidate";
  return {
    jurisdiction,
    election: { slug: election.slug, name: election.name },
    kind,
    districts: await listDistricts(db(), jurisdiction.id),
  } as const;
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, jurisdiction, election } = await load(request, params);
  const body = await readForm(request);
  const form = parseForm(contestForm, body);
  if (!form.ok) return { errors: form.errors, values: form.values };
  const saved = await createContest(
    db(),
    { jurisdictionId: jurisdiction.id },
    election.id,
    form.data,
    actorFrom(context, user),
  );
  if (!saved.ok) return { errors: saved.errors, values: typedValues(body) };
  return redirect(`/console/${jurisdiction.slug}/contests/${saved.id}?done=created`, {
    status: 303,
  });
}

export default function NewContest() {
  const { jurisdiction, election, kind, districts } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  return (
    <section aria-labelledby="page-title">
      <ConsoleTrail
        jurisdiction={{ slug: jurisdiction.slug, name: localized(jurisdiction.name, locale) }}
        trail={[
          {
            href: `/console/${jurisdiction.slug}/elections/${election.slug}`,
            label: localized(election.name, locale),
          },
        ]}
      />
      <h1 id="page-title" className="mb-4 text-2xl font-bold">
        {kind === "measure"
          ? t("console.contest.addMeasure")
          : t("console.contest.addCandidateContest")}
      </h1>
      <ContestForm
        kind={kind}
        values={result?.values ?? {}}
        errors={result?.errors ?? {}}
        districts={districts.map((d) => ({ value: d.id, label: localized(d.name, locale) }))}
        submitLabel={t("console.contest.create")}
      />
    </section>
  );
}
