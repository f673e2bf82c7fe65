import type { DbOrTransaction } from "~/lib/db.server";

/**
 * Once per recipient, kind and period: the key of a scheduled or follow email is claimed in the
 * transaction that queues it, so a retried or duplicated job (or a second worker) finds the key
 * taken and queues nothing. True when this call claimed it.
 */
export async function claimSend(
  trx: DbOrTransaction,
  userId: string,
  kind: string,
  period: string,
): Promise<boolean> {
  const claimed = await trx("email_sends")
    .insert({ user_id: userId, kind, period })
    .onConflict(["user_id", "kind", "period"])
    .ignore()
    .returning("user_id");
  return claimed.length > 0;
}
