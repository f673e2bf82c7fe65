import type { ReactNode } from "react";
import type { FieldErrors } from "~/lib/forms.server";
import { useT } from "~/lib/i18n";
import { LocalizedFields, SelectField } from "./fields";
import { Field, FormMessage, SubmitButton } from "./form";

/**
 * The forms of the ballot's parts — district, party, contest (or measure), candidate — each one
 * component for creating and for editing. `values` are what the form shows (the saved row, or
 * what was typed when it comes back with errors).
 */
type FormProps = {
  values: Partial<Record<string, string>>;
  errors: FieldErrors;
  submitLabel: string;
};

type Option = { value: string; label: string };

function FormFrame({ errors, submitLabel, children }: FormProps & { children: ReactNode }) {
  return (
    <form method="post" noValidate className="max-w-xl">
      <FormMessage message={Object.keys(errors).length ? "form.fixErrors" : undefined} />
      <input type="hidden" name="intent" value="save" />
      {children}
      <SubmitButton>{submitLabel}</SubmitButton>
    </form>
  );
}

export function DistrictForm(props: FormProps & { kinds: readonly string[] }) {
  const { values, errors, kinds } = props;
  return (
    <FormFrame {...props}>
      <LocalizedFields
        name="name"
        label="console.district.name"
        values={values}
        errors={errors}
        required
      />
      <SelectField
        name="kind"
        label="console.district.kind"
        defaultValue={values.kind ?? "other"}
        error={errors.kind}
        options={kinds.map((kind) => ({ value: kind, label: kind }))}
      />
      <Field
        name="ocdId"
        label="console.district.ocdId"
        hint="console.district.ocdIdHint"
        defaultValue={values.ocdId}
        error={errors.ocdId}
        autoComplete="off"
      />
    </FormFrame>
  );
}

export function PartyForm(props: FormProps) {
  const { values, errors } = props;
  return (
    <FormFrame {...props}>
      <LocalizedFields
        name="name"
        label="console.party.name"
        values={values}
        errors={errors}
        required
      />
      <Field
        name="abbreviation"
        label="console.party.abbreviation"
        defaultValue={values.abbreviation}
        error={errors.abbreviation}
        autoComplete="off"
      />
      <Field
        name="color"
        label="console.party.colorLabel"
        hint="console.party.colorHint"
        defaultValue={values.color}
        error={errors.color}
        autoComplete="off"
      />
    </FormFrame>
  );
}

/**
 * A contest: a candidate contest (office, votes allowed) or a ballot measure (summary, full
 * text, arguments for and against). The kind is chosen before the form and fixed after.
 */
export function ContestForm(
  props: FormProps & { kind: "candidate" | "measure"; districts: Option[] },
) {
  const { values, errors, kind, districts } = props;
  const t = useT();
  return (
    <FormFrame {...props}>
      <input type="hidden" name="kind" value={kind} />
      <LocalizedFields
        name="title"
        label="console.contest.title"
        values={values}
        errors={errors}
        required
      />
      {kind === "candidate" ? (
        <LocalizedFields
          name="office"
          label="console.contest.office"
          values={values}
          errors={errors}
        />
      ) : null}
      <LocalizedFields
        name="description"
        label="console.contest.description"
        values={values}
        errors={errors}
        multiline
      />
      <SelectField
        name="districtId"
        label="console.contest.district"
        defaultValue={values.districtId ?? ""}
        error={errors.districtId}
        options={[{ value: "", label: t("console.contest.noDistrict") }, ...districts]}
      />
      <Field
        name="ballotOrder"
        type="number"
        min={0}
        max={9999}
        inputMode="numeric"
        label="console.ballotOrder"
        hint="console.ballotOrderHint"
        defaultValue={values.ballotOrder ?? "0"}
        error={errors.ballotOrder}
        required
      />
      {kind === "candidate" ? (
        <Field
          name="votesAllowed"
          type="number"
          min={1}
          max={99}
          inputMode="numeric"
          label="console.contest.votesAllowedLabel"
          defaultValue={values.votesAllowed ?? "1"}
          error={errors.votesAllowed}
          required
        />
      ) : (
        <>
          <LocalizedFields
            name="summary"
            label="console.measure.summary"
            values={values}
            errors={errors}
            multiline
            required
          />
          <LocalizedFields
            name="fullText"
            label="console.measure.fullText"
            values={values}
            errors={errors}
            multiline
            rows={10}
          />
          <LocalizedFields
            name="pro"
            label="console.measure.pro"
            values={values}
            errors={errors}
            multiline
          />
          <LocalizedFields
            name="con"
            label="console.measure.con"
            values={values}
            errors={errors}
            multiline
          />
        </>
      )}
    </FormFrame>
  );
}

export function CandidateForm(props: FormProps & { parties: Option[] }) {
  const { values, errors, parties } = props;
  const t = useT();
  return (
    <FormFrame {...props}>
      <Field
        name="ballotName"
        label="console.candidate.ballotName"
        hint="console.candidate.ballotNameHint"
        defaultValue={values.ballotName}
        error={errors.ballotName}
        required
        autoComplete="off"
      />
      <SelectField
        name="partyId"
        label="console.candidate.party"
        defaultValue={values.partyId ?? ""}
        error={errors.partyId}
        options={[{ value: "", label: t("console.candidate.noParty") }, ...parties]}
      />
      <Field
        name="ballotOrder"
        type="number"
        min={0}
        max={9999}
        inputMode="numeric"
        label="console.ballotOrder"
        hint="console.ballotOrderHint"
        defaultValue={values.ballotOrder ?? "0"}
        error={errors.ballotOrder}
        required
      />
      <Field
        name="contactEmail"
        type="email"
        label="console.candidate.contactEmail"
        hint="console.candidate.contactEmailHint"
        defaultValue={values.contactEmail}
        error={errors.contactEmail}
        autoComplete="off"
      />
    </FormFrame>
  );
}
