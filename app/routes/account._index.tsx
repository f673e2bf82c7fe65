import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { FormMessage } from "~/components/form";
import { requireUser } from "~/lib/auth.server";
import { db } from "~/lib/db.server";
import { localized, useLocale, useT, type Locale } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { listSessions } from "~/lib/session.server";
import { listGrants } from "~/services/users.server";
import { isStaffRole, roleLabelKey } from "~/lib/staff-roles";

export const meta: MetaFunction = (args) => pageMeta(args, "account.title");
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

const BROWSERS: Array<[RegExp, string]> = [
  [/Edg\//, "Edge"],
  [/OPR\//, "Opera"],
  [/Firefox\//, "Firefox"],
  [/Chrome\//, "Chrome"],
  [/Safari\//, "Safari"],
];
const SYSTEMS: Array<[RegExp, string]> = [
  [/Android/, "Android"],
  [/iPhone|iPad/, "iOS"],
  [/Windows/, "Windows"],
  [/Mac OS X/, "macOS"],
  [/CrOS/, "ChromeOS"],
  [/Linux/, "Linux"],
];

/** "Firefox · Linux" from a user agent: enough to recognise a device, short enough to read. */
function deviceName(userAgent: string | null): string | null {
  if (!userAgent) return null;
  const pick = (table: Array<[RegExp, string]>) => table.find(([test]) => test.test(userAgent));
  const known = [pick(BROWSERS)?.[1], pick(SYSTEMS)?.[1]].filter(Boolean);
  return known.length ? known.join(" · ") : userAgent.slice(0, 60);
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const [sessions, grants] = await Promise.all([
    listSessions(user.id),
    listGrants(db(), { userId: user.id }),
  ]);
  return {
    email: user.email,
    emailVerified: user.emailVerified,
    mfaEnabled: user.mfaEnabled,
    grants,
    sessions: sessions.map((session) => ({
      id: session.id,
      device: deviceName(session.userAgent),
      ip: session.ip,
      lastSeenAt: session.lastSeenAt,
      current: session.id === user.session.id,
    })),
  };
}

const formatTime = (time: number, locale: Locale) =>
  new Intl.DateTimeFormat(locale, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
    timeZone: "UTC",
    timeZoneName: "short",
  }).format(time);

const buttonClass = "rounded border border-slate-500 px-3 py-1 text-sm hover:bg-slate-100";

export default function Account() {
  const { email, emailVerified, mfaEnabled, grants, sessions } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const [params] = useSearchParams();
  return (
    <section aria-labelledby="account-title" className="space-y-8">
      <h1 id="account-title" className="text-2xl font-bold">
        {t("account.title")}
      </h1>
      <FormMessage
        message={params.get("ended") ? "account.sessions.ended" : undefined}
        tone="info"
      />

      <section aria-labelledby="account-sign-in">
        <h2 id="account-sign-in" className="mb-2 text-xl font-semibold">
          {t("account.signIn.heading")}
        </h2>
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2">
          <dt className="font-medium">{t("form.email.label")}</dt>
          <dd>
            {email}{" "}
            <span className="text-slate-700">
              ({t(emailVerified ? "account.email.verified" : "account.email.unverified")})
            </span>
          </dd>
          <dt className="font-medium">{t("account.twoStep.label")}</dt>
          <dd>
            {t(mfaEnabled ? "account.twoStep.on" : "account.twoStep.off")}{" "}
            <Link to="/account/mfa" className="text-brand underline">
              {t(mfaEnabled ? "account.twoStep.manage" : "account.twoStep.turnOn")}
            </Link>
          </dd>
          <dt className="font-medium">{t("trust.verify.title")}</dt>
          <dd>
            <Link to="/account/constituent" className="text-brand underline">
              {t("trust.verify.manage")}
            </Link>
          </dd>
        </dl>
      </section>

      {grants.length > 0 ? (
        <section aria-labelledby="account-roles">
          <h2 id="account-roles" className="mb-2 text-xl font-semibold">
            {t("account.roles.heading")}
          </h2>
          <ul className="space-y-1">
            {grants.map((grant) => (
              <li key={grant.id}>
                {t(roleLabelKey(grant.role))} —{" "}
                {grant.jurisdictionName
                  ? localized(grant.jurisdictionName, locale)
                  : t("account.roles.everywhere")}
                {isStaffRole(grant.role) && grant.jurisdictionSlug ? (
                  <>
                    {" · "}
                    <Link
                      to={`/console/${grant.jurisdictionSlug}`}
                      className="text-brand underline"
                    >
                      {t("account.roles.openConsole")}
                    </Link>
                  </>
                ) : null}
                {grant.role === "candidate" ? (
                  <>
                    {" · "}
                    <Link to="/candidate" className="text-brand underline">
                      {t("account.roles.openDesk")}
                    </Link>
                  </>
                ) : null}
                {grant.role === "admin" && !grant.jurisdictionId ? (
                  <>
                    {" · "}
                    <Link to="/admin/roles" className="text-brand underline">
                      {t("account.roles.manageRoles")}
                    </Link>
                    {" · "}
                    <Link to="/admin/jurisdictions" className="text-brand underline">
                      {t("admin.jurisdictions.title")}
                    </Link>
                    {" · "}
                    <Link to="/admin/audit" className="text-brand underline">
                      {t("admin.audit.title")}
                    </Link>
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="account-sessions">
        <h2 id="account-sessions" className="mb-2 text-xl font-semibold">
          {t("account.sessions.heading")}
        </h2>
        <ul className="mb-4 space-y-3">
          {sessions.map((session) => (
            <li
              key={session.id}
              className="flex flex-wrap items-center justify-between gap-2 rounded border border-slate-300 p-3"
            >
              <div>
                <p className="font-medium">
                  {session.device ?? t("account.sessions.unknownDevice")}
                  {session.current ? (
                    <span className="ml-2 rounded bg-blue-50 px-2 py-0.5 text-sm">
                      {t("account.sessions.thisDevice")}
                    </span>
                  ) : null}
                </p>
                <p className="text-sm text-slate-700">
                  {t("account.sessions.details", {
                    ip: session.ip ?? "—",
                    time: formatTime(session.lastSeenAt, locale),
                  })}
                </p>
              </div>
              {session.current ? (
                <Form method="post" action="/sign-out">
                  <button type="submit" className={buttonClass}>
                    {t("signOut.submit")}
                  </button>
                </Form>
              ) : (
                <Form method="post" action="/account/sessions">
                  <input type="hidden" name="sessionId" value={session.id} />
                  <button type="submit" className={buttonClass}>
                    {t("account.sessions.end")}
                  </button>
                </Form>
              )}
            </li>
          ))}
        </ul>
        <Form method="post" action="/sign-out">
          <input type="hidden" name="scope" value="everywhere" />
          <button type="submit" className={buttonClass}>
            {t("account.sessions.signOutEverywhere")}
          </button>
        </Form>
      </section>

      <section aria-labelledby="account-data">
        <h2 id="account-data" className="mb-2 text-xl font-semibold">
          {t("account.data.heading")}
        </h2>
        <p className="mb-2">{t("account.data.intro")}</p>
        <ul className="space-y-1">
          <li>
            <Link to="/account/activity" className="text-brand underline">
              {t("activity.title")}
            </Link>
          </li>
          <li>
            <a href="/account/export" download className="text-brand underline">
              {t("account.data.download")}
            </a>
          </li>
        </ul>
      </section>

      <section aria-labelledby="account-delete">
        <h2 id="account-delete" className="mb-2 text-xl font-semibold">
          {t("account.delete.heading")}
        </h2>
        <p className="mb-2">{t("account.delete.intro")}</p>
        <Link to="/account/delete" className="text-red-800 underline">
          {t("account.delete.link")}
        </Link>
      </section>
    </section>
  );
}
