import type { ActionFunctionArgs } from "@remix-run/node";
import { db } from "~/lib/db.server";
import { readForm } from "~/lib/forms.server";
import { badRequest, notFound } from "~/lib/http.server";
import { countCompletion } from "~/services/video-stats.server";

/** Nothing to show: only the player posts here. */
export function loader() {
  throw notFound();
}

/**
 * The player's beacon (in public/enhance.js): a viewing of the answer's video reached 90 %.
 * Anonymous and stateless: only the day's counter moves (video-stats.server.ts).
 */
export async function action({ request, params }: ActionFunctionArgs) {
  const form = await readForm(request);
  if (form.get("event") !== "complete") throw badRequest();
  await countCompletion(db(), params.answer ?? "");
  return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
}
