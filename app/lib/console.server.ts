import { hasRole, requireMfaFor, requireUser, type SessionUser } from "./auth.server";
import { db } from "./db.server";
import { forbidden, notFound } from "./http.server";
import type { LocalizedText } from "./i18n";
import { STAFF_CAPABILITIES, STAFF_ROLES, type ConsoleNeed, type StaffRole } from "./staff-roles";

export type ConsoleJurisdiction = {
  id: string;
  slug: string;
  name: LocalizedText;
  timeZone: string;
};

export type ConsoleAccess = {
  user: SessionUser;
  jurisdiction: ConsoleJurisdiction;
  /** the page's wording: "clerk" for who may edit ballot content, else moderator or viewer */
  role: "clerk" | "moderator" | "viewer";
  /** the strongest staff role the user holds there (an admin counts as owner) */
  staffRole: StaffRole;
  /** what the user may do in this console (docs/offices.md) */
  can: ConsoleNeed[];
};

const READS = new Set(["GET", "HEAD"]);

/** The staff roles `user` holds in the jurisdiction, strongest first. */
function staffRolesIn(user: SessionUser, jurisdictionId: string): StaffRole[] {
  return STAFF_ROLES.filter((role) => hasRole(user, role, jurisdictionId));
}

/**
 * The one gate of every console page (`/console/:jurisdiction/…`). Anonymous: sign-in. An unknown
 * jurisdiction, or one where the user holds no staff role, answers 404: to a clerk of another
 * county, this county's console and everything in it do not exist. Staff whose role lacks `need`
 * get 403 (the page exists for them, the action is not theirs) — except that a viewer may read
 * (GET) the ballot-content pages, never change them. Privileged without MFA: enrolment.
 */
export async function requireConsole(
  request: Request,
  slug: string | undefined,
  need: ConsoleNeed,
): Promise<ConsoleAccess> {
  const user = await requireUser(request);
  const jurisdiction = await db()("jurisdictions")
    .where({ slug: slug ?? "" })
    .first<ConsoleJurisdiction | undefined>("id", "slug", "name", "time_zone as timeZone");
  if (!jurisdiction) throw notFound();
  const roles = staffRolesIn(user, jurisdiction.id);
  const staffRole = roles[0];
  if (!staffRole) throw notFound();
  const can = [...new Set(roles.flatMap((role) => STAFF_CAPABILITIES[role]))];
  const readOnly = need === "clerk" && READS.has(request.method.toUpperCase());
  if (!can.includes(need) && !(readOnly && can.includes("readContent"))) throw forbidden();
  requireMfaFor(user, staffRole);
  const role = can.includes("clerk")
    ? "clerk"
    : can.includes("moderation")
      ? "moderator"
      : "viewer";
  return { user, jurisdiction, role, staffRole, can };
}
