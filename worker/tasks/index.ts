import type { JobHelpers, TaskList } from "graphile-worker";
import { db } from "~/lib/db.server";
import { jobPayloads, REQUEST_ID_KEY, type JobName, type JobPayload } from "~/lib/queue.server";
import { deliverEmail } from "~/services/emails.server";
import { enqueueDueRefreshes, refreshElectionFeed } from "~/services/imports/refresh.server";
import { runImport } from "~/services/imports/run.server";
import { embedQuestion, questionsMissingEmbedding } from "~/services/questions.server";
import { cleanupMedia } from "~/services/media-cleanup.server";
import { buildOpenDataBundle } from "~/services/open-data-bundle.server";
import { refreshRankings } from "~/services/ranking.server";
import {
  sendCandidateDigests,
  sendElectionReminders,
  sendWeeklyDigests,
} from "~/services/reminders.server";
import { rollUpReports } from "~/services/reports.server";
import { runTranscodeJob } from "~/services/videos.server";

/**
 * A task: its payload is parsed with the job catalogue's schema, then a service does the work.
 * The id of the request that enqueued the job (if any) is logged, then left out of the payload.
 */
function task<Name extends JobName>(
  name: Name,
  run: (payload: JobPayload<Name>, helpers: JobHelpers) => Promise<void>,
) {
  return async (raw: unknown, helpers: JobHelpers) => {
    const { [REQUEST_ID_KEY]: requestId, ...fields } = (raw ?? {}) as Record<string, unknown>;
    if (typeof requestId === "string")
      helpers.logger.info("job enqueued by request", { requestId });
    const payload = jobPayloads[name].parse(fields) as JobPayload<Name>;
    await run(payload, helpers);
  };
}

/** The typed task registry: one entry per job in app/lib/queue.server.ts. */
export const taskList = {
  embed_question: task("embed_question", async ({ questionId }, helpers) => {
    const found = await embedQuestion(db(), questionId);
    if (!found) helpers.logger.info(`question ${questionId} is gone; nothing to embed`);
  }),
  embed_missing_questions: task("embed_missing_questions", async ({ limit }, helpers) => {
    const ids = await questionsMissingEmbedding(db(), limit);
    for (const id of ids) await embedQuestion(db(), id);
    if (ids.length) helpers.logger.info(`embedded ${ids.length} questions that had none`);
  }),
  send_email: task("send_email", async (payload) => {
    await deliverEmail(payload);
  }),
  rollup_election_reports: task("rollup_election_reports", async ({ electionId }, helpers) => {
    const count = await rollUpReports(db(), electionId);
    helpers.logger.info(`rolled up the reports of ${count} election(s)`);
  }),
  import_ballot_feed: task("import_ballot_feed", async ({ importId }, helpers) => {
    const result = await runImport(db(), importId);
    if (!result) helpers.logger.info(`import ${importId} is gone or already ran`);
  }),
  refresh_ballot_feeds: task("refresh_ballot_feeds", async (_payload, helpers) => {
    const due = await enqueueDueRefreshes(db());
    if (due) helpers.logger.info(`enqueued ${due} feed refresh(es)`);
  }),
  refresh_ballot_feed: task("refresh_ballot_feed", async ({ electionId }) => {
    await refreshElectionFeed(db(), electionId);
  }),
  transcode_video: task("transcode_video", async ({ videoId }, helpers) => {
    const outcome = await runTranscodeJob(db(), videoId, {
      number: helpers.job.attempts,
      max: helpers.job.max_attempts,
    });
    // A failure's detail (ffmpeg's words) is for us; the candidate reads the reason.
    const level = outcome.status === "failed" ? "warn" : "info";
    helpers.logger[level](`video ${videoId}: ${outcome.status}`, { videoId, ...outcome });
  }),
  cleanup_media: task("cleanup_media", async () => {
    await cleanupMedia(db());
  }),
  build_open_data_bundle: task("build_open_data_bundle", async (_payload, helpers) => {
    const bundle = await buildOpenDataBundle(db());
    helpers.logger.info(`open-data bundle stored at ${bundle.url}`, bundle.rowCounts);
  }),
  rank_questions: task("rank_questions", async (_payload, helpers) => {
    const { ranked, skipped } = await refreshRankings(db());
    helpers.logger.info(`ranked ${ranked} contest(s); ${skipped} busy, left for the next run`);
  }),
  send_weekly_digests: task("send_weekly_digests", async ({ now }, helpers) => {
    const sent = await sendWeeklyDigests(db(), now ? new Date(now) : undefined);
    helpers.logger.info(`queued ${sent} weekly digest(s)`);
  }),
  send_candidate_digests: task("send_candidate_digests", async ({ now }, helpers) => {
    const sent = await sendCandidateDigests(db(), now ? new Date(now) : undefined);
    helpers.logger.info(`queued ${sent} candidate digest(s)`);
  }),
  send_election_reminders: task("send_election_reminders", async ({ now }, helpers) => {
    const sent = await sendElectionReminders(db(), now ? new Date(now) : undefined);
    helpers.logger.info(`queued ${sent} election reminder(s)`);
  }),
} satisfies Record<JobName, TaskList[string]>;
