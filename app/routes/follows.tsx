import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requireUser } from "~/lib/auth.server";
import { db } from "~/lib/db.server";
import { parseForm, readForm } from "~/lib/forms.server";
import { badRequest, notFound, safeReturnPath } from "~/lib/http.server";
import { withNotice } from "~/lib/notices";
import {
  FOLLOW_NOTICES,
  followItem,
  followTargetExists,
  setListSubscription,
  unfollowItem,
} from "~/services/follows.server";

/** Nothing to show: the follow forms sit on the contest, candidate and topic pages. */
export function loader() {
  throw notFound();
}

const followForm = z.object({
  intent: z.enum(["follow", "unfollow"]),
  kind: z.enum(["contest", "candidate", "tag"]),
  id: z.uuid(),
  notice: z.enum(FOLLOW_NOTICES).default("weekly"),
  remind: z.literal("1").optional(),
  returnTo: z.string().default("/"),
});

/**
 * Follow a contest, a candidate or a topic with the chosen email notices (or change them), or
 * stop following; a plain form, back to the page with a notice. Ticking "remind me" opts in to
 * election reminders.
 */
export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const form = parseForm(followForm, await readForm(request));
  if (!form.ok) throw badRequest();
  const { intent, kind, id, notice, remind, returnTo } = form.data;
  const target = { kind, id };
  if (!(await followTargetExists(db(), target))) throw notFound();
  if (intent === "unfollow") await unfollowItem(db(), user.id, target);
  else
    await db().transaction(async (trx) => {
      await followItem(trx, user.id, target, notice);
      if (remind) await setListSubscription(trx, user.id, "election_reminders", true);
    });
  const notice_ = intent === "follow" ? "itemFollowed" : "itemUnfollowed";
  return redirect(withNotice(safeReturnPath(returnTo), notice_), { status: 303 });
}
