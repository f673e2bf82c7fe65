import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { config } from "~/lib/config.server";
import { isLocale } from "~/lib/i18n";
import { safeReturnPath } from "~/lib/http.server";
import { localeCookie } from "~/lib/locale.server";

/** The language switch: a plain link, so it works without JavaScript. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  if (!isLocale(params.locale)) throw new Response("Not Found", { status: 404 });
  const returnTo = safeReturnPath(new URL(request.url).searchParams.get("returnTo"));
  return redirect(returnTo, {
    status: 303,
    headers: {
      "Set-Cookie": localeCookie(params.locale, config().APP_URL.startsWith("https:")),
      "Cache-Control": "no-store",
    },
  });
}
