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
import { parseForm, readForm, type FieldErrors } from "~/lib/forms.server";
import { withImageUpload } from "~/lib/image-upload.server";
import { mediaUrl } from "~/lib/storage.server";
import { LOCALE_NAMES, LOCALES, localized, useLocale, useT, type MessageKey } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import {
  LOGO_MAX_BYTES,
  officeSettings,
  officeSettingsForm,
  replaceLogo,
  saveOfficeSettings,
} from "~/services/office-settings.server";

export const meta: MetaFunction = (args) => pageMeta(args, "office.settings.title");
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

/** The office's branding and settings: owners and admins (docs/offices.md). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { jurisdiction } = await requireConsole(request, params.jurisdiction, "settings");
  const { logoKey, ...settings } = await officeSettings(db(), jurisdiction.id);
  return { jurisdiction, settings, logoUrl: logoKey ? mediaUrl(logoKey) : null };
}

const LOGO_PROBLEMS = {
  notAnImage: "office.settings.logoNotAnImage",
  tooManyPixels: "office.settings.logoTooManyPixels",
} as const satisfies Record<string, MessageKey>;

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, jurisdiction } = await requireConsole(request, params.jurisdiction, "settings");
  const actor = actorFrom(context, user);
  const done = (notice: string) =>
    redirect(`/console/${jurisdiction.slug}/settings?done=${notice}`, { status: 303 });
  if ((request.headers.get("Content-Type") ?? "").startsWith("multipart/form-data")) {
    const logoError = (logo: MessageKey, status: number) =>
      data(
        {
          ok: false as const,
          errors: { logo } as FieldErrors,
          values: {} as Record<string, string>,
        },
        status,
      );
    return withImageUpload(
      request,
      { field: "logo", maxBytes: LOGO_MAX_BYTES },
      async (received) => {
        if (!received.ok)
          return logoError(
            received.problem === "tooLarge" ? "office.settings.logoTooLarge" : "form.invalid",
            413,
          );
        if (!received.file) return logoError("office.settings.logoMissing", 400);
        const stored = await replaceLogo(db(), jurisdiction.id, received.file, actor);
        if (!stored.ok) return logoError(LOGO_PROBLEMS[stored.problem], 422);
        return done("logo");
      },
    );
  }
  const form = parseForm(officeSettingsForm, await readForm(request));
  if (!form.ok) return data(form, 400);
  await saveOfficeSettings(db(), jurisdiction.id, form.data, actor);
  return done("saved");
}

export default function OfficeSettingsPage() {
  const { jurisdiction, settings, logoUrl } = useLoaderData<typeof loader>();
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
        message={
          params.get("done") === "saved"
            ? "office.settings.saved"
            : params.get("done") === "logo"
              ? "office.settings.logoSaved"
              : undefined
        }
      />
      <Form method="post" encType="multipart/form-data" noValidate>
        <h2 className="mb-2 text-xl font-semibold">{t("office.settings.logo")}</h2>
        {logoUrl ? (
          <img
            src={logoUrl}
            alt={t("office.settings.logoAlt", { office: localized(jurisdiction.name, locale) })}
            className="mb-2 max-h-24"
          />
        ) : (
          <p className="mb-2">{t("office.settings.noLogo")}</p>
        )}
        <Field
          name="logo"
          type="file"
          accept="image/jpeg,image/png,image/webp,image/gif"
          label="office.settings.logoLabel"
          hint="office.settings.logoHint"
          error={errors.logo}
        />
        <SubmitButton>{t("office.settings.logoSubmit")}</SubmitButton>
      </Form>
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
        {/* Settings kept where they act: constituents per jurisdiction, answer rules per election. */}
        <div id="settings-elsewhere" className="space-y-2 text-sm">
          <p>
            {t("office.settings.elsewhere.verified")}{" "}
            <a className="underline" href={`/console/${jurisdiction.slug}/constituents`}>
              {t("office.settings.elsewhere.verifiedLink")}
            </a>
          </p>
          <p>
            {t("office.settings.elsewhere.answers")}{" "}
            <a className="underline" href={`/console/${jurisdiction.slug}`}>
              {t("office.settings.elsewhere.answersLink")}
            </a>
          </p>
        </div>
        <SubmitButton>{t("office.settings.save")}</SubmitButton>
      </Form>
    </section>
  );
}
