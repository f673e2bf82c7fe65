import { audit } from "~/lib/audit.server";
import type { Db } from "~/lib/db.server";
import { enqueue } from "~/lib/queue.server";
import { runImport } from "./run.server";

/**
 * Scheduled refresh of an election's feed (docs/imports.md): every 5 minutes the crontab's
 * `refresh_ballot_feeds` enqueues a `refresh_ballot_feed` job for each election whose interval
 * has passed since its last scheduled import. Each job fetches conditionally (the last good
 * import's ETag and Last-Modified): a 304 ends as `unchanged`, a changed feed is imported.
 * Failures are recorded as failed imports on the election's list; after REFRESH_FAILURE_LIMIT in
 * a row the schedule pauses until a clerk resumes it.
 */
export const REFRESH_FAILURE_LIMIT = 3;
export const MIN_REFRESH_MINUTES = 15;

/** The cron job: enqueues the refreshes that are due; returns how many. */
export async function enqueueDueRefreshes(db: Db): Promise<number> {
  const due: Array<{ id: string }> = await db("elections as e")
    .whereNotNull("e.feed_url")
    .whereNotNull("e.refresh_interval_minutes")
    .whereNull("e.refresh_paused_at")
    .whereNot("e.status", "archived")
    .whereNotExists(
      db("ballot_imports as i")
        .whereRaw("i.election_id = e.id")
        .where("i.source_kind", "schedule")
        .whereRaw("i.created_at > now() - make_interval(mins => e.refresh_interval_minutes)"),
    )
    .select("e.id");
  for (const { id } of due) {
    // The key collapses a refresh still waiting with this one; the queue name runs one
    // election's refreshes one after another, so two workers never run the same refresh at once.
    await enqueue(
      db,
      "refresh_ballot_feed",
      { electionId: id },
      { jobKey: `refresh:${id}`, queueName: `refresh:${id}`, maxAttempts: 2 },
    );
  }
  return due.length;
}

type RefreshElection = {
  id: string;
  jurisdiction_id: string;
  feed_url: string | null;
  refresh_paused_at: Date | null;
  refresh_failures: number;
};

/** One election's refresh (the `refresh_ballot_feed` job). Null when there is nothing to do. */
export async function refreshElectionFeed(db: Db, electionId: string) {
  const election = await db("elections")
    .where({ id: electionId })
    .first<RefreshElection | undefined>(
      "id",
      "jurisdiction_id",
      "feed_url",
      "refresh_paused_at",
      "refresh_failures",
    );
  if (!election?.feed_url || election.refresh_paused_at) return null;
  // the validators of the last import that read this address successfully
  const last = await db("ballot_imports")
    .where({ election_id: electionId, source: election.feed_url })
    .whereIn("status", ["succeeded", "unchanged"])
    .orderBy("created_at", "desc")
    .first<{ etag: string | null; last_modified: string | null } | undefined>(
      "etag",
      "last_modified",
    );
  const [created] = await db("ballot_imports")
    .insert({
      jurisdiction_id: election.jurisdiction_id,
      election_id: electionId,
      source_kind: "schedule",
      source: election.feed_url,
    })
    .returning("id");
  const result = await runImport(db, created.id, {
    etag: last?.etag ?? null,
    lastModified: last?.last_modified ?? null,
  });
  if (!result) return null;

  if (result.status !== "failed") {
    if (election.refresh_failures > 0)
      await db("elections").where({ id: electionId }).update({ refresh_failures: 0 });
    return result;
  }
  const failures = election.refresh_failures + 1;
  const pause = failures >= REFRESH_FAILURE_LIMIT;
  await db.transaction(async (trx) => {
    await trx("elections")
      .where({ id: electionId })
      .update({ refresh_failures: failures, refresh_paused_at: pause ? trx.fn.now() : null });
    if (pause)
      await audit(
        trx,
        { userId: null, ip: null, requestId: null },
        {
          action: "ballot_import.refresh_paused",
          targetType: "election",
          targetId: electionId,
          jurisdictionId: election.jurisdiction_id,
          details: { failures },
        },
      );
  });
  return result;
}
