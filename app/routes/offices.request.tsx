import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormMessage, SubmitButton } from "~/components/form";
import { actorFrom } from "~/lib/auth.server";
import { db } from "~/lib/db.server";
import { parseForm, readForm } from "~/lib/forms.server";
import { tooManyRequests } from "~/lib/http.server";
import { useT } from "~/lib/i18n";
import { localeFromRequest } from "~/lib/locale.server";
import { pageMeta } from "~/lib/meta";
import { hit, RATE_LIMITS } from "~/lib/rate-limit.server";
import { officeRequestForm, requestOffice } from "~/services/office-requests.server";

export const meta: MetaFunction = (args) => pageMeta(args, "office.request.title");

/** An election office asks for its CivicQ space (anyone may; JavaScript not needed). */
export async function loader({ request }: LoaderFunctionArgs) {
  return { sent: new URL(request.url).searchParams.get("sent") === "1" };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = parseForm(officeRequestForm, await readForm(request));
  if (!form.ok) return data(form, 400);
  for (const [rule, subject] of [
    [RATE_LIMITS.emailPerIp, context.clientIp ?? "unknown"],
    [RATE_LIMITS.emailPerAddress, form.data.contactEmail],
  ] as const) {
    const limit = await hit(rule, subject);
    if (!limit.allowed) throw tooManyRequests(limit.retryAfterSeconds);
  }
  await requestOffice(db(), form.data, localeFromRequest(request), actorFrom(context));
  return redirect("/offices/request?sent=1", { status: 303 });
}

export default function RequestOffice() {
  const { sent } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const errors = result && !result.ok ? result.errors : {};
  const values = result && !result.ok ? result.values : {};
  return (
    <section aria-labelledby="page-title" className="max-w-md">
      <h1 id="page-title" className="mb-4 text-2xl font-bold">
        {t("office.request.title")}
      </h1>
      {sent ? <FormMessage tone="info" message="office.request.sent" /> : null}
      <p className="mb-4">{t("office.request.intro")}</p>
      <Form method="post" noValidate>
        <Field
          name="officeName"
          label="office.request.officeName"
          required
          defaultValue={values.officeName}
          error={errors.officeName}
        />
        <Field
          name="state"
          label="office.request.state"
          hint="office.request.stateHint"
          required
          maxLength={2}
          defaultValue={values.state}
          error={errors.state}
        />
        <Field
          name="ocdId"
          label="office.request.ocdId"
          hint="office.request.ocdIdHint"
          required
          defaultValue={values.ocdId}
          error={errors.ocdId}
        />
        <Field
          name="contactEmail"
          type="email"
          label="office.request.contactEmail"
          hint="office.request.contactEmailHint"
          autoComplete="email"
          required
          defaultValue={values.contactEmail}
          error={errors.contactEmail}
        />
        <SubmitButton>{t("office.request.submit")}</SubmitButton>
      </Form>
    </section>
  );
}
