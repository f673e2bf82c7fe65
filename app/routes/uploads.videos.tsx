import type { ActionFunctionArgs } from "@remix-run/node";
import { requireCandidate } from "~/lib/candidate-access.server";
import { db } from "~/lib/db.server";
import { readForm } from "~/lib/forms.server";
import { translate } from "~/lib/i18n";
import { localeFromRequest } from "~/lib/locale.server";
import { deskQuestion } from "~/services/answer-desk.server";
import { createUploadSession } from "~/services/video-uploads.server";
import { uploadProblemResponse, uploadSessionJson } from "~/services/video-upload-http.server";

/**
 * POST /uploads/videos (question, size): starts a resumable upload for /upload.js; answers 201
 * with where to send the parts (see uploads.videos.$upload.tsx). Under /uploads/, so the proxy
 * streams what follows unbuffered.
 */
const onlyPost = () => new Response(null, { status: 405, headers: { Allow: "POST" } });

export const loader = onlyPost;

export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") return onlyPost();
  const { user, candidacies } = await requireCandidate(request);
  const form = await readForm(request);
  const detail = await deskQuestion(db(), candidacies, String(form.get("question") ?? ""));
  if (!detail) {
    const message = translate(localeFromRequest(request), "error.notFound.body");
    return Response.json({ problem: "notFound", message }, { status: 404 });
  }
  const outcome = await createUploadSession(db(), {
    candidacy: detail.candidacy,
    questionId: detail.question.id,
    userId: user.id,
    size: Number(form.get("size")),
  });
  if (!outcome.ok) return uploadProblemResponse(request, outcome.problem);
  return uploadSessionJson(outcome.session, 201);
}
