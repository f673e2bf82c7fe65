import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { actorFrom, requireUser } from "~/lib/auth.server";
import { db } from "~/lib/db.server";
import { parseForm, readForm } from "~/lib/forms.server";
import { badRequest, notFound, safeReturnPath, tooManyRequests } from "~/lib/http.server";
import { isUuid } from "~/lib/ids";
import { withNotice } from "~/lib/notices";
import { hit, RATE_LIMITS } from "~/lib/rate-limit.server";
import { REPORT_DETAILS_MAX, REPORT_REASONS } from "~/lib/report-reasons";
import { reportContent } from "~/services/user-reports.server";

/** Nothing to show: the report form folds out under each question and answer. */
export function loader() {
  throw notFound();
}

// The form's <select> and maxlength make these impossible to get wrong from the page itself.
const reportSchema = z.object({
  target: z.enum(["question", "answer"]).default("question"),
  reason: z.enum(REPORT_REASONS),
  details: z
    .string()
    .trim()
    .max(REPORT_DETAILS_MAX)
    .transform((details) => details || null)
    .optional(),
  returnTo: z.string().optional(),
});

/**
 * Reports a question — or, with `target=answer`, the answer whose id is in the path — to the
 * moderators. One open report per reporter and target; back to the page with a thank-you.
 */
export async function action({ request, params, context }: ActionFunctionArgs) {
  if (!isUuid(params.id)) throw notFound();
  const user = await requireUser(request);
  const form = parseForm(reportSchema, await readForm(request));
  if (!form.ok) throw badRequest();
  const limit = await hit(RATE_LIMITS.reportsPerUser, user.id);
  if (!limit.allowed) throw tooManyRequests(limit.retryAfterSeconds);
  const outcome = await reportContent(
    db(),
    {
      reporterId: user.id,
      target: form.data.target,
      targetId: params.id,
      reason: form.data.reason,
      details: form.data.details ?? null,
    },
    actorFrom(context, user),
  );
  if (outcome === "notFound") throw notFound();
  return redirect(withNotice(safeReturnPath(form.data.returnTo ?? null), outcome), {
    status: 303,
  });
}
