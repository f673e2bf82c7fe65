import { z } from "zod";
import type { DbOrTransaction } from "./db.server";
import { currentRequestId } from "./request-context.server";

/**
 * The job catalogue: every job the app or the worker can enqueue, with the Zod schema of its
 * payload. `enqueue` validates against it here; the worker's task registry parses with the same
 * schema before it runs a task.
 */
export const jobPayloads = {
  embed_question: z.object({ questionId: z.uuid() }),
  embed_missing_questions: z.object({ limit: z.number().int().min(1).max(10_000).default(500) }),
  send_email: z.object({
    template: z.enum([
      "verify_email",
      "reset_password",
      "sign_in_code",
      "account_exists",
      "question_answered",
      "candidate_invitation",
      "question_rejected",
      "answer_hidden",
      "office_request_confirm",
      "staff_invitation",
      // follows and reminders (app/services/follows.server.ts, reminders.server.ts)
      "followed_answer",
      "weekly_digest",
      "candidate_digest",
      "election_reminder",
    ]),
    to: z.email(),
    locale: z.enum(["en", "es"]).catch("en"),
    params: z.record(z.string(), z.string()).default({}),
    // extra message headers, such as List-Unsubscribe on notifications
    headers: z.record(z.string(), z.string()).optional(),
  }),
  // one election's report tables (a clerk's "refresh now"), or every current election's (nightly)
  rollup_election_reports: z.object({ electionId: z.uuid().optional() }),
  // ballot imports (app/services/imports): one import, the cron's due refreshes, one refresh
  import_ballot_feed: z.object({ importId: z.uuid() }),
  refresh_ballot_feeds: z.object({}),
  refresh_ballot_feed: z.object({ electionId: z.uuid() }),
  // video answers (app/services/videos.server.ts): one upload's processing, the hourly clean-up
  transcode_video: z.object({ videoId: z.uuid() }),
  cleanup_media: z.object({}),
  // the open-data bundle (app/services/open-data-bundle.server.ts), nightly
  build_open_data_bundle: z.object({}),
  // the representative ranking (app/services/ranking.server.ts): every visible contest
  rank_questions: z.object({}),
  // scheduled emails (app/services/reminders.server.ts); `now` only to replay a given moment
  send_weekly_digests: z.object({ now: z.iso.datetime().optional() }),
  send_candidate_digests: z.object({ now: z.iso.datetime().optional() }),
  send_election_reminders: z.object({ now: z.iso.datetime().optional() }),
} as const;

export type JobName = keyof typeof jobPayloads;
export type JobPayload<Name extends JobName> = z.output<(typeof jobPayloads)[Name]>;

export type EnqueueOptions = {
  /** Deduplicates: a second job with the same key replaces the first until it runs. */
  jobKey?: string;
  runAt?: Date;
  maxAttempts?: number;
  priority?: number;
  queueName?: string;
  /** The request that caused the job, for its logs; defaults to the request being served. */
  requestId?: string;
};

/** Reserved payload key carrying the request id; the worker strips it before parsing. */
export const REQUEST_ID_KEY = "_requestId";

/** Default retries: backoff is exponential (exp(min(10, attempt)) s), so 10 attempts ≈ 1.5 h. */
const DEFAULT_MAX_ATTEMPTS = 10;

/**
 * Adds a job through the given handle. Inside a transaction the job exists only if the
 * transaction commits, so a saved row and its follow-up work can never part.
 */
export async function enqueue<Name extends JobName>(
  db: DbOrTransaction,
  name: Name,
  payload: z.input<(typeof jobPayloads)[Name]>,
  options: EnqueueOptions = {},
): Promise<void> {
  const parsed = jobPayloads[name].parse(payload);
  const requestId = options.requestId ?? currentRequestId();
  await db.raw(
    `select graphile_worker.add_job(
       identifier => ?, payload => ?::json, queue_name => ?, run_at => ?,
       max_attempts => ?, job_key => ?, priority => ?)`,
    [
      name,
      JSON.stringify(requestId ? { ...parsed, [REQUEST_ID_KEY]: requestId } : parsed),
      options.queueName ?? null,
      options.runAt ?? null,
      options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      options.jobKey ?? null,
      options.priority ?? null,
    ],
  );
}
