import type { FieldErrors } from "~/lib/forms.server";
import { useT } from "~/lib/i18n";
import { LocalizedFields, SelectField } from "./fields";
import { Field, FormMessage, SubmitButton } from "./form";

/** A jurisdiction's form, for creating and for editing one (admins only). */
export function JurisdictionForm({
  values,
  errors,
  kinds,
  parents,
  timeZones,
  submitLabel,
}: {
  values: Partial<Record<string, string>>;
  errors: FieldErrors;
  kinds: readonly string[];
  parents: Array<{ value: string; label: string }>;
  timeZones: string[];
  submitLabel: string;
}) {
  const t = useT();
  return (
    <form method="post" noValidate className="max-w-xl">
      <FormMessage message={Object.keys(errors).length ? "form.fixErrors" : undefined} />
      <LocalizedFields
        name="name"
        label="admin.jurisdictions.name"
        values={values}
        errors={errors}
        required
      />
      <Field
        name="slug"
        label="admin.jurisdictions.slug"
        hint="admin.jurisdictions.slugHint"
        defaultValue={values.slug}
        error={errors.slug}
        required
        autoComplete="off"
      />
      <SelectField
        name="kind"
        label="admin.jurisdictions.kind"
        defaultValue={values.kind ?? "county"}
        error={errors.kind}
        options={kinds.map((kind) => ({
          value: kind,
          label: t(`admin.jurisdictions.kind.${kind}` as "admin.jurisdictions.kind.county"),
        }))}
      />
      <Field
        name="ocdId"
        label="admin.jurisdictions.ocdId"
        hint="console.district.ocdIdHint"
        defaultValue={values.ocdId}
        error={errors.ocdId}
        autoComplete="off"
      />
      <Field
        name="fips"
        label="admin.jurisdictions.fipsLabel"
        hint="admin.jurisdictions.fipsHint"
        defaultValue={values.fips}
        error={errors.fips}
        inputMode="numeric"
        autoComplete="off"
      />
      <SelectField
        name="parentId"
        label="admin.jurisdictions.parent"
        defaultValue={values.parentId ?? ""}
        error={errors.parentId}
        options={[{ value: "", label: t("admin.jurisdictions.noParent") }, ...parents]}
      />
      <SelectField
        name="timeZone"
        label="admin.jurisdictions.timeZoneLabel"
        hint="admin.jurisdictions.timeZoneHint"
        defaultValue={values.timeZone ?? "America/Los_Angeles"}
        error={errors.timeZone}
        options={timeZones.map((zone) => ({ value: zone, label: zone }))}
      />
      <SubmitButton>{submitLabel}</SubmitButton>
    </form>
  );
}
