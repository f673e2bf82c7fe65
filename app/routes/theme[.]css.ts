import type { LoaderFunctionArgs } from "@remix-run/node";
import { resolveTheme, themeCss } from "~/lib/contrast";

/**
 * The colours of embeds and branded office pages as a stylesheet (the CSP allows no inline
 * style): one small file per theme and accent, the same for everyone, cached a day.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const theme = resolveTheme(new URL(request.url).searchParams);
  return new Response(themeCss(theme), {
    headers: {
      "Content-Type": "text/css; charset=utf-8",
      "Cache-Control": "public, max-age=86400",
    },
  });
}
