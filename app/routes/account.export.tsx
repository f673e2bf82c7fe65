import type { LoaderFunctionArgs } from "@remix-run/node";
import { actorFrom, requireUser } from "~/lib/auth.server";
import { db } from "~/lib/db.server";
import { listSessions } from "~/lib/session.server";
import { exportUserData } from "~/services/users.server";

/** "Download your data": everything CivicQ holds about the signed-in user, as a JSON file. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const data = await exportUserData(
    db(),
    user.id,
    await listSessions(user.id),
    actorFrom(context, user),
  );
  return new Response(JSON.stringify(data, null, 2), {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": 'attachment; filename="civicq-data.json"',
      "Cache-Control": "no-store",
    },
  });
}
