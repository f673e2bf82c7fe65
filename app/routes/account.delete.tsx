import {
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { Field, FormMessage } from "~/components/form";
import { actorFrom, requireUser } from "~/lib/auth.server";
import { db } from "~/lib/db.server";
import { parseForm, readForm, type FieldErrors } from "~/lib/forms.server";
import { useT } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { clearSessionCookie } from "~/lib/session.server";
import { normaliseEmail } from "~/services/accounts.server";
import { deleteAccount, isSoleAdmin } from "~/services/users.server";

export const meta: MetaFunction = (args) => pageMeta(args, "account.delete.title");
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return { email: user.email, soleAdmin: await isSoleAdmin(db(), user.id) };
}

const schema = z.object({
  confirmEmail: z
    .string({ error: "account.delete.confirmRequired" })
    .trim()
    .min(1, { error: "account.delete.confirmRequired" }),
});

/** Deletes the account once its owner types its address: a click alone is not enough. */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const form = parseForm(schema, await readForm(request));
  if (!form.ok) return { errors: form.errors };
  if (normaliseEmail(form.data.confirmEmail) !== user.email) {
    return { errors: { confirmEmail: "account.delete.mismatch" } satisfies FieldErrors };
  }
  if ((await deleteAccount(db(), user.id, actorFrom(context, user))) === "soleAdmin") {
    return { errors: { form: "account.delete.soleAdmin" } satisfies FieldErrors };
  }
  return redirect("/", { status: 303, headers: { "Set-Cookie": clearSessionCookie() } });
}

export default function DeleteAccount() {
  const { email, soleAdmin } = useLoaderData<typeof loader>();
  const errors: FieldErrors = useActionData<typeof action>()?.errors ?? {};
  const t = useT();
  return (
    <section aria-labelledby="delete-title" className="max-w-xl">
      <h1 id="delete-title" className="mb-4 text-2xl font-bold">
        {t("account.delete.title")}
      </h1>
      {soleAdmin ? (
        <>
          <p className="mb-4">{t("account.delete.soleAdmin")}</p>
          <Link to="/admin/roles" className="text-brand underline">
            {t("account.roles.manageRoles")}
          </Link>
        </>
      ) : (
        <>
          <FormMessage message={errors.form} />
          <p className="mb-2">{t("account.delete.consequences")}</p>
          <ul className="mb-4 list-disc space-y-1 pl-6">
            <li>{t("account.delete.questionsStay")}</li>
            <li>{t("account.delete.votesStay")}</li>
            <li>{t("account.delete.signedOut")}</li>
            <li>{t("account.delete.final")}</li>
          </ul>
          <p className="mb-4">
            <a href="/account/export" download className="text-brand underline">
              {t("account.data.download")}
            </a>
          </p>
          <Form method="post" noValidate>
            <p className="mb-2">{t("account.delete.confirmIntro", { email })}</p>
            <Field
              name="confirmEmail"
              type="email"
              label="account.delete.confirmLabel"
              autoComplete="off"
              required
              error={errors.confirmEmail}
            />
            <button
              type="submit"
              className="rounded bg-red-800 px-4 py-2 font-semibold text-white hover:bg-red-900"
            >
              {t("account.delete.submit")}
            </button>
          </Form>
        </>
      )}
      <p className="mt-6">
        <Link to="/account" className="text-brand underline">
          {t("account.backToAccount")}
        </Link>
      </p>
    </section>
  );
}
