import {
  data,
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormMessage, SubmitButton } from "~/components/form";
import { actorFrom, getUser, requireUser } from "~/lib/auth.server";
import { db } from "~/lib/db.server";
import { localized, useLocale, useT, type MessageKey } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { acceptInvitation, findInvitation } from "~/services/invitations.server";

export const meta: MetaFunction = (args) => pageMeta(args, "claim.title");
// The token is in the address: keep the page out of every cache.
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

/**
 * What the page can say about the link: one of the invitation's dead ends, or "ready" (show the
 * candidacy; sign in, then claim), or "mine" (this account claimed it already).
 */
type ClaimState =
  "unknown" | "expired" | "revoked" | "used" | "claimedByAnother" | "ready" | "mine";

const STATUS: Record<ClaimState, number> = {
  unknown: 404,
  expired: 410,
  revoked: 410,
  used: 410,
  claimedByAnother: 409,
  ready: 200,
  mine: 200,
};

/**
 * The candidate's side of the clerk's invitation (`/claim/<token>`): which candidacy it is for;
 * sign in or create an account (coming back here), then claim it — the account is linked to the
 * candidacy and gets the candidate role in one audited transaction (invitations.server.ts) —
 * and set up two-step sign-in, which candidates must have.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const [invitation, user] = await Promise.all([
    findInvitation(db(), params.token ?? ""),
    getUser(request),
  ]);
  const mine = Boolean(user && invitation?.linkedUserId === user.id);
  const state: ClaimState = !invitation
    ? "unknown"
    : mine
      ? "mine"
      : invitation.status === "accepted"
        ? "used"
        : invitation.status !== "sent"
          ? invitation.status
          : invitation.linkedUserId
            ? "claimedByAnother"
            : "ready";
  const here = new URL(request.url).pathname;
  return data(
    {
      state,
      candidacy:
        invitation && (state === "ready" || state === "mine")
          ? {
              ballotName: invitation.ballotName,
              contestTitle: invitation.contestTitle,
              electionName: invitation.electionName,
              jurisdictionName: invitation.jurisdictionName,
            }
          : null,
      signedInAs: user?.email ?? null,
      redirectTo: encodeURIComponent(here),
    },
    { status: STATUS[state] },
  );
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const outcome = await acceptInvitation(
    db(),
    params.token ?? "",
    user.id,
    actorFrom(context, user),
  );
  if (!outcome.ok) {
    return data(
      { problem: outcome.problem },
      { status: outcome.problem === "invalid" ? 410 : 409 },
    );
  }
  // Candidates must have two-step sign-in: enrol first; the desk opens afterwards.
  return redirect(user.mfaEnabled ? "/candidate?claimed=1" : "/account/mfa?required=1", {
    status: 303,
  });
}

const DEAD_ENDS: Record<Exclude<ClaimState, "ready" | "mine">, MessageKey> = {
  unknown: "claim.unknown",
  expired: "claim.expired",
  revoked: "claim.revoked",
  used: "claim.used",
  claimedByAnother: "claim.claimedByAnother",
};

const PROBLEMS: Record<"invalid" | "claimedByAnother", MessageKey> = {
  invalid: "claim.invalidNow",
  claimedByAnother: "claim.claimedByAnother",
};

export default function Claim() {
  const { state, candidacy, signedInAs, redirectTo } = useLoaderData<typeof loader>();
  const result = useActionData<{ problem: "invalid" | "claimedByAnother" }>();
  const t = useT();
  const locale = useLocale();
  const link = "text-brand underline";
  return (
    <section aria-labelledby="claim-title" className="max-w-xl space-y-4">
      <h1 id="claim-title" className="text-2xl font-bold">
        {t("claim.title")}
      </h1>
      <FormMessage message={result ? PROBLEMS[result.problem] : undefined} />
      {state !== "ready" && state !== "mine" ? (
        <>
          <p role="alert">{t(DEAD_ENDS[state])}</p>
          <p>{t("claim.askOffice")}</p>
        </>
      ) : null}
      {candidacy ? (
        <dl className="rounded border border-slate-300 p-4">
          <dt className="font-semibold">{t("claim.ballotName")}</dt>
          <dd className="mb-2 text-lg">{candidacy.ballotName}</dd>
          <dt className="font-semibold">{t("claim.contest")}</dt>
          <dd className="mb-2">{localized(candidacy.contestTitle, locale)}</dd>
          <dt className="font-semibold">{t("claim.election")}</dt>
          <dd>
            {localized(candidacy.electionName, locale)} ·{" "}
            {localized(candidacy.jurisdictionName, locale)}
          </dd>
        </dl>
      ) : null}
      {state === "mine" ? (
        <p>
          {t("claim.mine")}{" "}
          <Link to="/candidate" className={link}>
            {t("claim.toDesk")}
          </Link>
        </p>
      ) : null}
      {state === "ready" && signedInAs ? (
        <Form method="post">
          <p className="mb-4">{t("claim.confirm", { email: signedInAs })}</p>
          <SubmitButton>{t("claim.submit")}</SubmitButton>
        </Form>
      ) : null}
      {state === "ready" && !signedInAs ? (
        <>
          <p>{t("claim.signInFirst")}</p>
          <ul className="list-disc space-y-2 pl-6">
            <li>
              <a href={`/sign-in/code?redirectTo=${redirectTo}`} className={link}>
                {t("claim.withCode")}
              </a>
            </li>
            <li>
              <a href={`/sign-in?redirectTo=${redirectTo}`} className={link}>
                {t("claim.withPassword")}
              </a>
            </li>
            <li>
              <a href="/sign-up" className={link}>
                {t("claim.signUp")}
              </a>
            </li>
          </ul>
        </>
      ) : null}
    </section>
  );
}
