import { z } from "zod";
import { audit, type Actor } from "~/lib/audit.server";
import type { OwnCandidacy } from "~/lib/candidate-access.server";
import type { Db, DbOrTransaction } from "~/lib/db.server";
import type { Source, WrittenContent } from "./answer-content";
import { contentWords, readSources } from "./answer-content.server";
import {
  refusalOf,
  rulesColumns,
  rulesOf,
  type RulesRow,
  type AnswerRules,
  type WriteRefusal,
} from "./answer-rules.server";

/**
 * Rebuttals (docs/decisions/016-rebuttals-and-sources.md): a candidate may answer another
 * candidate's published answer in the same contest once, with a text and sources, under the
 * election's word limit and lock date. Published at once and shown beside the answer as written,
 * time-stamped; never edited (a second one is refused), never of one's own answer.
 */

export type RebuttalForDisplay = {
  id: string;
  candidate: { id: string; ballotName: string; slug: string };
  body: string;
  sources: Source[];
  createdAt: string;
};

export type RebuttalTarget = {
  answer: {
    id: string;
    questionId: string;
    questionBody: string;
    questionLanguage: string;
    candidateName: string;
  };
  /** the candidacy that would rebut (in the answer's contest, not its author) */
  candidacy: OwnCandidacy;
  /** the rebuttal this candidate already posted, if any */
  existing: RebuttalForDisplay | null;
  refusal: WriteRefusal | null;
  rules: AnswerRules;
};

type TargetRow = RulesRow & {
  id: string;
  question_id: string;
  question_body: string;
  question_language: string;
  candidate_id: string;
  contest_id: string;
  ballot_name: string;
};

/** A published answer (its question still published) with its contest and election's rules. */
function publishedAnswer(db: DbOrTransaction, answerId: string) {
  return db("answers as a")
    .join("questions as q", "q.id", "a.question_id")
    .join("candidates as c", "c.id", "a.candidate_id")
    .join("elections as e", "e.id", "q.election_id")
    .where({ "a.id": answerId, "a.status": "published", "q.status": "published" })
    .first<TargetRow | undefined>(
      "a.id",
      "a.question_id",
      "q.body as question_body",
      "q.language as question_language",
      "a.candidate_id",
      "c.contest_id",
      "c.ballot_name",
      ...rulesColumns(db),
    );
}

/** Who of the user's candidacies rebuts the answer: one in its contest, unless it wrote it. */
function rebuttingCandidacy(
  candidacies: OwnCandidacy[],
  row: TargetRow,
): OwnCandidacy | "ownAnswer" | "notFound" {
  const sameContest = candidacies.filter((candidacy) => candidacy.contestId === row.contest_id);
  if (sameContest.some((candidacy) => candidacy.id === row.candidate_id)) return "ownAnswer";
  return sameContest[0] ?? "notFound";
}

const isUuid = (value: string) => z.uuid().safeParse(value).success;

export type RebuttalLookup =
  { ok: true; target: RebuttalTarget } | { ok: false; problem: "notFound" | "ownAnswer" };

/** The answer as the candidate would rebut it: refused when unknown, or their own. */
export async function rebuttalTarget(
  db: DbOrTransaction,
  candidacies: OwnCandidacy[],
  answerId: string,
  now: Date = new Date(),
): Promise<RebuttalLookup> {
  if (!isUuid(answerId)) return { ok: false, problem: "notFound" };
  const row = await publishedAnswer(db, answerId);
  if (!row) return { ok: false, problem: "notFound" };
  const candidacy = rebuttingCandidacy(candidacies, row);
  if (typeof candidacy === "string") return { ok: false, problem: candidacy };
  const existing = (await rebuttalsForAnswers(db, [row.id])).get(row.id) ?? [];
  return {
    ok: true,
    target: {
      answer: {
        id: row.id,
        questionId: row.question_id,
        questionBody: row.question_body,
        questionLanguage: row.question_language,
        candidateName: row.ballot_name,
      },
      candidacy,
      existing: existing.find((rebuttal) => rebuttal.candidate.id === candidacy.id) ?? null,
      refusal: refusalOf(row, now),
      rules: rulesOf(row),
    },
  };
}

export type RebuttalOutcome =
  | { ok: true }
  | {
      ok: false;
      problem: "notFound" | "ownAnswer" | "alreadyRebutted" | "overWordLimit" | WriteRefusal;
    };

/** Publishes the candidate's one rebuttal of another candidate's answer, checking every rule. */
export async function postRebuttal(
  db: Db,
  target: { candidacies: OwnCandidacy[]; answerId: string },
  content: Pick<WrittenContent, "body" | "sources">,
  actor: Actor,
  now: Date = new Date(),
): Promise<RebuttalOutcome> {
  if (!isUuid(target.answerId) || !content.body) return { ok: false, problem: "notFound" };
  return db.transaction(async (trx) => {
    // A share lock on the election, as for answers: nothing is posted after the lock.
    const row = await publishedAnswer(trx, target.answerId).forShare("e");
    if (!row) return { ok: false, problem: "notFound" };
    const candidacy = rebuttingCandidacy(target.candidacies, row);
    if (typeof candidacy === "string") return { ok: false, problem: candidacy };
    const refusal = refusalOf(row, now);
    if (refusal) return { ok: false, problem: refusal };
    if (contentWords({ body: content.body, parts: {} }) > row.answer_max_words) {
      return { ok: false, problem: "overWordLimit" };
    }
    // One per candidate per answer: the unique key decides between two concurrent posts.
    const inserted = await trx("answer_rebuttals")
      .insert({
        answer_id: row.id,
        candidate_id: candidacy.id,
        body: content.body,
        sources: JSON.stringify(content.sources),
        created_at: now,
      })
      .onConflict(["answer_id", "candidate_id"])
      .ignore()
      .returning<Array<{ id: string }>>("id");
    if (inserted.length === 0) return { ok: false, problem: "alreadyRebutted" };
    await audit(trx, actor, {
      action: "rebuttal.published",
      targetType: "answer_rebuttal",
      targetId: inserted[0]!.id,
      jurisdictionId: candidacy.jurisdictionId,
      details: {
        answerId: row.id,
        questionId: row.question_id,
        candidateId: candidacy.id,
        words: contentWords({ body: content.body, parts: {} }),
        sources: content.sources.length,
      },
    });
    return { ok: true };
  });
}

/** Rebuttals of these answers, keyed by answer id, oldest first; one query. */
export async function rebuttalsForAnswers(
  db: DbOrTransaction,
  answerIds: string[],
): Promise<Map<string, RebuttalForDisplay[]>> {
  const byAnswer = new Map<string, RebuttalForDisplay[]>();
  if (answerIds.length === 0) return byAnswer;
  const rows = await db("answer_rebuttals as r")
    .join("candidates as c", "c.id", "r.candidate_id")
    .whereIn("r.answer_id", answerIds)
    .orderBy([{ column: "r.created_at" }, { column: "r.id" }])
    .select<
      Array<{
        id: string;
        answer_id: string;
        candidate_id: string;
        ballot_name: string;
        slug: string;
        body: string;
        sources: unknown;
        created_at: Date;
      }>
    >(
      "r.id",
      "r.answer_id",
      "r.candidate_id",
      "c.ballot_name",
      "c.slug",
      "r.body",
      "r.sources",
      "r.created_at",
    );
  for (const row of rows) {
    const rebuttal: RebuttalForDisplay = {
      id: row.id,
      candidate: { id: row.candidate_id, ballotName: row.ballot_name, slug: row.slug },
      body: row.body,
      sources: readSources(row.sources),
      createdAt: row.created_at.toISOString(),
    };
    const list = byAnswer.get(row.answer_id);
    if (list) list.push(rebuttal);
    else byAnswer.set(row.answer_id, [rebuttal]);
  }
  return byAnswer;
}
