import type { ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";
import type { FieldErrors } from "~/lib/forms.server";
import { useT, type MessageKey } from "~/lib/i18n";
import { Field } from "./form";

/**
 * Form controls beyond `Field` (form.tsx), with the same label, hint and announced error:
 * a select, a text area, and the English + Spanish pair every translatable text is typed in.
 */
type Described = { name: string; label: MessageKey; hint?: MessageKey; error?: MessageKey };

function describedBy(name: string, hint?: MessageKey, error?: MessageKey) {
  return (
    [hint ? `${name}-hint` : "", error ? `${name}-error` : ""].filter(Boolean).join(" ") ||
    undefined
  );
}

function Frame({ name, label, hint, error, children }: Described & { children: ReactNode }) {
  const t = useT();
  return (
    <div className="mb-4">
      <label htmlFor={name} className="mb-1 block font-medium">
        {t(label)}
      </label>
      {hint ? (
        <p id={`${name}-hint`} className="mb-1 text-sm text-slate-700">
          {t(hint)}
        </p>
      ) : null}
      {children}
      {error ? (
        <p id={`${name}-error`} className="mt-1 text-sm font-medium text-red-800">
          {t(error)}
        </p>
      ) : null}
    </div>
  );
}

export function SelectField({
  name,
  label,
  hint,
  error,
  options,
  ...select
}: Described & {
  options: Array<{ value: string; label: string }>;
} & Omit<SelectHTMLAttributes<HTMLSelectElement>, "name">) {
  return (
    <Frame name={name} label={label} hint={hint} error={error}>
      <select
        id={name}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(name, hint, error)}
        className="w-full rounded border border-slate-500 px-3 py-2 text-base"
        {...select}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </Frame>
  );
}

export function TextAreaField({
  name,
  label,
  hint,
  error,
  ...textarea
}: Described & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "name">) {
  return (
    <Frame name={name} label={label} hint={hint} error={error}>
      <textarea
        id={name}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(name, hint, error)}
        className="w-full rounded border border-slate-500 px-3 py-2 text-base"
        rows={4}
        {...textarea}
      />
    </Frame>
  );
}

/**
 * A translatable text typed in English (required when `required`) and Spanish: fields
 * `<name>En` and `<name>Es`, labelled "<label> (English)" and "<label> (Spanish)".
 */
export function LocalizedFields({
  name,
  label,
  values,
  errors,
  multiline = false,
  required = false,
  rows,
}: {
  name: string;
  label: MessageKey;
  values: Partial<Record<string, string>>;
  errors: FieldErrors;
  multiline?: boolean;
  required?: boolean;
  rows?: number;
}) {
  const t = useT();
  return (
    <fieldset className="mb-2">
      <legend className="mb-2 font-semibold">{t(label)}</legend>
      {(["En", "Es"] as const).map((suffix) => {
        const field = `${name}${suffix}`;
        const fieldLabel = suffix === "En" ? "console.form.english" : "console.form.spanish";
        return multiline ? (
          <TextAreaField
            key={field}
            name={field}
            label={fieldLabel}
            defaultValue={values[field]}
            error={errors[field]}
            required={required && suffix === "En"}
            rows={rows}
          />
        ) : (
          <Field
            key={field}
            name={field}
            label={fieldLabel}
            defaultValue={values[field]}
            error={errors[field]}
            required={required && suffix === "En"}
          />
        );
      })}
    </fieldset>
  );
}

/** A one-button form posting `intent` (and hidden fields): an action on a row of a table. */
export function ActionButton({
  intent,
  fields = {},
  label,
  accessibleLabel,
  tone = "plain",
}: {
  intent: string;
  fields?: Record<string, string>;
  label: string;
  /** the button's full name for screen readers when its text alone is ambiguous in a list */
  accessibleLabel?: string;
  tone?: "plain" | "danger";
}) {
  const style = {
    plain: "border border-slate-500 hover:bg-slate-100",
    danger: "border border-red-800 text-red-900 hover:bg-red-50",
  }[tone];
  return (
    <form method="post" className="inline">
      <input type="hidden" name="intent" value={intent} />
      {Object.entries(fields).map(([key, value]) => (
        <input key={key} type="hidden" name={key} value={value} />
      ))}
      <button
        type="submit"
        aria-label={accessibleLabel}
        className={`rounded px-3 py-1 text-sm ${style}`}
      >
        {label}
      </button>
    </form>
  );
}
