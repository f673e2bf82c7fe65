import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Actor } from "~/lib/audit.server";
import { createDb, type Db } from "~/lib/db.server";
import {
  contestForm,
  createCandidate,
  createContest as createBallotContest,
  deleteCandidate,
  findContest,
  listCandidates,
  setCandidateStatus,
} from "~/services/ballot-setup.server";
import { createElection, electionForm, updateElection } from "~/services/election-setup.server";
import { jurisdictionForm, saveJurisdiction } from "~/services/jurisdictions.server";
import { createContest } from "../support/fixtures";

/**
 * Setting up an election by hand: validation with field errors, names that must be unique,
 * texts in English and Spanish, ballot order, withdrawal instead of deletion — every change
 * audited with its jurisdiction.
 */
const actor: Actor = { userId: null, ip: "203.0.113.6", requestId: "setup-test" };

describe("election set-up", () => {
  let db: Db;
  beforeAll(() => {
    db = createDb(inject("databaseUrl"), 4);
  });
  afterAll(() => db.destroy());

  it("validates the election form, reading window times in the jurisdiction's zone", () => {
    const form = electionForm("America/Los_Angeles");
    const parsed = form.safeParse({
      slug: "special-2027",
      nameEn: "Special Election",
      nameEs: "Elección especial",
      electionDate: "2027-06-01",
      questionsOpenAt: "2027-04-01T09:00",
      questionsCloseAt: "2027-05-01T17:00",
      answersOpenAt: "",
      answersCloseAt: "",
      moderationMode: "before_publishing",
    });
    expect(parsed.success && parsed.data).toMatchObject({
      name: { en: "Special Election", es: "Elección especial" },
      questionsOpenAt: new Date("2027-04-01T16:00:00Z"),
      questionsCloseAt: new Date("2027-05-02T00:00:00Z"),
      answersOpenAt: null,
    });
    const bad = form.safeParse({
      slug: "Not A Slug",
      nameEn: "",
      electionDate: "June 1",
      questionsOpenAt: "2027-05-01T09:00",
      questionsCloseAt: "2027-04-01T09:00",
      moderationMode: "before_publishing",
    });
    expect(bad.success).toBe(false);
    const messages = Object.fromEntries(
      bad.error!.issues.map((issue) => [issue.path[0], issue.message]),
    );
    expect(messages).toMatchObject({
      slug: "console.form.slug",
      nameEn: "console.form.required",
      electionDate: "console.form.date",
    });
    // the window check runs once every field reads
    const backwards = form.safeParse({
      slug: "x",
      nameEn: "X",
      electionDate: "2027-06-01",
      questionsOpenAt: "2027-05-01T09:00",
      questionsCloseAt: "2027-04-01T09:00",
      moderationMode: "after_publishing",
    });
    expect(backwards.error?.issues[0]).toMatchObject({
      path: ["questionsCloseAt"],
      message: "console.election.closeBeforeOpen",
    });
  });

  it("creates and edits an election, refusing a taken slug, freezing it once questions open", async () => {
    const { jurisdictionId } = await createContest(db);
    const input = {
      slug: "runoff",
      name: { en: "Runoff" },
      electionDate: "2027-08-03",
      questionsOpenAt: null,
      questionsCloseAt: null,
      answersOpenAt: null,
      answersCloseAt: null,
      moderationMode: "before_publishing" as const,
      answerMaxWords: 400,
      answerMaxVideoSeconds: 180,
      candidateOrder: "ballot" as const,
    };
    expect(await createElection(db, jurisdictionId, input, actor)).toEqual({
      ok: true,
      slug: "runoff",
    });
    expect(await createElection(db, jurisdictionId, input, actor)).toEqual({
      ok: false,
      errors: { slug: "console.election.slugTaken" },
    });
    const election = await db("elections")
      .where({ jurisdiction_id: jurisdictionId, slug: "runoff" })
      .first();
    expect(election.status).toBe("draft");
    const renamed = { ...input, slug: "runoff-2027", name: { en: "Runoff", es: "Segunda vuelta" } };
    expect(await updateElection(db, jurisdictionId, election.id, renamed, actor)).toEqual({
      ok: true,
      slug: "runoff-2027",
    });
    await db("elections").where({ id: election.id }).update({ status: "questions_open" });
    expect(
      await updateElection(db, jurisdictionId, election.id, { ...renamed, slug: "another" }, actor),
    ).toEqual({ ok: true, slug: "runoff-2027" });
    const rows = await db("audit_log").where({ target_id: election.id }).orderBy("id");
    expect(rows.map((row) => row.action)).toEqual(["election.created", "election.updated"]);
    expect(rows.every((row) => row.jurisdiction_id === jurisdictionId)).toBe(true);
    expect(rows[1].details.changes).toEqual({
      slug: { from: "runoff", to: "runoff-2027" },
      name: { from: { en: "Runoff" }, to: { en: "Runoff", es: "Segunda vuelta" } },
    });
  });

  it("stores a ballot measure's texts in both languages", async () => {
    const place = await createContest(db);
    const parsed = contestForm.parse({
      kind: "measure",
      titleEn: "Measure C: Library Parcel Tax",
      titleEs: "Medida C: Impuesto a las parcelas para bibliotecas",
      ballotOrder: "7",
      summaryEn: "Shall the county levy $49 per parcel for libraries?",
      summaryEs: "¿Deberá el condado cobrar $49 por parcela para las bibliotecas?",
      fullTextEn: "Section 1. …",
      proEn: "Libraries matter.",
      proEs: "Las bibliotecas importan.",
      conEn: "Taxes are high enough.",
    });
    const scope = { jurisdictionId: place.jurisdictionId };
    const saved = await createBallotContest(db, scope, place.electionId, parsed, actor);
    if (!saved.ok) throw new Error("not saved");
    const contest = await findContest(db, scope, saved.id);
    expect(contest).toMatchObject({
      slug: "measure-c-library-parcel-tax",
      kind: "measure",
      ballotOrder: 7,
      measure: {
        summary: {
          en: "Shall the county levy $49 per parcel for libraries?",
          es: "¿Deberá el condado cobrar $49 por parcela para las bibliotecas?",
        },
        proStatement: { en: "Libraries matter.", es: "Las bibliotecas importan." },
        conStatement: { en: "Taxes are high enough." },
      },
    });
    const other = await createContest(db);
    expect(
      await findContest(db, { jurisdictionId: other.jurisdictionId }, saved.id),
    ).toBeUndefined();
    expect(
      contestForm.safeParse({ kind: "measure", titleEn: "M", ballotOrder: "1" }).error?.issues[0],
    ).toMatchObject({ path: ["summaryEn"], message: "console.form.required" });
  });

  it("lists candidates in ballot order, withdraws rather than deletes one with questions", async () => {
    const place = await createContest(db);
    const scope = { jurisdictionId: place.jurisdictionId };
    const add = async (ballotName: string, ballotOrder: number) => {
      const saved = await createCandidate(
        db,
        scope,
        place.contestId,
        { ballotName, ballotOrder, partyId: null, contactEmail: null },
        actor,
      );
      if (!saved.ok) throw new Error("not saved");
      return saved.id;
    };
    const second = await add("José Núñez", 2);
    const first = await add("José Núñez", 1);
    const slugs = await db("candidates").whereIn("id", [first, second]).pluck("slug");
    expect(slugs.sort()).toEqual(["jose-nunez", "jose-nunez-2"]);
    expect((await listCandidates(db, place.contestId)).map((c) => c.id)).toEqual([first, second]);

    await db("questions").insert({
      election_id: place.electionId,
      contest_id: place.contestId,
      candidate_id: first,
      body: "What would you do first in office?",
    });
    expect(await deleteCandidate(db, scope, first, actor)).toBe("hasQuestions");
    await setCandidateStatus(db, scope, first, "withdrawn", actor);
    expect((await db("candidates").where({ id: first }).first()).status).toBe("withdrawn");
    expect(await deleteCandidate(db, scope, second, actor)).toBe("deleted");
    const actions = await db("audit_log")
      .whereIn("target_id", [first, second])
      .orderBy("id")
      .pluck("action");
    expect(actions).toEqual([
      "candidate.created",
      "candidate.created",
      "candidate.withdrawn",
      "candidate.deleted",
    ]);
  });

  it("keeps jurisdictions' OCD ids unique and their parents free of loops", async () => {
    const slug = `county-${randomUUID().slice(0, 8)}`;
    const raw = (over: Record<string, string>) => ({
      slug,
      nameEn: "Loop County",
      kind: "county",
      ocdId: `ocd-division/country:us/state:ca/county:${slug.replace(/-/g, "_")}`,
      timeZone: "America/Los_Angeles",
      ...over,
    });
    const input = (over: Record<string, string>) => jurisdictionForm.parse(raw(over));
    const parent = await saveJurisdiction(db, null, input({}), actor);
    if (!parent.ok) throw new Error("not saved");
    const parentRow = await db("jurisdictions").where({ slug }).first();
    const child = await saveJurisdiction(
      db,
      null,
      input({ slug: `${slug}-city`, kind: "city", ocdId: "", parentId: parentRow.id }),
      actor,
    );
    expect(child.ok).toBe(true);
    const childRow = await db("jurisdictions")
      .where({ slug: `${slug}-city` })
      .first();
    expect(
      await saveJurisdiction(db, parentRow.id, input({ parentId: childRow.id }), actor),
    ).toEqual({ ok: false, errors: { parentId: "admin.jurisdictions.parentLoop" } });
    expect(
      await saveJurisdiction(
        db,
        childRow.id,
        input({ slug: `${slug}-city`, parentId: parentRow.id }),
        actor,
      ),
    ).toEqual({ ok: false, errors: { ocdId: "admin.jurisdictions.ocdTaken" } });
    const badZone = jurisdictionForm.safeParse(raw({ timeZone: "Nowhere/Else" }));
    expect(badZone.error?.issues.map((issue) => issue.message)).toEqual([
      "admin.jurisdictions.timeZone",
    ]);
  });
});
