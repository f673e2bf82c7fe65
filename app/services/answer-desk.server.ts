import { z } from "zod";
import { audit, type Actor } from "~/lib/audit.server";
import type { OwnCandidacy } from "~/lib/candidate-access.server";
import type { Db, DbOrTransaction } from "~/lib/db.server";
import type { AnswerParts, Source, WrittenContent } from "./answer-content";
import { contentWords, readParts, readSources, sameContent } from "./answer-content.server";
import {
  offeredQuestions,
  refusalOf,
  rulesColumns,
  rulesOf,
  type RulesRow,
  type AnswerRules,
  type WriteRefusal,
} from "./answer-rules.server";
import type { AnswerForDisplay } from "./answers.server";
import type { ElectionStatus } from "./elections.server";
import type { Electorate } from "./vote-counting.server";
import { notifyFollowersOfAnswer } from "./follows.server";

/**
 * The candidate's answer desk: the questions put to them (or to their whole contest), most
 * votes first; and a text answer to each, saved as a draft, previewed, published, and edited
 * after publication with every replaced text kept for voters to read (`answerRevisions`).
 * Writes are accepted only while the election's answer window is open and before its lock date,
 * within the election's word limit, the same for every candidate (answer-rules.server.ts).
 */

export const DESK_PAGE_SIZE = 20;

export const DESK_FILTERS = ["unanswered", "answered", "all"] as const;
export type DeskFilter = (typeof DESK_FILTERS)[number];

/** `?show=` as a filter; the default is what a candidate opens the desk for: what is left to do. */
export function parseDeskFilter(value: string | null): DeskFilter {
  return (DESK_FILTERS as readonly string[]).includes(value ?? "")
    ? (value as DeskFilter)
    : "unanswered";
}

export type AnswerState = "none" | "draft" | "published" | "hidden";

export type DeskQuestion = {
  id: string;
  body: string;
  language: string;
  voteCount: number;
  /** asked of this candidate by name, rather than of everyone in the contest */
  addressedToMe: boolean;
  answerState: AnswerState;
  answerKind: "text" | "video" | null;
  /** a published answer with an edit saved but not yet published */
  editPending: boolean;
};

export type DeskPage = {
  questions: DeskQuestion[];
  page: number;
  pageCount: number;
  counts: Record<DeskFilter, number>;
};

// An answer in draft has not answered anything yet; a hidden one has (moderators took it down).
const ANSWERED = "a.status in ('published', 'hidden')";

type DeskRow = {
  id: string;
  body: string;
  language: string;
  vote_count: number;
  candidate_id: string | null;
  answer_status: "draft" | "published" | "hidden" | null;
  answer_kind: "text" | "video" | null;
  draft_body: string | null;
};

/** The published questions put to the candidate, each with the candidate's answer if any. */
function questionsPutTo(db: DbOrTransaction, candidacy: Pick<OwnCandidacy, "id" | "contestId">) {
  return db("questions as q")
    .leftJoin("answers as a", (join) =>
      join.on("a.question_id", "q.id").andOnVal("a.candidate_id", candidacy.id),
    )
    .where({ "q.contest_id": candidacy.contestId, "q.status": "published" })
    .where((addressed) =>
      addressed.whereNull("q.candidate_id").orWhere("q.candidate_id", candidacy.id),
    );
}

const DESK_COLUMNS = [
  "q.id",
  "q.body",
  "q.language",
  "q.vote_count",
  "q.candidate_id",
  "a.status as answer_status",
  "a.kind as answer_kind",
  "a.draft_body",
];

function toDeskQuestion(row: DeskRow, candidateId: string): DeskQuestion {
  return {
    id: row.id,
    body: row.body,
    language: row.language,
    voteCount: row.vote_count,
    addressedToMe: row.candidate_id === candidateId,
    answerState: row.answer_status ?? "none",
    answerKind: row.answer_kind,
    editPending: row.answer_status === "published" && row.draft_body !== null,
  };
}

/**
 * The contest's offered questions (the same top questions for every candidate, see
 * answer-rules.server.ts) with this candidate's answer state, in rank order; null before the
 * answer phase.
 */
export async function deskOfferedQuestions(
  db: DbOrTransaction,
  candidacy: Pick<OwnCandidacy, "id" | "contestId">,
): Promise<{ takenAt: string; questions: DeskQuestion[] } | null> {
  const election = await db("contests as c")
    .join("elections as e", "e.id", "c.election_id")
    .where("c.id", candidacy.contestId)
    .first<{ status: ElectionStatus; rankingElectorate: Electorate; jurisdictionId: string }>(
      "e.status",
      "e.ranking_electorate as rankingElectorate",
      "e.jurisdiction_id as jurisdictionId",
    );
  const offered = await offeredQuestions(db, candidacy.contestId, election);
  if (!offered) return null;
  const rows: DeskRow[] = await questionsPutTo(db, candidacy)
    .whereIn("q.id", offered.questionIds)
    .select(DESK_COLUMNS);
  const byId = new Map(rows.map((row) => [row.id, toDeskQuestion(row, candidacy.id)]));
  return {
    takenAt: offered.takenAt,
    questions: offered.questionIds.flatMap((id) => byId.get(id) ?? []),
  };
}

/** One page of the questions put to the candidate, filtered, most votes first. */
export async function listDeskQuestions(
  db: DbOrTransaction,
  candidacy: Pick<OwnCandidacy, "id" | "contestId">,
  filter: DeskFilter,
  requestedPage: number,
): Promise<DeskPage> {
  const base = () => questionsPutTo(db, candidacy);
  const countRow = await base().first<{ answered: number; total: number }>(
    db.raw(`count(*) filter (where ${ANSWERED})::int as answered`),
    db.raw("count(*)::int as total"),
  );
  const total = countRow?.total ?? 0;
  const answered = countRow?.answered ?? 0;
  const counts = { all: total, answered, unanswered: total - answered };
  const pageCount = Math.max(1, Math.ceil(counts[filter] / DESK_PAGE_SIZE));
  const page = Math.min(requestedPage, pageCount);
  const query = base();
  if (filter === "answered") query.whereRaw(ANSWERED);
  if (filter === "unanswered") query.whereRaw(`not coalesce(${ANSWERED}, false)`);
  const rows: DeskRow[] = await query
    .orderBy("q.vote_count", "desc")
    .orderByRaw("q.published_at desc nulls last")
    .orderBy("q.id")
    .limit(DESK_PAGE_SIZE)
    .offset((page - 1) * DESK_PAGE_SIZE)
    .select(DESK_COLUMNS);
  return {
    questions: rows.map((row) => toDeskQuestion(row, candidacy.id)),
    page,
    pageCount,
    counts,
  };
}

export type DeskAnswer = {
  id: string;
  kind: "text" | "video";
  status: "draft" | "published" | "hidden";
  /** the text voters see once published (the draft's text while a draft) */
  body: string | null;
  parts: AnswerParts;
  sources: Source[];
  /** an edit of the published text, saved but not published (with its parts and sources) */
  draftBody: string | null;
  draftParts: AnswerParts | null;
  draftSources: Source[] | null;
  publishedAt: string | null;
  editedAt: string | null;
  hiddenReason: string | null;
};

export type AnswerRevision = {
  body: string;
  parts: AnswerParts;
  sources: Source[];
  publishedAt: string;
  replacedAt: string;
};

export type DeskQuestionDetail = {
  question: {
    id: string;
    body: string;
    language: string;
    voteCount: number;
    addressedToMe: boolean;
  };
  candidacy: OwnCandidacy;
  answer: DeskAnswer | null;
  revisions: AnswerRevision[];
  /** whether the candidate may save or publish now (the election's answer window) */
  windowOpen: boolean;
  /** why not, when not: the lock date passed, or the answer phase is not open */
  refusal: WriteRefusal | null;
  rules: AnswerRules;
  electionId: string;
};

type Addressed = RulesRow & {
  id: string;
  body: string;
  language: string;
  vote_count: number;
  contest_id: string;
  candidate_id: string | null;
  election_id: string;
};

/** The published question with its election's answer window and rules (to whom it is put: `candidacyFor`). */
function addressedQuestion(db: DbOrTransaction, questionId: string) {
  return db("questions as q")
    .join("elections as e", "e.id", "q.election_id")
    .where({ "q.id": questionId, "q.status": "published" })
    .first<Addressed | undefined>(
      "q.id",
      "q.body",
      "q.language",
      "q.vote_count",
      "q.contest_id",
      "q.candidate_id",
      "q.election_id",
      ...rulesColumns(db),
    );
}

function candidacyFor(candidacies: OwnCandidacy[], question: Addressed): OwnCandidacy | undefined {
  return candidacies.find(
    (candidacy) =>
      candidacy.contestId === question.contest_id &&
      (question.candidate_id === null || question.candidate_id === candidacy.id),
  );
}

const isUuid = (value: string) => z.uuid().safeParse(value).success;

type AnswerRow = {
  id: string;
  kind: "text" | "video";
  status: "draft" | "published" | "hidden";
  body: string | null;
  parts: unknown;
  sources: unknown;
  draft_body: string | null;
  draft_parts: unknown;
  draft_sources: unknown;
  published_at: Date | null;
  edited_at: Date | null;
  hidden_reason: string | null;
};
const ANSWER_COLUMNS = [
  "id",
  "kind",
  "status",
  "body",
  "parts",
  "sources",
  "draft_body",
  "draft_parts",
  "draft_sources",
  "published_at",
  "edited_at",
  "hidden_reason",
];

/** The content voters see (or will see, while a draft) of a text answer. */
function publicContent(answer: AnswerRow): WrittenContent {
  return {
    body: answer.body ?? "",
    parts: readParts(answer.parts),
    sources: readSources(answer.sources),
  };
}

/** The question as the candidate answers it; null when it is not one put to them. */
export async function deskQuestion(
  db: DbOrTransaction,
  candidacies: OwnCandidacy[],
  questionId: string,
  now: Date = new Date(),
): Promise<DeskQuestionDetail | null> {
  if (!isUuid(questionId)) return null;
  const question = await addressedQuestion(db, questionId);
  const candidacy = question && candidacyFor(candidacies, question);
  if (!question || !candidacy) return null;
  const answer = await db("answers")
    .where({ question_id: question.id, candidate_id: candidacy.id })
    .first<AnswerRow | undefined>(ANSWER_COLUMNS);
  const refusal = refusalOf(question, now);
  return {
    question: {
      id: question.id,
      body: question.body,
      language: question.language,
      voteCount: question.vote_count,
      addressedToMe: question.candidate_id === candidacy.id,
    },
    candidacy,
    answer: answer
      ? {
          id: answer.id,
          kind: answer.kind,
          status: answer.status,
          body: answer.body,
          parts: readParts(answer.parts),
          sources: readSources(answer.sources),
          draftBody: answer.draft_body,
          draftParts: answer.draft_body === null ? null : readParts(answer.draft_parts),
          draftSources: answer.draft_body === null ? null : readSources(answer.draft_sources),
          publishedAt: answer.published_at?.toISOString() ?? null,
          editedAt: answer.edited_at?.toISOString() ?? null,
          hiddenReason: answer.hidden_reason,
        }
      : null,
    revisions: answer ? await answerRevisions(db, answer.id) : [],
    windowOpen: refusal === null,
    refusal,
    rules: rulesOf(question),
    electionId: question.election_id,
  };
}

/**
 * The texts an answer showed before its edits, newest first: each with when it was published
 * and when an edit replaced it. For voters, beside the published answer it belongs to (the
 * caller shows them only where it shows that answer).
 */
export async function answerRevisions(
  db: DbOrTransaction,
  answerId: string,
): Promise<AnswerRevision[]> {
  const rows = await db("answer_revisions")
    .where({ answer_id: answerId })
    .orderBy([
      { column: "created_at", order: "desc" },
      { column: "id", order: "desc" },
    ])
    .select<
      Array<{
        body: string;
        parts: unknown;
        sources: unknown;
        published_at: Date;
        created_at: Date;
      }>
    >("body", "parts", "sources", "published_at", "created_at");
  return rows.map((row) => ({
    body: row.body,
    parts: readParts(row.parts),
    sources: readSources(row.sources),
    publishedAt: row.published_at.toISOString(),
    replacedAt: row.created_at.toISOString(),
  }));
}

function textAnswerView(
  detail: DeskQuestionDetail,
  text: WrittenContent & { publishedAt: string; editedAt: string | null },
): AnswerForDisplay {
  return {
    id: detail.answer?.id ?? "preview",
    questionId: detail.question.id,
    candidate: {
      id: detail.candidacy.id,
      ballotName: detail.candidacy.ballotName,
      slug: detail.candidacy.slug,
    },
    kind: "text",
    ...text,
    video: null,
    hiddenReason: null,
    rebuttals: [],
  };
}

/** The published text answer as voters see it now; null when there is none. */
export function publishedAnswerView(detail: DeskQuestionDetail): AnswerForDisplay | null {
  const answer = detail.answer;
  if (answer?.kind !== "text" || answer.status !== "published" || !answer.body) return null;
  return textAnswerView(detail, {
    body: answer.body,
    parts: answer.parts,
    sources: answer.sources,
    publishedAt: answer.publishedAt!,
    editedAt: answer.editedAt,
  });
}

/** A text answer as voters will see it once published, for the preview (nothing is stored). */
export function previewAnswer(
  detail: DeskQuestionDetail,
  content: WrittenContent,
  now: Date = new Date(),
): AnswerForDisplay {
  const answer = detail.answer;
  return textAnswerView(detail, {
    ...content,
    publishedAt: answer?.publishedAt ?? now.toISOString(),
    // publishing an edit marks the answer "edited" for voters
    editedAt:
      answer?.status === "published" &&
      !sameContent(content, { ...answer, body: answer.body ?? "" })
        ? now.toISOString()
        : (answer?.editedAt ?? null),
  });
}

export type AnswerOutcome =
  | { ok: true; result: "draftSaved" | "published" | "edited" | "unchanged" }
  | {
      ok: false;
      problem: "notFound" | WriteRefusal | "answeredWithVideo" | "hidden" | "overWordLimit";
    };

/**
 * Saves the candidate's text answer (with its structured parts and sources) to the question as
 * a draft, or publishes it. Before the first publication the draft is the answer's own content;
 * afterwards a draft is kept beside the published content, which voters go on seeing until the
 * edit is published. Publishing an edit keeps the replaced content in `answer_revisions` and
 * marks the answer edited. The first publication queues the followers' emails in the same
 * transaction.
 *
 * Refused outside the answer window or after its lock date, over the election's word limit
 * (checked here, whatever the form said), for an answer given by video (its own page manages
 * it) and for one moderators have hidden.
 */
export async function saveTextAnswer(
  db: Db,
  target: { candidacies: OwnCandidacy[]; questionId: string },
  input: Pick<WrittenContent, "body"> & Partial<WrittenContent> & { publish: boolean },
  actor: Actor,
  now: Date = new Date(),
): Promise<AnswerOutcome> {
  const content: WrittenContent = {
    body: input.body,
    parts: input.parts ?? {},
    sources: input.sources ?? [],
  };
  if (!isUuid(target.questionId) || !content.body) return { ok: false, problem: "notFound" };
  return db.transaction(async (trx) => {
    // A share lock on the election: a clerk closing the window waits for this answer to commit,
    // so nothing is published after the close.
    const question = await addressedQuestion(trx, target.questionId).forShare("e");
    const candidacy = question && candidacyFor(target.candidacies, question);
    if (!question || !candidacy) return { ok: false, problem: "notFound" };
    const refusal = refusalOf(question, now);
    if (refusal) return { ok: false, problem: refusal };
    if (contentWords(content) > question.answer_max_words) {
      return { ok: false, problem: "overWordLimit" };
    }
    // One writer per candidate at a time (a double-clicked Publish must not insert twice).
    // No-key: questions and videos naming the candidate can still be inserted meanwhile.
    await trx("candidates").where({ id: candidacy.id }).forNoKeyUpdate().first("id");
    const answer = await trx("answers")
      .where({ question_id: question.id, candidate_id: candidacy.id })
      .first<AnswerRow | undefined>(ANSWER_COLUMNS);
    if (answer?.kind === "video") return { ok: false, problem: "answeredWithVideo" };
    if (answer?.status === "hidden") return { ok: false, problem: "hidden" };

    const record = (action: string, answerId: string) =>
      audit(trx, actor, {
        action,
        targetType: "answer",
        targetId: answerId,
        jurisdictionId: candidacy.jurisdictionId,
        details: {
          questionId: question.id,
          candidateId: candidacy.id,
          words: contentWords(content),
          sources: content.sources.length,
        },
      });
    const stored = {
      body: content.body,
      parts: JSON.stringify(content.parts),
      sources: JSON.stringify(content.sources),
    };

    if (!answer || answer.status === "draft") {
      const fields = input.publish
        ? { ...stored, status: "published", published_at: now, ...NO_DRAFT }
        : { ...stored, status: "draft" };
      const [saved] = answer
        ? await trx("answers")
            .where({ id: answer.id })
            .update({ ...fields, updated_at: trx.fn.now() })
            .returning<Array<{ id: string }>>("id")
        : await trx("answers")
            .insert({
              question_id: question.id,
              candidate_id: candidacy.id,
              kind: "text",
              ...fields,
            })
            .returning<Array<{ id: string }>>("id");
      if (!input.publish) {
        await record("answer.draft_saved", saved!.id);
        return { ok: true, result: "draftSaved" };
      }
      await notifyFollowersOfAnswer(trx, question.id);
      await record("answer.published", saved!.id);
      return { ok: true, result: "published" };
    }

    // Published: a draft waits beside the public content; publishing replaces it, keeping the old.
    const current = publicContent(answer);
    const unchanged = sameContent(content, current);
    if (!input.publish) {
      await trx("answers")
        .where({ id: answer.id })
        .update({
          ...(unchanged
            ? NO_DRAFT
            : {
                draft_body: stored.body,
                draft_parts: stored.parts,
                draft_sources: stored.sources,
              }),
          updated_at: trx.fn.now(),
        });
      await record("answer.draft_saved", answer.id);
      return { ok: true, result: "draftSaved" };
    }
    if (unchanged) {
      await trx("answers")
        .where({ id: answer.id })
        .update({ ...NO_DRAFT, updated_at: trx.fn.now() });
      return { ok: true, result: "unchanged" };
    }
    await trx("answer_revisions").insert({
      answer_id: answer.id,
      body: current.body,
      parts: JSON.stringify(current.parts),
      sources: JSON.stringify(current.sources),
      published_at: answer.edited_at ?? answer.published_at,
      editor_id: actor.userId,
      created_at: now,
    });
    await trx("answers")
      .where({ id: answer.id })
      .update({ ...stored, ...NO_DRAFT, edited_at: now, updated_at: trx.fn.now() });
    await record("answer.edited", answer.id);
    return { ok: true, result: "edited" };
  });
}

const NO_DRAFT = { draft_body: null, draft_parts: null, draft_sources: null };
