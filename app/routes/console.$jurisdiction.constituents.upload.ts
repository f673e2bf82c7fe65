import {
  MaxPartSizeExceededError,
  redirect,
  unstable_composeUploadHandlers,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
} from "@remix-run/node";
import { actorFrom } from "~/lib/auth.server";
import { requireConsole } from "~/lib/console.server";
import { db } from "~/lib/db.server";
import { badRequest } from "~/lib/http.server";
import {
  readRoll,
  replaceRoll,
  RollFileError,
  type ReadRoll,
} from "~/services/constituents.server";

/**
 * Uploads the voter roll (docs/decisions/018-verified-constituents.md). Its address ends in
 * /upload so the proxy streams it without buffering (deploy/nginx): the file is hashed row by
 * row as it arrives and never lands on any disk, the proxy's included. Back to the
 * constituents page with the outcome.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { jurisdiction } = await requireConsole(request, params.jurisdiction, "clerk");
  return redirect(`/console/${jurisdiction.slug}/constituents`, { status: 303 });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, jurisdiction } = await requireConsole(request, params.jurisdiction, "clerk");
  const back = (query: Record<string, string>) =>
    redirect(`/console/${jurisdiction.slug}/constituents?${new URLSearchParams(query)}`, {
      status: 303,
    });
  if (!request.headers.get("content-type")?.startsWith("multipart/form-data")) throw badRequest();
  let roll: ReadRoll | null = null;
  let reading = false;
  try {
    await unstable_parseMultipartFormData(
      request,
      unstable_composeUploadHandlers(
        async ({ name, filename, data }) => {
          if (name !== "roll" || !filename || roll) return undefined;
          reading = true;
          roll = await readRoll(jurisdiction.id, data);
          reading = false;
          return "roll";
        },
        unstable_createMemoryUploadHandler({ maxPartSize: 1_000 }),
      ),
    );
  } catch (error) {
    if (error instanceof RollFileError)
      return back({ problem: error.tooLarge ? "rollTooLarge" : "rollFile" });
    // a failure while storing the roll is ours; any other error is a malformed body
    if (reading && !(error instanceof MaxPartSizeExceededError)) throw error;
    throw badRequest();
  }
  const read = roll as ReadRoll | null;
  if (!read || read.hashes.size === 0)
    return back({ problem: "rollEmpty", rejected: String(read?.rejectedCount ?? 0) });
  const { entries } = await replaceRoll(
    db(),
    { jurisdictionId: jurisdiction.id },
    read,
    actorFrom(context, user),
  );
  return back({
    done: "roll",
    entries: String(entries),
    rejected: String(read.rejectedCount),
    lines: read.rejectedLines.join(","),
  });
}
