import {
  data,
  type ActionFunctionArgs,
  type HeadersFunction,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData } from "@remix-run/react";
import { FormMessage, SubmitButton } from "~/components/form";
import { actorFrom } from "~/lib/auth.server";
import { db } from "~/lib/db.server";
import { useT } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { confirmOfficeRequest } from "~/services/office-requests.server";

export const meta: MetaFunction = (args) => pageMeta(args, "office.confirm.title");
// The token is in the address: keep the page out of every cache.
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

/**
 * The link in the confirmation email. Opening it changes nothing (mail scanners open links);
 * the button posts the confirmation.
 */
export async function action({ params, context }: ActionFunctionArgs) {
  const confirmed = await confirmOfficeRequest(db(), params.token ?? "", actorFrom(context));
  return data({ confirmed }, { status: confirmed ? 200 : 410 });
}

export default function ConfirmOffice() {
  const result = useActionData<typeof action>();
  const t = useT();
  return (
    <section aria-labelledby="page-title" className="max-w-md">
      <h1 id="page-title" className="mb-4 text-2xl font-bold">
        {t("office.confirm.title")}
      </h1>
      {result ? (
        <FormMessage
          tone={result.confirmed ? "info" : "error"}
          message={result.confirmed ? "office.confirm.done" : "office.confirm.dead"}
        />
      ) : (
        <Form method="post">
          <p className="mb-4">{t("office.confirm.intro")}</p>
          <SubmitButton>{t("office.confirm.submit")}</SubmitButton>
        </Form>
      )}
    </section>
  );
}
