import {
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { ConsoleTrail } from "~/components/console-trail";
import { ElectionForm } from "~/components/election-form";
import { actorFrom } from "~/lib/auth.server";
import { requireConsole } from "~/lib/console.server";
import { db } from "~/lib/db.server";
import { typedValues } from "~/lib/form-schemas.server";
import { parseForm, readForm } from "~/lib/forms.server";
import { notFound } from "~/lib/http.server";
import { localized, useLocale, useT } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { toLocalInput } from "~/lib/time-zone";
import { electionForm, findElection, updateElection } from "~/services/election-setup.server";

export const meta: MetaFunction = (args) => pageMeta(args, "console.election.edit");
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

async function load(request: Request, params: LoaderFunctionArgs["params"]) {
  const access = await requireConsole(request, params.jurisdiction, "clerk");
  const election = await findElection(db(), access.jurisdiction.id, params.election ?? "");
  if (!election) throw notFound();
  return { ...access, election };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { jurisdiction, election } = await load(request, params);
  const zone = jurisdiction.timeZone;
  return {
    jurisdiction,
    election: { slug: election.slug, name: election.name, status: election.status },
    values: {
      nameEn: election.name.en ?? "",
      nameEs: election.name.es ?? "",
      slug: election.slug,
      electionDate: election.electionDate,
      questionsOpenAt: toLocalInput(election.questionsOpenAt, zone),
      questionsCloseAt: toLocalInput(election.questionsCloseAt, zone),
      answersOpenAt: toLocalInput(election.answersOpenAt, zone),
      answersCloseAt: toLocalInput(election.answersCloseAt, zone),
      moderationMode: election.moderationMode,
      answerMaxWords: String(election.answerMaxWords),
      answerMaxVideoMinutes: String(Math.round(election.answerMaxVideoSeconds / 60)),
      candidateOrder: election.candidateOrder,
    },
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, jurisdiction, election } = await load(request, params);
  const body = await readForm(request);
  const form = parseForm(electionForm(jurisdiction.timeZone), body);
  if (!form.ok) return { errors: form.errors, values: form.values };
  const saved = await updateElection(
    db(),
    jurisdiction.id,
    election.id,
    form.data,
    actorFrom(context, user),
  );
  if (!saved.ok) return { errors: saved.errors, values: typedValues(body) };
  return redirect(`/console/${jurisdiction.slug}/elections/${saved.slug}?done=updated`, {
    status: 303,
  });
}

export default function EditElection() {
  const { jurisdiction, election, values } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const name = localized(election.name, locale);
  return (
    <section aria-labelledby="page-title">
      <ConsoleTrail
        jurisdiction={{ slug: jurisdiction.slug, name: localized(jurisdiction.name, locale) }}
        trail={[{ href: `/console/${jurisdiction.slug}/elections/${election.slug}`, label: name }]}
      />
      <h1 id="page-title" className="mb-4 text-2xl font-bold">
        {t("console.election.editTitle", { name })}
      </h1>
      <ElectionForm
        values={result?.values ?? values}
        errors={result?.errors ?? {}}
        timeZone={jurisdiction.timeZone}
        slugLocked={election.status !== "draft"}
        submitLabel={t("console.save")}
      />
    </section>
  );
}
