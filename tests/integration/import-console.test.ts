import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type Db } from "~/lib/db.server";
import {
  closeSharedClients,
  shareSessionStore,
  signedIn,
  startApp,
  type App,
} from "../support/app-server";
import { createUser } from "../support/fixtures";
import { exited, startTs, waitFor } from "../support/processes";

/**
 * The clerk's side, end to end over HTTP against the built app and a real worker process: an
 * uploaded feed streams into storage, the `import_ballot_feed` job imports it, and the report
 * page lists what was rejected and why — in the clerk's language. An address inside our own
 * network is refused.
 *
 * (Nothing here imports the import code: it would read the configuration before
 * `shareSessionStore` points this process's sessions at the app's Redis.)
 */
describe("ballot imports from the console", () => {
  let db: Db;
  let url: string;
  let app: App;
  let cookie: string;
  let storageDir: string;
  const slug = "console-county";

  beforeAll(async () => {
    url = inject("databaseUrl");
    shareSessionStore(url);
    db = createDb(url, 2);
    storageDir = fs.mkdtempSync(path.join(os.tmpdir(), "civicq-import-storage-"));
    process.env.STORAGE_DIR = storageDir; // the app and the worker share it
    const [jurisdiction] = await db("jurisdictions")
      .insert({
        slug,
        kind: "county",
        ocd_id: "ocd-division/country:us/state:ca/county:console",
        name: { en: "Console County", es: "Condado de Console" },
      })
      .returning("id");
    const clerkId = await createUser(db, "import-clerk@example.test");
    await db("users")
      .where({ id: clerkId })
      .update({ email_verified_at: db.fn.now(), mfa_enabled_at: db.fn.now() });
    await db("role_grants").insert({
      user_id: clerkId,
      role: "clerk",
      jurisdiction_id: jurisdiction.id,
    });
    cookie = (await signedIn(clerkId, { hasMfa: true })).cookie;
    app = await startApp(url);
  });
  afterAll(async () => {
    await app?.stop();
    await closeSharedClients();
    await db?.destroy();
    fs.rmSync(storageDir, { recursive: true, force: true });
  });

  const post = (body: FormData | URLSearchParams) =>
    fetch(`${app.url}/console/${slug}/imports`, {
      method: "POST",
      headers: { Cookie: cookie, Origin: app.url },
      body,
      redirect: "manual",
    });
  const importOf = async (response: Response) => {
    expect(response.status).toBe(303);
    const id = /\/imports\/([0-9a-f-]{36})$/.exec(response.headers.get("Location") ?? "")?.[1];
    expect(id).toBeDefined();
    return id!;
  };
  const finished = (id: string) =>
    waitFor(
      async () => {
        const row = await db("ballot_imports").where({ id }).first("status", "report");
        return row && !["queued", "running"].includes(row.status) ? row : null;
      },
      30_000,
      `import ${id} to finish`,
    );

  it("an uploaded feed is stored, imported by the worker, and reported in the clerk's language", async () => {
    const feed = fs
      .readFileSync(path.resolve("tests/fixtures/vip/feed-5.2.xml"), "utf8")
      .replaceAll("county:fixture", "county:console");
    const form = new FormData();
    form.set("election", "");
    form.set("feed", new Blob([feed], { type: "application/xml" }), "county-feed.xml");
    const uploaded = await importOf(await post(form));
    const row = await db("ballot_imports").where({ id: uploaded }).first();
    expect(row).toMatchObject({
      status: "queued",
      source_kind: "upload",
      source: "county-feed.xml",
    });
    expect(row.storage_key).toMatch(new RegExp(`^documents/sources/${uploaded}/[0-9a-f]+/feed$`));
    expect(fs.readFileSync(path.join(storageDir, row.storage_key), "utf8")).toBe(feed);

    const addressed = await importOf(
      await post(
        new URLSearchParams({ intent: "url", url: "http://127.0.0.1:9/feed.xml", election: "" }),
      ),
    );

    const worker = startTs("worker/index.ts", {
      DATABASE_URL: url,
      STORAGE_DIR: storageDir,
      WORKER_CONCURRENCY: "1",
      FEED_FETCH_ALLOW_PRIVATE: "false",
    });
    try {
      expect((await finished(uploaded)).status).toBe("succeeded");
      const refused = await finished(addressed);
      expect(refused.status).toBe("failed");
      expect(refused.report.failure).toEqual({
        code: "privateAddress",
        params: { host: "127.0.0.1" },
      });
    } finally {
      worker.kill("SIGTERM");
      await exited(worker);
    }
    expect(
      await db("candidates as k")
        .join("contests as c", "c.id", "k.contest_id")
        .join("elections as e", "e.id", "c.election_id")
        .join("jurisdictions as j", "j.id", "e.jurisdiction_id")
        .where("j.slug", slug)
        .count({ n: "*" }),
    ).toEqual([{ n: "6" }]);

    const report = async (language: string) => {
      const response = await fetch(`${app.url}/console/${slug}/imports/${uploaded}`, {
        headers: { Cookie: `${cookie}; lang=${language}` },
      });
      expect(response.status).toBe(200);
      return response.text();
    };
    const english = await report("en");
    expect(english).toContain("Import report");
    expect(english).toContain("DateOfBirth “10/08/1970” is not a date written as YYYY-MM-DD.");
    const spanish = await report("es");
    expect(spanish).toContain("Informe de importación");
    expect(spanish).toContain("DateOfBirth «10/08/1970» no es una fecha escrita como AAAA-MM-DD.");
    expect(spanish).toMatch(/línea \d+/);

    const list = await (
      await fetch(`${app.url}/console/${slug}/imports`, { headers: { Cookie: cookie } })
    ).text();
    expect(list).toContain("county-feed.xml");
    expect(list).toContain("Imported");
    expect(list).toContain("Failed");
  });

  it("a form with an address that is no http(s) comes back with its error", async () => {
    const response = await post(
      new URLSearchParams({ intent: "url", url: "ftp://example.org/feed.xml", election: "" }),
    );
    expect(response.status).toBe(200);
    expect(await response.text()).toContain(
      "Enter an address that starts with http:// or https://.",
    );
  });
});
