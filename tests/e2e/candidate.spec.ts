import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Page } from "@playwright/test";
import pg from "pg";
import {
  codeIn,
  expect,
  latestMail,
  mailCount,
  test,
  uniqueEmail,
  totpCodes,
  turnOnTwoStep,
} from "./support";

/**
 * The candidate's acceptance, with JavaScript off (and on): a clerk's invitation is claimed by
 * someone new to CivicQ, who signs up with an emailed code, turns on two-step sign-in, uploads a
 * photo, writes a text answer (draft → preview → publish → edit) and answers another question by
 * video (portrait, recorded sideways with rotation metadata), with captions; voters then read
 * and watch the answers, and the question's follower gets one email.
 */
const pool = new pg.Pool({ connectionString: process.env.E2E_DATABASE_URL, max: 2 });
test.afterAll(() => pool.end());

const work = fs.mkdtempSync(path.join(os.tmpdir(), "civicq-e2e-candidate-"));
test.afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** Test media made with ffmpeg's test sources (a fixture, not the app's own media code). */
function ffmpeg(args: string[]) {
  const result = spawnSync("ffmpeg", [
    "-nostdin",
    "-hide_banner",
    "-loglevel",
    "error",
    "-y",
    ...args,
  ]);
  if (result.status !== 0) throw new Error(`ffmpeg failed: ${result.stderr}`);
}

type Setup = {
  token: string;
  ballotName: string;
  questions: { text: string; video: string };
  followerEmail: string;
};

/**
 * What the clerk's side leaves behind, written straight to the database: an election taking
 * answers, a contest with one candidate not yet linked to anyone, two published questions (one
 * followed by a verified voter) and a live invitation whose token we know (stored, as the app
 * stores it, as its SHA-256 in base64url).
 */
async function clerkInvitation(project: string): Promise<Setup> {
  const suffix = `${project}-${Date.now().toString(36)}`;
  const token = randomBytes(32).toString("base64url");
  const ballotName = `Alex Rivera ${suffix}`;
  const client = await pool.connect();
  try {
    await client.query("begin");
    const one = async (sql: string, values: unknown[]) =>
      (await client.query(sql, values)).rows[0] as { id: string };
    const jurisdiction = await one(
      `insert into jurisdictions (slug, name, kind) values ($1, $2, 'county') returning id`,
      [`cand-${suffix}`, { en: `Candidate County ${suffix}` }],
    );
    const election = await one(
      `insert into elections (jurisdiction_id, slug, name, election_date, status)
       values ($1, 'general', $2, current_date + 30, 'answers_open') returning id`,
      [jurisdiction.id, { en: "General Election", es: "Elección general" }],
    );
    const contest = await one(
      `insert into contests (election_id, kind, slug, title) values ($1, 'candidate', 'mayor', $2)
       returning id`,
      [election.id, { en: "Mayor", es: "Alcaldía" }],
    );
    const candidate = await one(
      `insert into candidates (contest_id, ballot_name, slug) values ($1, $2, 'alex-rivera')
       returning id`,
      [contest.id, ballotName],
    );
    const question = (body: string, votes: number) =>
      one(
        `insert into questions (election_id, contest_id, body, status, published_at, vote_count)
         values ($1, $2, $3, 'published', now(), $4) returning id`,
        [election.id, contest.id, body, votes],
      );
    const text = await question(`How will you keep the ferry running in winter? ${suffix}`, 12);
    const video = await question(`What is your plan for the library hours? ${suffix}`, 5);
    const followerEmail = uniqueEmail("follower", project);
    const follower = await one(
      `insert into users (email, email_verified_at) values ($1, now()) returning id`,
      [followerEmail],
    );
    await client.query(
      `insert into question_follows (question_id, user_id, unsubscribe_token) values ($1, $2, $3)`,
      [text.id, follower.id, randomBytes(32).toString("base64url")],
    );
    await client.query(
      `insert into candidate_invitations (candidate_id, email, token_hash, expires_at)
       values ($1, 'invited@example.test', $2, now() + interval '14 days')`,
      [candidate.id, createHash("sha256").update(token).digest("base64url")],
    );
    await client.query("commit");
    return { token, ballotName, questions: { text: text.id, video: video.id }, followerEmail };
  } catch (error) {
    await client.query("rollback");
    throw error;
  } finally {
    client.release();
  }
}

const freshCode = totpCodes(pool);

const notice = (page: Page, text: string | RegExp) =>
  expect(page.getByRole("status").filter({ hasText: text })).toBeVisible();

/** From the invitation link to the candidate desk, as someone new: sign-up by code, claim, MFA. */
async function claimAsNewcomer(page: Page, setup: Setup): Promise<void> {
  const email = uniqueEmail("candidate", test.info().project.name);
  await page.goto(`/claim/${setup.token}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Claim your candidate profile");
  await expect(page.getByText(setup.ballotName)).toBeVisible();
  await page
    .getByRole("link", { name: "Sign in or create an account with a code we email you" })
    .click();
  await page.getByLabel("Email address").fill(email);
  await page.getByRole("button", { name: "Email me a code" }).click();
  await page.getByLabel("Six-digit code").fill(codeIn(await latestMail(email)));
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(new RegExp(`/claim/${setup.token}$`));
  await expect(page.getByText(`You are signed in as ${email}`)).toBeVisible();
  await page.getByRole("button", { name: "Claim this profile" }).click();

  // candidates must turn on two-step sign-in before anything else
  await turnOnTwoStep(page, freshCode, email);

  // the desk opens now; the link is spent
  await page.goto("/candidate");
  await expect(page.getByRole("heading", { name: setup.ballotName })).toBeVisible();
  await page.goto(`/claim/${setup.token}`);
  await expect(page.getByText("You have claimed this profile.")).toBeVisible();
}

/** A photo through the profile form: stored re-encoded, served as JPEG. */
async function uploadPhoto(page: Page, setup: Setup): Promise<void> {
  await page.goto("/candidate");
  await page.getByRole("link", { name: `Edit the profile of ${setup.ballotName}` }).click();
  await expect(page.getByText("No photo yet.")).toBeVisible();
  const photo = path.join(work, `photo-${test.info().project.name}.jpg`);
  ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=1200x900", "-frames:v", "1", photo]);
  await page.getByLabel("Choose a photo").setInputFiles(photo);
  await page.getByRole("button", { name: "Upload photo" }).click();
  await notice(page, "Your new photo is saved.");
  const image = page.getByRole("img", { name: `Photo of ${setup.ballotName}` });
  await expect(image).toBeVisible();
  const photoUrl = (await image.getAttribute("src"))!;
  expect(photoUrl).toMatch(
    /^\/media\/images\/candidates\/[0-9a-f-]{36}\/[0-9a-f]{16}\/photo\.jpg$/,
  );
  const served = await page.request.get(photoUrl);
  expect(served.headers()["content-type"]).toBe("image/jpeg");
}

test.describe("candidates", () => {
  test("claim, two-step sign-in, photo, a text answer drafted, previewed, published and edited", async ({
    page,
    browser,
  }) => {
    const project = test.info().project.name;
    const setup = await clerkInvitation(project);
    await claimAsNewcomer(page, setup);
    await uploadPhoto(page, setup);
    await page.getByLabel("Biography in English").fill("Ferry captain for twenty years.");
    await page.getByLabel("Social media links").fill("https://social.example.org/@alex");
    await page.getByRole("button", { name: "Save profile" }).click();
    await notice(page, "Your profile is saved.");
    await expect(page.getByLabel("Biography in English")).toHaveValue(
      "Ferry captain for twenty years.",
    );

    // the answer desk: most votes first, unanswered by default
    await page.goto("/candidate");
    await page.getByRole("link", { name: `Answer questions as ${setup.ballotName}` }).click();
    await expect(page.getByRole("link", { name: "Unanswered (2)", exact: true })).toBeVisible();
    const listed = page.getByRole("listitem").filter({ hasText: /ferry|library/ });
    await expect(listed.first()).toContainText("ferry");
    // the offered questions come first, then the full list: the same question may be in both
    await page
      .getByRole("link", { name: /How will you keep the ferry running/ })
      .first()
      .click();

    const answer = page.getByRole("textbox", { name: "Your answer" });
    // the clerk's word limit (the default 400), the same for every candidate of the election
    await expect(page.getByText(/Up to 400 words/)).toBeVisible();
    await answer.fill("A first thought.");
    await page.getByRole("button", { name: "Save draft" }).click();
    await notice(page, "Your draft is saved.");
    await expect(page.getByRole("textbox", { name: "Your answer" })).toHaveValue(
      "A first thought.",
    );

    const text = "We will run two boats all winter.\nAnd publish the timetable every week.";
    await page.getByRole("textbox", { name: "Your answer" }).fill(text);
    await page.getByRole("button", { name: "Preview" }).click();
    const preview = page.getByRole("region", { name: "Preview: how voters will see your answer" });
    await expect(preview.getByText("We will run two boats all winter.")).toBeVisible();
    await expect(preview.getByText("And publish the timetable every week.")).toBeVisible();
    // nothing is published by a preview
    /**
     * The question as a voter sees it: signed out, JavaScript as this project has it, and a new
     * browser each time (anonymous pages may be cached for 30 seconds).
     */
    const asVoter = async (check: (voter: Page) => Promise<void>) => {
      const voter = await browser.newPage();
      await voter.goto(`/questions/${setup.questions.text}`);
      await check(voter);
      await voter.context().close();
    };
    await asVoter(async (voter) => {
      await expect(voter.getByText("We will run two boats all winter.")).toHaveCount(0);
    });

    await page.getByRole("button", { name: "Publish", exact: true }).click();
    await notice(page, "Your answer is published.");
    const mail = await latestMail(setup.followerEmail);
    expect(mail.subject).toBe("A question you follow on CivicQ has an answer");
    expect(mail.text).toContain(`/questions/${setup.questions.text}`);

    await asVoter(async (voter) => {
      await expect(voter.getByText("We will run two boats all winter.")).toBeVisible();
      await expect(voter.getByText(/^Edited on/)).toHaveCount(0);
    });

    // an edit after publication: voters see "edited"; the replaced text is kept
    await page
      .getByRole("textbox", { name: "Your answer" })
      .fill("We will run three boats all winter.");
    await page.getByRole("button", { name: "Publish changes" }).click();
    await notice(page, /Your changes are published/);
    await page.getByText("Earlier versions (1)").click();
    await expect(page.getByText("We will run two boats all winter.")).toBeVisible();
    await asVoter(async (voter) => {
      await expect(voter.getByText("We will run three boats all winter.")).toBeVisible();
      await expect(voter.getByText(/^Edited on/)).toBeVisible();
    });

    // one email for the follower, however often the answer is edited
    await page.waitForTimeout(3000);
    expect(await mailCount(setup.followerEmail)).toBe(1);
    await page.goto("/candidate/questions?show=answered");
    await expect(page.getByRole("link", { name: "Answered (1)", exact: true })).toBeVisible();
  });

  test("a portrait video answer, processed, captioned and published; voters watch it", async ({
    page,
    browser,
  }) => {
    test.setTimeout(240_000);
    const project = test.info().project.name;
    const setup = await clerkInvitation(project);
    const videoPage = `/candidate/questions/${setup.questions.video}/video`;
    await claimAsNewcomer(page, setup);
    await uploadPhoto(page, setup);

    // 1280×720 frames recorded sideways: rotation metadata makes it a 720×1280 portrait video,
    // large enough for both renditions (360p and 720p)
    const landscape = path.join(work, `landscape-${project}.mp4`);
    const portrait = path.join(work, `portrait-${project}.mp4`);
    ffmpeg([
      ...["-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25:duration=3"],
      ...["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=3"],
      ...["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"],
      ...["-c:a", "aac", "-shortest", landscape],
    ]);
    ffmpeg(["-i", landscape, "-c", "copy", "-metadata:s:v:0", "rotate=90", portrait]);
    const captions = path.join(work, `captions-${project}.vtt`);
    fs.writeFileSync(
      captions,
      "WEBVTT\n\n00:00:00.000 --> 00:00:02.500\nWe will keep the library open on Sundays.\n",
    );

    // from the answer page, the way a candidate finds it
    await page.goto(`/candidate/questions/${setup.questions.video}`);
    await page.getByRole("link", { name: "Answer with a video instead" }).click();
    await expect(page).toHaveURL(new RegExp(`${videoPage}$`));
    await page.getByLabel("Your video").setInputFiles(portrait);
    await page.getByRole("button", { name: "Upload video" }).click();
    await expect(page).toHaveURL(/\/candidate\/videos\/[0-9a-f-]{36}$/);

    // processed by the worker (the page refreshes itself; here, reloaded until it is done)
    const status = page.locator("[data-video-status]");
    await expect
      .poll(
        async () => {
          await page.reload();
          return status.getAttribute("data-video-status");
        },
        { timeout: 180_000, intervals: [2000], message: "the video to be processed" },
      )
      .toBe("ready");

    await page.getByLabel("Captions file").setInputFiles(captions);
    await page.getByRole("button", { name: "Upload captions" }).click();
    await notice(page, "Your captions are saved.");
    await page.getByRole("button", { name: "Publish as my answer" }).click();
    await notice(page, /Your video answer is published/);

    // a voter sees the poster, both renditions (smallest first, portrait) and the captions
    const voter = await browser.newPage();
    await voter.goto(`/questions/${setup.questions.video}`);
    const video = voter.locator("video");
    await expect(video).toHaveCount(1);
    expect(await video.getAttribute("poster")).toMatch(/^\/media\/videos\/thumbnails\//);
    const sources = video.locator("source");
    await expect(sources).toHaveCount(2);
    const [small, large] = await sources.evaluateAll((elements) =>
      elements.map((element) => element.getAttribute("src")!),
    );
    expect(small).toMatch(/360p\.mp4$/);
    expect(large).toMatch(/720p\.mp4$/);
    expect(Number(await video.getAttribute("width"))).toBeLessThan(
      Number(await video.getAttribute("height")),
    );
    const track = video.locator('track[kind="captions"]');
    await expect(track).toHaveCount(1);
    const captionsUrl = (await track.getAttribute("src"))!;
    const served = await voter.request.get(captionsUrl);
    expect(served.headers()["content-type"]).toMatch(/^text\/vtt/);
    expect(await served.text()).toContain("We will keep the library open on Sundays.");
    await expect(voter.getByText("We will keep the library open on Sundays.")).toBeVisible();
    for (const url of [small!, large!]) {
      const response = await voter.request.get(url, { headers: { Range: "bytes=0-99" } });
      expect(response.status()).toBe(206);
      expect(response.headers()["content-type"]).toBe("video/mp4");
    }
    await voter.context().close();
  });
});
