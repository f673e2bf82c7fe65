import type { ElectionStatus } from "./elections.server";

/**
 * The rules of an election's phases, in one place: the ask page, its action and the vote action
 * all ask these, so what a page offers and what the server accepts cannot disagree.
 */
export type QuestionWindow = {
  status: ElectionStatus;
  questionsOpenAt: Date | string | null;
  questionsCloseAt: Date | string | null;
};

/**
 * Voters may ask while the election is in its `questions_open` phase and, where the clerk set
 * them, `now` falls within [questionsOpenAt, questionsCloseAt). An unset bound is open-ended.
 */
export function questionWindowOpen(election: QuestionWindow, now: Date = new Date()): boolean {
  if (election.status !== "questions_open") return false;
  const opens = election.questionsOpenAt ? new Date(election.questionsOpenAt) : null;
  const closes = election.questionsCloseAt ? new Date(election.questionsCloseAt) : null;
  return (!opens || opens <= now) && (!closes || now < closes);
}

/** Upvoting goes on while candidates answer: it tells them which questions matter most. */
export const VOTING_STATUSES: readonly ElectionStatus[] = ["questions_open", "answers_open"];

export function votingAllowed(status: ElectionStatus): boolean {
  return VOTING_STATUSES.includes(status);
}

export type AnswerWindow = {
  status: ElectionStatus;
  answersOpenAt: Date | string | null;
  answersCloseAt: Date | string | null;
};

/**
 * Candidates may answer (and publish answers) while the election is in its `answers_open` phase
 * and, where the clerk set them, `now` falls within [answersOpenAt, answersCloseAt).
 */
export function answerWindowOpen(election: AnswerWindow, now: Date = new Date()): boolean {
  if (election.status !== "answers_open") return false;
  const opens = election.answersOpenAt ? new Date(election.answersOpenAt) : null;
  const closes = election.answersCloseAt ? new Date(election.answersCloseAt) : null;
  return (!opens || opens <= now) && (!closes || now < closes);
}
