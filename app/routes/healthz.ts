/** Liveness: the process is up and serving. Checks nothing else, so a database outage never restarts it. */
export async function loader() {
  return Response.json({ status: "ok" }, { headers: { "Cache-Control": "no-store" } });
}
