import { data, redirect, type ActionFunctionArgs, type HeadersFunction } from "@remix-run/node";
import { actorFrom } from "~/lib/auth.server";
import { requireCandidate } from "~/lib/candidate-access.server";
import { db } from "~/lib/db.server";
import { notFound } from "~/lib/http.server";
import { deskQuestion } from "~/services/answer-desk.server";
import { receiveFormUpload, type UploadProblem } from "~/services/video-uploads.server";

/**
 * The upload form's target: the video page's form posts here, an address the proxy streams to
 * the app unbuffered (deploy/nginx: paths ending in /upload). A refusal renders the same page,
 * with its reason and a fitting status; a stored upload goes to the video's own page.
 */
export { default, loader, meta } from "./candidate.questions.$question_.video";

/** A refusal asks for the connection to close (see the action). */
export const headers: HeadersFunction = ({ actionHeaders }) => ({
  "Cache-Control": "no-store",
  ...(actionHeaders.get("Connection") === "close" ? { Connection: "close" } : {}),
});

const STATUS: Record<UploadProblem, number> = {
  noFile: 400,
  empty: 400,
  notVideo: 415,
  tooLarge: 413,
  quotaExceeded: 413,
  interrupted: 400,
};

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, candidacies } = await requireCandidate(request);
  const detail = await deskQuestion(db(), candidacies, params.question ?? "");
  if (!detail) throw notFound();
  const outcome = await receiveFormUpload(
    db(),
    request,
    { candidacy: detail.candidacy, questionId: detail.question.id },
    actorFrom(context, user),
  );
  if (outcome.ok) return redirect(`/candidate/videos/${outcome.videoId}`, { status: 303 });
  // The rest of the body may be unread: the connection closes after this page, so the client
  // sends nothing more on it (it would arrive after those unread bytes).
  return data(
    { problem: outcome.problem },
    { status: STATUS[outcome.problem], headers: { Connection: "close" } },
  );
}
