import { redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link } from "@remix-run/react";
import { actorFrom } from "~/lib/auth.server";
import { db } from "~/lib/db.server";
import { useT } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { verifyEmail } from "~/services/accounts.server";

export const meta: MetaFunction = (args) => pageMeta(args, "verifyEmail.title");

/** The link in the verification email. Spends the token, then shows the outcome. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  if (token && (await verifyEmail(db(), token.slice(0, 200), actorFrom(context)))) {
    throw redirect("/sign-in?verified=1", { status: 303 });
  }
  return null;
}

export default function VerifyEmail() {
  const t = useT();
  return (
    <section className="max-w-md">
      <h1 className="mb-4 text-2xl font-bold">{t("verifyEmail.title")}</h1>
      <p className="mb-4">{t("verifyEmail.invalid")}</p>
      <Link to="/sign-in/code" className="text-brand underline">
        {t("signIn.codeInstead")}
      </Link>
    </section>
  );
}
