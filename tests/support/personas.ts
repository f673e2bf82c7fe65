import type { Db } from "~/lib/db.server";
import { signedIn } from "./app-server";
import { createContest, createUser } from "./fixtures";

/**
 * Two jurisdictions (A and B) with one account per kind of visitor, and a row of each kind in A,
 * for the security tests that probe every route as whoever can reach it. Sessions are opened in
 * this process's session store (call shareSessionStore first).
 */
export const ROLE_PERSONAS = [
  "admin",
  "clerkA",
  "moderatorA",
  "candidate",
  "voter",
  "clerkB",
] as const;
export type RolePersona = (typeof ROLE_PERSONAS)[number];

export type World = {
  slugA: string;
  slugB: string;
  users: Record<RolePersona, { id: string; email: string; hasMfa: boolean }>;
  /** rows of jurisdiction A (and B's own contest), by what they are */
  a: {
    jurisdictionId: string;
    electionId: string;
    contestId: string;
    candidateId: string;
    questionId: string;
    districtId: string;
    partyId: string;
    importId: string;
  };
  b: { jurisdictionId: string; electionId: string; contestId: string; questionId: string };
  /** a fresh signed-in Cookie header for `persona` */
  cookie: (persona: RolePersona) => Promise<string>;
};

const GRANTS: Record<
  RolePersona,
  ["admin" | "clerk" | "moderator" | "candidate" | "voter", "a" | "b" | null]
> = {
  admin: ["admin", null],
  clerkA: ["clerk", "a"],
  moderatorA: ["moderator", "a"],
  candidate: ["candidate", "a"],
  voter: ["voter", "a"],
  clerkB: ["clerk", "b"],
};

export async function createWorld(db: Db, label: string): Promise<World> {
  const a = await createContest(db);
  const b = await createContest(db);
  const slugA = `${label}-county-a`;
  const slugB = `${label}-county-b`;
  await db("jurisdictions").where({ id: a.jurisdictionId }).update({ slug: slugA });
  await db("jurisdictions").where({ id: b.jurisdictionId }).update({ slug: slugB });
  const [candidacy] = await db("candidates")
    .insert({ contest_id: a.contestId, ballot_name: `${label} Candidate`, slug: "matrix" })
    .returning("id");
  const users = {} as World["users"];
  for (const persona of ROLE_PERSONAS) {
    const [role, where] = GRANTS[persona];
    const hasMfa = role !== "voter";
    const email = `${label}-${persona.toLowerCase()}@example.test`;
    const id = await createUser(db, email);
    await db("users")
      .where({ id })
      .update({ email_verified_at: db.fn.now(), mfa_enabled_at: hasMfa ? db.fn.now() : null });
    const jurisdictionId =
      where === "a" ? a.jurisdictionId : where === "b" ? b.jurisdictionId : null;
    await db("role_grants").insert({ user_id: id, role, jurisdiction_id: jurisdictionId });
    if (persona === "candidate")
      await db("candidates").where({ id: candidacy.id }).update({ user_id: id });
    users[persona] = { id, email, hasMfa };
  }
  const question = async (electionId: string, contestId: string, body: string) => {
    const [row] = await db("questions")
      .insert({ election_id: electionId, contest_id: contestId, body, status: "published" })
      .returning("id");
    return row.id as string;
  };
  const [district] = await db("electoral_districts")
    .insert({ jurisdiction_id: a.jurisdictionId, name: { en: `${label} District` } })
    .returning("id");
  const [party] = await db("parties")
    .insert({ jurisdiction_id: a.jurisdictionId, name: { en: `${label} Party` } })
    .returning("id");
  const [ballotImport] = await db("ballot_imports")
    .insert({ jurisdiction_id: a.jurisdictionId, source_kind: "cli", source: `${label}.xml` })
    .returning("id");
  return {
    slugA,
    slugB,
    users,
    a: {
      ...a,
      candidateId: candidacy.id,
      questionId: await question(a.electionId, a.contestId, `What will you do for ${label} A?`),
      districtId: district.id,
      partyId: party.id,
      importId: ballotImport.id,
    },
    b: { ...b, questionId: await question(b.electionId, b.contestId, `What about ${label} B?`) },
    async cookie(persona) {
      const { id, hasMfa } = users[persona];
      return (await signedIn(id, { hasMfa })).cookie;
    },
  };
}
