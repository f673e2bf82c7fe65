import type { LoaderFunctionArgs } from "@remix-run/node";
import { notFound } from "~/lib/http.server";
import { googleSignInEnabled, startGoogleSignIn } from "~/services/google-sign-in.server";

/** "Sign in with Google": straight on to Google, or 404 where Google sign-in is not set up. */
export async function loader({ request }: LoaderFunctionArgs) {
  if (!googleSignInEnabled()) throw notFound();
  return startGoogleSignIn(request);
}
