import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import SwaggerParser from "@apidevtools/swagger-parser";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { unzipSync, strFromU8 } from "fflate";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type Db } from "~/lib/db.server";
import { buildOpenDataBundle } from "~/services/open-data-bundle.server";
import { closeSharedClients, shareSessionStore, startApp, type App } from "../support/app-server";
import { createContest, createUser } from "../support/fixtures";

/**
 * The open data (issue 10.4): the OpenAPI file validates; every documented endpoint answers
 * what the file says (checked with ajv against its schemas) with only public rows; ETags give
 * 304s; CORS is open; the nightly bundle downloads, and its CSVs load back into Postgres with
 * the row counts the API reports.
 */
describe("open data", () => {
  let db: Db;
  let app: App;
  let place: Awaited<ReturnType<typeof createContest>>;
  const ids = { published: "", pending: "", answer: "", draftElectionQuestion: "", video: "" };
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "civicq-open-data-"));

  beforeAll(async () => {
    const url = inject("databaseUrl");
    shareSessionStore(url);
    db = createDb(url, 2);
    place = await createContest(db);
    const author = await createUser(db, `author-${Date.now()}@example.test`);
    const [candidate] = await db("candidates")
      .insert({
        contest_id: place.contestId,
        ballot_name: "Dana Open",
        slug: "dana-open",
        contact_email: "dana.private@example.test",
      })
      .returning("id");
    await db("ballot_measures").insert({
      contest_id: (
        await db("contests")
          .insert({
            election_id: place.electionId,
            kind: "measure",
            slug: "measure-a",
            title: { en: "Measure A", es: "Medida A" },
          })
          .returning("id")
      )[0].id,
      summary: { en: "Fix the pier." },
    });
    const question = (body: string, status: string) =>
      db("questions")
        .insert({
          election_id: place.electionId,
          contest_id: place.contestId,
          author_id: author,
          body,
          status,
          published_at: status === "published" ? db.fn.now() : null,
        })
        .returning("id")
        .then((rows) => rows[0].id as string);
    ids.published = await question("=1+1 How will you fund the ferry, and when?", "published");
    ids.pending = await question("A question still waiting for its moderator.", "pending");
    const [answer] = await db("answers")
      .insert({
        question_id: ids.published,
        candidate_id: candidate.id,
        kind: "text",
        body: "With the harbour levy, from next spring.",
        status: "published",
        published_at: db.fn.now(),
      })
      .returning("id");
    ids.answer = answer.id;
    // and a video answer, whose files are published as absolute URLs
    const [rival] = await db("candidates")
      .insert({ contest_id: place.contestId, ballot_name: "Lee Video", slug: "lee-video" })
      .returning("id");
    const [video] = await db("videos")
      .insert({
        candidate_id: rival.id,
        original_key: `videos/originals/${rival.id}/0123456789abcdef/original`,
        status: "ready",
        duration_seconds: 42.5,
        poster_key: `videos/thumbnails/${rival.id}/0123456789abcdef/poster.jpg`,
        captions_key: `videos/transcoded/${rival.id}/0123456789abcdef/captions.vtt`,
      })
      .returning("id");
    for (const height of [360, 720])
      await db("video_renditions").insert({
        video_id: video.id,
        width: (height * 16) / 9,
        height,
        storage_key: `videos/transcoded/${video.id}/0123456789abcdef/${height}p.mp4`,
        size_bytes: 1000,
      });
    await db("answers").insert({
      question_id: ids.published,
      candidate_id: rival.id,
      kind: "video",
      video_id: video.id,
      status: "published",
      published_at: db.fn.now(),
    });
    ids.video = video.id;
    // a draft election's question is not public, whatever its own status
    const draft = await createContest(db);
    await db("elections").where({ id: draft.electionId }).update({ status: "draft" });
    ids.draftElectionQuestion = (
      await db("questions")
        .insert({
          election_id: draft.electionId,
          contest_id: draft.contestId,
          body: "A question in an election nobody may see yet.",
          status: "published",
          published_at: db.fn.now(),
        })
        .returning("id")
    )[0].id;
    app = await startApp(url);
  });

  afterAll(async () => {
    await app?.stop();
    await closeSharedClients();
    await db?.destroy();
    fs.rmSync(work, { recursive: true, force: true });
  });

  /** Every row of a collection, following links.next from the first page. */
  async function everyRow(
    collection: string,
    perPage = 2,
  ): Promise<Array<Record<string, unknown>>> {
    const rows: Array<Record<string, unknown>> = [];
    let next: string | null = `/api/v1/${collection}?per_page=${perPage}`;
    while (next) {
      const response = await app.request(next);
      expect(response.status, next).toBe(200);
      const page = (await response.json()) as {
        data: Array<Record<string, unknown>>;
        links: { next: string | null };
      };
      rows.push(...page.data);
      next = page.links.next;
    }
    return rows;
  }

  it("serves an OpenAPI 3.1 file that validates, and every endpoint it documents answers by it", async () => {
    const response = await app.request("/api/v1/openapi.json");
    expect(response.status).toBe(200);
    const document = (await response.json()) as {
      openapi: string;
      paths: Record<string, { get: { responses: Record<string, unknown> } }>;
    };
    expect(document.openapi).toBe("3.1.0");
    // validate() checks the document against the OpenAPI 3.1 schema and resolves every $ref
    await SwaggerParser.validate(structuredClone(document) as never);
    const dereferenced = (await SwaggerParser.dereference(structuredClone(document) as never)) as {
      paths: Record<
        string,
        {
          get: {
            parameters: Array<{ name: string }>;
            responses: Record<string, { content?: Record<string, { schema: object }> }>;
          };
        }
      >;
    };
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const paths = Object.keys(dereferenced.paths);
    expect(paths.sort()).toEqual(
      [
        "/api/v1/answers",
        "/api/v1/candidates",
        "/api/v1/contests",
        "/api/v1/elections",
        "/api/v1/measures",
        "/api/v1/questions",
      ].sort(),
    );
    const called: string[] = [];
    for (const [route, item] of Object.entries(dereferenced.paths)) {
      const validate = ajv.compile(item.get.responses["200"]!.content!["application/json"]!.schema);
      const body = await (await app.request(`${route}?per_page=200`)).json();
      expect(validate(body), `${route}: ${ajv.errorsText(validate.errors)}`).toBe(true);
      expect(body.data.length, `${route} lists something`).toBeGreaterThan(0);
      called.push(route);
      // and each documented filter, with an id that matches nothing, still answers by the schema
      for (const parameter of item.get.parameters.filter(
        (p) => !/^(page|per_page)$/.test(p.name),
      )) {
        const filtered = await (
          await app.request(`${route}?${parameter.name}=00000000-0000-4000-8000-000000000000`)
        ).json();
        expect(validate(filtered), `${route}?${parameter.name}`).toBe(true);
        expect(filtered.data).toEqual([]);
      }
    }
    expect(called).toHaveLength(paths.length);
  });

  it("publishes only public rows, never an author, a pending question or a private address", async () => {
    const questions = await everyRow("questions");
    const questionIds = questions.map((row) => row.id);
    expect(questionIds).toContain(ids.published);
    expect(questionIds).not.toContain(ids.pending);
    expect(questionIds).not.toContain(ids.draftElectionQuestion);
    const published = questions.find((row) => row.id === ids.published)!;
    expect(published).toMatchObject({ answer_count: 2, vote_count: 0 });
    const answers = await everyRow("answers");
    // other tests share the database: this test's own video answer
    expect(
      answers.find((row) => String(row.video_url ?? "").includes(`/${ids.video}/`)),
    ).toMatchObject({
      body: null,
      video_url: `${app.url}/media/videos/transcoded/${ids.video}/0123456789abcdef/720p.mp4`,
      captions_url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/media\/.+\/captions\.vtt$/),
      poster_url: expect.stringMatching(/\/poster\.jpg$/),
      duration_seconds: 42.5,
    });
    expect(Object.keys(published)).not.toContain("author_id");
    const everything = JSON.stringify(
      await Promise.all(["candidates", "answers"].map((name) => everyRow(name))),
    );
    expect(everything).not.toContain("dana.private@example.test");
    expect(everything).toContain("With the harbour levy");
  });

  it("pages with links, refuses a malformed parameter with 400, answers 304 to its own ETag, and is open to other sites", async () => {
    const first = await app.request("/api/v1/questions?per_page=1");
    const page = await first.json();
    expect(page.meta).toMatchObject({ page: 1, per_page: 1 });
    expect(page.links.prev).toBeNull();
    expect(first.headers.get("access-control-allow-origin")).toBe("*");
    expect(first.headers.get("cache-control")).toMatch(/^public, max-age=60/);
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^W\/"[\w-]+"$/);
    const again = await fetch(`${app.url}/api/v1/questions?per_page=1`, {
      headers: { "If-None-Match": etag },
    });
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe(etag);
    const preflight = await fetch(`${app.url}/api/v1/questions`, {
      method: "OPTIONS",
      headers: {
        Origin: "https://news.example",
        "Access-Control-Request-Headers": "if-none-match",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-headers")).toMatch(/If-None-Match/i);
    for (const bad of ["page=0", "per_page=1000", "contest=not-an-id"]) {
      const response = await app.request(`/api/v1/questions?${bad}`);
      expect(response.status, bad).toBe(400);
      expect((await response.json()).error).toBeTruthy();
    }
    expect((await app.request("/api/v1/voters")).status).toBe(404);
  });

  it("bundles every table as CSV with a licence; the files load back into Postgres with the API's counts", async () => {
    const bundle = await buildOpenDataBundle(db);
    // the public page links the newest bundle, which downloads as a zip
    const pageHtml = await (await app.request("/open-data")).text();
    expect(pageHtml).toContain(bundle.url);
    const download = await app.request(bundle.url);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("application/zip");
    const files = unzipSync(new Uint8Array(await download.arrayBuffer()));
    expect(strFromU8(files["LICENCE.txt"]!)).toContain("CC0 1.0");
    const counts: Record<string, number> = {};
    for (const name of [
      "elections",
      "contests",
      "candidates",
      "measures",
      "questions",
      "answers",
    ]) {
      const csv = files[`${name}.csv`]!;
      const file = path.join(work, `${name}.csv`);
      fs.writeFileSync(file, csv);
      fs.chmodSync(work, 0o755);
      const header = strFromU8(csv).split("\r\n")[0]!.split(",");
      await db.transaction(async (trx) => {
        await trx.raw(
          `create temp table ${name}_loaded (${header.map((column) => `"${column}" text`).join(", ")}) on commit drop`,
        );
        await trx.raw(`copy ${name}_loaded from '${file}' with (format csv, header true)`);
        const [{ count }] = (await trx.raw(`select count(*)::int as count from ${name}_loaded`))
          .rows;
        counts[name] = count;
        if (name === "questions") {
          const loaded = await trx.raw(`select id, body, answer_count from questions_loaded`);
          const published = loaded.rows.find((row: { id: string }) => row.id === ids.published);
          // a formula-looking text is defused for spreadsheets, the rest is as written
          expect(published).toMatchObject({
            body: "'=1+1 How will you fund the ferry, and when?",
            answer_count: "2",
          });
        }
      });
      expect(counts[name], name).toBe((await everyRow(name, 200)).length);
    }
    expect(counts).toEqual(bundle.rowCounts);
    console.log("open-data bundle rows loaded back into Postgres:", JSON.stringify(counts));
  });
});
