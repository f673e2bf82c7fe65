import { audit, type Actor } from "~/lib/audit.server";
import type { Db } from "~/lib/db.server";
import type { ReportReason } from "~/lib/report-reasons";

export type UserReportInput = {
  reporterId: string;
  target: "question" | "answer";
  targetId: string;
  reason: ReportReason;
  details: string | null;
};

/**
 * A voter reports a published question or answer to the moderators of its jurisdiction. One
 * open report per reporter and target (the partial unique index `user_reports_once`): a
 * second is "already reported", not an error.
 */
export async function reportContent(
  db: Db,
  input: UserReportInput,
  actor: Actor,
): Promise<"reported" | "alreadyReported" | "notFound"> {
  return db.transaction(async (trx) => {
    const target =
      input.target === "question"
        ? await trx("questions as q")
            .join("elections as e", "e.id", "q.election_id")
            .where({ "q.id": input.targetId, "q.status": "published" })
            .first<{ jurisdiction_id: string } | undefined>("e.jurisdiction_id")
        : await trx("answers as a")
            .join("questions as q", "q.id", "a.question_id")
            .join("elections as e", "e.id", "q.election_id")
            .where({ "a.id": input.targetId, "a.status": "published" })
            .first<{ jurisdiction_id: string } | undefined>("e.jurisdiction_id");
    if (!target) return "notFound";
    const column = input.target === "question" ? "question_id" : "answer_id";
    const { rows } = await trx.raw<{ rows: Array<{ id: string }> }>(
      `insert into user_reports (reporter_id, ${column}, reason, details) values (?, ?, ?, ?)
       on conflict (reporter_id, question_id, answer_id) where status = 'open' do nothing
       returning id`,
      [input.reporterId, input.targetId, input.reason, input.details],
    );
    const report = rows[0];
    if (!report) return "alreadyReported";
    await audit(trx, actor, {
      action: "report.created",
      targetType: input.target,
      targetId: input.targetId,
      jurisdictionId: target.jurisdiction_id,
      details: { reportId: report.id, reason: input.reason },
    });
    return "reported";
  });
}
