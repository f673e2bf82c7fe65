import {
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { CandidateForm } from "~/components/ballot-forms";
import { ConsoleTrail } from "~/components/console-trail";
import { ActionButton, SelectField } from "~/components/fields";
import { Field, FormMessage, SubmitButton } from "~/components/form";
import { actorFrom } from "~/lib/auth.server";
import { requireConsole } from "~/lib/console.server";
import { db } from "~/lib/db.server";
import { typedValues } from "~/lib/form-schemas.server";
import { parseForm, readForm, type FieldErrors } from "~/lib/forms.server";
import { badRequest, notFound } from "~/lib/http.server";
import { LOCALES, LOCALE_NAMES, localized, useLocale, useT, type MessageKey } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { formatDateTime } from "~/lib/time-zone";
import {
  candidateForm,
  deleteCandidate,
  findCandidate,
  listParties,
  setCandidateStatus,
  updateCandidate,
} from "~/services/ballot-setup.server";
import {
  invitationEmail,
  inviteCandidate,
  listInvitations,
  revokeInvitation,
} from "~/services/invitations.server";

export const meta: MetaFunction = (args) => pageMeta(args, "console.candidate.pageTitle");
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

async function load(request: Request, params: LoaderFunctionArgs["params"]) {
  const access = await requireConsole(request, params.jurisdiction, "clerk");
  const candidate = await findCandidate(
    db(),
    { jurisdictionId: access.jurisdiction.id },
    params.candidate ?? "",
  );
  if (!candidate) throw notFound();
  return { ...access, candidate };
}

/** A candidate: their ballot details, withdrawal, and the invitations to claim the profile. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { jurisdiction, candidate } = await load(request, params);
  const [parties, invitations] = await Promise.all([
    listParties(db(), jurisdiction.id),
    listInvitations(db(), candidate.id),
  ]);
  return {
    jurisdiction,
    candidate,
    parties,
    invitations,
    values: {
      ballotName: candidate.ballotName,
      partyId: candidate.partyId ?? "",
      ballotOrder: String(candidate.ballotOrder),
      contactEmail: candidate.contactEmail ?? "",
    },
  };
}

const inviteForm = z.object({
  email: z.email({ error: "form.email.invalid" }).max(254, { error: "form.email.invalid" }),
  locale: z.enum(LOCALES, { error: "form.invalid" }),
});

type ActionResult = {
  errors: FieldErrors;
  values: Record<string, string>;
  form: "candidate" | "invite";
};

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, jurisdiction, candidate } = await load(request, params);
  const actor = actorFrom(context, user);
  const scope = { jurisdictionId: jurisdiction.id };
  const target = { jurisdictionId: jurisdiction.id, candidateId: candidate.id };
  const page = `/console/${jurisdiction.slug}/candidates/${candidate.id}`;
  const back = (query: string) => redirect(`${page}?${query}`, { status: 303 });
  const body = await readForm(request);
  const invitationId = z.uuid().safeParse(body.get("invitationId"));
  switch (body.get("intent")) {
    case "save": {
      const form = parseForm(candidateForm, body);
      if (!form.ok)
        return {
          errors: form.errors,
          values: form.values,
          form: "candidate",
        } satisfies ActionResult;
      const saved = await updateCandidate(db(), scope, candidate.id, form.data, actor);
      if (!saved.ok)
        return {
          errors: saved.errors,
          values: typedValues(body),
          form: "candidate",
        } satisfies ActionResult;
      return back("done=updated");
    }
    case "withdraw":
    case "reinstate": {
      const status = body.get("intent") === "withdraw" ? "withdrawn" : "active";
      await setCandidateStatus(db(), scope, candidate.id, status, actor);
      return back(`done=${status}`);
    }
    case "delete": {
      const outcome = await deleteCandidate(db(), scope, candidate.id, actor);
      if (outcome === "hasQuestions") return back("problem=hasQuestions");
      return redirect(
        `/console/${jurisdiction.slug}/contests/${candidate.contest.id}?done=candidateDeleted`,
        {
          status: 303,
        },
      );
    }
    case "invite": {
      const form = parseForm(inviteForm, body);
      if (!form.ok)
        return { errors: form.errors, values: form.values, form: "invite" } satisfies ActionResult;
      const sent = await inviteCandidate(db(), target, form.data, actor);
      return back(sent.ok ? "done=invited" : "problem=alreadyLinked");
    }
    case "resend": {
      if (!invitationId.success) throw badRequest();
      const email = await invitationEmail(db(), candidate.id, invitationId.data);
      if (!email) throw notFound();
      const locale = body.get("locale") === "es" ? "es" : "en";
      const sent = await inviteCandidate(db(), target, { email, locale }, actor);
      return back(sent.ok ? "done=resent" : "problem=alreadyLinked");
    }
    case "revoke": {
      if (!invitationId.success) throw badRequest();
      const revoked = await revokeInvitation(db(), target, invitationId.data, actor);
      return back(revoked ? "done=revoked" : "problem=notLive");
    }
    default:
      throw badRequest();
  }
}

const MESSAGES: Record<string, MessageKey> = {
  updated: "console.candidate.updated",
  withdrawn: "console.candidate.withdrawnDone",
  active: "console.candidate.reinstatedDone",
  invited: "console.invite.sent",
  resent: "console.invite.resent",
  revoked: "console.invite.revoked",
  hasQuestions: "console.candidate.hasQuestions",
  alreadyLinked: "console.invite.alreadyLinked",
  notLive: "console.invite.notLive",
};

export default function CandidatePage() {
  const { jurisdiction, candidate, parties, invitations, values } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const t = useT();
  const locale = useLocale();
  const [params] = useSearchParams();
  const done = params.get("done");
  const problem = params.get("problem");
  const base = `/console/${jurisdiction.slug}`;
  const when = (value: Date) => formatDateTime(value, locale, jurisdiction.timeZone);
  const errorsFor = (form: ActionResult["form"]) => (result?.form === form ? result.errors : {});
  return (
    <section aria-labelledby="page-title" className="space-y-6">
      <ConsoleTrail
        jurisdiction={{ slug: jurisdiction.slug, name: localized(jurisdiction.name, locale) }}
        trail={[
          {
            href: `${base}/elections/${candidate.election.slug}`,
            label: localized(candidate.election.name, locale),
          },
          {
            href: `${base}/contests/${candidate.contest.id}`,
            label: localized(candidate.contest.title, locale),
          },
        ]}
      />
      <FormMessage message={done ? MESSAGES[done] : undefined} tone="info" />
      <FormMessage message={problem ? MESSAGES[problem] : undefined} />
      <div>
        <h1 id="page-title" className="text-2xl font-bold">
          {candidate.ballotName}
        </h1>
        <p>
          {t(`console.candidate.status.${candidate.status}`)}
          {candidate.linked ? ` · ${t("console.candidate.linked")}` : ""} ·{" "}
          {t("console.candidate.questionCount", { count: candidate.questionCount })}
        </p>
      </div>

      <section aria-labelledby="details-title">
        <h2 id="details-title" className="mb-2 text-xl font-semibold">
          {t("console.candidate.details")}
        </h2>
        <CandidateForm
          values={result?.form === "candidate" ? result.values : values}
          errors={errorsFor("candidate")}
          parties={parties.map((p) => ({ value: p.id, label: localized(p.name, locale) }))}
          submitLabel={t("console.save")}
        />
      </section>

      <section aria-labelledby="standing-title" className="space-y-2">
        <h2 id="standing-title" className="text-xl font-semibold">
          {t("console.candidate.standing")}
        </h2>
        <p>{t("console.candidate.withdrawHint")}</p>
        {candidate.status === "active" ? (
          <ActionButton intent="withdraw" label={t("console.candidate.withdraw")} tone="danger" />
        ) : (
          <ActionButton intent="reinstate" label={t("console.candidate.reinstate")} />
        )}
        {candidate.questionCount === 0 ? (
          <>
            <p>{t("console.candidate.deleteHint")}</p>
            <ActionButton intent="delete" label={t("console.candidate.delete")} tone="danger" />
          </>
        ) : null}
      </section>

      <section aria-labelledby="invite-title" className="space-y-3">
        <h2 id="invite-title" className="text-xl font-semibold">
          {t("console.invite.title")}
        </h2>
        {candidate.linked ? (
          <p>{t("console.invite.alreadyLinked")}</p>
        ) : (
          <form method="post" noValidate className="max-w-xl">
            <p className="mb-2">{t("console.invite.intro")}</p>
            <input type="hidden" name="intent" value="invite" />
            <Field
              name="email"
              type="email"
              label="console.invite.email"
              defaultValue={
                result?.form === "invite" ? result.values.email : (candidate.contactEmail ?? "")
              }
              error={errorsFor("invite").email}
              autoComplete="off"
              required
            />
            <SelectField
              name="locale"
              label="console.invite.language"
              defaultValue={result?.form === "invite" ? result.values.locale : locale}
              error={errorsFor("invite").locale}
              options={LOCALES.map((code) => ({ value: code, label: LOCALE_NAMES[code] }))}
            />
            <SubmitButton>{t("console.invite.send")}</SubmitButton>
          </form>
        )}
        {invitations.length === 0 ? (
          <p>{t("console.invite.none")}</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left">
              <caption className="sr-only">{t("console.invite.listCaption")}</caption>
              <thead>
                <tr className="border-b border-slate-300">
                  <th scope="col" className="py-2 pr-3">
                    {t("console.invite.email")}
                  </th>
                  <th scope="col" className="py-2 pr-3">
                    {t("console.invite.sentAt")}
                  </th>
                  <th scope="col" className="py-2 pr-3">
                    {t("console.invite.expiresAt")}
                  </th>
                  <th scope="col" className="py-2 pr-3">
                    {t("console.invite.statusLabel")}
                  </th>
                  <th scope="col" className="py-2">
                    <span className="sr-only">{t("console.actions")}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {invitations.map((invitation) => (
                  <tr key={invitation.id} className="border-b border-slate-200">
                    <td className="py-2 pr-3 break-all">{invitation.email}</td>
                    <td className="py-2 pr-3">{when(invitation.createdAt)}</td>
                    <td className="py-2 pr-3">{when(invitation.expiresAt)}</td>
                    <td className="py-2 pr-3">{t(`console.invite.status.${invitation.status}`)}</td>
                    <td className="space-x-2 py-2">
                      {invitation.status === "sent" ? (
                        <ActionButton
                          intent="revoke"
                          fields={{ invitationId: invitation.id }}
                          label={t("console.invite.revoke")}
                          accessibleLabel={t("console.invite.revokeLabel", {
                            email: invitation.email,
                          })}
                        />
                      ) : null}
                      {invitation.status !== "accepted" && !candidate.linked ? (
                        <ActionButton
                          intent="resend"
                          fields={{ invitationId: invitation.id, locale }}
                          label={t("console.invite.resend")}
                          accessibleLabel={t("console.invite.resendLabel", {
                            email: invitation.email,
                          })}
                        />
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </section>
  );
}
