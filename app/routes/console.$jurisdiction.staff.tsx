import {
  data,
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { ConsoleTrail } from "~/components/console-trail";
import { SelectField } from "~/components/fields";
import { Field, FormMessage, SubmitButton } from "~/components/form";
import { actorFrom } from "~/lib/auth.server";
import { requireConsole } from "~/lib/console.server";
import { db } from "~/lib/db.server";
import { parseForm, readForm } from "~/lib/forms.server";
import { badRequest, forbidden, notFound } from "~/lib/http.server";
import { formatDate, localized, useLocale, useT } from "~/lib/i18n";
import { localeFromRequest } from "~/lib/locale.server";
import { pageMeta } from "~/lib/meta";
import { grantableBy, roleLabelKey, STAFF_ROLES } from "~/lib/staff-roles";
import { inviteStaff, listStaff, removeStaff } from "~/services/staff.server";

export const meta: MetaFunction = (args) => pageMeta(args, "office.staff.title");
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

const inviteForm = z.object({
  email: z.email({ error: "form.email.invalid" }).max(254, { error: "form.email.invalid" }),
  role: z.enum(STAFF_ROLES, { error: "admin.roles.roleRequired" }),
});

/** The office's staff and invitations; owners and admins invite and remove (docs/offices.md). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, jurisdiction, staffRole } = await requireConsole(
    request,
    params.jurisdiction,
    "staff",
  );
  return {
    jurisdiction,
    userId: user.id,
    grantable: grantableBy(staffRole),
    ...(await listStaff(db(), jurisdiction.id)),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, jurisdiction, staffRole } = await requireConsole(
    request,
    params.jurisdiction,
    "staff",
  );
  const actor = actorFrom(context, user);
  const body = await readForm(request);
  const done = (notice: string) =>
    redirect(`/console/${jurisdiction.slug}/staff?done=${notice}`, { status: 303 });
  switch (body.get("intent")) {
    case "invite": {
      const form = parseForm(inviteForm, body);
      if (!form.ok) return data(form, 400);
      const outcome = await inviteStaff(
        db(),
        { jurisdictionId: jurisdiction.id, ...form.data, locale: localeFromRequest(request) },
        actor,
        staffRole,
      );
      if (outcome === "notAllowed") throw forbidden();
      return done("invited");
    }
    case "remove": {
      const outcome = await removeStaff(
        db(),
        { jurisdictionId: jurisdiction.id, grantId: String(body.get("grantId") ?? "") },
        actor,
        staffRole,
      );
      if (outcome === "notAllowed") throw forbidden();
      if (outcome === "notFound") throw notFound();
      return done("removed");
    }
    default:
      throw badRequest();
  }
}

export default function Staff() {
  const { jurisdiction, userId, grantable, members, invitations } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const t = useT();
  const locale = useLocale();
  const errors = result && !result.ok ? result.errors : {};
  const done = params.get("done");
  return (
    <section aria-labelledby="page-title" className="space-y-6">
      <ConsoleTrail
        jurisdiction={{ slug: jurisdiction.slug, name: localized(jurisdiction.name, locale) }}
      />
      <h1 id="page-title" className="text-2xl font-bold">
        {t("office.staff.title")}
      </h1>
      <FormMessage
        tone="info"
        message={
          done === "invited"
            ? "office.staff.invited"
            : done === "removed"
              ? "office.staff.removed"
              : undefined
        }
      />
      <p>{t("office.staff.rolesSummary")}</p>
      <h2 className="text-xl font-semibold">{t("office.staff.members")}</h2>
      <ul className="space-y-2">
        {members.map((member) => (
          <li key={member.grantId} className="flex flex-wrap items-center gap-x-4 gap-y-1">
            <span className="break-all">{member.email}</span>
            <span>{t(roleLabelKey(member.role))}</span>
            {grantable.includes(member.role) && member.userId !== userId ? (
              <Form method="post">
                <input type="hidden" name="intent" value="remove" />
                <input type="hidden" name="grantId" value={member.grantId} />
                <button type="submit" className="text-red-800 underline">
                  {t("office.staff.remove", { email: member.email })}
                </button>
              </Form>
            ) : null}
          </li>
        ))}
      </ul>
      <section aria-labelledby="invite-title">
        <h2 id="invite-title" className="mb-2 text-xl font-semibold">
          {t("office.staff.inviteTitle")}
        </h2>
        <p className="mb-4">{t("office.staff.inviteIntro")}</p>
        <Form method="post" noValidate>
          <input type="hidden" name="intent" value="invite" />
          <Field
            name="email"
            type="email"
            label="form.email.label"
            required
            error={errors.email}
            defaultValue={result && !result.ok ? result.values.email : undefined}
          />
          <SelectField
            name="role"
            label="admin.roles.roleLabel"
            error={errors.role}
            options={grantable.map((role) => ({ value: role, label: t(roleLabelKey(role)) }))}
          />
          <SubmitButton>{t("office.staff.invite")}</SubmitButton>
        </Form>
      </section>
      {invitations.length > 0 ? (
        <section aria-labelledby="invitations-title">
          <h2 id="invitations-title" className="mb-2 text-xl font-semibold">
            {t("office.staff.invitations")}
          </h2>
          <ul className="space-y-1">
            {invitations.map((invitation) => (
              <li key={invitation.id}>
                {invitation.email} · {t(roleLabelKey(invitation.role))} ·{" "}
                {t(`office.staff.invitation.${invitation.status}`, {
                  date: formatDate(invitation.expiresAt, locale),
                })}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </section>
  );
}
