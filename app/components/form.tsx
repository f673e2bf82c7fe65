import type { InputHTMLAttributes, ReactNode } from "react";
import { useT, type MessageKey } from "~/lib/i18n";

type FieldProps = {
  name: string;
  label: MessageKey;
  hint?: MessageKey;
  error?: MessageKey;
} & Omit<InputHTMLAttributes<HTMLInputElement>, "name">;

/** A labelled input whose error is announced and tied to it (aria-describedby). */
export function Field({ name, label, hint, error, ...input }: FieldProps) {
  const t = useT();
  const hintId = hint ? `${name}-hint` : undefined;
  const errorId = error ? `${name}-error` : undefined;
  return (
    <div className="mb-4">
      <label htmlFor={name} className="mb-1 block font-medium">
        {t(label)}
      </label>
      {hint ? (
        <p id={hintId} className="mb-1 text-sm text-slate-700">
          {t(hint)}
        </p>
      ) : null}
      <input
        id={name}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={[hintId, errorId].filter(Boolean).join(" ") || undefined}
        className="w-full rounded border border-slate-500 px-3 py-2 text-base"
        {...input}
      />
      {error ? (
        <p id={errorId} className="mt-1 text-sm font-medium text-red-800">
          {t(error)}
        </p>
      ) : null}
    </div>
  );
}

export function SubmitButton({ children }: { children: ReactNode }) {
  return (
    <button
      type="submit"
      className="rounded bg-brand px-4 py-2 font-semibold text-white hover:bg-brand-dark"
    >
      {children}
    </button>
  );
}

/** A message for the whole form (role=alert so screen readers hear it after the post). */
export function FormMessage({
  message,
  tone = "error",
}: {
  message?: MessageKey;
  tone?: "error" | "info";
}) {
  const t = useT();
  if (!message) return null;
  return (
    <p
      role={tone === "error" ? "alert" : "status"}
      className={`mb-4 rounded border p-3 ${tone === "error" ? "border-red-700 bg-red-50 text-red-900" : "border-brand bg-blue-50"}`}
    >
      {t(message)}
    </p>
  );
}
