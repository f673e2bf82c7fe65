import type {
  HeadersFunction,
  LinksFunction,
  LoaderFunctionArgs,
  MetaFunction,
} from "@remix-run/node";
import {
  Link,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  isRouteErrorResponse,
  useLocation,
  useMatches,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import type { ReactNode } from "react";
import { AccountNav } from "~/components/account-nav";
import { LanguageSwitch } from "~/components/language-switch";
import { useNonce } from "~/components/nonce";
import { translate, useT, type Locale, type MessageKey } from "~/lib/i18n";
import { getUser } from "~/lib/auth.server";
import { localeFromRequest } from "~/lib/locale.server";
import stylesheet from "~/tailwind.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: stylesheet }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await getUser(request);
  return {
    locale: localeFromRequest(request),
    requestId: context.requestId,
    user: user ? { email: user.email, displayName: user.displayName } : null,
  };
}

/** A refusal's own headers (Retry-After on a 429, no-store) reach the error page's response. */
export const headers: HeadersFunction = ({ errorHeaders }) => {
  const kept = new Headers();
  for (const name of ["Retry-After", "Cache-Control"]) {
    const value = errorHeaders?.get(name);
    if (value) kept.set(name, value);
  }
  return kept;
};

/** Only error pages use the root's meta; every page route sets its own title and description. */
export const meta: MetaFunction<typeof loader> = ({ data, error }) => {
  if (!error) return [];
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  return [
    {
      title: translate(
        data?.locale ?? "en",
        notFound ? "error.notFound.title" : "error.server.title",
      ),
    },
  ];
};

/**
 * A route opts in to JavaScript with `handle: { hydrate: true }`; pages are complete without it.
 * `bare: true` leaves out the site's header (an embed, framed in another site's page).
 */
export type RouteHandle = { hydrate?: boolean; bare?: boolean };

function useHandle(key: keyof RouteHandle): boolean {
  return useMatches().some((match) => (match.handle as RouteHandle | undefined)?.[key]);
}

export function Layout({ children }: { children: ReactNode }) {
  const data = useRouteLoaderData<typeof loader>("root");
  const locale: Locale = data?.locale ?? "en";
  const hydrate = useHandle("hydrate");
  const bare = useHandle("bare");
  const nonce = useNonce();
  const t = useT();
  return (
    <html lang={locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      {bare ? (
        <body className="bg-[var(--surface)] font-sans text-[color:var(--ink)]">
          <main className="p-3">{children}</main>
        </body>
      ) : (
        <body className="min-h-screen bg-white font-sans text-slate-900">
          <a
            href="#main"
            className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:bg-white focus:p-2"
          >
            {t("nav.skipToContent")}
          </a>
          <header className="border-b border-slate-200 bg-slate-50">
            <div className="mx-auto flex max-w-3xl flex-wrap items-center justify-between gap-2 px-4 py-3">
              <Link to="/" className="text-xl font-bold text-brand-dark" aria-label={t("nav.home")}>
                {t("site.name")}
              </Link>
              <div className="flex flex-wrap items-center gap-4">
                <AccountNav user={data?.user ?? null} />
                <LanguageSwitch current={locale} />
              </div>
            </div>
          </header>
          <main id="main" className="mx-auto max-w-3xl px-4 py-6">
            {children}
          </main>
          {hydrate ? (
            <>
              <ScrollRestoration nonce={nonce} />
              <Scripts nonce={nonce} />
            </>
          ) : null}
        </body>
      )}
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

const ERROR_TEXT = {
  400: { title: "error.badRequest.title", body: "error.badRequest.body" },
  403: { title: "error.forbidden.title", body: "error.forbidden.body" },
  404: { title: "error.notFound.title", body: "error.notFound.body" },
  405: { title: "error.notFound.title", body: "error.notFound.body" },
  413: { title: "error.payloadTooLarge.title", body: "error.payloadTooLarge.body" },
  429: { title: "error.tooManyRequests.title", body: "error.tooManyRequests.body" },
  500: { title: "error.server.title", body: "error.server.body" },
} as const satisfies Record<number, { title: MessageKey; body: MessageKey }>;

function errorText(error: unknown) {
  const status = isRouteErrorResponse(error) ? error.status : 500;
  return { status, ...(ERROR_TEXT[status as keyof typeof ERROR_TEXT] ?? ERROR_TEXT[500]) };
}

/** The one error-to-page mapping: refusals thrown by routes (lib/http.server) and crashes. */
export function ErrorBoundary() {
  const error = useRouteError();
  const t = useT();
  const data = useRouteLoaderData<typeof loader>("root");
  const location = useLocation();
  const { status, title, body } = errorText(error);
  const retryAfterSeconds = isRouteErrorResponse(error)
    ? Number(error.data?.retryAfterSeconds ?? 0)
    : 0;
  return (
    <section aria-labelledby="error-title">
      <h1 id="error-title" className="mb-3 text-2xl font-bold">
        {t(title)}
      </h1>
      <p className="mb-3">{t(body, { minutes: Math.max(1, Math.ceil(retryAfterSeconds / 60)) })}</p>
      {status >= 500 && data?.requestId ? (
        <p className="mb-3 text-sm text-slate-700">
          {t("error.reference", { requestId: data.requestId })}
        </p>
      ) : null}
      {location.pathname !== "/" ? (
        <p>
          <Link to="/" className="text-brand underline">
            {t("error.backHome")}
          </Link>
        </p>
      ) : null}
    </section>
  );
}
