import type { LoaderFunctionArgs } from "@remix-run/node";
import { cachedJson } from "~/lib/cache.server";
import { openApiDocument } from "~/services/open-data.server";

/** The OpenAPI 3.1 description of the open-data API. */
export async function loader({ request }: LoaderFunctionArgs) {
  return cachedJson(request, openApiDocument(), "public, max-age=3600");
}
