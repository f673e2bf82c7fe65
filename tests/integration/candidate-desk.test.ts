import { createHash, randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { OwnCandidacy } from "~/lib/candidate-access.server";
import { createDb, type Db } from "~/lib/db.server";
import type * as MediaTools from "~/lib/media-tools.server";
import type * as AnswerContent from "~/services/answer-content.server";
import type * as AnswerDesk from "~/services/answer-desk.server";
import type * as Answers from "~/services/answers.server";
import type * as CandidateProfile from "~/services/candidate-profile.server";
import type * as Follows from "~/services/follows.server";
import {
  closeSharedClients,
  shareSessionStore,
  signedIn,
  startApp,
  type App,
} from "../support/app-server";
import { createContest, createUser } from "../support/fixtures";

/**
 * The candidate's side: claiming an invitation, the profile photo's re-encoding, and the rules
 * of the answer desk (window, length, drafts, one notification, edit history).
 */
const storageDir = fs.mkdtempSync(path.join(os.tmpdir(), "civicq-candidates-"));
const previousStorageDir = process.env.STORAGE_DIR;

const actor = { userId: null, ip: "127.0.0.1", requestId: "candidate-desk-test" };
const hashToken = (token: string) => createHash("sha256").update(token).digest("base64url");

describe("candidates", () => {
  let db: Db;
  let app: App;
  let contest: Awaited<ReturnType<typeof createContest>>;

  let media: typeof MediaTools;
  let desk: typeof AnswerDesk;
  let content: typeof AnswerContent;
  let answers: typeof Answers;
  let profiles: typeof CandidateProfile;
  let follows: typeof Follows;

  beforeAll(async () => {
    const url = inject("databaseUrl");
    // The configuration is read once, on first use (some modules use it as they load): set it
    // up, then load the app's modules. startApp hands the same environment to the app.
    shareSessionStore(url);
    process.env.STORAGE_DIR = storageDir;
    [media, desk, content, answers, profiles, follows] = await Promise.all([
      import("~/lib/media-tools.server"),
      import("~/services/answer-desk.server"),
      import("~/services/answer-content.server"),
      import("~/services/answers.server"),
      import("~/services/candidate-profile.server"),
      import("~/services/follows.server"),
    ]);
    db = createDb(url, 4);
    contest = await createContest(db);
    await db("elections").where({ id: contest.electionId }).update({ status: "answers_open" });
    app = await startApp(url);
  });

  afterAll(async () => {
    await app?.stop();
    await closeSharedClients();
    await db?.destroy();
    fs.rmSync(storageDir, { recursive: true, force: true });
    if (previousStorageDir === undefined) delete process.env.STORAGE_DIR;
    else process.env.STORAGE_DIR = previousStorageDir;
  });

  async function candidate(name = `Cand ${randomUUID().slice(0, 6)}`, userId?: string) {
    const [row] = await db("candidates")
      .insert({
        contest_id: contest.contestId,
        ballot_name: name,
        slug: name.toLowerCase().replace(/\W+/g, "-"),
        user_id: userId ?? null,
      })
      .returning("id");
    return row.id as string;
  }

  async function invitation(candidateId: string, state: "live" | "expired" | "revoked" = "live") {
    const token = randomBytes(32).toString("base64url");
    await db("candidate_invitations").insert({
      candidate_id: candidateId,
      email: "invited@example.test",
      token_hash: hashToken(token),
      expires_at: new Date(Date.now() + (state === "expired" ? -1 : 1) * 3600_000),
      revoked_at: state === "revoked" ? new Date() : null,
    });
    return token;
  }

  async function member({ mfa = false } = {}) {
    const userId = await createUser(db, `cand-${randomUUID()}@example.test`);
    await db("users")
      .where({ id: userId })
      .update({ email_verified_at: db.fn.now(), mfa_enabled_at: mfa ? db.fn.now() : null });
    const { cookie } = await signedIn(userId, { hasMfa: mfa, mfaPassed: true });
    return { userId, cookie };
  }

  /** A signed-in candidate with MFA, linked to a fresh candidacy of the contest. */
  async function linkedCandidate() {
    const { userId, cookie } = await member({ mfa: true });
    const candidateId = await candidate(undefined, userId);
    await db("role_grants").insert({
      user_id: userId,
      role: "candidate",
      jurisdiction_id: contest.jurisdictionId,
    });
    const candidacy: OwnCandidacy = {
      id: candidateId,
      ballotName: "Test",
      slug: "test",
      contestId: contest.contestId,
      contestTitle: { en: "Mayor" },
      jurisdictionId: contest.jurisdictionId,
    };
    return { userId, cookie, candidacy };
  }

  async function question(votes = 0, addressedTo: string | null = null) {
    const [row] = await db("questions")
      .insert({
        election_id: contest.electionId,
        contest_id: contest.contestId,
        candidate_id: addressedTo,
        body: `What will you do about the ferry? ${randomUUID().slice(0, 8)}`,
        status: "published",
        published_at: db.fn.now(),
        vote_count: votes,
      })
      .returning("id");
    return row.id as string;
  }

  describe("claiming an invitation", () => {
    it("links the account, grants the role, spends the token, audits — once", async () => {
      const candidateId = await candidate("Rosa Claimant");
      const token = await invitation(candidateId);

      const anonymous = await app.request(`/claim/${token}`);
      expect(anonymous.status).toBe(200);
      const page = await anonymous.text();
      expect(page).toContain("Rosa Claimant");
      expect(page).toContain(`/sign-in/code?redirectTo=${encodeURIComponent(`/claim/${token}`)}`);

      const { userId, cookie } = await member();
      const claimed = await app.request(`/claim/${token}`, { cookie, form: {} });
      expect(claimed.status).toBe(303);
      // candidates must have MFA: enrolment comes first
      expect(claimed.headers.get("Location")).toBe("/account/mfa?required=1");

      expect(await db("candidates").where({ id: candidateId }).first("user_id")).toEqual({
        user_id: userId,
      });
      expect(
        await db("role_grants")
          .where({ user_id: userId, role: "candidate" })
          .select("jurisdiction_id"),
      ).toEqual([{ jurisdiction_id: contest.jurisdictionId }]);
      const spent = await db("candidate_invitations")
        .where({ token_hash: hashToken(token) })
        .first("accepted_at", "accepted_by");
      expect(spent.accepted_at).toBeInstanceOf(Date);
      expect(spent.accepted_by).toBe(userId);
      const audited = await db("audit_log")
        .where({ action: "invitation.accepted", target_id: candidateId })
        .select("actor_id", "jurisdiction_id");
      expect(audited).toEqual([{ actor_id: userId, jurisdiction_id: contest.jurisdictionId }]);

      // the desk stays closed until MFA is on
      const deskHome = await app.request("/candidate", { cookie });
      expect(deskHome.headers.get("Location")).toBe("/account/mfa?required=1");
      expect((await app.request(`/claim/${token}`, { cookie })).status).toBe(200);

      // single use: someone else holding the same link gets nothing
      const other = await member();
      const reused = await app.request(`/claim/${token}`, { cookie: other.cookie, form: {} });
      expect(reused.status).toBe(410);
      const reusedPage = await app.request(`/claim/${token}`, { cookie: other.cookie });
      expect(reusedPage.status).toBe(410);
      expect(await reusedPage.text()).toContain("This invitation has already been used");
      expect(await db("candidates").where({ id: candidateId }).first("user_id")).toEqual({
        user_id: userId,
      });
      expect(await db("role_grants").where({ user_id: other.userId })).toEqual([]);
    });

    it("refuses expired, revoked and unknown tokens, changing nothing", async () => {
      const { userId, cookie } = await member();
      for (const [state, text] of [
        ["expired", "This invitation has expired."],
        ["revoked", "This invitation was withdrawn"],
      ] as const) {
        const candidateId = await candidate();
        const token = await invitation(candidateId, state);
        const page = await app.request(`/claim/${token}`, { cookie });
        expect(page.status).toBe(410);
        expect(await page.text()).toContain(text);
        expect((await app.request(`/claim/${token}`, { cookie, form: {} })).status).toBe(410);
        expect(await db("candidates").where({ id: candidateId }).first("user_id")).toEqual({
          user_id: null,
        });
      }
      const unknown = await app.request(`/claim/${randomBytes(32).toString("base64url")}`);
      expect(unknown.status).toBe(404);
      expect(await unknown.text()).toContain("We do not recognise this invitation link");
      expect(await db("role_grants").where({ user_id: userId })).toEqual([]);
    });

    it("refuses a candidacy another account holds already", async () => {
      const holder = await member();
      const candidateId = await candidate(undefined, holder.userId);
      const token = await invitation(candidateId);
      const { userId, cookie } = await member();
      const page = await app.request(`/claim/${token}`, { cookie });
      expect(page.status).toBe(409);
      expect(await page.text()).toContain("already linked to another account");
      expect((await app.request(`/claim/${token}`, { cookie, form: {} })).status).toBe(409);
      expect(await db("candidates").where({ id: candidateId }).first("user_id")).toEqual({
        user_id: holder.userId,
      });
      expect(await db("role_grants").where({ user_id: userId })).toEqual([]);
    });

    it("sends anyone signed out to sign in first, and back", async () => {
      const token = await invitation(await candidate());
      const response = await app.request(`/claim/${token}`, { form: {} });
      expect(response.status).toBe(303);
      expect(response.headers.get("Location")).toBe(
        `/sign-in?redirectTo=${encodeURIComponent(`/claim/${token}`)}`,
      );
    });
  });

  describe("the profile", () => {
    it("validates links and lengths, keeps what was typed, saves and audits", async () => {
      const { cookie, candidacy } = await linkedCandidate();
      const save = (form: Record<string, string>) =>
        app.request("/candidate/profile", { cookie, form: { intent: "save", ...form } });
      const links = (count: number) =>
        Array.from({ length: count }, (_, i) => `https://social.example.org/@me${i}`).join("\n");
      for (const [form, message] of [
        [{ links: links(6) }, "Give at most five links."],
        [{ links: "javascript:alert(1)" }, "Each line must be a full web address"],
        [{ website: "https://user:pass@example.org/" }, "Enter a full web address"],
        [{ bioEn: "b".repeat(2001) }, "longer than 2,000 characters"],
        [{ contactEmail: "not an address" }, "email"],
      ] as const) {
        const refused = await save(form);
        expect(refused.status, JSON.stringify(form).slice(0, 60)).toBe(400);
        expect(await refused.text()).toContain(message);
      }
      expect(await db("audit_log").where({ target_id: candidacy.id })).toEqual([]);

      const saved = await save({
        bioEn: "  Ferry captain.\r\nTwenty years.  ",
        bioEs: "Capitana de ferri.",
        website: "https://alex.example.org",
        links: `${links(5)}\n\n`,
        contactEmail: "Alex@Example.org",
      });
      expect(saved.status).toBe(303);
      expect(
        await db("candidates")
          .where({ id: candidacy.id })
          .first("bio", "website", "links", "contact_email"),
      ).toEqual({
        bio: { en: "Ferry captain.\nTwenty years.", es: "Capitana de ferri." },
        website: "https://alex.example.org/",
        links: links(5).split("\n"),
        contact_email: "alex@example.org",
      });
      expect(
        await db("audit_log")
          .where({ action: "candidate.profile_updated", target_id: candidacy.id })
          .pluck("details"),
      ).toEqual([{ fields: ["bio", "website", "links", "contact_email"] }]);
    });
  });

  describe("the profile photo", () => {
    let plainJpeg: Buffer;

    beforeAll(async () => {
      const clip = path.join(storageDir, "clip.mp4");
      const frame = path.join(storageDir, "frame.jpg");
      await media.generateTestClip(clip, { seconds: 1, width: 640, height: 480, fps: 5 });
      await media.extractPoster(clip, frame, { atSeconds: 0 });
      plainJpeg = fs.readFileSync(frame);
    });

    /** The JPEG with an APP1 EXIF segment: orientation "rotate 90°" and a GPS position. */
    function withExifGps(jpeg: Buffer): Buffer {
      const tiff = Buffer.alloc(92);
      tiff.write("II", 0); // little-endian TIFF
      tiff.writeUInt16LE(42, 2);
      tiff.writeUInt32LE(8, 4);
      const entry = (at: number, tag: number, type: number, count: number, value: number) => {
        tiff.writeUInt16LE(tag, at);
        tiff.writeUInt16LE(type, at + 2);
        tiff.writeUInt32LE(count, at + 4);
        if (type === 3) tiff.writeUInt16LE(value, at + 8);
        else tiff.writeUInt32LE(value, at + 8);
      };
      tiff.writeUInt16LE(2, 8); // IFD0: Orientation = 6, GPSInfo → offset 38
      entry(10, 0x0112, 3, 1, 6);
      entry(22, 0x8825, 4, 1, 38);
      tiff.writeUInt16LE(2, 38); // GPS IFD: latitude ref "N", latitude 37° 46' 30" at 68
      entry(40, 0x0001, 2, 2, 0);
      tiff.write("N\0", 48, "latin1");
      entry(52, 0x0002, 5, 3, 68);
      [37, 1, 46, 1, 30, 1].forEach((value, index) => tiff.writeUInt32LE(value, 68 + index * 4));
      const payload = Buffer.concat([Buffer.from("Exif\0\0", "latin1"), tiff]);
      const header = Buffer.alloc(4);
      header.writeUInt16BE(0xffe1, 0);
      header.writeUInt16BE(payload.length + 2, 2);
      return Buffer.concat([jpeg.subarray(0, 2), header, payload, jpeg.subarray(2)]);
    }

    it("re-encodes to a bounded, upright JPEG without EXIF or GPS, replacing the old one", async () => {
      const { candidacy } = await linkedCandidate();
      const upload = path.join(storageDir, "upload-exif");
      fs.writeFileSync(upload, withExifGps(plainJpeg));
      expect(fs.readFileSync(upload).includes("Exif")).toBe(true);

      expect(await profiles.replacePhoto(db, candidacy, upload, actor)).toEqual({ ok: true });
      const { photo_key: first } = await db("candidates")
        .where({ id: candidacy.id })
        .first("photo_key");
      expect(first).toMatch(
        new RegExp(`^images/candidates/${candidacy.id}/[0-9a-f]{16}/photo\\.jpg$`),
      );
      const stored = path.join(storageDir, first);
      const bytes = fs.readFileSync(stored);
      expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
      expect(bytes.includes("Exif")).toBe(false);
      expect(bytes.includes("GPS")).toBe(false);
      expect(bytes.includes(Buffer.from([0xff, 0xe1]))).toBe(false); // no APP1 segment at all
      // orientation 6 applied: the 640×480 frame stands upright
      expect(await media.probe(stored)).toMatchObject({ width: 480, height: 640 });

      expect(await profiles.replacePhoto(db, candidacy, upload, actor)).toEqual({ ok: true });
      const { photo_key: second } = await db("candidates")
        .where({ id: candidacy.id })
        .first("photo_key");
      expect(second).not.toBe(first);
      expect(fs.existsSync(stored)).toBe(false);
      expect(
        await db("audit_log")
          .where({ action: "candidate.photo_changed", target_id: candidacy.id })
          .count<{ count: string }[]>("* as count"),
      ).toEqual([{ count: "2" }]);
    });

    it("refuses a text file named .jpg, keeping the photo it had", async () => {
      const { candidacy, cookie } = await linkedCandidate();
      const upload = path.join(storageDir, "photo.jpg");
      fs.writeFileSync(upload, "This is a plain text file, not a photograph.\n");
      expect(await profiles.replacePhoto(db, candidacy, upload, actor)).toEqual({
        ok: false,
        problem: "notAnImage",
      });

      // over HTTP, a real multipart form: a readable refusal, nothing stored
      const post = (file: Blob, name: string) => {
        const form = new FormData();
        form.set("intent", "photo");
        form.set("photo", file, name);
        return fetch(`${app.url}/candidate/profile`, {
          method: "POST",
          headers: { Cookie: cookie, Origin: app.url },
          body: form,
          redirect: "manual",
        });
      };
      const refused = await post(new Blob(["just words\n"], { type: "image/jpeg" }), "me.jpg");
      expect(refused.status).toBe(422);
      expect(await refused.text()).toContain("This file is not an image we can read");
      const tooLarge = await post(new Blob([Buffer.alloc(10 * 1024 * 1024 + 1)]), "big.jpg");
      expect(tooLarge.status).toBe(413);
      expect(await tooLarge.text()).toContain("larger than 10 MB");
      expect(await db("candidates").where({ id: candidacy.id }).first("photo_key")).toEqual({
        photo_key: null,
      });

      const accepted = await post(
        new Blob([new Uint8Array(plainJpeg)], { type: "image/jpeg" }),
        "me.jpg",
      );
      expect(accepted.status).toBe(303);
      const { photo_key: key } = await db("candidates")
        .where({ id: candidacy.id })
        .first("photo_key");
      const served = await app.request(`/media/${key}`);
      expect(served.status).toBe(200);
      expect(served.headers.get("Content-Type")).toBe("image/jpeg");
    });
  });

  describe("answering", () => {
    it("refuses outside the answer window, storing nothing", async () => {
      const { candidacy } = await linkedCandidate();
      const questionId = await question();
      const target = { candidacies: [candidacy], questionId };
      const input = { body: "My answer.", publish: true };
      const hour = 3600_000;
      const closedBy = [
        // still in the question phase
        { change: { status: "questions_open" }, problem: "windowClosed" },
        // the answer phase, before the opening time the clerk set
        {
          change: { answers_open_at: new Date(Date.now() + hour), answers_close_at: null },
          problem: "windowClosed",
        },
        // the answer phase, after the closing time: the clerk's lock date
        {
          change: {
            answers_open_at: new Date(Date.now() - 2 * hour),
            answers_close_at: new Date(Date.now() - hour),
          },
          problem: "locked",
        },
      ];
      try {
        for (const { change, problem } of closedBy) {
          await db("elections").where({ id: contest.electionId }).update(change);
          for (const publish of [false, true]) {
            expect(await desk.saveTextAnswer(db, target, { ...input, publish }, actor)).toEqual({
              ok: false,
              problem,
            });
          }
          await db("elections")
            .where({ id: contest.electionId })
            .update({ status: "answers_open", answers_open_at: null, answers_close_at: null });
        }
      } finally {
        await db("elections")
          .where({ id: contest.electionId })
          .update({ status: "answers_open", answers_open_at: null, answers_close_at: null });
      }
      expect(await db("answers").where({ question_id: questionId })).toEqual([]);
      expect(await desk.saveTextAnswer(db, target, input, actor)).toEqual({
        ok: true,
        result: "published",
      });
    });

    it("reads the answer form under the election's word limit, parts included", () => {
      const form = content.writtenContentForm(5, { withParts: true });
      expect(form.safeParse({ body: "one two three four five" }).success).toBe(true);
      // the structured parts count towards the same limit
      expect(
        form.safeParse({ body: "one two three", part_position: "four five six" }).error?.issues[0]
          ?.message,
      ).toBe("answers.tooManyWords");
      expect(form.safeParse({ body: "  \r\n " }).error?.issues[0]?.message).toBe("answers.empty");
      // a line break counts once, as the browser counts it
      expect(form.parse({ body: "a\r\nb" }).body).toBe("a\nb");
    });

    it("keeps drafts private, notifies followers once, and keeps every replaced text", async () => {
      const { userId, candidacy, cookie } = await linkedCandidate();
      const questionId = await question();
      const [follower] = await db("users")
        .insert({ email: `follower-${randomUUID()}@example.test`, email_verified_at: db.fn.now() })
        .returning("id");
      await follows.followQuestion(db, follower.id, questionId);
      const target = { candidacies: [candidacy], questionId };
      const me = { ...actor, userId };
      const visible = async () =>
        (await answers.answersForQuestions(db, [questionId])).get(questionId)?.[0] ?? null;
      const jobs = () =>
        db("graphile_worker._private_jobs").where("key", "like", `answered:${questionId}:%`);

      expect(
        await desk.saveTextAnswer(db, target, { body: "A first draft.", publish: false }, me),
      ).toEqual({
        ok: true,
        result: "draftSaved",
      });
      expect(await visible()).toBeNull();
      expect(await jobs()).toHaveLength(0);

      // over HTTP: the preview shows the text as voters will see it and stores nothing
      const preview = await app.request(`/candidate/questions/${questionId}`, {
        cookie,
        form: { intent: "preview", body: "Previewed words." },
      });
      expect(preview.status).toBe(200);
      expect(await preview.text()).toContain("Previewed words.");
      const tooLong = await app.request(`/candidate/questions/${questionId}`, {
        cookie,
        // the election's default limit: 400 words
        form: { intent: "publish", body: "word ".repeat(401) },
      });
      expect(tooLong.status).toBe(400);
      expect(await visible()).toBeNull();

      const published = await app.request(`/candidate/questions/${questionId}`, {
        cookie,
        form: { intent: "publish", body: "Version one." },
      });
      expect(published.status).toBe(303);
      expect((await visible())?.body).toBe("Version one.");
      expect((await visible())?.editedAt).toBeNull();
      expect(await jobs()).toHaveLength(1);

      // a draft of an edit: voters still read the published text
      await desk.saveTextAnswer(db, target, { body: "Version two.", publish: false }, me);
      expect((await visible())?.body).toBe("Version one.");
      expect(
        (await desk.listDeskQuestions(db, candidacy, "answered", 1)).questions.find(
          (entry) => entry.id === questionId,
        ),
      ).toMatchObject({ answerState: "published", editPending: true });

      expect(
        await desk.saveTextAnswer(db, target, { body: "Version two.", publish: true }, me),
      ).toEqual({
        ok: true,
        result: "edited",
      });
      expect(
        await desk.saveTextAnswer(db, target, { body: "Version three.", publish: true }, me),
      ).toEqual({ ok: true, result: "edited" });
      expect(
        await desk.saveTextAnswer(db, target, { body: "Version three.", publish: true }, me),
      ).toEqual({ ok: true, result: "unchanged" });
      const answer = await visible();
      expect(answer?.body).toBe("Version three.");
      expect(answer?.editedAt).not.toBeNull();
      expect((await desk.answerRevisions(db, answer!.id)).map((revision) => revision.body)).toEqual(
        ["Version two.", "Version one."],
      );
      expect(
        await db("answer_revisions").where({ answer_id: answer!.id }).distinct("editor_id"),
      ).toEqual([{ editor_id: userId }]);
      // still one email for the follower, however often the answer was edited
      expect(await jobs()).toHaveLength(1);
      expect(
        await db("audit_log").where({ target_id: answer!.id }).orderBy("id").pluck("action"),
      ).toEqual([
        "answer.draft_saved",
        "answer.published",
        "answer.draft_saved",
        "answer.edited",
        "answer.edited",
      ]);
    });

    it("lists the questions put to the candidate, most votes first, by answered or not", async () => {
      const { candidacy } = await linkedCandidate();
      const rival = await candidate();
      const low = await question(1);
      const high = await question(50, candidacy.id);
      const answered = await question(20);
      await question(99, rival); // put to someone else: not on this desk
      await desk.saveTextAnswer(
        db,
        { candidacies: [candidacy], questionId: answered },
        { body: "Done.", publish: true },
        actor,
      );
      const all = await desk.listDeskQuestions(db, candidacy, "all", 1);
      const mine = all.questions.filter((entry) => [low, high, answered].includes(entry.id));
      expect(mine.map((entry) => entry.id)).toEqual([high, answered, low]);
      expect(mine[0]).toMatchObject({ addressedToMe: true, answerState: "none" });
      expect(all.questions.every((entry) => entry.voteCount <= 50)).toBe(true);
      const open = await desk.listDeskQuestions(db, candidacy, "unanswered", 1);
      expect(open.questions.map((entry) => entry.id)).not.toContain(answered);
      expect(open.counts.unanswered + open.counts.answered).toBe(open.counts.all);
      const done = await desk.listDeskQuestions(db, candidacy, "answered", 1);
      expect(done.questions.map((entry) => entry.id)).toEqual([answered]);
    });
  });
});
