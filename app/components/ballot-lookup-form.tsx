import { useT, type MessageKey } from "~/lib/i18n";
import { Field, SubmitButton } from "./form";

/** Find your ballot: one field, a GET form to /ballot, so the result has its own address. */
export function BallotLookupForm({
  defaultValue,
  error,
}: {
  defaultValue?: string;
  error?: MessageKey;
}) {
  const t = useT();
  return (
    <form method="get" action="/ballot" role="search" aria-label={t("ballot.form.label")}>
      <Field
        name="address"
        label="ballot.address.label"
        hint="ballot.address.hint"
        error={error}
        defaultValue={defaultValue}
        required
        maxLength={200}
        autoComplete="off"
      />
      <SubmitButton>{t("ballot.submit")}</SubmitButton>
    </form>
  );
}
