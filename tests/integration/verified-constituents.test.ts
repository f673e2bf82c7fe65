import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type Db } from "~/lib/db.server";
import {
  closeSharedClients,
  shareSessionStore,
  signedIn,
  startApp,
  type App,
} from "../support/app-server";
import { createContest, createUser } from "../support/fixtures";

/**
 * Acceptance for verified constituents, over HTTP against the built app: a clerk uploads a
 * 10,000-row voter roll and no name or birth date lands anywhere in the database; a voter is
 * verified by the roll, another by a code from a printed batch; a second account is refused the
 * same roll entry (also after the roll is uploaded again); and the contest page's counts and
 * order follow the clerk's choice of electorate, saying which count they show.
 */
const ROWS = 10_000;
let db: Db;
let app: App;
let slug: string;
let place: Awaited<ReturnType<typeof createContest>>;
const cookies = { clerk: "", maria: "", coder: "", impostor: "", other: "" };
const ids = { maria: "", coder: "", impostor: "" };

// Made-up surnames no other table could hold by chance: a syllable per digit of the row number.
const SYLLABLES = ["zor", "vak", "quel", "thim", "brox", "yul", "drev", "pim", "skar", "nuv"];
const surname = (i: number) =>
  `${String(i)
    .padStart(5, "0")
    .split("")
    .map((digit) => SYLLABLES[Number(digit)])
    .join("")}ix`;
const birthDate = (i: number) => {
  const day = new Date(Date.UTC(1940, 0, 1) + i * 86_400_000 * 2.3);
  return day.toISOString().slice(0, 10);
};
const usDate = (iso: string) => `${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(0, 4)}`;

/** The roll: first and last name columns, dates in both notations, ZIPs with and without +4. */
function rollCsv(): string {
  const lines = ["First Name,Last Name,Date of Birth,ZIP"];
  for (let i = 0; i < ROWS; i++) {
    const iso = birthDate(i);
    lines.push(
      i === 4_242
        ? `"María José","García-López",${usDate("1984-07-09")},95401-1234`
        : `Voter${i % 7},${surname(i)},${i % 2 ? usDate(iso) : iso},${95_400 + (i % 30)}`,
    );
  }
  return `${lines.join("\r\n")}\r\n`;
}

async function uploadRoll(csv: string): Promise<Response> {
  const form = new FormData();
  form.append("roll", new Blob([csv], { type: "text/csv" }), "roll.csv");
  return fetch(`${app.url}/console/${slug}/constituents/upload`, {
    method: "POST",
    headers: { Cookie: cookies.clerk, Origin: app.url },
    body: form,
    redirect: "manual",
  });
}

const verify = (cookie: string, form: Record<string, string>) =>
  app.request("/account/constituent", { cookie, form });

beforeAll(async () => {
  const url = inject("databaseUrl");
  shareSessionStore(url);
  db = createDb(url, 2);
  place = await createContest(db);
  slug = (await db("jurisdictions").where({ id: place.jurisdictionId }).first("slug")).slug;
  const clerk = await createUser(db);
  await db("users").where({ id: clerk }).update({ mfa_enabled_at: db.fn.now() });
  await db("role_grants").insert({
    user_id: clerk,
    role: "clerk",
    jurisdiction_id: place.jurisdictionId,
  });
  cookies.clerk = (await signedIn(clerk, { hasMfa: true })).cookie;
  for (const name of ["maria", "coder", "impostor", "other"] as const) {
    const id = await createUser(db, `${name}-${randomUUID()}@example.test`);
    await db("users").where({ id }).update({ email_verified_at: db.fn.now() });
    if (name !== "other") ids[name] = id;
    cookies[name] = (await signedIn(id, { hasMfa: false })).cookie;
  }
  app = await startApp(url);
}, 60_000);

afterAll(async () => {
  await app?.stop();
  await closeSharedClients();
  await db?.destroy();
});

describe("verified constituents", () => {
  it("stores a 10,000-row roll as hashes only, verifies by roll and by code, one account per entry, and counts verified votes apart", async () => {
    // the clerk switches both ways on
    const methods = await app.request(`/console/${slug}/constituents`, {
      cookie: cookies.clerk,
      form: { intent: "methods", method: "roll" },
    });
    expect(methods.status).toBe(303);
    const both = new URLSearchParams([
      ["intent", "methods"],
      ["method", "roll"],
      ["method", "code"],
    ]);
    await fetch(`${app.url}/console/${slug}/constituents`, {
      method: "POST",
      headers: { Cookie: cookies.clerk, Origin: app.url },
      body: both,
      redirect: "manual",
    });
    expect(
      (await db("jurisdictions").where({ id: place.jurisdictionId }).first()).constituent_methods,
    ).toEqual(["roll", "code"]);

    const csv = rollCsv();
    const uploaded = await uploadRoll(csv);
    expect(uploaded.status).toBe(303);
    const report = new URL(uploaded.headers.get("Location")!, app.url).searchParams;
    expect(report.get("entries")).toBe(String(ROWS));
    expect(report.get("rejected")).toBe("0");
    console.log(`roll upload: ${ROWS} rows → ${report.get("entries")} hashed entries stored`);
    expect(
      await db("constituent_roll_entries").where({ jurisdiction_id: place.jurisdictionId }).count(),
    ).toEqual([{ count: String(ROWS) }]);

    // No name or birth date in clear anywhere: every text, varchar, json(b) and array column of
    // every table of every schema (the audit log and the job queue included), and the app's log.
    const samples = [0, 1, 17, 999, 4_241, 4_243, 7_777, ROWS - 1];
    const needles = [
      "garcía",
      "garcia",
      "1984-07-09",
      "07/09/1984",
      ...samples.flatMap((i) => [surname(i), birthDate(i), usDate(birthDate(i))]),
    ];
    const { rows: columns } = await db.raw<{
      rows: Array<{ table_schema: string; table_name: string; column_name: string }>;
    }>(
      `select c.table_schema, c.table_name, c.column_name
         from information_schema.columns c
         join information_schema.tables t using (table_schema, table_name)
        where t.table_type = 'BASE TABLE'
          and c.table_schema not in ('pg_catalog', 'information_schema')
          and c.data_type in ('text', 'character varying', 'json', 'jsonb', 'ARRAY')`,
    );
    const found: string[] = [];
    for (const column of columns) {
      const rows = await db
        .withSchema(column.table_schema)
        .from(column.table_name)
        .whereRaw(
          "??::text ilike any (select '%' || value || '%' from jsonb_array_elements_text(?::jsonb))",
          [column.column_name, JSON.stringify(needles)],
        )
        .count<Array<{ count: string }>>({ count: "*" });
      if (Number(rows[0]!.count) > 0)
        found.push(`${column.table_schema}.${column.table_name}.${column.column_name}`);
    }
    console.log(
      `clear-text scan: ${columns.length} text/json/array columns in every table, ${needles.length} names and dates → ${found.length} found`,
    );
    expect(found).toEqual([]);
    expect(columns.map((c) => `${c.table_name}.${c.column_name}`)).toContain("audit_log.details");
    const log = app.output().toLowerCase();
    expect(needles.filter((needle) => log.includes(needle.toLowerCase()))).toEqual([]);

    // Maria verifies by the roll, typing her name her own way (order, accents, case)
    const noMatch = await verify(cookies.maria, {
      intent: "roll",
      jurisdictionId: place.jurisdictionId,
      name: "Maria Garcia Lopez",
      birthDate: "1984-07-09",
      zip: "95401",
    });
    expect(noMatch.status).toBe(200);
    expect(await noMatch.text()).toContain("We found no match");
    const matched = await verify(cookies.maria, {
      intent: "roll",
      jurisdictionId: place.jurisdictionId,
      name: "garcia lopez, MARIA jose",
      birthDate: "1984-07-09",
      zip: "95401",
    });
    expect(matched.headers.get("Location")).toBe("/account/constituent?done=verified");

    // another account typing the same entry is refused
    const second = await verify(cookies.impostor, {
      intent: "roll",
      jurisdictionId: place.jurisdictionId,
      name: "María José García-López",
      birthDate: "1984-07-09",
      zip: "95401",
    });
    expect(second.status).toBe(200);
    expect(await second.text()).toContain("already verifies another account");

    // a printed batch of codes: the CSV is the only place the codes exist in clear
    const batch = await app.request(`/console/${slug}/constituents/codes.csv`, {
      cookie: cookies.clerk,
      form: { size: "25", expires: "2099-12-31" },
    });
    expect(batch.headers.get("Content-Type")).toMatch(/^text\/csv/);
    const codes = (await batch.text())
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n")
      .slice(1)
      .map((line) => line.split(",")[0]!);
    expect(codes).toHaveLength(25);
    expect(await db("constituent_codes").whereIn("code_hash", codes).first()).toBeUndefined();
    const coded = await verify(cookies.coder, { intent: "code", code: codes[3]!.toLowerCase() });
    expect(coded.headers.get("Location")).toBe("/account/constituent?done=verified");
    const reused = await verify(cookies.impostor, { intent: "code", code: codes[3]! });
    expect(await reused.text()).toContain("has been used or has expired");

    const verified = await db("constituent_verifications")
      .where({ jurisdiction_id: place.jurisdictionId })
      .orderBy("method", "desc")
      .select("user_id", "method");
    expect(verified).toEqual([
      { user_id: ids.maria, method: "roll" },
      { user_id: ids.coder, method: "code" },
    ]);
    const account = await (
      await app.request("/account/constituent", { cookie: cookies.maria })
    ).text();
    expect(account).toContain("verified constituent through the voter roll");

    // uploading the roll again replaces it; Maria stays verified, her entry still taken
    expect((await uploadRoll(csv)).status).toBe(303);
    const again = await verify(cookies.impostor, {
      intent: "roll",
      jurisdictionId: place.jurisdictionId,
      name: "María José García-López",
      birthDate: "07/09/1984",
      zip: "95401",
    });
    expect(await again.text()).toContain("already verifies another account");
    expect(
      await db("constituent_verifications").where({ user_id: ids.maria }).first(),
    ).toBeTruthy();

    // Two questions: the first has more votes from everyone, the second more from constituents.
    const ask = async (body: string, voters: string[]) => {
      const [row] = await db("questions")
        .insert({
          election_id: place.electionId,
          contest_id: place.contestId,
          body,
          status: "published",
          published_at: db.fn.now(),
        })
        .returning("id");
      for (const voter of voters)
        await db("question_votes").insert({ question_id: row.id, user_id: voter });
      return row.id as string;
    };
    const crowd = await Promise.all([1, 2, 3].map(() => createUser(db)));
    const popular = await ask("Will you widen the coastal highway?", [
      ...crowd,
      ids.impostor,
      ids.maria,
    ]);
    const local = await ask("Will you fix the Main Street drains?", [ids.maria, ids.coder]);
    const contestPage = `/elections/${slug}/general/mayor`;
    const countsOn = async () => {
      const html = await (await app.request(contestPage)).text();
      const order = [popular, local].sort(
        (a, b) => html.indexOf(`q-${a}`) - html.indexOf(`q-${b}`),
      );
      const count = (id: string) =>
        Number(new RegExp(`data-vote-count="${id}"[^>]*>(\\d+)<`).exec(html)![1]);
      return {
        popular: count(popular),
        local: count(local),
        first: order[0] === popular ? "popular" : "local",
        verifiedLabel: html.includes("Votes from verified constituents:"),
      };
    };
    const everyone = await countsOn();
    expect(everyone).toEqual({ popular: 5, local: 2, first: "popular", verifiedLabel: false });

    const setting = await app.request(`/console/${slug}/constituents`, {
      cookie: cookies.clerk,
      form: { intent: "electorate", electionId: place.electionId, electorate: "verified" },
    });
    expect(setting.status).toBe(303);
    const constituents = await countsOn();
    expect(constituents).toEqual({ popular: 1, local: 2, first: "local", verifiedLabel: true });
    console.log(
      `contest page: all voters ${JSON.stringify(everyone)} → verified only ${JSON.stringify(constituents)}`,
    );

    // Maria removes her verification: her vote no longer counts as a constituent's
    const [{ id: verificationId }] = await db("constituent_verifications")
      .where({ user_id: ids.maria })
      .select("id");
    const removed = await verify(cookies.maria, { intent: "remove", verificationId });
    expect(removed.headers.get("Location")).toBe("/account/constituent?done=removed");
    expect(await countsOn()).toMatchObject({ popular: 0, local: 1 });

    const actions = await db("audit_log")
      .where({ jurisdiction_id: place.jurisdictionId })
      .whereLike("action", "constituents.%")
      .orderBy("id")
      .pluck("action");
    expect(actions).toEqual([
      "constituents.methods",
      "constituents.methods",
      "constituents.roll_upload",
      "constituents.verified",
      "constituents.codes_generated",
      "constituents.verified",
      "constituents.roll_upload",
      "constituents.ranking_electorate",
      "constituents.removed",
    ]);
  }, 240_000);

  it("refuses a file that is not a roll with a message, changing nothing", async () => {
    const before = await db("constituent_roll_entries")
      .where({ jurisdiction_id: place.jurisdictionId })
      .count();
    const bad = await uploadRoll('name,dob,zip\r\n"unterminated,1990-01-01,95401\r\n');
    expect(bad.headers.get("Location")).toMatch(/problem=roll(File|Empty)/);
    const empty = await uploadRoll("colour,shape\r\nred,round\r\n");
    expect(empty.headers.get("Location")).toMatch(/problem=rollEmpty/);
    expect(
      await db("constituent_roll_entries").where({ jurisdiction_id: place.jurisdictionId }).count(),
    ).toEqual(before);
  });
});
