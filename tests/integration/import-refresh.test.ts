import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { createDb, type Db } from "~/lib/db.server";
import { saveFeedSettings } from "~/services/imports/console.server";
import {
  enqueueDueRefreshes,
  refreshElectionFeed,
  REFRESH_FAILURE_LIMIT,
} from "~/services/imports/refresh.server";
import { reportLines } from "~/services/imports/report-text.server";
import { dumpBallots, edit, FIXTURES } from "../support/imports";

// the feed server below listens on loopback, which feed URLs may not name in production
vi.hoisted(() => {
  process.env.FEED_FETCH_ALLOW_PRIVATE = "true";
});

/**
 * Scheduled refresh (issue 5, item 4) against a local HTTP server that serves the fixture feed
 * with an ETag and Last-Modified: a second fetch is a 304 and ends `unchanged`, a changed feed is
 * imported, failures are recorded and pause the schedule after REFRESH_FAILURE_LIMIT in a row.
 */
const OCD_ID = "ocd-division/country:us/state:ca/county:refresh";
const fixture = fs
  .readFileSync(path.join(FIXTURES, "feed-5.2.xml"), "utf8")
  .replaceAll("county:fixture", "county:refresh");

type Served = { ifNoneMatch?: string; ifModifiedSince?: string; status: number };

describe("scheduled refresh of an election's feed", () => {
  let db: Db;
  let server: http.Server;
  let feedUrl: string;
  let jurisdictionId: string;
  let electionId: string;
  const feed = {
    body: fixture,
    etag: '"v1"',
    lastModified: "Mon, 02 Aug 2027 09:00:00 GMT",
    failWith: 0,
  };
  const served: Served[] = [];

  const refresh = async () => {
    const result = await refreshElectionFeed(db, electionId);
    if (result)
      console.log(
        ["── scheduled refresh", ...reportLines(result.report, result.status)].join("\n"),
      );
    return result;
  };
  const election = () =>
    db("elections").where({ id: electionId }).first("refresh_failures", "refresh_paused_at");
  /** As if the interval had passed since every scheduled import so far. */
  const timePasses = () =>
    db("ballot_imports")
      .where({ election_id: electionId })
      .update({ created_at: db.raw("created_at - interval '1 hour'") });
  const refreshJobs = () =>
    db("graphile_worker._private_jobs as j")
      .join("graphile_worker._private_tasks as t", "t.id", "j.task_id")
      .leftJoin("graphile_worker._private_job_queues as q", "q.id", "j.job_queue_id")
      .where("j.key", `refresh:${electionId}`)
      .select("t.identifier", "j.key", "q.queue_name", "j.max_attempts");

  beforeAll(async () => {
    db = createDb(inject("databaseUrl"), 4);
    server = http.createServer((request, response) => {
      const ifNoneMatch = request.headers["if-none-match"];
      const ifModifiedSince = request.headers["if-modified-since"];
      let status = 200;
      if (feed.failWith) status = feed.failWith;
      else if (ifNoneMatch === feed.etag) status = 304;
      served.push({ ifNoneMatch, ifModifiedSince, status });
      if (status !== 200) return void response.writeHead(status).end();
      response
        .writeHead(200, {
          "Content-Type": "application/xml",
          ETag: feed.etag,
          "Last-Modified": feed.lastModified,
        })
        .end(feed.body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    feedUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed.xml`;

    const [jurisdiction] = await db("jurisdictions")
      .insert({
        slug: "refresh-county",
        kind: "county",
        ocd_id: OCD_ID,
        name: { en: "Refresh County" },
      })
      .returning("id");
    jurisdictionId = jurisdiction.id;
    const [row] = await db("elections")
      .insert({
        jurisdiction_id: jurisdictionId,
        slug: "general-2027",
        name: { en: "General Election 2027" },
        election_date: "2027-11-02",
      })
      .returning("id");
    electionId = row.id;
    const saved = await saveFeedSettings(db, {
      jurisdictionId,
      electionId,
      feedUrl,
      intervalMinutes: 15,
      actor: { userId: null, ip: null, requestId: null },
    });
    expect(saved).toBe(true);
  });
  afterAll(async () => {
    await db("graphile_worker._private_jobs").where("key", `refresh:${electionId}`).delete();
    server?.close();
    await db?.destroy();
  });

  it("imports the feed, then a 304 (If-None-Match) ends as unchanged, then a changed feed is imported", async () => {
    const first = await refresh();
    expect(first?.status).toBe("succeeded");
    expect(served.at(-1)).toEqual({ status: 200 });
    const imported = await dumpBallots(db, jurisdictionId);
    expect(imported.candidates).toHaveLength(6);

    const second = await refresh();
    expect(second?.status).toBe("unchanged");
    expect(served.at(-1)).toEqual({
      ifNoneMatch: '"v1"',
      ifModifiedSince: feed.lastModified,
      status: 304,
    });
    expect(await dumpBallots(db, jurisdictionId)).toEqual(imported);

    feed.body = edit(
      fixture,
      '<Text language="en">Dev Patel</Text>',
      '<Text language="en">Devika Patel</Text>',
    );
    feed.etag = '"v2"';
    const third = await refresh();
    expect(third?.status).toBe("succeeded");
    expect(served.at(-1)).toMatchObject({ ifNoneMatch: '"v1"', status: 200 });
    // renamed without an external id: a new candidate, and the old name withdrawn
    expect(third?.report.counts.Candidate).toMatchObject({ added: 1, withdrawn: 1, unchanged: 5 });

    const list = await db("ballot_imports")
      .where({ election_id: electionId })
      .orderBy("created_at")
      .select("source_kind", "status", "etag");
    expect(list).toEqual([
      { source_kind: "schedule", status: "succeeded", etag: '"v1"' },
      { source_kind: "schedule", status: "unchanged", etag: '"v1"' },
      { source_kind: "schedule", status: "succeeded", etag: '"v2"' },
    ]);
  });

  it("the cron enqueues a due refresh once, keyed and queued per election; nothing before the interval", async () => {
    expect(await enqueueDueRefreshes(db)).toBe(0);
    await timePasses();
    expect(await enqueueDueRefreshes(db)).toBe(1);
    expect(await enqueueDueRefreshes(db)).toBe(1);
    // the job key collapses the second into the first; the queue runs one at a time
    expect(await refreshJobs()).toEqual([
      {
        identifier: "refresh_ballot_feed",
        key: `refresh:${electionId}`,
        queue_name: `refresh:${electionId}`,
        max_attempts: 2,
      },
    ]);
    await db("graphile_worker._private_jobs").where("key", `refresh:${electionId}`).delete();
  });

  it(`records each failure for the clerk and pauses after ${REFRESH_FAILURE_LIMIT} in a row; saving the settings resumes`, async () => {
    feed.failWith = 503;
    for (let attempt = 1; attempt <= REFRESH_FAILURE_LIMIT; attempt++) {
      const result = await refresh();
      expect(result?.status).toBe("failed");
      expect(result?.report.failure).toEqual({ code: "fetchStatus", params: { status: 503 } });
      expect((await election()).refresh_failures).toBe(attempt);
    }
    expect((await election()).refresh_paused_at).not.toBeNull();
    await timePasses();
    expect(await enqueueDueRefreshes(db)).toBe(0);
    expect(await refresh()).toBeNull();

    await saveFeedSettings(db, {
      jurisdictionId,
      electionId,
      feedUrl,
      intervalMinutes: 30,
      actor: { userId: null, ip: null, requestId: null },
    });
    expect(await election()).toEqual({ refresh_failures: 0, refresh_paused_at: null });
    feed.failWith = 0;
    expect((await refresh())?.status).toBe("unchanged");
  });
});
