import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A real OpenID Connect provider (panva's oidc-provider, the certified implementation) on a
 * random local port, standing in for Google: authorization code flow with PKCE required, a
 * confidential client, userinfo with `email` and `email_verified`. Its development login and
 * consent pages are plain HTML forms a test fills in over HTTP (see `signInAtProvider`).
 */
export type TestAccount = { email: string; emailVerified: boolean };

export type OidcProvider = {
  issuer: string;
  clientId: string;
  /** The environment that points the app at this provider. */
  env: Record<string, string>;
  /** Accounts by login name (the subject, `sub`); a test sets each one before signing in. */
  accounts: Map<string, TestAccount>;
  close(): Promise<void>;
};

/** The part of oidc-provider's API used here. It ships no type declarations. */
type Claims = Record<string, unknown>;
type ProviderConstructor = new (
  issuer: string,
  configuration: {
    clients: Array<Record<string, unknown>>;
    pkce: { required: () => boolean };
    claims: Record<string, string[]>;
    cookies: { keys: string[] };
    features: { devInteractions: { enabled: boolean } };
    ttl: Record<string, number>;
    findAccount: (
      ctx: unknown,
      id: string,
    ) => Promise<{ accountId: string; claims: () => Promise<Claims> } | undefined>;
  },
) => { callback(): http.RequestListener };

export async function startOidcProvider(options: { redirectUri: string }): Promise<OidcProvider> {
  // The specifier is not a string literal to TypeScript, so the missing declarations are no error.
  const { default: Provider } = (await import("oidc-provider" as string)) as {
    default: ProviderConstructor;
  };
  // listening first: the issuer URL, which the provider needs, names the port
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const clientId = "civicq-test";
  const clientSecret = "civicq-test-secret-that-is-long-enough";
  const accounts = new Map<string, TestAccount>();
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [options.redirectUri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        // what remix-auth-oauth2 (arctic) sends: the id and secret in an Authorization header
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    // required, so an app that stopped sending a code challenge fails the tests
    pkce: { required: () => true },
    claims: { openid: ["sub"], email: ["email", "email_verified"] },
    cookies: { keys: ["civicq-test-provider-cookie-key"] },
    features: { devInteractions: { enabled: true } },
    // set, so the provider does not print a notice for each default it falls back to
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      IdToken: 600,
      Interaction: 600,
      Session: 600,
      Grant: 600,
    },
    async findAccount(_ctx, id) {
      const account = accounts.get(id);
      if (!account) return undefined;
      return {
        accountId: id,
        claims: async () => ({
          sub: id,
          email: account.email,
          email_verified: account.emailVerified,
        }),
      };
    },
  });
  server.on("request", provider.callback());

  return {
    issuer,
    clientId,
    env: {
      GOOGLE_CLIENT_ID: clientId,
      GOOGLE_CLIENT_SECRET: clientSecret,
      GOOGLE_AUTHORIZATION_ENDPOINT: `${issuer}/auth`,
      GOOGLE_TOKEN_ENDPOINT: `${issuer}/token`,
      GOOGLE_USERINFO_ENDPOINT: `${issuer}/me`,
    },
    accounts,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** A browser's cookies, per origin: enough for the app and the provider on two local ports. */
export class CookieJar {
  private readonly cookies = new Map<string, Map<string, string>>();

  header(url: string): string {
    const jar = this.cookies.get(new URL(url).origin);
    return jar ? [...jar].map(([name, value]) => `${name}=${value}`).join("; ") : "";
  }

  store(url: string, response: Response): void {
    const origin = new URL(url).origin;
    const jar = this.cookies.get(origin) ?? new Map<string, string>();
    for (const line of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = line.split(";");
      const [name = "", ...value] = pair.trim().split("=");
      const gone =
        attributes.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a)) ||
        attributes.some(
          (a) => /^\s*expires\s*=/i.test(a) && new Date(a.split("=")[1]!) < new Date(),
        );
      if (gone) jar.delete(name);
      else jar.set(name, value.join("="));
    }
    this.cookies.set(origin, jar);
  }

  set(url: string, name: string, value: string): void {
    const origin = new URL(url).origin;
    this.cookies.set(origin, (this.cookies.get(origin) ?? new Map()).set(name, value));
  }

  names(url: string): string[] {
    return [...(this.cookies.get(new URL(url).origin)?.keys() ?? [])];
  }
}

/** A GET or form POST as a browser makes it, without following redirects. */
export async function browse(
  jar: CookieJar,
  url: string,
  form?: Record<string, string>,
): Promise<Response> {
  const response = await fetch(url, {
    method: form ? "POST" : "GET",
    redirect: "manual",
    headers: {
      Cookie: jar.header(url),
      ...(form ? { "Content-Type": "application/x-www-form-urlencoded" } : {}),
    },
    body: form ? new URLSearchParams(form) : undefined,
  });
  jar.store(url, response);
  return response;
}

/**
 * Follows a browser from the provider's authorization URL through its login and consent forms
 * (logging in as `login`, or pressing cancel when `cancel`) to the URL the provider sends it
 * back to: the app's callback with a code, or with an error.
 */
export async function signInAtProvider(
  jar: CookieJar,
  authorizationUrl: string,
  options: { login: string; cancel?: boolean; returnTo: string },
): Promise<string> {
  let url = authorizationUrl;
  for (let step = 0; step < 12; step++) {
    if (url.startsWith(options.returnTo)) return url;
    const response = await browse(jar, url);
    if (response.status >= 300 && response.status < 400) {
      url = new URL(response.headers.get("Location")!, url).toString();
      continue;
    }
    const html = await response.text();
    if (response.status !== 200) throw new Error(`provider answered ${response.status}: ${html}`);
    const action = html.match(/<form[^>]*action="([^"]+)"/)?.[1];
    const prompt = html.match(/name="prompt" value="(\w+)"/)?.[1];
    if (!action || !prompt) throw new Error(`no interaction form at ${url}: ${html}`);
    if (options.cancel) {
      url = new URL(html.match(/href="([^"]*\/abort)"/)![1]!, url).toString();
      continue;
    }
    const submitted = await browse(
      jar,
      new URL(action, url).toString(),
      prompt === "login" ? { prompt, login: options.login, password: "any" } : { prompt },
    );
    if (submitted.status < 300 || submitted.status >= 400) {
      throw new Error(`provider refused the ${prompt} form: ${await submitted.text()}`);
    }
    url = new URL(submitted.headers.get("Location")!, url).toString();
  }
  throw new Error("the provider never sent the browser back");
}
