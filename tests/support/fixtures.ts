import { randomUUID } from "node:crypto";
import type { Db } from "~/lib/db.server";

/** A minimal jurisdiction → election → contest chain for tests that need somewhere to ask. */
export async function createContest(db: Db) {
  const suffix = randomUUID().slice(0, 8);
  const [jurisdiction] = await db("jurisdictions")
    .insert({
      slug: `test-county-${suffix}`,
      name: { en: `Test County ${suffix}` },
      kind: "county",
    })
    .returning("id");
  const [election] = await db("elections")
    .insert({
      jurisdiction_id: jurisdiction.id,
      slug: "general",
      name: { en: "General Election", es: "Elección general" },
      election_date: "2027-03-02",
      status: "questions_open",
    })
    .returning("id");
  const [contest] = await db("contests")
    .insert({ election_id: election.id, kind: "candidate", slug: "mayor", title: { en: "Mayor" } })
    .returning("id");
  return {
    jurisdictionId: jurisdiction.id as string,
    electionId: election.id as string,
    contestId: contest.id as string,
  };
}

export async function createUser(db: Db, email = `voter-${randomUUID()}@example.test`) {
  const [user] = await db("users").insert({ email }).returning("id");
  return user.id as string;
}
