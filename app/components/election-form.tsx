import type { FieldErrors } from "~/lib/forms.server";
import { useT } from "~/lib/i18n";
import { ANSWER_RULE_DEFAULTS } from "~/lib/answer-rule-defaults";
import { LocalizedFields, SelectField } from "./fields";
import { Field, FormMessage, SubmitButton } from "./form";

/**
 * The election's form, for creating and for editing one. Window times are typed in the
 * jurisdiction's local time (`timeZone`, named in the hint). Once questions have opened the
 * slug — the election's address for voters — is shown but no longer editable.
 */
export function ElectionForm({
  values,
  errors,
  timeZone,
  slugLocked = false,
  submitLabel,
}: {
  values: Partial<Record<string, string>>;
  errors: FieldErrors;
  timeZone: string;
  slugLocked?: boolean;
  submitLabel: string;
}) {
  const t = useT();
  return (
    <form method="post" noValidate className="max-w-xl">
      <FormMessage message={Object.keys(errors).length ? "form.fixErrors" : undefined} />
      <LocalizedFields
        name="name"
        label="console.election.name"
        values={values}
        errors={errors}
        required
      />
      {slugLocked ? (
        <p className="mb-4">
          {t("console.election.slugLocked", { slug: values.slug ?? "" })}
          <input type="hidden" name="slug" value={values.slug} />
        </p>
      ) : (
        <Field
          name="slug"
          label="console.election.slug"
          hint="console.election.slugHint"
          defaultValue={values.slug}
          error={errors.slug}
          required
          autoComplete="off"
        />
      )}
      <Field
        name="electionDate"
        type="date"
        label="console.election.date"
        defaultValue={values.electionDate}
        error={errors.electionDate}
        required
      />
      <fieldset className="mb-2">
        <legend className="mb-2 font-semibold">{t("console.election.windows")}</legend>
        <p className="mb-2 text-sm text-slate-700">
          {t("console.election.windowsHint", { zone: timeZone })}
        </p>
        {(
          [
            ["questionsOpenAt", "console.election.questionsOpenAt"],
            ["questionsCloseAt", "console.election.questionsCloseAt"],
            ["answersOpenAt", "console.election.answersOpenAt"],
            ["answersCloseAt", "console.election.answersCloseAt"],
          ] as const
        ).map(([name, label]) => (
          <Field
            key={name}
            name={name}
            type="datetime-local"
            label={label}
            hint={name === "answersCloseAt" ? "answers.rules.lockHint" : undefined}
            defaultValue={values[name]}
            error={errors[name]}
          />
        ))}
      </fieldset>
      <fieldset className="mb-2">
        <legend className="mb-2 font-semibold">{t("answers.rules.legend")}</legend>
        <p className="mb-2 text-sm text-slate-700">{t("answers.rules.legendHint")}</p>
        <Field
          name="answerMaxWords"
          type="number"
          inputMode="numeric"
          min={50}
          max={1500}
          label="answers.rules.maxWords"
          hint="answers.rules.maxWordsHint"
          defaultValue={values.answerMaxWords ?? String(ANSWER_RULE_DEFAULTS.maxWords)}
          error={errors.answerMaxWords}
        />
        <Field
          name="answerMaxVideoMinutes"
          type="number"
          inputMode="numeric"
          min={1}
          max={60}
          label="answers.rules.maxVideoMinutes"
          defaultValue={
            values.answerMaxVideoMinutes ?? String(ANSWER_RULE_DEFAULTS.maxVideoMinutes)
          }
          error={errors.answerMaxVideoMinutes}
        />
        <SelectField
          name="candidateOrder"
          label="answers.rules.candidateOrder"
          defaultValue={values.candidateOrder ?? "ballot"}
          error={errors.candidateOrder}
          options={[
            { value: "ballot", label: t("answers.rules.order.ballot") },
            { value: "rotated", label: t("answers.rules.order.rotated") },
          ]}
        />
      </fieldset>
      <SelectField
        name="moderationMode"
        label="console.election.moderationMode"
        defaultValue={values.moderationMode ?? "before_publishing"}
        error={errors.moderationMode}
        options={[
          { value: "before_publishing", label: t("console.election.moderation.before_publishing") },
          { value: "after_publishing", label: t("console.election.moderation.after_publishing") },
        ]}
      />
      <SubmitButton>{submitLabel}</SubmitButton>
    </form>
  );
}
