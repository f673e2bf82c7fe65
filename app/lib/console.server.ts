import { hasRole, requireMfaFor, requireUser, type SessionUser } from "./auth.server";
import { db } from "./db.server";
import { forbidden, notFound } from "./http.server";
import type { LocalizedText } from "./i18n";

export type ConsoleJurisdiction = {
  id: string;
  slug: string;
  name: LocalizedText;
  timeZone: string;
};

export type ConsoleAccess = {
  user: SessionUser;
  jurisdiction: ConsoleJurisdiction;
  /** the strongest role the user holds there (an admin counts as a clerk) */
  role: "clerk" | "moderator";
};

/**
 * The one gate of every console page (`/console/:jurisdiction/…`). Anonymous: sign-in. An unknown
 * jurisdiction, or one where the user holds no console role, answers 404: to a clerk of another
 * county, this county's console and everything in it do not exist. A moderator on a page only
 * clerks may use gets 403 (the page exists for them, the action is not theirs). Privileged
 * without MFA: enrolment.
 */
export async function requireConsole(
  request: Request,
  slug: string | undefined,
  need: "clerk" | "moderation",
): Promise<ConsoleAccess> {
  const user = await requireUser(request);
  const jurisdiction = await db()("jurisdictions")
    .where({ slug: slug ?? "" })
    .first<ConsoleJurisdiction | undefined>("id", "slug", "name", "time_zone as timeZone");
  if (!jurisdiction) throw notFound();
  const role = hasRole(user, "clerk", jurisdiction.id)
    ? "clerk"
    : hasRole(user, "moderator", jurisdiction.id)
      ? "moderator"
      : null;
  if (!role) throw notFound();
  if (need === "clerk" && role !== "clerk") throw forbidden();
  requireMfaFor(user, role);
  return { user, jurisdiction, role };
}
