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
import { localized, useLocale, useT } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { createElection, electionForm } from "~/services/election-setup.server";
import { officeSettings } from "~/services/office-settings.server";

export const meta: MetaFunction = (args) => pageMeta(args, "console.election.new");
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { jurisdiction } = await requireConsole(request, params.jurisdiction, "clerk");
  // a new election starts with the office's moderation mode (its settings page)
  const { defaultModerationMode } = await officeSettings(db(), jurisdiction.id);
  return { jurisdiction, defaultModerationMode };
}

/** Creates the election in draft, then shows it: its contests are added from there. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, jurisdiction } = await requireConsole(request, params.jurisdiction, "clerk");
  const body = await readForm(request);
  const form = parseForm(electionForm(jurisdiction.timeZone), body);
  if (!form.ok) return { errors: form.errors, values: form.values };
  const saved = await createElection(db(), jurisdiction.id, form.data, actorFrom(context, user));
  if (!saved.ok) return { errors: saved.errors, values: typedValues(body) };
  return redirect(`/console/${jurisdiction.slug}/elections/${saved.slug}`, { status: 303 });
}

export default function NewElection() {
  const { jurisdiction, defaultModerationMode } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  return (
    <section aria-labelledby="page-title">
      <ConsoleTrail
        jurisdiction={{ slug: jurisdiction.slug, name: localized(jurisdiction.name, locale) }}
      />
      <h1 id="page-title" className="mb-4 text-2xl font-bold">
        {t("console.election.new")}
      </h1>
      <ElectionForm
        values={result?.values ?? { moderationMode: defaultModerationMode }}
        errors={result?.errors ?? {}}
        timeZone={jurisdiction.timeZone}
        submitLabel={t("console.election.create")}
      />
    </section>
  );
}
