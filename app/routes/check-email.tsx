import type { MetaFunction } from "@remix-run/node";
import { useSearchParams } from "@remix-run/react";
import { useT } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";

export const meta: MetaFunction = (args) => pageMeta(args, "checkEmail.title");

/** After sign-up or a reset request: the same words whether or not the address has an account. */
export default function CheckEmail() {
  const t = useT();
  const [params] = useSearchParams();
  return (
    <section className="max-w-md" aria-live="polite">
      <h1 className="mb-4 text-2xl font-bold">{t("checkEmail.title")}</h1>
      <p>{t(params.get("reason") === "reset" ? "checkEmail.reset" : "checkEmail.verify")}</p>
    </section>
  );
}
