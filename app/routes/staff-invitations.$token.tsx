import {
  data,
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormMessage, SubmitButton } from "~/components/form";
import { actorFrom, getUser, requireUser } from "~/lib/auth.server";
import { db } from "~/lib/db.server";
import { localized, useLocale, useT } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { roleLabelKey } from "~/lib/staff-roles";
import { acceptStaffInvitation, findStaffInvitation } from "~/services/staff.server";

export const meta: MetaFunction = (args) => pageMeta(args, "office.join.title");
// The token is in the address: keep the page out of every cache.
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

const DEAD = { expired: 410, revoked: 410, accepted: 410 } as const;

/**
 * The invited person's side of a staff invitation: which office and role; sign in (or create an
 * account) with the invited address, then join. Staff roles need two-step sign-in, which the
 * console asks for on the way in.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const [invitation, user] = await Promise.all([
    findStaffInvitation(db(), params.token ?? ""),
    getUser(request),
  ]);
  if (!invitation) throw data({ reason: "notFound" }, 404);
  const here = new URL(request.url).pathname;
  return data(
    {
      status: invitation.status,
      role: invitation.role,
      office: invitation.jurisdictionName,
      email: invitation.email,
      signedInAs: user?.email ?? null,
      signIn: `/sign-in/code?redirectTo=${encodeURIComponent(here)}`,
    },
    { status: invitation.status === "sent" ? 200 : DEAD[invitation.status] },
  );
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const outcome = await acceptStaffInvitation(
    db(),
    params.token ?? "",
    user,
    actorFrom(context, user),
  );
  if (outcome.ok) return redirect(`/console/${outcome.jurisdictionSlug}`, { status: 303 });
  return data(
    { problem: outcome.problem },
    {
      status: outcome.problem === "otherAddress" ? 403 : outcome.problem === "unknown" ? 404 : 410,
    },
  );
}

export default function JoinOffice() {
  const { status, role, office, email, signedInAs, signIn } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  return (
    <section aria-labelledby="page-title" className="max-w-md space-y-4">
      <h1 id="page-title" className="text-2xl font-bold">
        {t("office.join.title")}
      </h1>
      <p>
        {t("office.join.intro", {
          office: localized(office, locale),
          role: t(roleLabelKey(role)),
        })}
      </p>
      {result ? <FormMessage message={`office.join.problem.${result.problem}`} /> : null}
      {status !== "sent" ? (
        <FormMessage message={`office.join.status.${status}`} />
      ) : signedInAs ? (
        <Form method="post">
          <p className="mb-4">{t("office.join.signedInAs", { email: signedInAs })}</p>
          <SubmitButton>{t("office.join.submit")}</SubmitButton>
        </Form>
      ) : (
        <p>
          <Link to={signIn} className="text-brand underline">
            {t("office.join.signIn", { email })}
          </Link>
        </p>
      )}
    </section>
  );
}
