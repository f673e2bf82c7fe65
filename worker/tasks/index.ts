import type { JobHelpers, TaskList } from "graphile-worker";
import { db } from "~/lib/db.server";
import { jobPayloads, REQUEST_ID_KEY, type JobName, type JobPayload } from "~/lib/queue.server";
import { deliverEmail } from "~/services/emails.server";
import { embedQuestion, questionsMissingEmbedding } from "~/services/questions.server";

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
} satisfies Record<JobName, TaskList[string]>;
