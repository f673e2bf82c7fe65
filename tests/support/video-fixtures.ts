import { randomUUID } from "node:crypto";
import type { Db } from "~/lib/db.server";
import { createContest, createUser } from "./fixtures";

/**
 * A candidate who can answer by video: an account with MFA and the candidate role, linked to a
 * candidacy, and a published question put to their contest. The election is in its answer
 * period unless `answersOpen` is false.
 */
export async function createVideoCandidate(db: Db, { answersOpen = true } = {}) {
  const contest = await createContest(db);
  if (answersOpen) {
    await db("elections").where({ id: contest.electionId }).update({ status: "answers_open" });
  }
  const userId = await createUser(db, `candidate-${randomUUID()}@example.test`);
  await db("users")
    .where({ id: userId })
    .update({ email_verified_at: db.fn.now(), mfa_enabled_at: db.fn.now() });
  await db("role_grants").insert({
    user_id: userId,
    role: "candidate",
    jurisdiction_id: contest.jurisdictionId,
  });
  const [{ id: candidateId }] = await db("candidates")
    .insert({
      contest_id: contest.contestId,
      user_id: userId,
      ballot_name: "Video Candidate",
      slug: `video-candidate-${randomUUID().slice(0, 8)}`,
    })
    .returning("id");
  const [{ id: questionId }] = await db("questions")
    .insert({
      election_id: contest.electionId,
      contest_id: contest.contestId,
      author_id: await createUser(db),
      body: "What will you do about the bus routes that were cut last year?",
      status: "published",
      published_at: db.fn.now(),
    })
    .returning("id");
  return {
    ...contest,
    userId,
    candidateId: candidateId as string,
    questionId: questionId as string,
  };
}

/** The first bytes of an MP4 file (an `ftyp` box), enough for the upload's content check. */
export const MP4_HEADER = Buffer.from([
  0x00, 0x00, 0x00, 0x20, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6f, 0x6d, 0x00, 0x00, 0x02, 0x00,
  0x69, 0x73, 0x6f, 0x6d, 0x69, 0x73, 0x6f, 0x32, 0x61, 0x76, 0x63, 0x31, 0x6d, 0x70, 0x34, 0x31,
]);
