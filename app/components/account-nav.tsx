import { Form, Link } from "@remix-run/react";
import { useT } from "~/lib/i18n";

/** Sign in / up links, or the account link and a sign-out button (a form: it changes state). */
export function AccountNav({
  user,
}: {
  user: { email: string; displayName: string | null } | null;
}) {
  const t = useT();
  if (!user) {
    return (
      <nav aria-label={t("nav.account")} className="flex gap-3 text-sm">
        <Link to="/sign-in" className="text-brand underline">
          {t("signIn.title")}
        </Link>
        <Link to="/sign-up" className="text-brand underline">
          {t("signUp.title")}
        </Link>
      </nav>
    );
  }
  return (
    <nav aria-label={t("nav.account")} className="flex items-center gap-3 text-sm">
      <Link to="/account" className="text-brand underline">
        {user.displayName ?? user.email}
      </Link>
      <Form method="post" action="/sign-out">
        <button type="submit" className="text-brand underline">
          {t("signOut.submit")}
        </button>
      </Form>
    </nav>
  );
}
