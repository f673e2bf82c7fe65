import { z } from "zod";
import { audit, type Actor } from "~/lib/audit.server";
import type { Db, DbOrTransaction } from "~/lib/db.server";
import type { FieldErrors } from "~/lib/forms.server";
import {
  ballotOrderField,
  ocdIdField,
  optionalIdField,
  optionalText,
  requiredText,
} from "~/lib/form-schemas.server";
import type { LocalizedText } from "~/lib/i18n";
import {
  changedFields,
  firstFreeSlug,
  isUniqueViolation,
  isUuid,
  localizedText,
  slugify,
} from "./console-common.server";

/**
 * The ballot as the clerk sets it up by hand: the jurisdiction's electoral districts and
 * parties, an election's contests (candidate contests and ballot measures, in ballot order) and
 * each contest's candidates. Every change is audited with the jurisdiction, in its transaction.
 * Every lookup is scoped to the jurisdiction: another county's rows are simply not found.
 * A candidate is never deleted once voters have asked them anything: they are withdrawn.
 */

type Scope = { jurisdictionId: string };
export type Outcome = { ok: true; id: string } | { ok: false; errors: FieldErrors };

// ---------------------------------------------------------------------------------------------
// Electoral districts
// ---------------------------------------------------------------------------------------------

/** VIP's DistrictType vocabulary, which imported districts use too. */
export const DISTRICT_KINDS = [
  "state",
  "county",
  "city",
  "town",
  "township",
  "village",
  "borough",
  "ward",
  "county-council",
  "city-council",
  "congressional",
  "state-senate",
  "state-house",
  "judicial",
  "school",
  "special",
  "utility",
  "water",
  "other",
] as const;

export const districtForm = z
  .object({
    nameEn: requiredText(200),
    nameEs: optionalText(200),
    // an imported district may carry a type outside our list: it stays choosable for it
    kind: z
      .string({ error: "form.invalid" })
      .regex(/^[a-z][a-z0-9-]{0,39}$/, { error: "form.invalid" }),
    ocdId: ocdIdField,
  })
  .transform((f) => ({ name: localizedText(f.nameEn, f.nameEs), kind: f.kind, ocdId: f.ocdId }));
export type DistrictInput = z.output<typeof districtForm>;

export type District = {
  id: string;
  name: LocalizedText;
  kind: string;
  ocdId: string | null;
};

export async function listDistricts(
  db: DbOrTransaction,
  jurisdictionId: string,
): Promise<District[]> {
  return db("electoral_districts")
    .where({ jurisdiction_id: jurisdictionId })
    .orderByRaw("name->>'en'")
    .select("id", "name", "kind", "ocd_id as ocdId");
}

export async function findDistrict(
  db: DbOrTransaction,
  scope: Scope,
  id: string,
): Promise<District | undefined> {
  if (!isUuid(id)) return undefined;
  return db("electoral_districts")
    .where({ id, jurisdiction_id: scope.jurisdictionId })
    .first("id", "name", "kind", "ocd_id as ocdId");
}

const OCD_TAKEN: FieldErrors = { ocdId: "console.district.ocdTaken" };

/** Creates (no id) or updates a district; an OCD id names one district per jurisdiction. */
export function saveDistrict(
  db: Db,
  scope: Scope,
  id: string | null,
  input: DistrictInput,
  actor: Actor,
): Promise<Outcome> {
  const row = { name: input.name, kind: input.kind, ocd_id: input.ocdId };
  return saveUniqueRow(db, scope, "electoral_districts", "district", id, row, actor, {
    column: "ocd_id",
    value: input.ocdId,
    errors: OCD_TAKEN,
  });
}

/**
 * saveRow in its own transaction, for tables where one column must be unique per jurisdiction:
 * a clash is a field error (checked first, and again by the database's unique index in a race).
 */
async function saveUniqueRow(
  db: Db,
  scope: Scope,
  table: "electoral_districts" | "parties",
  kind: "district" | "party",
  id: string | null,
  row: Record<string, unknown>,
  actor: Actor,
  unique: { column: string; value: string | null; errors: FieldErrors },
): Promise<Outcome> {
  try {
    return await db.transaction(async (trx) => {
      if (unique.value) {
        const clash = await trx(table)
          .where({ jurisdiction_id: scope.jurisdictionId, [unique.column]: unique.value })
          .whereNot("id", id ?? "00000000-0000-0000-0000-000000000000")
          .first("id");
        if (clash) return { ok: false, errors: unique.errors };
      }
      return saveRow(trx, scope, table, kind, id, row, actor);
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, errors: unique.errors };
    throw error;
  }
}

/**
 * Inserts or updates one row of a jurisdiction-owned table and audits it
 * (`<kind>.created` with the row, `<kind>.updated` with what changed).
 */
async function saveRow(
  trx: DbOrTransaction,
  scope: Scope,
  table: "electoral_districts" | "parties",
  kind: "district" | "party",
  id: string | null,
  row: Record<string, unknown>,
  actor: Actor,
): Promise<Outcome> {
  if (!id) {
    const [created] = await trx(table)
      .insert({ ...row, jurisdiction_id: scope.jurisdictionId })
      .returning<Array<{ id: string }>>("id");
    await audit(trx, actor, {
      action: `${kind}.created`,
      targetType: kind,
      targetId: created!.id,
      jurisdictionId: scope.jurisdictionId,
      details: row,
    });
    return { ok: true, id: created!.id };
  }
  const before = await trx(table)
    .where({ id, jurisdiction_id: scope.jurisdictionId })
    .forUpdate()
    .first();
  if (!before) throw new Error(`${kind} ${id} is not in jurisdiction ${scope.jurisdictionId}`);
  const changes = changedFields(before, row);
  if (Object.keys(changes).length > 0) {
    await trx(table)
      .where({ id })
      .update({ ...row, updated_at: trx.fn.now() });
    await audit(trx, actor, {
      action: `${kind}.updated`,
      targetType: kind,
      targetId: id,
      jurisdictionId: scope.jurisdictionId,
      details: { changes },
    });
  }
  return { ok: true, id };
}

// ---------------------------------------------------------------------------------------------
// Parties
// ---------------------------------------------------------------------------------------------

export const partyForm = z
  .object({
    nameEn: requiredText(200),
    nameEs: optionalText(200),
    abbreviation: optionalText(20),
    color: optionalText(7).refine((value) => value === "" || /^#[0-9a-fA-F]{6}$/.test(value), {
      error: "console.party.color",
    }),
  })
  .transform((f) => ({
    name: localizedText(f.nameEn, f.nameEs),
    abbreviation: f.abbreviation || null,
    color: f.color ? f.color.toLowerCase() : null,
  }));
export type PartyInput = z.output<typeof partyForm>;

export type Party = {
  id: string;
  name: LocalizedText;
  abbreviation: string | null;
  color: string | null;
};

export async function listParties(db: DbOrTransaction, jurisdictionId: string): Promise<Party[]> {
  return db("parties")
    .where({ jurisdiction_id: jurisdictionId })
    .orderByRaw("name->>'en'")
    .select("id", "name", "abbreviation", "color");
}

export async function findParty(
  db: DbOrTransaction,
  scope: Scope,
  id: string,
): Promise<Party | undefined> {
  if (!isUuid(id)) return undefined;
  return db("parties")
    .where({ id, jurisdiction_id: scope.jurisdictionId })
    .first("id", "name", "abbreviation", "color");
}

const ABBREVIATION_TAKEN: FieldErrors = { abbreviation: "console.party.abbreviationTaken" };

export function saveParty(
  db: Db,
  scope: Scope,
  id: string | null,
  input: PartyInput,
  actor: Actor,
): Promise<Outcome> {
  return saveUniqueRow(db, scope, "parties", "party", id, input, actor, {
    column: "abbreviation",
    value: input.abbreviation,
    errors: ABBREVIATION_TAKEN,
  });
}

// ---------------------------------------------------------------------------------------------
// Contests and ballot measures
// ---------------------------------------------------------------------------------------------

export const CONTEST_KINDS = ["candidate", "measure"] as const;
export type ContestKind = (typeof CONTEST_KINDS)[number];

const MEASURE_TEXT = 100_000;

export const contestForm = z
  .object({
    kind: z.enum(CONTEST_KINDS, { error: "form.invalid" }),
    titleEn: requiredText(300),
    titleEs: optionalText(300),
    officeEn: optionalText(300),
    officeEs: optionalText(300),
    descriptionEn: optionalText(5000),
    descriptionEs: optionalText(5000),
    districtId: optionalIdField,
    ballotOrder: ballotOrderField,
    votesAllowed: z
      .string()
      .trim()
      .regex(/^[1-9]\d?$/, { error: "console.contest.votesAllowed" })
      .optional()
      .transform((value) => Number(value ?? 1)),
    summaryEn: optionalText(MEASURE_TEXT),
    summaryEs: optionalText(MEASURE_TEXT),
    fullTextEn: optionalText(MEASURE_TEXT),
    fullTextEs: optionalText(MEASURE_TEXT),
    proEn: optionalText(MEASURE_TEXT),
    proEs: optionalText(MEASURE_TEXT),
    conEn: optionalText(MEASURE_TEXT),
    conEs: optionalText(MEASURE_TEXT),
  })
  .refine((f) => f.kind !== "measure" || f.summaryEn !== "", {
    path: ["summaryEn"],
    error: "console.form.required",
  })
  .transform((f) => ({
    kind: f.kind,
    title: localizedText(f.titleEn, f.titleEs),
    office: f.kind === "candidate" && f.officeEn ? localizedText(f.officeEn, f.officeEs) : {},
    description: f.descriptionEn ? localizedText(f.descriptionEn, f.descriptionEs) : {},
    districtId: f.districtId,
    ballotOrder: f.ballotOrder,
    votesAllowed: f.kind === "candidate" ? f.votesAllowed : 1,
    measure:
      f.kind === "measure"
        ? {
            summary: localizedText(f.summaryEn, f.summaryEs),
            fullText: f.fullTextEn ? localizedText(f.fullTextEn, f.fullTextEs) : {},
            proStatement: f.proEn ? localizedText(f.proEn, f.proEs) : {},
            conStatement: f.conEn ? localizedText(f.conEn, f.conEs) : {},
          }
        : null,
  }));
export type ContestInput = z.output<typeof contestForm>;

export type MeasureText = {
  summary: LocalizedText;
  fullText: LocalizedText;
  proStatement: LocalizedText;
  conStatement: LocalizedText;
};

export type ContestSummary = {
  id: string;
  slug: string;
  kind: "candidate" | "measure" | "retention" | "party";
  title: LocalizedText;
  ballotOrder: number;
  votesAllowed: number;
  districtName: LocalizedText | null;
  candidateCount: number;
  pendingQuestions: number;
  publishedQuestions: number;
};

/** An election's contests in ballot order, with what the console lists beside each. */
export async function listContests(
  db: DbOrTransaction,
  electionId: string,
): Promise<ContestSummary[]> {
  return db("contests as k")
    .leftJoin("electoral_districts as d", "d.id", "k.electoral_district_id")
    .where("k.election_id", electionId)
    .orderBy([{ column: "k.ballot_order" }, { column: "k.slug" }])
    .select(
      "k.id",
      "k.slug",
      "k.kind",
      "k.title",
      "k.ballot_order as ballotOrder",
      "k.votes_allowed as votesAllowed",
      "d.name as districtName",
      db.raw(
        `(select count(*)::int from candidates c where c.contest_id = k.id) as "candidateCount"`,
      ),
      db.raw(
        `(select count(*)::int from questions q where q.contest_id = k.id and q.status = 'pending') as "pendingQuestions"`,
      ),
      db.raw(
        `(select count(*)::int from questions q where q.contest_id = k.id and q.status = 'published') as "publishedQuestions"`,
      ),
    );
}

export type ContestDetail = {
  id: string;
  slug: string;
  kind: ContestSummary["kind"];
  title: LocalizedText;
  office: LocalizedText;
  description: LocalizedText;
  districtId: string | null;
  ballotOrder: number;
  votesAllowed: number;
  election: { id: string; slug: string; name: LocalizedText };
  measure: MeasureText | null;
};

/** One contest of the jurisdiction (with its measure's texts); undefined for another's. */
export async function findContest(
  db: DbOrTransaction,
  scope: Scope,
  id: string,
): Promise<ContestDetail | undefined> {
  if (!isUuid(id)) return undefined;
  const row = await db("contests as k")
    .join("elections as e", "e.id", "k.election_id")
    .leftJoin("ballot_measures as m", "m.contest_id", "k.id")
    .where({ "k.id": id, "e.jurisdiction_id": scope.jurisdictionId })
    .first(
      "k.id",
      "k.slug",
      "k.kind",
      "k.title",
      "k.office",
      "k.description",
      "k.electoral_district_id",
      "k.ballot_order",
      "k.votes_allowed",
      "e.id as election_id",
      "e.slug as election_slug",
      "e.name as election_name",
      "m.id as measure_id",
      "m.summary",
      "m.full_text",
      "m.pro_statement",
      "m.con_statement",
    );
  if (!row) return undefined;
  return {
    id: row.id,
    slug: row.slug,
    kind: row.kind,
    title: row.title,
    office: row.office,
    description: row.description,
    districtId: row.electoral_district_id,
    ballotOrder: row.ballot_order,
    votesAllowed: row.votes_allowed,
    election: { id: row.election_id, slug: row.election_slug, name: row.election_name },
    measure: row.measure_id
      ? {
          summary: row.summary,
          fullText: row.full_text,
          proStatement: row.pro_statement,
          conStatement: row.con_statement,
        }
      : null,
  };
}

async function districtInScope(trx: DbOrTransaction, scope: Scope, districtId: string | null) {
  if (!districtId) return true;
  return Boolean(await findDistrict(trx, scope, districtId));
}

function contestRow(input: ContestInput) {
  return {
    title: input.title,
    office: input.office,
    description: input.description,
    electoral_district_id: input.districtId,
    ballot_order: input.ballotOrder,
    votes_allowed: input.votesAllowed,
  };
}

function measureRow(measure: MeasureText) {
  return {
    summary: measure.summary,
    full_text: measure.fullText,
    pro_statement: measure.proStatement,
    con_statement: measure.conStatement,
  };
}

const UNKNOWN_DISTRICT: FieldErrors = { districtId: "form.invalid" };

/** A new contest of the election (and its measure texts); its slug comes from the title. */
export async function createContest(
  db: Db,
  scope: Scope,
  electionId: string,
  input: ContestInput,
  actor: Actor,
): Promise<Outcome> {
  return db.transaction(async (trx) => {
    if (!(await districtInScope(trx, scope, input.districtId)))
      return { ok: false, errors: UNKNOWN_DISTRICT };
    // one creation at a time per election, so two contests cannot take the same slug
    await trx("elections").where({ id: electionId }).forUpdate().first("id");
    const taken = await trx("contests").where({ election_id: electionId }).pluck("slug");
    const slug = firstFreeSlug(slugify(input.title.en ?? ""), new Set(taken));
    const [contest] = await trx("contests")
      .insert({ election_id: electionId, kind: input.kind, slug, ...contestRow(input) })
      .returning<Array<{ id: string }>>("id");
    if (input.measure)
      await trx("ballot_measures").insert({
        contest_id: contest!.id,
        ...measureRow(input.measure),
      });
    await audit(trx, actor, {
      action: "contest.created",
      targetType: "contest",
      targetId: contest!.id,
      jurisdictionId: scope.jurisdictionId,
      details: { electionId, kind: input.kind, slug, title: input.title },
    });
    return { ok: true, id: contest!.id };
  });
}

/** Saves a contest's fields and, for a measure, its texts. The kind and slug stay as created. */
export async function updateContest(
  db: Db,
  scope: Scope,
  contest: ContestDetail,
  input: ContestInput,
  actor: Actor,
): Promise<Outcome> {
  return db.transaction(async (trx) => {
    if (!(await districtInScope(trx, scope, input.districtId)))
      return { ok: false, errors: UNKNOWN_DISTRICT };
    const before = await trx("contests").where({ id: contest.id }).forUpdate().first();
    const row = contestRow({ ...input, kind: before.kind });
    const changes = changedFields(before, row);
    if (Object.keys(changes).length > 0)
      await trx("contests")
        .where({ id: contest.id })
        .update({ ...row, updated_at: trx.fn.now() });
    if (input.measure && before.kind === "measure") {
      const measure = measureRow(input.measure);
      const old = await trx("ballot_measures").where({ contest_id: contest.id }).first();
      Object.assign(changes, changedFields(old ?? {}, measure));
      await trx("ballot_measures")
        .insert({ contest_id: contest.id, ...measure })
        .onConflict("contest_id")
        .merge({ ...measure, updated_at: trx.fn.now() });
    }
    if (Object.keys(changes).length > 0)
      await audit(trx, actor, {
        action: "contest.updated",
        targetType: "contest",
        targetId: contest.id,
        jurisdictionId: scope.jurisdictionId,
        details: { changes },
      });
    return { ok: true, id: contest.id };
  });
}

// ---------------------------------------------------------------------------------------------
// Candidates
// ---------------------------------------------------------------------------------------------

export const candidateForm = z.object({
  ballotName: requiredText(200),
  partyId: optionalIdField,
  ballotOrder: ballotOrderField,
  contactEmail: z
    .union([z.email({ error: "form.email.invalid" }).max(254), z.literal("")], {
      error: "form.email.invalid",
    })
    .optional()
    .transform((value) => value?.toLowerCase() || null),
});
export type CandidateInput = z.output<typeof candidateForm>;

// Questions addressed to the candidate, and questions they answered: either keeps them.
const QUESTIONS_OF_CANDIDATE = `(select count(*)::int from questions q
  where q.candidate_id = c.id
     or exists (select 1 from answers a where a.question_id = q.id and a.candidate_id = c.id))`;

export type CandidateSummary = {
  id: string;
  ballotName: string;
  partyName: LocalizedText | null;
  ballotOrder: number;
  status: "active" | "withdrawn";
  linked: boolean;
  questionCount: number;
};

/** A contest's candidates in ballot order; withdrawn ones stay listed, marked. */
export async function listCandidates(
  db: DbOrTransaction,
  contestId: string,
): Promise<CandidateSummary[]> {
  const rows = await db("candidates as c")
    .leftJoin("parties as p", "p.id", "c.party_id")
    .where("c.contest_id", contestId)
    .orderBy([{ column: "c.ballot_order" }, { column: "c.ballot_name" }])
    .select(
      "c.id",
      "c.ballot_name as ballotName",
      "p.name as partyName",
      "c.ballot_order as ballotOrder",
      "c.status",
      "c.user_id",
      db.raw(`${QUESTIONS_OF_CANDIDATE} as "questionCount"`),
    );
  return rows.map(({ user_id, ...row }) => ({ ...row, linked: Boolean(user_id) }));
}

export type CandidateDetail = {
  id: string;
  ballotName: string;
  partyId: string | null;
  ballotOrder: number;
  contactEmail: string | null;
  status: "active" | "withdrawn";
  linked: boolean;
  questionCount: number;
  contest: { id: string; title: LocalizedText };
  election: { slug: string; name: LocalizedText };
};

export async function findCandidate(
  db: DbOrTransaction,
  scope: Scope,
  id: string,
): Promise<CandidateDetail | undefined> {
  if (!isUuid(id)) return undefined;
  const row = await db("candidates as c")
    .join("contests as k", "k.id", "c.contest_id")
    .join("elections as e", "e.id", "k.election_id")
    .where({ "c.id": id, "e.jurisdiction_id": scope.jurisdictionId })
    .first(
      "c.id",
      "c.ballot_name",
      "c.party_id",
      "c.ballot_order",
      "c.contact_email",
      "c.status",
      "c.user_id",
      db.raw(`${QUESTIONS_OF_CANDIDATE} as question_count`),
      "k.id as contest_id",
      "k.title as contest_title",
      "e.slug as election_slug",
      "e.name as election_name",
    );
  if (!row) return undefined;
  return {
    id: row.id,
    ballotName: row.ballot_name,
    partyId: row.party_id,
    ballotOrder: row.ballot_order,
    contactEmail: row.contact_email,
    status: row.status,
    linked: Boolean(row.user_id),
    questionCount: row.question_count,
    contest: { id: row.contest_id, title: row.contest_title },
    election: { slug: row.election_slug, name: row.election_name },
  };
}

async function partyInScope(trx: DbOrTransaction, scope: Scope, partyId: string | null) {
  return !partyId || Boolean(await findParty(trx, scope, partyId));
}

const UNKNOWN_PARTY: FieldErrors = { partyId: "form.invalid" };

function candidateRow(input: CandidateInput) {
  return {
    ballot_name: input.ballotName,
    party_id: input.partyId,
    ballot_order: input.ballotOrder,
    contact_email: input.contactEmail,
  };
}

/** A new candidate of the contest; the slug (their address for voters) comes from the name. */
export async function createCandidate(
  db: Db,
  scope: Scope,
  contestId: string,
  input: CandidateInput,
  actor: Actor,
): Promise<Outcome> {
  return db.transaction(async (trx) => {
    if (!(await partyInScope(trx, scope, input.partyId)))
      return { ok: false, errors: UNKNOWN_PARTY };
    await trx("contests").where({ id: contestId }).forUpdate().first("id");
    const taken = await trx("candidates").where({ contest_id: contestId }).pluck("slug");
    const slug = firstFreeSlug(slugify(input.ballotName), new Set(taken));
    const [candidate] = await trx("candidates")
      .insert({ contest_id: contestId, slug, ...candidateRow(input) })
      .returning<Array<{ id: string }>>("id");
    await audit(trx, actor, {
      action: "candidate.created",
      targetType: "candidate",
      targetId: candidate!.id,
      jurisdictionId: scope.jurisdictionId,
      details: { contestId, ballotName: input.ballotName, slug },
    });
    return { ok: true, id: candidate!.id };
  });
}

export async function updateCandidate(
  db: Db,
  scope: Scope,
  candidateId: string,
  input: CandidateInput,
  actor: Actor,
): Promise<Outcome> {
  return db.transaction(async (trx) => {
    if (!(await partyInScope(trx, scope, input.partyId)))
      return { ok: false, errors: UNKNOWN_PARTY };
    const before = await trx("candidates").where({ id: candidateId }).forUpdate().first();
    const row = candidateRow(input);
    const changes = changedFields(before, row);
    if (Object.keys(changes).length > 0) {
      await trx("candidates")
        .where({ id: candidateId })
        .update({ ...row, updated_at: trx.fn.now() });
      await audit(trx, actor, {
        action: "candidate.updated",
        targetType: "candidate",
        targetId: candidateId,
        jurisdictionId: scope.jurisdictionId,
        details: { changes },
      });
    }
    return { ok: true, id: candidateId };
  });
}

/**
 * Withdraws a candidate from the race, or reinstates one. A withdrawn candidate stays on the
 * record with their questions and answers: that is how candidates leave, never by deletion.
 */
export async function setCandidateStatus(
  db: Db,
  scope: Scope,
  candidateId: string,
  status: "active" | "withdrawn",
  actor: Actor,
): Promise<void> {
  await db.transaction(async (trx) => {
    const changed = await trx("candidates")
      .where({ id: candidateId })
      .whereNot({ status })
      .update({ status, updated_at: trx.fn.now() });
    if (changed === 0) return;
    await audit(trx, actor, {
      action: status === "withdrawn" ? "candidate.withdrawn" : "candidate.reinstated",
      targetType: "candidate",
      targetId: candidateId,
      jurisdictionId: scope.jurisdictionId,
    });
  });
}

/**
 * Deletes a candidate entered by mistake. Refused ("hasQuestions") once any question is
 * addressed to them or answered by them: withdraw them instead, so nothing voters wrote is lost.
 */
export async function deleteCandidate(
  db: Db,
  scope: Scope,
  candidateId: string,
  actor: Actor,
): Promise<"deleted" | "hasQuestions"> {
  return db.transaction(async (trx) => {
    const row = await trx("candidates as c")
      .where("c.id", candidateId)
      .forUpdate()
      .first(
        "c.ballot_name",
        "c.contest_id",
        trx.raw(`${QUESTIONS_OF_CANDIDATE} as question_count`),
      );
    if (row.question_count > 0) return "hasQuestions";
    await trx("candidates").where({ id: candidateId }).delete();
    await audit(trx, actor, {
      action: "candidate.deleted",
      targetType: "candidate",
      targetId: candidateId,
      jurisdictionId: scope.jurisdictionId,
      details: { ballotName: row.ballot_name, contestId: row.contest_id },
    });
    return "deleted";
  });
}
