import { Readable } from "node:stream";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { actorFrom } from "~/lib/auth.server";
import { requireCandidate } from "~/lib/candidate-access.server";
import { db } from "~/lib/db.server";
import { receiveUploadPart, uploadSession } from "~/services/video-uploads.server";
import { uploadProblemResponse, uploadSessionJson } from "~/services/video-upload-http.server";

/**
 * One resumable upload (docs/decisions/009-resumable-uploads.md), tus-like: GET or HEAD says
 * how many bytes have arrived (`Upload-Offset`), PATCH sends the part starting there
 * (`Upload-Offset`, `Content-Length`, Content-Type application/offset+octet-stream). Only the
 * account that started it may see or continue it.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user } = await requireCandidate(request);
  const session = await uploadSession(db(), user.id, params.upload ?? "");
  if (!session) return Response.json({ problem: "notFound" }, { status: 404 });
  return uploadSessionJson(session, 200);
}

/**
 * A refusal of a part whose body may be unread: the connection is closed after it, so no
 * client sends its next request after the bytes of this one.
 */
function closing(response: Response): Response {
  response.headers.set("Connection", "close");
  return response;
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  if (request.method !== "PATCH") {
    return closing(new Response(null, { status: 405, headers: { Allow: "GET, HEAD, PATCH" } }));
  }
  const access = await requireCandidate(request);
  const offset = Number(request.headers.get("Upload-Offset"));
  const length = Number(request.headers.get("Content-Length") ?? 0);
  if (
    request.headers.get("Content-Type") !== "application/offset+octet-stream" ||
    !Number.isSafeInteger(offset) ||
    !Number.isSafeInteger(length)
  ) {
    return closing(Response.json({ problem: "badRequest" }, { status: 400 }));
  }
  const body = request.body
    ? Readable.fromWeb(request.body as import("node:stream/web").ReadableStream)
    : Readable.from([]);
  const outcome = await receiveUploadPart(
    db(),
    { userId: access.user.id, uploadId: params.upload ?? "", candidacies: access.candidacies },
    { offset, length, body },
    actorFrom(context, access.user),
  );
  if (outcome.ok) return uploadSessionJson(outcome.session, 200);
  if (outcome.problem === "notFound") {
    return closing(Response.json({ problem: "notFound" }, { status: 404 }));
  }
  if (outcome.problem === "offsetMismatch" || outcome.problem === "badLength") {
    // Where the upload really stands: the client continues from there.
    const status = outcome.problem === "offsetMismatch" ? 409 : 400;
    return closing(uploadSessionJson(outcome.session!, status));
  }
  return closing(uploadProblemResponse(request, outcome.problem));
}
