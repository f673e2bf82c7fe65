import { formatDateTime } from "~/lib/time-zone";
import type { FieldErrors } from "~/lib/forms.server";
import { useLocale, useT, type MessageKey } from "~/lib/i18n";
import { ANSWER_PARTS, SOURCE_FIELDS, type AnswerPart } from "~/services/answer-content";
import type { AnswerRules, WriteRefusal } from "~/services/answer-rules.server";
import { TextAreaField } from "./fields";
import { Field } from "./form";

const PART_LABELS: Record<AnswerPart, MessageKey> = {
  position: "answers.part.position",
  reasoning: "answers.part.reasoning",
  tradeoffs: "answers.part.tradeoffs",
  measures: "answers.part.measures",
};

/**
 * The fields of an answer (`withParts`: with its optional structured parts) or a rebuttal: the
 * text, then up to SOURCE_SLOTS sources, each an address and a title. Plain inputs: the form
 * works without JavaScript, and the server checks every rule again.
 */
export function ContentFields({
  values,
  errors,
  maxWords,
  withParts = false,
}: {
  values: Record<string, string>;
  errors: FieldErrors;
  maxWords: number;
  withParts?: boolean;
}) {
  const t = useT();
  return (
    <>
      <p id="word-limit" className="text-sm text-slate-700">
        {t(withParts ? "answers.limit.answer" : "answers.limit.rebuttal", { words: maxWords })}
      </p>
      <TextAreaField
        name="body"
        label={withParts ? "desk.answer.label" : "answers.rebuttal.label"}
        hint="answers.body.hint"
        rows={withParts ? 10 : 6}
        required
        defaultValue={values.body}
        error={errors.body}
      />
      {withParts ? (
        <fieldset className="space-y-2">
          <legend className="font-semibold">{t("answers.parts.legend")}</legend>
          {ANSWER_PARTS.map((part) => (
            <TextAreaField
              key={part}
              name={`part_${part}`}
              label={PART_LABELS[part]}
              rows={3}
              defaultValue={values[`part_${part}`]}
              error={errors[`part_${part}`]}
            />
          ))}
        </fieldset>
      ) : null}
      <fieldset className="space-y-2">
        <legend className="font-semibold">{t("answers.sources.legend")}</legend>
        <p className="text-sm text-slate-700">{t("answers.sources.hint")}</p>
        {SOURCE_FIELDS.map((source, index) => (
          <fieldset key={source.url} className="rounded border border-slate-200 p-2">
            <legend className="px-1 text-sm font-medium">
              {t("answers.source.legend", { number: index + 1 })}
            </legend>
            <Field
              name={source.url}
              type="url"
              inputMode="url"
              label="answers.source.urlLabel"
              defaultValue={values[source.url]}
              error={errors[source.url]}
            />
            <Field
              name={source.title}
              label="answers.source.titleLabel"
              defaultValue={values[source.title]}
              error={errors[source.title]}
            />
          </fieldset>
        ))}
      </fieldset>
    </>
  );
}

/**
 * The election's rules where a candidate writes: the same limits for every candidate, and the
 * lock date — or why nothing can be written now.
 */
export function AnswerRulesNotice({
  rules,
  refusal,
}: {
  rules: AnswerRules;
  refusal: WriteRefusal | null;
}) {
  const t = useT();
  const locale = useLocale();
  const lockAt = rules.lockAt ? formatDateTime(rules.lockAt, locale, rules.timeZone) : null;
  if (refusal === "locked") {
    return (
      <p role="status" className="rounded border border-brand bg-blue-50 p-3">
        {t("answers.lockedOn", { date: lockAt ?? "" })}
      </p>
    );
  }
  if (refusal === "windowClosed") {
    return (
      <p role="status" className="rounded border border-brand bg-blue-50 p-3">
        {t("desk.windowClosed")}
      </p>
    );
  }
  return lockAt ? <p>{t("answers.lockAt", { date: lockAt })}</p> : null;
}
