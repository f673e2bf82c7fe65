import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/lib/auth.server";
import { db } from "~/lib/db.server";
import { readForm } from "~/lib/forms.server";
import { badRequest, notFound, safeReturnPath } from "~/lib/http.server";
import { isUuid } from "~/lib/ids";
import { withNotice } from "~/lib/notices";
import { followQuestion, questionFollowable, unfollowQuestion } from "~/services/follows.server";

/** Nothing to show: the follow button sits on the question's page. */
export function loader() {
  throw notFound();
}

/** Follow or stop following a question (one email when it is answered); back with a notice. */
export async function action({ request, params }: ActionFunctionArgs) {
  if (!isUuid(params.id)) throw notFound();
  const user = await requireUser(request);
  const form = await readForm(request);
  const intent = form.get("intent");
  if (intent !== "follow" && intent !== "unfollow") throw badRequest();
  if (!(await questionFollowable(db(), user.id, params.id))) throw notFound();
  if (intent === "follow") await followQuestion(db(), user.id, params.id);
  else await unfollowQuestion(db(), user.id, params.id);
  const returnTo = safeReturnPath(String(form.get("returnTo") ?? ""));
  return redirect(withNotice(returnTo, intent === "follow" ? "followed" : "unfollowed"), {
    status: 303,
  });
}
