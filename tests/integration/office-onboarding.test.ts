import { randomUUID } from "node:crypto";
import zlib from "node:zlib";
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

/**
 * A greyscale PNG of `width`×`height`: with `pixels`, a real image (every row black); without,
 * only a header claiming that size over one row of data — a decompression bomb's shape.
 */
function pngHeaderOnly(width: number, height: number, pixels = false): Uint8Array {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale, no interlace
  const rows = Buffer.alloc((pixels ? height : 1) * (width + 1)); // filter byte + pixels per row
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", zlib.deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/**
 * Jurisdiction onboarding (issue 11.5), through HTTP as a browser without JavaScript would: an
 * office requests a space and confirms its address by the emailed link; an admin activates it,
 * which invites the contact as owner; the owner brands it (a colour checked for contrast, a
 * welcome per language) and invites an editor, who may edit contests but not grant roles.
 */
describe("office onboarding", () => {
  let db: Db;
  let app: App;
  const suffix = randomUUID().slice(0, 8);
  const contact = `elections-${suffix}@cedar.example.gov`;
  const slug = `cedar-${suffix}`;

  beforeAll(async () => {
    const url = inject("databaseUrl");
    shareSessionStore(url);
    db = createDb(url, 2);
    app = await startApp(url);
  });

  afterAll(async () => {
    await app?.stop();
    await closeSharedClients();
    await db?.destroy();
  });

  /** The link of the newest email of `template` to `to`, as the worker would send it. */
  async function mailedLink(to: string, template: string): Promise<string> {
    const jobs = await db("graphile_worker._private_jobs as j")
      .join("graphile_worker._private_tasks as t", "t.id", "j.task_id")
      .where("t.identifier", "send_email")
      .whereRaw("j.payload->>'to' = ? and j.payload->>'template' = ?", [to, template])
      .orderBy("j.id", "desc")
      .select("j.payload");
    expect(jobs.length, `an email ${template} to ${to}`).toBeGreaterThan(0);
    return new URL(jobs[0]!.payload.params.url).pathname;
  }

  /** A signed-in account with two-step sign-in on, as staff must have. */
  async function staffSession(email: string): Promise<string> {
    const id = await createUser(db, email);
    await db("users")
      .where({ id })
      .update({ email_verified_at: db.fn.now(), mfa_enabled_at: db.fn.now() });
    return (await signedIn(id, { hasMfa: true })).cookie;
  }

  const location = (response: Response) => response.headers.get("location");

  it("goes from request to an active, branded office with an editor who cannot grant roles", async () => {
    // 1. the request: a division id in another state than the one typed is refused, kept typed
    const form = {
      officeName: "Cedar County Elections",
      state: "CA",
      ocdId: `ocd-division/country:us/state:ca/county:cedar_${suffix}`,
      contactEmail: contact,
    };
    const wrong = await app.request("/offices/request", {
      form: { ...form, ocdId: "ocd-division/country:us/state:or/county:cedar" },
    });
    expect(wrong.status).toBe(400);
    const wrongPage = await wrong.text();
    expect(wrongPage).toContain("This division id lies in another state than the one you typed.");
    expect(wrongPage).toContain("Cedar County Elections");
    const sent = await app.request("/offices/request", { form });
    expect(sent.status).toBe(303);
    expect(location(sent)).toBe("/offices/request?sent=1");

    // 2. the contact confirms; the link works once
    const confirmLink = await mailedLink(contact, "office_request_confirm");
    expect((await app.request(confirmLink)).status).toBe(200); // opening it changes nothing
    const request = await db("office_requests").where({ contact_email: contact }).first();
    expect(request.status).toBe("unconfirmed");
    const confirmed = await app.request(confirmLink, { form: {} });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain("Confirmed.");
    expect((await app.request(confirmLink, { form: {} })).status).toBe(410);

    // 3. an admin activates it: the jurisdiction exists, its contact is invited as owner
    const admin = await staffSession(`admin-${suffix}@example.test`);
    await db("role_grants").insert({
      user_id: (
        await db("users")
          .where({ email: `admin-${suffix}@example.test` })
          .first()
      ).id,
      role: "admin",
    });
    const activated = await app.request("/admin/offices", {
      cookie: admin,
      form: { intent: "activate", requestId: request.id, slug, timeZone: "America/Los_Angeles" },
    });
    expect(activated.status).toBe(303);
    const jurisdiction = await db("jurisdictions").where({ slug }).first();
    expect(jurisdiction).toMatchObject({ kind: "county", ocd_id: form.ocdId });
    const audited = await db("audit_log")
      .where({ jurisdiction_id: jurisdiction.id })
      .pluck("action");
    expect(audited).toEqual(expect.arrayContaining(["office.activated", "staff.invited"]));

    // 4. the owner joins with the invited address (another address is refused)
    const ownerLink = await mailedLink(contact, "staff_invitation");
    const stranger = await staffSession(`stranger-${suffix}@example.test`);
    expect((await app.request(ownerLink, { cookie: stranger, form: {} })).status).toBe(403);
    const owner = await staffSession(contact);
    const joined = await app.request(ownerLink, { cookie: owner, form: {} });
    expect(location(joined)).toBe(`/console/${slug}`);

    // 5. branding: a colour too light for white text is refused; a dark one is kept
    const settings = {
      enabledEn: "on",
      enabledEs: "on",
      welcomeEn: "Welcome to the Cedar County questions for the candidates.",
      welcomeEs: "Bienvenida a las preguntas de Cedar County para las candidaturas.",
      defaultModerationMode: "after_publishing",
    };
    const pale = await app.request(`/console/${slug}/settings`, {
      cookie: owner,
      form: { ...settings, brandColor: "#ffdd00" },
    });
    expect(pale.status).toBe(400);
    expect(await pale.text()).toContain("This colour is too light to read on white");
    const saved = await app.request(`/console/${slug}/settings`, {
      cookie: owner,
      form: { ...settings, brandColor: "#7C2D12" },
    });
    expect(saved.status).toBe(303);

    // 6. the public home shows the welcome in the visitor's language, in the office's colour
    const home = await (await app.request(`/elections/${slug}`)).text();
    expect(home).toContain(settings.welcomeEn);
    expect(home).toContain("/theme.css?theme=light&amp;accent=7c2d12");
    const spanish = await fetch(`${app.url}/elections/${slug}`, { headers: { Cookie: "lang=es" } });
    expect(await spanish.text()).toContain(settings.welcomeEs);
    // and new elections start in the office's moderation mode
    const newElection = await (
      await app.request(`/console/${slug}/elections/new`, { cookie: owner })
    ).text();
    expect(newElection).toMatch(/<option value="after_publishing" selected="">/);

    // 7. the owner invites an editor, who joins
    const editorEmail = `editor-${suffix}@example.test`;
    const invited = await app.request(`/console/${slug}/staff`, {
      cookie: owner,
      form: { intent: "invite", email: editorEmail, role: "editor" },
    });
    expect(invited.status).toBe(303);
    const editor = await staffSession(editorEmail);
    const editorJoined = await app.request(await mailedLink(editorEmail, "staff_invitation"), {
      cookie: editor,
      form: {},
    });
    expect(location(editorJoined)).toBe(`/console/${slug}`);

    // 8. the editor edits a contest…
    const [election] = await db("elections")
      .insert({
        jurisdiction_id: jurisdiction.id,
        slug: "general",
        name: { en: "General Election" },
        election_date: "2027-11-02",
      })
      .returning("id");
    const [contest] = await db("contests")
      .insert({
        election_id: election.id,
        kind: "candidate",
        slug: "sheriff",
        title: { en: "Sheriff" },
      })
      .returning("id");
    const edited = await app.request(`/console/${slug}/contests/${contest.id}/edit`, {
      cookie: editor,
      form: { kind: "candidate", titleEn: "County Sheriff", ballotOrder: "1", votesAllowed: "1" },
    });
    expect(edited.status).toBe(303);
    expect((await db("contests").where({ id: contest.id }).first()).title).toEqual({
      en: "County Sheriff",
    });

    // 9. …but grants no role, and does not see the staff or settings pages
    const grant = await app.request(`/console/${slug}/staff`, {
      cookie: editor,
      form: { intent: "invite", email: `crony-${suffix}@example.test`, role: "owner" },
    });
    expect(grant.status).toBe(403);
    expect((await app.request(`/console/${slug}/staff`, { cookie: editor })).status).toBe(403);
    expect((await app.request(`/console/${slug}/settings`, { cookie: editor })).status).toBe(403);
    expect(
      await db("staff_invitations")
        .where({ email: `crony-${suffix}@example.test` })
        .first(),
    ).toBeUndefined();
  });

  it("takes a logo only as a real image of bounded size and pixels, and shows it to voters", async () => {
    const logoSlug = `alder-${suffix}`;
    const [{ id: jurisdictionId }] = await db("jurisdictions")
      .insert({ slug: logoSlug, name: { en: "Alder County" }, kind: "county" })
      .returning("id");
    const ownerEmail = `alder-owner-${suffix}@example.test`;
    const owner = await staffSession(ownerEmail);
    await db("role_grants").insert({
      user_id: (await db("users").where({ email: ownerEmail }).first()).id,
      role: "owner",
      jurisdiction_id: jurisdictionId,
    });
    const upload = (bytes: Uint8Array, name: string) => {
      const form = new FormData();
      form.set("logo", new Blob([new Uint8Array(bytes)], { type: "image/png" }), name);
      return fetch(`${app.url}/console/${logoSlug}/settings`, {
        method: "POST",
        headers: { Cookie: owner, Origin: app.url },
        body: form,
        redirect: "manual",
      });
    };
    const notImage = await upload(new TextEncoder().encode("<svg onload=alert(1)>"), "logo.png");
    expect(notImage.status).toBe(422);
    expect(await notImage.text()).toContain("This file is not an image we can read");
    const huge = await upload(new Uint8Array(2 * 1024 * 1024 + 1), "logo.png");
    expect(huge.status).toBe(413);
    // a hundred bytes that would decode to 63 million pixels: refused before decoding
    const bomb = await upload(pngHeaderOnly(9_000, 7_000), "bomb.png");
    expect(bomb.status).toBe(422);
    expect(await bomb.text()).toContain("This image has too many pixels");
    expect((await db("jurisdictions").where({ id: jurisdictionId }).first()).logo_key).toBeNull();

    const fine = await upload(pngHeaderOnly(64, 32, true), "logo.png");
    expect(fine.status).toBe(303);
    const { logo_key: key } = await db("jurisdictions").where({ id: jurisdictionId }).first();
    expect(key).toMatch(/^images\/offices\/[0-9a-f-]{36}\/[0-9a-f]{16}\/logo\.jpg$/);
    const home = await (await app.request(`/elections/${logoSlug}`)).text();
    expect(home).toContain(`src="/media/${key}" alt="Logo of Alder County"`);
    const served = await app.request(`/media/${key}`);
    expect(served.headers.get("content-type")).toBe("image/jpeg");
  });

  it("lets an admin (clerk) invite editors but not owners, and a viewer only read", async () => {
    const [{ id: jurisdictionId }] = await db("jurisdictions")
      .insert({ slug: `birch-${suffix}`, name: { en: "Birch County" }, kind: "county" })
      .returning("id");
    const clerkEmail = `clerk-${suffix}@example.test`;
    const clerk = await staffSession(clerkEmail);
    const viewerEmail = `viewer-${suffix}@example.test`;
    const viewer = await staffSession(viewerEmail);
    for (const [email, role] of [
      [clerkEmail, "clerk"],
      [viewerEmail, "viewer"],
    ])
      await db("role_grants").insert({
        user_id: (await db("users").where({ email }).first()).id,
        role,
        jurisdiction_id: jurisdictionId,
      });
    const invite = (role: string) =>
      app.request(`/console/birch-${suffix}/staff`, {
        cookie: clerk,
        form: { intent: "invite", email: `someone-${role}-${suffix}@example.test`, role },
      });
    expect((await invite("owner")).status).toBe(403);
    expect((await invite("editor")).status).toBe(303);
    // the viewer reads the console and its ballot pages, and changes nothing
    expect((await app.request(`/console/birch-${suffix}`, { cookie: viewer })).status).toBe(200);
    expect(
      (await app.request(`/console/birch-${suffix}/elections/new`, { cookie: viewer })).status,
    ).toBe(200);
    expect(
      (
        await app.request(`/console/birch-${suffix}/elections/new`, {
          cookie: viewer,
          form: { slug: "sneaky" },
        })
      ).status,
    ).toBe(403);
    expect(
      (await app.request(`/console/birch-${suffix}/moderation`, { cookie: viewer })).status,
    ).toBe(403);
  });
});
