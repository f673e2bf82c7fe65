import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { actorFrom } from "~/lib/auth.server";
import { requireConsole } from "~/lib/console.server";
import { csvResponse, csvStream } from "~/lib/csv.server";
import { db } from "~/lib/db.server";
import { readForm } from "~/lib/forms.server";
import { generateCodeBatch, MAX_CODE_BATCH } from "~/services/constituents.server";

/**
 * Generates a batch of one-time constituent codes and answers with them as a CSV for the print
 * shop. This response is the only time the codes exist in clear: the database keeps their
 * hashes (docs/decisions/018-verified-constituents.md), so a lost file means a new batch.
 */
const batchForm = z.object({
  size: z.coerce.number().int().min(1).max(MAX_CODE_BATCH),
  expires: z.iso.date(),
});

/** Nothing to show here: the form lives on the constituents page. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { jurisdiction } = await requireConsole(request, params.jurisdiction, "clerk");
  return redirect(`/console/${jurisdiction.slug}/constituents`, { status: 303 });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, jurisdiction } = await requireConsole(request, params.jurisdiction, "clerk");
  const parsed = batchForm.safeParse(Object.fromEntries(await readForm(request)));
  // valid until the end of the chosen day, in UTC; it must be a day still to come
  const expiresAt = parsed.success ? new Date(`${parsed.data.expires}T23:59:59Z`) : null;
  if (!parsed.success || !expiresAt || expiresAt.getTime() <= Date.now())
    return redirect(`/console/${jurisdiction.slug}/constituents?problem=codes`, { status: 303 });
  const batch = await generateCodeBatch(
    db(),
    { jurisdictionId: jurisdiction.id },
    { size: parsed.data.size, expiresAt },
    actorFrom(context, user),
  );
  const expires = batch.expiresAt.toISOString().slice(0, 10);
  return csvResponse(
    csvStream(
      ["code", "expires"],
      batch.codes.map((code) => [code, expires]),
    ),
    `${jurisdiction.slug}-constituent-codes-${batch.batchId.slice(0, 8)}.csv`,
  );
}
