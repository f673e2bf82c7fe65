import {
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { Field, FormMessage, SubmitButton } from "~/components/form";
import { actorFrom, requireRole, ROLES } from "~/lib/auth.server";
import { db } from "~/lib/db.server";
import { parseForm, readForm, withoutNul, type FieldErrors } from "~/lib/forms.server";
import { badRequest, notFound } from "~/lib/http.server";
import { localized, useLocale, useT, type MessageKey } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { normaliseEmail } from "~/services/accounts.server";
import { listJurisdictions } from "~/services/roles.server";
import { grantRole, listGrants, revokeGrant } from "~/services/users.server";
import { roleLabelKey } from "~/lib/staff-roles";

export const meta: MetaFunction = (args) => pageMeta(args, "admin.roles.title");
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

/** The account whose roles the list shows (?find=email); without one, the staff's roles. */
const findParam = (request: Request) =>
  withoutNul(new URL(request.url).searchParams.get("find") ?? "")
    .trim()
    .slice(0, 254);

const rolesPage = (done: "granted" | "revoked", find: string) =>
  `/admin/roles?${new URLSearchParams(find ? { done, find } : { done })}`;

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "admin", null);
  const find = findParam(request);
  const [grants, jurisdictions] = await Promise.all([
    listGrants(db(), find ? { email: find } : {}),
    listJurisdictions(db()),
  ]);
  return { grants, jurisdictions, find };
}

const grantSchema = z
  .object({
    email: z.email({ error: "form.email.invalid" }).max(254, { error: "form.email.invalid" }),
    role: z.enum(ROLES, { error: "admin.roles.roleRequired" }),
    // the empty choice: every jurisdiction, which only an admin grant may cover
    jurisdictionId: z.union([z.uuid(), z.literal("")], {
      error: "admin.roles.jurisdictionRequired",
    }),
  })
  .refine((grant) => grant.role === "admin" || grant.jurisdictionId !== "", {
    path: ["jurisdictionId"],
    error: "admin.roles.jurisdictionRequired",
  });

const GRANT_PROBLEMS = {
  unknownEmail: { email: "admin.roles.unknownEmail" },
  unknownJurisdiction: { jurisdictionId: "admin.roles.jurisdictionRequired" },
  alreadyGranted: { form: "admin.roles.alreadyGranted" },
} as const satisfies Record<string, FieldErrors>;

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requireRole(request, "admin", null);
  const actor = actorFrom(context, admin);
  const body = await readForm(request);
  const intent = body.get("intent");
  if (intent === "revoke") {
    const grantId = z.uuid().safeParse(body.get("grantId"));
    if (!grantId.success) throw notFound();
    const outcome = await revokeGrant(db(), grantId.data, actor);
    if (outcome === "notFound") throw notFound();
    if (outcome === "soleAdmin")
      return { errors: { form: "admin.roles.soleAdmin" } as FieldErrors, values: {} };
    return redirect(rolesPage("revoked", findParam(request)), { status: 303 });
  }
  if (intent !== "grant") throw badRequest();
  const form = parseForm(grantSchema, body);
  if (!form.ok) return { errors: form.errors, values: form.values };
  const problem = await grantRole(
    db(),
    { ...form.data, jurisdictionId: form.data.jurisdictionId || null },
    actor,
  );
  if (problem) return { errors: GRANT_PROBLEMS[problem] as FieldErrors, values: form.data };
  // show the account's roles, the new one among them
  return redirect(rolesPage("granted", normaliseEmail(form.data.email)), { status: 303 });
}

function Select({
  name,
  label,
  error,
  defaultValue,
  options,
}: {
  name: string;
  label: MessageKey;
  error?: MessageKey;
  defaultValue?: string;
  options: Array<{ value: string; label: string }>;
}) {
  const t = useT();
  return (
    <div className="mb-4">
      <label htmlFor={name} className="mb-1 block font-medium">
        {t(label)}
      </label>
      <select
        id={name}
        name={name}
        defaultValue={defaultValue}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${name}-error` : undefined}
        className="w-full rounded border border-slate-500 px-3 py-2 text-base"
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      {error ? (
        <p id={`${name}-error`} className="mt-1 text-sm font-medium text-red-800">
          {t(error)}
        </p>
      ) : null}
    </div>
  );
}

export default function AdminRoles() {
  const { grants, jurisdictions, find } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors: FieldErrors = result?.errors ?? {};
  const values: Partial<Record<string, string>> = result && "values" in result ? result.values : {};
  const [params] = useSearchParams();
  const t = useT();
  const locale = useLocale();
  const done = params.get("done");
  return (
    <section aria-labelledby="roles-title" className="space-y-8">
      <h1 id="roles-title" className="text-2xl font-bold">
        {t("admin.roles.title")}
      </h1>
      <FormMessage
        message={
          done === "granted"
            ? "admin.roles.granted"
            : done === "revoked"
              ? "admin.roles.revoked"
              : undefined
        }
        tone="info"
      />
      <FormMessage message={errors.form} />

      <section aria-labelledby="grant-title" className="max-w-md">
        <h2 id="grant-title" className="mb-2 text-xl font-semibold">
          {t("admin.roles.grantHeading")}
        </h2>
        <Form method="post" noValidate>
          <input type="hidden" name="intent" value="grant" />
          <Field
            name="email"
            type="email"
            label="admin.roles.emailLabel"
            hint="admin.roles.emailHint"
            autoComplete="off"
            required
            defaultValue={values.email}
            error={errors.email}
          />
          <Select
            name="role"
            label="admin.roles.roleLabel"
            defaultValue={values.role}
            error={errors.role}
            options={ROLES.map((role) => ({ value: role, label: t(roleLabelKey(role)) }))}
          />
          <Select
            name="jurisdictionId"
            label="admin.roles.jurisdictionLabel"
            defaultValue={values.jurisdictionId}
            error={errors.jurisdictionId}
            options={[
              { value: "", label: t("admin.roles.everyJurisdiction") },
              ...jurisdictions.map((j) => ({ value: j.id, label: localized(j.name, locale) })),
            ]}
          />
          <SubmitButton>{t("admin.roles.grant")}</SubmitButton>
        </Form>
      </section>

      <section aria-labelledby="grants-title">
        <h2 id="grants-title" className="mb-2 text-xl font-semibold">
          {find ? t("admin.roles.listFor", { email: find }) : t("admin.roles.listHeading")}
        </h2>
        <Form method="get" className="mb-4 max-w-md">
          <Field
            name="find"
            type="email"
            label="admin.roles.findLabel"
            autoComplete="off"
            defaultValue={find}
          />
          <SubmitButton>{t("admin.roles.find")}</SubmitButton>
          {find ? (
            <Link to="/admin/roles" className="ml-4 text-brand underline">
              {t("admin.roles.showStaff")}
            </Link>
          ) : null}
        </Form>
        {grants.length === 0 ? <p>{t("admin.roles.noneFound")}</p> : null}
        <table className="w-full text-left">
          <thead>
            <tr className="border-b border-slate-300">
              <th scope="col" className="py-2 pr-4">
                {t("form.email.label")}
              </th>
              <th scope="col" className="py-2 pr-4">
                {t("admin.roles.roleLabel")}
              </th>
              <th scope="col" className="py-2 pr-4">
                {t("admin.roles.jurisdictionLabel")}
              </th>
              <th scope="col" className="py-2">
                <span className="sr-only">{t("admin.roles.revoke")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {grants.map((grant) => (
              <tr key={grant.id} className="border-b border-slate-200">
                <td className="py-2 pr-4 break-all">{grant.email}</td>
                <td className="py-2 pr-4">{t(roleLabelKey(grant.role))}</td>
                <td className="py-2 pr-4">
                  {grant.jurisdictionName
                    ? localized(grant.jurisdictionName, locale)
                    : t("admin.roles.everyJurisdiction")}
                </td>
                <td className="py-2">
                  <Form method="post">
                    <input type="hidden" name="intent" value="revoke" />
                    <input type="hidden" name="grantId" value={grant.id} />
                    <button
                      type="submit"
                      aria-label={t("admin.roles.revokeLabel", {
                        role: t(roleLabelKey(grant.role)),
                        email: grant.email,
                      })}
                      className="rounded border border-slate-500 px-3 py-1 text-sm hover:bg-slate-100"
                    >
                      {t("admin.roles.revoke")}
                    </button>
                  </Form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </section>
  );
}
