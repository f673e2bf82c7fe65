import type { DbOrTransaction } from "./db.server";

/** Who did something, from where: carried from the request into services. */
export type Actor = { userId: string | null; ip: string | null; requestId: string | null };

export type AuditEvent = {
  action: string;
  targetType?: string;
  targetId?: string;
  jurisdictionId?: string | null;
  details?: Record<string, unknown>;
};

/**
 * Appends to the audit log. Pass the transaction of the change it records, so the change and
 * its record commit together. The table refuses updates and deletes (see the schema).
 */
export async function audit(db: DbOrTransaction, actor: Actor, event: AuditEvent): Promise<void> {
  await db("audit_log").insert({
    actor_id: actor.userId,
    ip: actor.ip,
    request_id: actor.requestId,
    action: event.action,
    target_type: event.targetType ?? null,
    target_id: event.targetId ?? null,
    jurisdiction_id: event.jurisdictionId ?? null,
    details: event.details ?? {},
  });
}
