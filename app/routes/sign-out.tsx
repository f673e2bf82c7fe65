import { redirect, type ActionFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form } from "@remix-run/react";
import { SubmitButton } from "~/components/form";
import { actorFrom, getSessionUser } from "~/lib/auth.server";
import { audit } from "~/lib/audit.server";
import { db } from "~/lib/db.server";
import { readForm } from "~/lib/forms.server";
import { useT } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { clearSessionCookie, endOtherSessions, endSession } from "~/lib/session.server";

export const meta: MetaFunction = (args) => pageMeta(args, "signOut.title");

/** Ends this session (or, with scope=everywhere, every session of the account). */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = await getSessionUser(request);
  if (user) {
    const everywhere = (await readForm(request)).get("scope") === "everywhere";
    if (everywhere) await endOtherSessions(user.id);
    await endSession(user.session.id);
    await audit(db(), actorFrom(context, user), {
      action: everywhere ? "auth.sign_out_everywhere" : "auth.sign_out",
      targetType: "user",
      targetId: user.id,
    });
  }
  return redirect("/", { status: 303, headers: { "Set-Cookie": clearSessionCookie() } });
}

/** Reached by link (no JavaScript): a button, since signing out changes state. */
export default function SignOut() {
  const t = useT();
  return (
    <section className="max-w-md">
      <h1 className="mb-4 text-2xl font-bold">{t("signOut.title")}</h1>
      <Form method="post">
        <SubmitButton>{t("signOut.submit")}</SubmitButton>
      </Form>
    </section>
  );
}
