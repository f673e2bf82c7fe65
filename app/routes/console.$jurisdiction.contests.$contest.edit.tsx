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
import { localized, useLocale, useT, type LocalizedText } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import {
  contestForm,
  findContest,
  listDistricts,
  updateContest,
  type ContestDetail,
} from "~/services/ballot-setup.server";

export const meta: MetaFunction = (args) => pageMeta(args, "console.contest.edit");
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

async function load(request: Request, params: LoaderFunctionArgs["params"]) {
  const access = await requireConsole(request, params.jurisdiction, "clerk");
  const contest = await findContest(
    db(),
    { jurisdictionId: access.jurisdiction.id },
    params.contest ?? "",
  );
  if (!contest) throw notFound();
  return { ...access, contest };
}

/** The form's fields for a saved contest: each translatable text as its English/Spanish pair. */
function formValues(contest: ContestDetail): Record<string, string> {
  const pair = (name: string, text: LocalizedText | undefined) => ({
    [`${name}En`]: text?.en ?? "",
    [`${name}Es`]: text?.es ?? "",
  });
  return {
    ...pair("title", contest.title),
    ...pair("office", contest.office),
    ...pair("description", contest.description),
    ...pair("summary", contest.measure?.summary),
    ...pair("fullText", contest.measure?.fullText),
    ...pair("pro", contest.measure?.proStatement),
    ...pair("con", contest.measure?.conStatement),
    districtId: contest.districtId ?? "",
    ballotOrder: String(contest.ballotOrder),
    votesAllowed: String(contest.votesAllowed),
  };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { jurisdiction, contest } = await load(request, params);
  return {
    jurisdiction,
    contest: {
      id: contest.id,
      title: contest.title,
      kind: contest.kind,
      election: contest.election,
    },
    values: formValues(contest),
    districts: await listDistricts(db(), jurisdiction.id),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, jurisdiction, contest } = await load(request, params);
  const body = await readForm(request);
  const form = parseForm(contestForm, body);
  if (!form.ok) return { errors: form.errors, values: form.values };
  const saved = await updateContest(
    db(),
    { jurisdictionId: jurisdiction.id },
    contest,
    form.data,
    actorFrom(context, user),
  );
  if (!saved.ok) return { errors: saved.errors, values: typedValues(body) };
  return redirect(`/console/${jurisdiction.slug}/contests/${contest.id}?done=updated`, {
    status: 303,
  });
}

export default function EditContest() {
  const { jurisdiction, contest, values, districts } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const title = localized(contest.title, locale);
  return (
    <section aria-labelledby="page-title">
      <ConsoleTrail
        jurisdiction={{ slug: jurisdiction.slug, name: localized(jurisdiction.name, locale) }}
        trail={[
          {
            href: `/console/${jurisdiction.slug}/elections/${contest.election.slug}`,
            label: localized(contest.election.name, locale),
          },
          { href: `/console/${jurisdiction.slug}/contests/${contest.id}`, label: title },
        ]}
      />
      <h1 id="page-title" className="mb-4 text-2xl font-bold">
        {t("console.contest.editTitle", { title })}
      </h1>
      <ContestForm
        kind={contest.kind === "measure" ? "measure" : "candidate"}
        values={result?.values ?? values}
        errors={result?.errors ?? {}}
        districts={districts.map((d) => ({ value: d.id, label: localized(d.name, locale) }))}
        submitLabel={t("console.save")}
      />
    </section>
  );
}
