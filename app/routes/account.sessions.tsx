import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { actorFrom, requireUser } from "~/lib/auth.server";
import { audit } from "~/lib/audit.server";
import { db } from "~/lib/db.server";
import { readForm } from "~/lib/forms.server";
import { notFound } from "~/lib/http.server";
import { endSession, listSessions } from "~/lib/session.server";

/** Nothing to show here: the sessions are listed on the account page. */
export async function loader() {
  return redirect("/account", { status: 303 });
}

/** Ends one of the user's own sessions (another device). Anyone else's is "not found". */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const sessionId = String((await readForm(request)).get("sessionId") ?? "");
  const session = (await listSessions(user.id)).find((candidate) => candidate.id === sessionId);
  if (!session) throw notFound();
  await endSession(session.id);
  await audit(db(), actorFrom(context, user), {
    action: "auth.session_ended",
    targetType: "user",
    targetId: user.id,
    details: { ip: session.ip, userAgent: session.userAgent },
  });
  return redirect("/account?ended=1", { status: 303 });
}
