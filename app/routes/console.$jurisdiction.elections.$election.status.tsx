import {
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { ConsoleTrail } from "~/components/console-trail";
import { FormMessage } from "~/components/form";
import { actorFrom } from "~/lib/auth.server";
import { requireConsole } from "~/lib/console.server";
import { db } from "~/lib/db.server";
import { readForm } from "~/lib/forms.server";
import { badRequest, notFound } from "~/lib/http.server";
import { localized, useLocale, useT, type MessageKey } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { allowedTransitions, transitionElection } from "~/services/election-lifecycle.server";
import { findElection } from "~/services/election-setup.server";

export const meta: MetaFunction = (args) => pageMeta(args, "console.lifecycle.confirmTitle");
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

const STATUSES = ["draft", "questions_open", "answers_open", "closed", "archived"] as const;

async function load(request: Request, params: LoaderFunctionArgs["params"]) {
  const access = await requireConsole(request, params.jurisdiction, "clerk");
  const election = await findElection(db(), access.jurisdiction.id, params.election ?? "");
  if (!election) throw notFound();
  return { ...access, election };
}

/**
 * The confirmation of one lifecycle step (`?to=<status>`): what it changes for voters and
 * candidates, and the button that does it. A step not allowed from the current status shows
 * the steps that are.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { jurisdiction, election } = await load(request, params);
  const to = new URL(request.url).searchParams.get("to");
  const allowed = allowedTransitions(election.status);
  return {
    jurisdiction,
    election: { slug: election.slug, name: election.name, status: election.status },
    to: allowed.find((status) => status === to) ?? null,
    allowed,
  };
}

const PROBLEMS: Record<string, MessageKey> = {
  stale: "console.lifecycle.stale",
  windowOver: "console.lifecycle.windowOver",
  notAllowed: "console.lifecycle.notAllowed",
};

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, jurisdiction, election } = await load(request, params);
  const form = z
    .object({ from: z.enum(STATUSES), to: z.enum(STATUSES) })
    .safeParse(Object.fromEntries(await readForm(request)));
  if (!form.success) throw badRequest();
  const outcome = await transitionElection(
    db(),
    { jurisdictionId: jurisdiction.id, electionId: election.id, ...form.data },
    actorFrom(context, user),
  );
  if (!outcome.ok) return { problem: PROBLEMS[outcome.problem]! };
  return redirect(`/console/${jurisdiction.slug}/elections/${election.slug}?done=status`, {
    status: 303,
  });
}

export default function ConfirmTransition() {
  const { jurisdiction, election, to, allowed } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const name = localized(election.name, locale);
  const back = `/console/${jurisdiction.slug}/elections/${election.slug}`;
  return (
    <section aria-labelledby="page-title" className="max-w-xl space-y-4">
      <ConsoleTrail
        jurisdiction={{ slug: jurisdiction.slug, name: localized(jurisdiction.name, locale) }}
        trail={[{ href: back, label: name }]}
      />
      <h1 id="page-title" className="text-2xl font-bold">
        {to ? t(`console.lifecycle.to.${to}`) : t("console.lifecycle.confirmTitle")}
      </h1>
      <FormMessage message={result?.problem} />
      <p>{t("console.lifecycle.status", { status: t(`election.status.${election.status}`) })}</p>
      {to ? (
        <>
          <p>{t(`console.lifecycle.effect.${to}`)}</p>
          <form method="post">
            <input type="hidden" name="from" value={election.status} />
            <input type="hidden" name="to" value={to} />
            <button
              type="submit"
              className="rounded bg-brand px-4 py-2 font-semibold text-white hover:bg-brand-dark"
            >
              {t(`console.lifecycle.confirm.${to}`, { name })}
            </button>
          </form>
        </>
      ) : (
        <p>
          {allowed.length
            ? t("console.lifecycle.onlyNext", { status: t(`election.status.${allowed[0]!}`) })
            : t("console.lifecycle.final")}
        </p>
      )}
      <p>
        <a href={back} className="text-brand underline">
          {t("console.lifecycle.cancel")}
        </a>
      </p>
    </section>
  );
}
