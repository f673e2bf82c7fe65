import {
  data,
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { ConsoleTrail } from "~/components/console-trail";
import { SelectField, TextAreaField } from "~/components/fields";
import { Field, FormMessage, SubmitButton } from "~/components/form";
import { actorFrom } from "~/lib/auth.server";
import { requireConsole } from "~/lib/console.server";
import { db } from "~/lib/db.server";
import { parseForm, readForm } from "~/lib/forms.server";
import { LOCALE_NAMES, LOCALES, localized, useLocale, useT } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import {
  officeSettings,
  officeSettingsForm,
  saveOfficeSettings,
} from "~/services/office-settings.server";

export const meta: MetaFunction = (args) => pageMeta(args, "office.settings.title");
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

/** The office's branding and settings: owners and admins (docs/offices.md). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { jurisdiction } = await requireConsole(request, params.jurisdiction, "settings");
  return { jurisdiction, settings: await officeSettings(db(), jurisdiction.id) };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, jurisdiction } = await requireConsole(request, params.jurisdiction, "settings");
  const form = parseForm(officeSettingsForm, await readForm(request));
  if (!form.ok) return data(form, 400);
  await saveOfficeSettings(db(), jurisdiction.id, form.data, actorFrom(context, user));
  return redirect(`/console/${jurisdiction.slug}/settings?done=saved`, { status: 303 });
}

export default function OfficeSettingsPage() {
  const { jurisdiction, settings } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const t = useT();
  const locale = useLocale();
  const errors = result && !result.ok ? result.errors : {};
  const typed = result && !result.ok ? result.values : null;
  const enabled = (code: string) =>
    typed
      ? typed[`enabled${code === "en" ? "En" : "Es"}`] === "on"
      : settings.enabledLocales.includes(code as never);
  return (
    <section aria-labelledby="page-title" className="space-y-6">
      <ConsoleTrail
        jurisdiction={{ slug: jurisdiction.slug, name: localized(jurisdiction.name, locale) }}
      />
      <h1 id="page-title" className="text-2xl font-bold">
        {t("office.settings.title")}
      </h1>
      <FormMessage
        tone="info"
        message={params.get("done") === "saved" ? "office.settings.saved" : undefined}
      />
      <Form method="post" noValidate>
        <h2 className="mb-2 text-xl font-semibold">{t("office.settings.branding")}</h2>
        <Field
          name="brandColor"
          label="office.settings.colour"
          hint="office.settings.colourHint"
          defaultValue={typed?.brandColor ?? settings.brandColor ?? ""}
          error={errors.brandColor}
        />
        <fieldset className="mb-4">
          <legend className="mb-1 font-medium">{t("office.settings.languages")}</legend>
          {LOCALES.map((code) => (
            <label key={code} className="mr-6">
              <input
                type="checkbox"
                name={`enabled${code === "en" ? "En" : "Es"}`}
                defaultChecked={enabled(code)}
                className="mr-2"
              />
              {LOCALE_NAMES[code]}
            </label>
          ))}
          {errors.enabledEn ? (
            <p className="mt-1 text-sm font-medium text-red-800">{t(errors.enabledEn)}</p>
          ) : null}
        </fieldset>
        {LOCALES.map((code) => {
          const name = `welcome${code === "en" ? "En" : "Es"}`;
          return (
            <TextAreaField
              key={code}
              name={name}
              label={code === "en" ? "office.settings.welcomeEn" : "office.settings.welcomeEs"}
              defaultValue={typed?.[name] ?? settings.welcome[code] ?? ""}
              error={errors[name]}
            />
          );
        })}
        <h2 className="mb-2 text-xl font-semibold">{t("office.settings.moderation")}</h2>
        <SelectField
          name="defaultModerationMode"
          label="office.settings.moderationMode"
          hint="office.settings.moderationHint"
          defaultValue={typed?.defaultModerationMode ?? settings.defaultModerationMode}
          error={errors.defaultModerationMode}
          options={[
            {
              value: "before_publishing",
              label: t("console.election.moderation.before_publishing"),
            },
            { value: "after_publishing", label: t("console.election.moderation.after_publishing") },
          ]}
        />
        {/* Settings other teams own are linked here by the lead: verified-only ranking
            (trust-a) and answer limits and lock date (civic-b). */}
        <div id="settings-elsewhere" data-settings-slot="verified-ranking answer-limits" />
        <SubmitButton>{t("office.settings.save")}</SubmitButton>
      </Form>
    </section>
  );
}
