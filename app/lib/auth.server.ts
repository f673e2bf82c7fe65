import { redirect } from "@remix-run/node";
import type { Actor } from "./audit.server";
import { db } from "./db.server";
import { forbidden } from "./http.server";
import { readSession, type SessionRecord } from "./session.server";

/**
 * The one way routes ask "who is this?" and "may they?": `getUser`, `requireUser`,
 * `requireRole(role, jurisdictionId)`. Every loader and action that needs a role calls these;
 * the role matrix test (tests/integration/role-matrix.test.ts) holds each route to it.
 */
export const ROLES = [
  "voter",
  "candidate",
  "viewer",
  "moderator",
  "editor",
  "clerk",
  "owner",
  "admin",
] as const;
export type Role = (typeof ROLES)[number];
/** Roles whose pages stay closed until TOTP MFA is on and passed in this session. */
export const MFA_REQUIRED_ROLES: ReadonlySet<Role> = new Set([
  "candidate",
  "viewer",
  "moderator",
  "editor",
  "clerk",
  "owner",
  "admin",
]);
/** Roles a grant carries besides its own: an office's owner may do all its clerks may. */
const IMPLIED_ROLES: Partial<Record<Role, readonly Role[]>> = { owner: ["clerk"] };

export type Grant = { role: Role; jurisdictionId: string | null };

export type SessionUser = {
  id: string;
  email: string;
  displayName: string | null;
  locale: string;
  emailVerified: boolean;
  mfaEnabled: boolean;
  grants: Grant[];
  session: SessionRecord;
};

async function userHasMfa(userId: string): Promise<boolean> {
  const row = await db()("users").where({ id: userId }).first("mfa_enabled_at");
  return Boolean(row?.mfa_enabled_at);
}

async function loadUser(session: SessionRecord): Promise<SessionUser | null> {
  const [user, grants] = await Promise.all([
    db()("users").where({ id: session.userId }).first(),
    db()("role_grants").where({ user_id: session.userId }).select("role", "jurisdiction_id"),
  ]);
  if (!user) return null;
  return {
    id: user.id,
    email: user.email,
    displayName: user.display_name,
    locale: user.locale,
    emailVerified: Boolean(user.email_verified_at),
    mfaEnabled: Boolean(user.mfa_enabled_at),
    grants: grants.map((g: { role: Role; jurisdiction_id: string | null }) => ({
      role: g.role,
      jurisdictionId: g.jurisdiction_id,
    })),
    session,
  };
}

// Loaders of one request share the lookup: the root and the page both ask.
const perRequest = new WeakMap<Request, Promise<SessionUser | null>>();

/** The session's user, including one still owing its second factor (see `getUser`). */
export function getSessionUser(request: Request): Promise<SessionUser | null> {
  let pending = perRequest.get(request);
  if (!pending) {
    pending = readSession(request, userHasMfa).then((session) =>
      session ? loadUser(session) : null,
    );
    perRequest.set(request, pending);
  }
  return pending;
}

/** The signed-in user, or null. A session still waiting for its MFA code does not count. */
export async function getUser(request: Request): Promise<SessionUser | null> {
  const user = await getSessionUser(request);
  return user && (!user.mfaEnabled || user.session.mfaPassed) ? user : null;
}

function signInRedirect(request: Request): Response {
  const url = new URL(request.url);
  return redirect(`/sign-in?redirectTo=${encodeURIComponent(url.pathname + url.search)}`, {
    status: 303,
  });
}

export async function requireUser(request: Request): Promise<SessionUser> {
  const user = await getUser(request);
  if (!user) throw signInRedirect(request);
  return user;
}

export function hasRole(
  user: Pick<SessionUser, "grants">,
  role: Role,
  jurisdictionId: string | null,
): boolean {
  return user.grants.some(
    (grant) =>
      // a grant without a jurisdiction exists only for admins, and covers every jurisdiction
      (grant.jurisdictionId === null || grant.jurisdictionId === jurisdictionId) &&
      // an admin may do what any role may, where the admin grant reaches
      (grant.role === role ||
        grant.role === "admin" ||
        Boolean(IMPLIED_ROLES[grant.role]?.includes(role))),
  );
}

/** Jurisdictions where the user holds `role` (or is admin); null means every jurisdiction. */
export function jurisdictionsWithRole(
  user: Pick<SessionUser, "grants">,
  role: Role,
): string[] | null {
  if (user.grants.some((grant) => grant.role === "admin" && grant.jurisdictionId === null))
    return null;
  return user.grants
    .filter((grant) => grant.role === role || grant.role === "admin")
    .map((grant) => grant.jurisdictionId!);
}

/** Privileged roles need MFA switched on before anything else; send them to enrol. */
export function requireMfaFor(user: SessionUser, role: Role): void {
  if (MFA_REQUIRED_ROLES.has(role) && !user.mfaEnabled) {
    throw redirect("/account/mfa?required=1", { status: 303 });
  }
}

/**
 * The signed-in user holding `role` in `jurisdictionId` (null: a global admin action).
 * Anonymous: redirect to sign-in. Signed in without the grant: 403. Privileged without MFA:
 * redirect to enrolment.
 */
export async function requireRole(
  request: Request,
  role: Role,
  jurisdictionId: string | null,
): Promise<SessionUser> {
  const user = await requireUser(request);
  if (!hasRole(user, role, jurisdictionId)) throw forbidden();
  requireMfaFor(user, role);
  return user;
}

/** The actor for the audit log: who (if anyone) did it, from where, in which request. */
export function actorFrom(
  context: { requestId: string; clientIp: string | null },
  user?: { id: string } | null,
): Actor {
  return { userId: user?.id ?? null, ip: context.clientIp, requestId: context.requestId };
}
