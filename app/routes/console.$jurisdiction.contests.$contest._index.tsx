import {
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { CandidateForm } from "~/components/ballot-forms";
import { ConsoleTrail } from "~/components/console-trail";
import { FormMessage } from "~/components/form";
import { actorFrom } from "~/lib/auth.server";
import { requireConsole } from "~/lib/console.server";
import { db } from "~/lib/db.server";
import { typedValues } from "~/lib/form-schemas.server";
import { parseForm, readForm } from "~/lib/forms.server";
import { badRequest, notFound } from "~/lib/http.server";
import { localized, useLocale, useT } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import {
  candidateForm,
  createCandidate,
  findContest,
  listCandidates,
  listDistricts,
  listParties,
} from "~/services/ballot-setup.server";
import { contestQuestions } from "~/services/moderation.server";

export const meta: MetaFunction = (args) => pageMeta(args, "console.contest.pageTitle");
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

/** One contest: its details, its candidates in ballot order (and a form to add one), its questions. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { jurisdiction, contest } = await load(request, params);
  const [candidates, parties, districts, questions] = await Promise.all([
    listCandidates(db(), contest.id),
    listParties(db(), jurisdiction.id),
    listDistricts(db(), jurisdiction.id),
    contestQuestions(db(), contest.id),
  ]);
  return {
    jurisdiction,
    contest,
    candidates,
    parties,
    districtName: districts.find((d) => d.id === contest.districtId)?.name ?? null,
    questions,
  };
}

/** Adds a candidate to a candidate contest. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, jurisdiction, contest } = await load(request, params);
  if (contest.kind !== "candidate") throw badRequest();
  const body = await readForm(request);
  const form = parseForm(candidateForm, body);
  if (!form.ok) return { errors: form.errors, values: form.values };
  const saved = await createCandidate(
    db(),
    { jurisdictionId: jurisdiction.id },
    contest.id,
    form.data,
    actorFrom(context, user),
  );
  if (!saved.ok) return { errors: saved.errors, values: typedValues(body) };
  return redirect(`/console/${jurisdiction.slug}/contests/${contest.id}?done=candidateAdded`, {
    status: 303,
  });
}

const DONE = {
  created: "console.contest.created",
  updated: "console.contest.updated",
  candidateAdded: "console.candidate.created",
  candidateDeleted: "console.candidate.deleted",
} as const;

export default function ContestPage() {
  const { jurisdiction, contest, candidates, parties, districtName, questions } =
    useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const [params] = useSearchParams();
  const done = params.get("done");
  const base = `/console/${jurisdiction.slug}`;
  return (
    <section aria-labelledby="page-title" className="space-y-6">
      <ConsoleTrail
        jurisdiction={{ slug: jurisdiction.slug, name: localized(jurisdiction.name, locale) }}
        trail={[
          {
            href: `${base}/elections/${contest.election.slug}`,
            label: localized(contest.election.name, locale),
          },
        ]}
      />
      <FormMessage
        message={done && done in DONE ? DONE[done as keyof typeof DONE] : undefined}
        tone="info"
      />
      <div>
        <h1 id="page-title" className="text-2xl font-bold">
          {localized(contest.title, locale)}
        </h1>
        <dl className="my-2 grid grid-cols-[auto_1fr] gap-x-4">
          <dt>{t("console.contest.kindLabel")}</dt>
          <dd>
            {t(`console.contest.kind.${contest.kind === "measure" ? "measure" : "candidate"}`)}
          </dd>
          {contest.office.en ? (
            <>
              <dt>{t("console.contest.office")}</dt>
              <dd>{localized(contest.office, locale)}</dd>
            </>
          ) : null}
          <dt>{t("console.contest.district")}</dt>
          <dd>
            {districtName ? localized(districtName, locale) : t("console.contest.noDistrict")}
          </dd>
          <dt>{t("console.ballotOrder")}</dt>
          <dd>{contest.ballotOrder}</dd>
          {contest.kind === "candidate" ? (
            <>
              <dt>{t("console.contest.votesAllowedLabel")}</dt>
              <dd>{contest.votesAllowed}</dd>
            </>
          ) : null}
        </dl>
        {contest.measure ? (
          <p className="whitespace-pre-line">{localized(contest.measure.summary, locale)}</p>
        ) : null}
        <p className="mt-2">
          <a href={`${base}/contests/${contest.id}/edit`} className="text-brand underline">
            {t("console.contest.edit")}
          </a>
        </p>
      </div>

      {contest.kind === "candidate" ? (
        <section aria-labelledby="candidates-title">
          <h2 id="candidates-title" className="mb-2 text-xl font-semibold">
            {t("console.contest.candidates")}
          </h2>
          {candidates.length === 0 ? (
            <p>{t("console.candidate.none")}</p>
          ) : (
            <div className="overflow-x-auto">
              <table className="w-full text-left">
                <thead>
                  <tr className="border-b border-slate-300">
                    <th scope="col" className="py-2 pr-3">
                      {t("console.ballotOrder")}
                    </th>
                    <th scope="col" className="py-2 pr-3">
                      {t("console.candidate.ballotName")}
                    </th>
                    <th scope="col" className="py-2 pr-3">
                      {t("console.candidate.party")}
                    </th>
                    <th scope="col" className="py-2 pr-3">
                      {t("console.candidate.statusLabel")}
                    </th>
                    <th scope="col" className="py-2">
                      {t("console.contest.questions")}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {candidates.map((candidate) => (
                    <tr key={candidate.id} className="border-b border-slate-200">
                      <td className="py-2 pr-3">{candidate.ballotOrder}</td>
                      <td className="py-2 pr-3">
                        <a
                          href={`${base}/candidates/${candidate.id}`}
                          className="text-brand underline"
                        >
                          {candidate.ballotName}
                        </a>
                      </td>
                      <td className="py-2 pr-3">
                        {candidate.partyName ? localized(candidate.partyName, locale) : "—"}
                      </td>
                      <td className="py-2 pr-3">
                        {t(`console.candidate.status.${candidate.status}`)}
                        {candidate.linked ? ` · ${t("console.candidate.linked")}` : ""}
                      </td>
                      <td className="py-2">{candidate.questionCount}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <h3 className="mt-4 mb-2 text-lg font-semibold">{t("console.candidate.add")}</h3>
          <CandidateForm
            values={result?.values ?? {}}
            errors={result?.errors ?? {}}
            parties={parties.map((p) => ({ value: p.id, label: localized(p.name, locale) }))}
            submitLabel={t("console.candidate.create")}
          />
        </section>
      ) : null}

      <section aria-labelledby="questions-title">
        <h2 id="questions-title" className="mb-2 text-xl font-semibold">
          {t("console.contest.questions")}
        </h2>
        {questions.length === 0 ? (
          <p>{t("console.contest.noQuestions")}</p>
        ) : (
          <ul className="space-y-2">
            {questions.map((question) => (
              <li key={question.id} className="rounded border border-slate-200 p-3">
                <p>{question.body}</p>
                <p className="text-sm text-slate-700">
                  {t(`console.question.status.${question.status}`)} ·{" "}
                  {t("console.question.votes", { count: question.voteCount })} ·{" "}
                  <a
                    href={`${base}/moderation/questions/${question.id}`}
                    aria-label={t("console.moderation.openQuestion", {
                      question: question.body.slice(0, 80),
                    })}
                    className="text-brand underline"
                  >
                    {t("console.moderation.open")}
                  </a>
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>
    </section>
  );
}
