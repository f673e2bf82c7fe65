import type { Role } from "./auth.server";
import type { MessageKey } from "./i18n";

/**
 * An election office's staff roles (docs/offices.md has the table of what each may do). They are
 * grants of the one role system (`role_grants`, app/lib/auth.server.ts): an office's "admin" is
 * the existing clerk role, its moderator the existing moderator; owner, editor and viewer are
 * new. A jurisdiction-scoped or global admin grant counts as owner.
 */
export const STAFF_ROLES = ["owner", "clerk", "editor", "moderator", "viewer"] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/**
 * What a console page or action needs: "view" the console's home; "clerk" ballot content and
 * running elections; "readContent" only reading those pages; "moderation"; "staff" (invite and
 * remove staff); "settings" (branding and settings).
 */
export type ConsoleNeed = "view" | "clerk" | "readContent" | "moderation" | "staff" | "settings";

export const STAFF_CAPABILITIES: Record<StaffRole, readonly ConsoleNeed[]> = {
  owner: ["view", "clerk", "moderation", "staff", "settings"],
  clerk: ["view", "clerk", "moderation", "staff", "settings"],
  editor: ["view", "clerk"],
  moderator: ["view", "moderation"],
  viewer: ["view", "readContent"],
};

/** The roles a holder of `role` may grant (or take back): only owners make owners and admins. */
export function grantableBy(role: StaffRole): readonly StaffRole[] {
  if (role === "owner") return STAFF_ROLES;
  return STAFF_CAPABILITIES[role].includes("staff") ? ["editor", "moderator", "viewer"] : [];
}

export function isStaffRole(role: string): role is StaffRole {
  return (STAFF_ROLES as readonly string[]).includes(role);
}

/** The label of any role: staff roles by their office names (the clerk is the office's admin). */
export function roleLabelKey(role: Role): MessageKey {
  return isStaffRole(role) ? `office.role.${role}` : `account.role.${role}`;
}
