import type {
  ActionFunctionArgs,
  HeadersFunction,
  LoaderFunctionArgs,
  MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { SubmitButton } from "~/components/form";
import { LocalizedText } from "~/components/localized-text";
import { db } from "~/lib/db.server";
import { useT } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { followByToken, unsubscribeByToken, type Subscription } from "~/services/follows.server";

// The token in the address is the only key to the follow: no Referer to other sites. Not
// "no-referrer", which would also blank the Origin of our own form's POST (and fail it).
export const meta: MetaFunction = (args) => [
  ...pageMeta(args, "civic.unsubscribe.title"),
  { name: "referrer", content: "same-origin" },
];
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

/** Tokens are 32 random bytes in base64url; anything else is not worth a query. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * The unsubscribe link of every notification email (a followed question answered, a followed
 * contest / candidate / topic's new answers, the digests, election reminders), without signing
 * in: GET asks to confirm (a link scanner following it must not unsubscribe anyone), POST
 * unsubscribes — also the one-click POST a mail client sends for `List-Unsubscribe-Post`.
 */
export async function loader({ params }: LoaderFunctionArgs) {
  const token = params.token ?? "";
  return { subscription: TOKEN.test(token) ? await followByToken(db(), token) : null };
}

export async function action({ params }: ActionFunctionArgs) {
  const token = params.token ?? "";
  return { done: TOKEN.test(token) && (await unsubscribeByToken(db(), token)) };
}

function WhatStops({ subscription }: { subscription: Subscription }) {
  const t = useT();
  if (subscription.kind === "question")
    return (
      <>
        <p>{t("follow.unsubscribe.body")}</p>
        <blockquote className="border-l-4 border-slate-300 pl-3">{subscription.text}</blockquote>
      </>
    );
  if (subscription.kind === "item")
    return (
      <>
        <p>{t(`civic.unsubscribe.item.${subscription.target}`)}</p>
        <LocalizedText
          as="p"
          text={subscription.name}
          className="border-l-4 border-slate-300 pl-3"
        />
      </>
    );
  return <p>{t(`civic.unsubscribe.list.${subscription.list}`)}</p>;
}

export default function Unsubscribe() {
  const { subscription } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  let content;
  if (result?.done) content = <p role="status">{t("civic.unsubscribe.done")}</p>;
  else if (result || !subscription) content = <p>{t("follow.unsubscribe.invalid")}</p>;
  else
    content = (
      <Form method="post" className="space-y-4">
        <WhatStops subscription={subscription} />
        <SubmitButton>{t("follow.unsubscribe.submit")}</SubmitButton>
      </Form>
    );
  return (
    <section aria-labelledby="unsubscribe-title" className="max-w-xl space-y-4">
      <h1 id="unsubscribe-title" className="text-2xl font-bold">
        {t("civic.unsubscribe.title")}
      </h1>
      {content}
      <p>
        <Link to="/" className="text-brand underline">
          {t("error.backHome")}
        </Link>
      </p>
    </section>
  );
}
