import { randomInt } from "node:crypto";
import { audit, type Actor } from "~/lib/audit.server";
import { codeHash, rollHash } from "~/lib/constituent-hash.server";
import type { Db, DbOrTransaction } from "~/lib/db.server";
import type { LocalizedText } from "~/lib/i18n";
import { isUniqueViolation, isUuid } from "./console-common.server";
import { csvRows, headerName } from "./imports/csv-rows.server";
import { FeedError } from "./imports/records.server";
import { ControlCharacters } from "./imports/text.server";
import { ELECTORATES, type Electorate } from "./vote-counting.server";

/**
 * Verified constituents (docs/decisions/018-verified-constituents.md): a voter proves they
 * belong to a jurisdiction by matching its voter roll (name, date of birth, ZIP) or with a
 * one-time code from the election office, in the ways its clerk switches on. The roll and the
 * codes are kept only as keyed hashes (lib/constituent-hash.server.ts). Every clerk action and
 * every verification or removal is audited, without the personal data.
 */

export type ConstituentMethod = "roll" | "code";
export const CONSTITUENT_METHODS: readonly ConstituentMethod[] = ["roll", "code"];

type Scope = { jurisdictionId: string };

// ---------------------------------------------------------------------------------------------
// The clerk's side
// ---------------------------------------------------------------------------------------------

export type CodeBatchSummary = {
  id: string;
  size: number;
  used: number;
  expiresAt: Date;
  createdAt: Date;
};

export type ConstituentSettings = {
  methods: ConstituentMethod[];
  rollEntries: number;
  verifiedCount: number;
  batches: CodeBatchSummary[];
  elections: Array<{ id: string; slug: string; name: LocalizedText; electorate: Electorate }>;
};

/** What the console's constituents page shows. */
export async function constituentSettings(
  db: DbOrTransaction,
  scope: Scope,
): Promise<ConstituentSettings> {
  const [jurisdiction, roll, verified, batches, elections] = await Promise.all([
    db("jurisdictions")
      .where({ id: scope.jurisdictionId })
      .first<{ constituent_methods: ConstituentMethod[] }>("constituent_methods"),
    db("constituent_roll_entries")
      .where({ jurisdiction_id: scope.jurisdictionId })
      .first<{ count: number }>(db.raw("count(*)::int as count")),
    db("constituent_verifications")
      .where({ jurisdiction_id: scope.jurisdictionId })
      .first<{ count: number }>(db.raw("count(*)::int as count")),
    db("constituent_code_batches as b")
      .where("b.jurisdiction_id", scope.jurisdictionId)
      .orderBy("b.created_at", "desc")
      .limit(20)
      .select<CodeBatchSummary[]>(
        "b.id",
        "b.size",
        "b.expires_at as expiresAt",
        "b.created_at as createdAt",
        db.raw(
          "(select count(*)::int from constituent_codes c where c.batch_id = b.id and c.used_at is not null) as used",
        ),
      ),
    db("elections")
      .where({ jurisdiction_id: scope.jurisdictionId })
      .orderBy("election_date", "desc")
      .select("id", "slug", "name", "ranking_electorate as electorate"),
  ]);
  return {
    methods: jurisdiction?.constituent_methods ?? [],
    rollEntries: roll?.count ?? 0,
    verifiedCount: verified?.count ?? 0,
    batches,
    elections,
  };
}

/** Switches the ways of verifying on or off for the jurisdiction. */
export async function saveConstituentMethods(
  db: Db,
  scope: Scope,
  methods: ConstituentMethod[],
  actor: Actor,
): Promise<void> {
  const chosen = CONSTITUENT_METHODS.filter((method) => methods.includes(method));
  await db.transaction(async (trx) => {
    const before = await trx("jurisdictions")
      .where({ id: scope.jurisdictionId })
      .forUpdate()
      .first<{ constituent_methods: string[] }>("constituent_methods");
    await trx("jurisdictions")
      .where({ id: scope.jurisdictionId })
      .update({ constituent_methods: chosen, updated_at: trx.fn.now() });
    await audit(trx, actor, {
      action: "constituents.methods",
      targetType: "jurisdiction",
      targetId: scope.jurisdictionId,
      jurisdictionId: scope.jurisdictionId,
      details: { from: before?.constituent_methods ?? [], to: chosen },
    });
  });
}

/** Whose votes rank an election's questions. "notFound": not an election of the jurisdiction. */
export async function setRankingElectorate(
  db: Db,
  scope: Scope,
  input: { electionId: string; electorate: Electorate },
  actor: Actor,
): Promise<"done" | "notFound"> {
  if (!isUuid(input.electionId) || !ELECTORATES.includes(input.electorate)) return "notFound";
  return db.transaction(async (trx) => {
    const election = await trx("elections")
      .where({ id: input.electionId, jurisdiction_id: scope.jurisdictionId })
      .forUpdate()
      .first<{ ranking_electorate: Electorate } | undefined>("ranking_electorate");
    if (!election) return "notFound";
    await trx("elections")
      .where({ id: input.electionId })
      .update({ ranking_electorate: input.electorate, updated_at: trx.fn.now() });
    await audit(trx, actor, {
      action: "constituents.ranking_electorate",
      targetType: "election",
      targetId: input.electionId,
      jurisdictionId: scope.jurisdictionId,
      details: { from: election.ranking_electorate, to: input.electorate },
    });
    return "done";
  });
}

/** A roll file that cannot be read; says where, never what the line held. */
export class RollFileError extends Error {
  constructor(
    readonly line: number | null,
    readonly tooLarge = false,
  ) {
    super(tooLarge ? "voter roll file too large" : `voter roll file unreadable at line ${line}`);
  }
}

/** A state's whole roll as CSV is a few hundred megabytes; past this it is not a roll. */
export const MAX_ROLL_BYTES = 1024 ** 3;

const NAME_COLUMNS = ["name", "full_name"];
const FIRST_NAME_COLUMNS = ["first_name", "given_name"];
const MIDDLE_NAME_COLUMNS = ["middle_name"];
const LAST_NAME_COLUMNS = ["last_name", "surname", "family_name"];
const BIRTH_DATE_COLUMNS = ["date_of_birth", "dob", "birth_date", "birthdate"];
const ZIP_COLUMNS = ["zip", "zip_code", "zipcode", "postal_code"];

const pick = (values: Map<string, string>, columns: string[]) =>
  columns.map((column) => values.get(headerName(column))).find(Boolean) ?? "";

/** A roll read from its CSV: only the hashes, and the lines that could not be used. */
export type ReadRoll = {
  hashes: Set<string>;
  rejectedLines: number[];
  rejectedCount: number;
  duplicates: number;
};

/**
 * Reads a voter roll CSV as it streams in (name — or first, middle and last name —, date of
 * birth, ZIP; columns by header, in any order), hashing each row at once: nothing of a row
 * outlives its hash, and nothing is written anywhere but the hashes.
 */
export async function readRoll(
  jurisdictionId: string,
  chunks: AsyncIterable<Uint8Array>,
): Promise<ReadRoll> {
  const roll: ReadRoll = { hashes: new Set(), rejectedLines: [], rejectedCount: 0, duplicates: 0 };
  async function* buffers() {
    let bytes = 0;
    for await (const chunk of chunks) {
      bytes += chunk.byteLength;
      if (bytes > MAX_ROLL_BYTES) throw new RollFileError(null, true);
      yield Buffer.from(chunk);
    }
  }
  try {
    for await (const row of csvRows(buffers(), "roll.csv", new ControlCharacters())) {
      const name =
        pick(row.values, NAME_COLUMNS) ||
        [FIRST_NAME_COLUMNS, MIDDLE_NAME_COLUMNS, LAST_NAME_COLUMNS]
          .map((columns) => pick(row.values, columns))
          .join(" ");
      const hash = rollHash(jurisdictionId, {
        name,
        birthDate: pick(row.values, BIRTH_DATE_COLUMNS),
        zip: pick(row.values, ZIP_COLUMNS),
      });
      if (!hash) {
        roll.rejectedCount++;
        if (roll.rejectedLines.length < 20) roll.rejectedLines.push(row.line);
      } else if (roll.hashes.has(hash)) roll.duplicates++;
      else roll.hashes.add(hash);
    }
  } catch (error) {
    // the parser's message may quote the file: keep only the line number
    if (error instanceof FeedError)
      throw new RollFileError(Number(error.reason.params?.line) || null);
    throw error;
  }
  return roll;
}

const INSERT_BATCH = 5_000;

/**
 * Inserts many hashes under one owner, thousands per statement: each batch goes as one JSON
 * array parameter (knex would spread a JS array into thousands of placeholders).
 */
async function insertHashes(
  trx: DbOrTransaction,
  table: string,
  rows: { owner: [string, string]; column: string; hashes: string[] },
) {
  for (let start = 0; start < rows.hashes.length; start += INSERT_BATCH) {
    await trx.raw(
      "insert into ?? (??, ??) select ?, value from jsonb_array_elements_text(?::jsonb)",
      [
        table,
        rows.owner[0],
        rows.column,
        rows.owner[1],
        JSON.stringify(rows.hashes.slice(start, start + INSERT_BATCH)),
      ],
    );
  }
}

/**
 * Replaces the jurisdiction's roll with `roll`, in one transaction (voters never see half a
 * roll), inserting thousands of hashes per statement. Verifications already made stay: they
 * carry their own hash, so the entry they used still cannot verify a second account.
 */
export async function replaceRoll(
  db: Db,
  scope: Scope,
  roll: ReadRoll,
  actor: Actor,
): Promise<{ entries: number }> {
  const hashes = [...roll.hashes];
  await db.transaction(async (trx) => {
    const removed = await trx("constituent_roll_entries")
      .where({ jurisdiction_id: scope.jurisdictionId })
      .delete();
    await insertHashes(trx, "constituent_roll_entries", {
      owner: ["jurisdiction_id", scope.jurisdictionId],
      column: "roll_hash",
      hashes,
    });
    await audit(trx, actor, {
      action: "constituents.roll_upload",
      targetType: "jurisdiction",
      targetId: scope.jurisdictionId,
      jurisdictionId: scope.jurisdictionId,
      details: {
        entries: hashes.length,
        replaced: removed,
        rejectedRows: roll.rejectedCount,
        duplicateRows: roll.duplicates,
      },
    });
  });
  return { entries: hashes.length };
}

// 31 letters and digits a person reads back without confusing them (no 0/O, 1/I/L).
const CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const CODE_LENGTH = 12;

function newCode(): string {
  let code = "";
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code.match(/.{4}/g)!.join("-");
}

export const MAX_CODE_BATCH = 50_000;

/**
 * A batch of one-time codes, for the print shop. Only their hashes are stored: the codes in
 * clear exist in the returned list alone, which the console hands out once, as a CSV download.
 */
export async function generateCodeBatch(
  db: Db,
  scope: Scope,
  input: { size: number; expiresAt: Date },
  actor: Actor,
): Promise<{ batchId: string; codes: string[]; expiresAt: Date }> {
  const codes = new Set<string>();
  while (codes.size < input.size) codes.add(newCode());
  const list = [...codes];
  return db.transaction(async (trx) => {
    const [batch] = await trx("constituent_code_batches")
      .insert({
        jurisdiction_id: scope.jurisdictionId,
        size: input.size,
        expires_at: input.expiresAt,
        created_by: actor.userId,
      })
      .returning<Array<{ id: string }>>("id");
    await insertHashes(trx, "constituent_codes", {
      owner: ["batch_id", batch!.id],
      column: "code_hash",
      hashes: list.map(codeHash),
    });
    await audit(trx, actor, {
      action: "constituents.codes_generated",
      targetType: "constituent_code_batch",
      targetId: batch!.id,
      jurisdictionId: scope.jurisdictionId,
      details: { size: input.size, expiresAt: input.expiresAt.toISOString() },
    });
    return { batchId: batch!.id, codes: list, expiresAt: input.expiresAt };
  });
}

// ---------------------------------------------------------------------------------------------
// The voter's side
// ---------------------------------------------------------------------------------------------

export type Verification = {
  id: string;
  jurisdictionId: string;
  jurisdictionName: LocalizedText;
  method: ConstituentMethod;
  createdAt: Date;
};

/** The jurisdictions a voter is a verified constituent of. */
export async function listVerifications(
  db: DbOrTransaction,
  userId: string,
): Promise<Verification[]> {
  return db("constituent_verifications as v")
    .join("jurisdictions as j", "j.id", "v.jurisdiction_id")
    .where("v.user_id", userId)
    .orderBy("v.created_at")
    .select(
      "v.id",
      "j.id as jurisdictionId",
      "j.name as jurisdictionName",
      "v.method",
      "v.created_at as createdAt",
    );
}

/** The jurisdictions that verify constituents by their roll. */
export async function rollJurisdictions(
  db: DbOrTransaction,
): Promise<Array<{ id: string; name: LocalizedText }>> {
  return db("jurisdictions")
    .whereRaw("'roll' = any(constituent_methods)")
    .orderBy("slug")
    .select("id", "name");
}

/** Whether any jurisdiction takes one-time codes (the voter's code form shows then). */
export async function codesAccepted(db: DbOrTransaction): Promise<boolean> {
  return Boolean(
    await db("jurisdictions").whereRaw("'code' = any(constituent_methods)").first("id"),
  );
}

export type VerifyOutcome =
  | { ok: true; jurisdictionId: string }
  | { ok: false; reason: "noMatch" | "taken" | "already" | "expired" };

/** The verification row and its audit row, or "already"/"taken" when a unique index refuses. */
async function grant(
  trx: DbOrTransaction,
  row: {
    userId: string;
    jurisdictionId: string;
    method: ConstituentMethod;
    rollHash?: string;
    codeId?: string;
  },
  actor: Actor,
): Promise<VerifyOutcome> {
  const existing = await trx("constituent_verifications")
    .where({ user_id: row.userId, jurisdiction_id: row.jurisdictionId })
    .first("id");
  if (existing) return { ok: false, reason: "already" };
  if (
    row.rollHash &&
    (await trx("constituent_verifications")
      .where({ jurisdiction_id: row.jurisdictionId, roll_hash: row.rollHash })
      .first("id"))
  )
    return { ok: false, reason: "taken" };
  const [created] = await trx("constituent_verifications")
    .insert({
      user_id: row.userId,
      jurisdiction_id: row.jurisdictionId,
      method: row.method,
      roll_hash: row.rollHash ?? null,
      code_id: row.codeId ?? null,
    })
    .returning<Array<{ id: string }>>("id");
  await audit(trx, actor, {
    action: "constituents.verified",
    targetType: "constituent_verification",
    targetId: created!.id,
    jurisdictionId: row.jurisdictionId,
    details: { method: row.method, userId: row.userId },
  });
  return { ok: true, jurisdictionId: row.jurisdictionId };
}

/** Runs a verification; a unique index that refuses it in a race reads as "taken". */
async function verifying(
  db: Db,
  work: (trx: DbOrTransaction) => Promise<VerifyOutcome>,
): Promise<VerifyOutcome> {
  try {
    return await db.transaction(work);
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, reason: "taken" };
    throw error;
  }
}

/**
 * Verifies the voter by the roll of a jurisdiction that allows it: what they typed, hashed as
 * the roll was, must be an entry no other account has used.
 */
export async function verifyByRoll(
  db: Db,
  input: { userId: string; jurisdictionId: string; name: string; birthDate: string; zip: string },
  actor: Actor,
): Promise<VerifyOutcome> {
  const hash = rollHash(input.jurisdictionId, input);
  if (!hash) return { ok: false, reason: "noMatch" };
  return verifying(db, async (trx) => {
    const entry = await trx("constituent_roll_entries as r")
      .join("jurisdictions as j", "j.id", "r.jurisdiction_id")
      .where({ "r.jurisdiction_id": input.jurisdictionId, "r.roll_hash": hash })
      .whereRaw("'roll' = any(j.constituent_methods)")
      .first("r.id");
    if (!entry) return { ok: false, reason: "noMatch" };
    return grant(
      trx,
      {
        userId: input.userId,
        jurisdictionId: input.jurisdictionId,
        method: "roll",
        rollHash: hash,
      },
      actor,
    );
  });
}

/**
 * Verifies the voter with a one-time code: it names its jurisdiction (which must still take
 * codes), must be unused and unexpired, and is spent by this use. An unknown code and an
 * expired or used one answer alike ("expired" only says it was once real but is no longer).
 */
export async function verifyByCode(
  db: Db,
  input: { userId: string; code: string },
  actor: Actor,
): Promise<VerifyOutcome> {
  return verifying(db, async (trx) => {
    const code = await trx("constituent_codes as c")
      .join("constituent_code_batches as b", "b.id", "c.batch_id")
      .join("jurisdictions as j", "j.id", "b.jurisdiction_id")
      .where("c.code_hash", codeHash(input.code))
      .whereRaw("'code' = any(j.constituent_methods)")
      .forUpdate("c")
      .first<
        { id: string; used_at: Date | null; jurisdiction_id: string; live: boolean } | undefined
      >("c.id", "c.used_at", "b.jurisdiction_id", trx.raw("b.expires_at > now() as live"));
    if (!code) return { ok: false, reason: "noMatch" };
    if (code.used_at || !code.live) return { ok: false, reason: "expired" };
    const outcome = await grant(
      trx,
      {
        userId: input.userId,
        jurisdictionId: code.jurisdiction_id,
        method: "code",
        codeId: code.id,
      },
      actor,
    );
    if (outcome.ok)
      await trx("constituent_codes")
        .where({ id: code.id })
        .update({ used_by: input.userId, used_at: trx.fn.now() });
    return outcome;
  });
}

/** The voter gives up a verification; a roll entry it used may then verify an account again. */
export async function removeVerification(
  db: Db,
  input: { userId: string; verificationId: string },
  actor: Actor,
): Promise<"done" | "notFound"> {
  if (!isUuid(input.verificationId)) return "notFound";
  return db.transaction(async (trx) => {
    const [removed] = await trx("constituent_verifications")
      .where({ id: input.verificationId, user_id: input.userId })
      .delete()
      .returning<Array<{ jurisdiction_id: string; method: string }>>(["jurisdiction_id", "method"]);
    if (!removed) return "notFound";
    await audit(trx, actor, {
      action: "constituents.removed",
      targetType: "constituent_verification",
      targetId: input.verificationId,
      jurisdictionId: removed.jurisdiction_id,
      details: { method: removed.method, userId: input.userId },
    });
    return "done";
  });
}
