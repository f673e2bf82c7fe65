import { checkReadiness } from "~/lib/health.server";

/** Readiness: 200 when the database, Redis (if configured) and migrations are fine; 503 naming what is not. */
export async function loader() {
  const readiness = await checkReadiness();
  return Response.json(readiness, {
    status: readiness.ready ? 200 : 503,
    headers: { "Cache-Control": "no-store" },
  });
}
