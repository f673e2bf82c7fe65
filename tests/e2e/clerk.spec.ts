import { readFileSync } from "node:fs";
import pg from "pg";
import { hashingEmbedding } from "../../app/lib/embeddings.server";
import { hashPassword } from "../../app/lib/password.server";
import {
  expect,
  latestMail,
  test,
  uniqueEmail,
  totpCodes,
  signInWithTotp,
  signOut,
} from "./support";

/**
 * The election office's console with JavaScript off (and on): the demo clerk creates an
 * election and its contest, opens questions, moderates (approves one, rejects one with a policy
 * reason that reaches its author by email, merges two near-duplicates so the surviving count is
 * the number of distinct voters), reads the participation report the worker rolls up — and a
 * clerk of another county gets 404 on every one of those pages and actions.
 */
const demoClerk = (
  JSON.parse(readFileSync("db/seeds/demo-accounts.json", "utf8")) as Array<{
    role: string;
    email: string;
    password: string;
    totpSecret?: string;
  }>
).find((account) => account.role === "clerk")!;
const COUNTY = "harbor-county";
const OTHER_PASSWORD = "a clerk of another county entirely";
const OTHER_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

const pool = new pg.Pool({ connectionString: process.env.E2E_DATABASE_URL, max: 2 });
test.afterAll(() => pool.end());

const freshCode = totpCodes(pool);

/** A clerk of a county of their own (a new jurisdiction), with a password and TOTP turned on. */
async function seedOtherClerk(label: string): Promise<string> {
  const email = uniqueEmail("other-clerk", label);
  const slug = `other-county-${label}-${Date.now()}`;
  const {
    rows: [jurisdiction],
  } = await pool.query(
    `insert into jurisdictions (slug, name, kind) values ($1, $2, 'county') returning id`,
    [slug, { en: "Other County" }],
  );
  const {
    rows: [user],
  } = await pool.query(
    `insert into users (email, email_verified_at, password_hash, password_changed_at, totp_secret, mfa_enabled_at)
     values ($1, now(), $2, now(), $3, now()) returning id`,
    [email, await hashPassword(OTHER_PASSWORD), OTHER_SECRET],
  );
  await pool.query(
    `insert into role_grants (user_id, role, jurisdiction_id) values ($1, 'clerk', $2)`,
    [user.id, jurisdiction.id],
  );
  return email;
}

async function seedUser(email: string): Promise<string> {
  const { rows } = await pool.query(
    `insert into users (email, email_verified_at) values ($1, now()) returning id`,
    [email],
  );
  return rows[0].id;
}

type Seeded = {
  approve: string;
  reject: string;
  rejectAuthor: string;
  keep: string;
  merge: string;
};

/**
 * What voters did meanwhile (their own pages are tested elsewhere): two questions waiting for
 * moderation, and two published near-duplicates with overlapping voters, embedded as the
 * worker would.
 */
async function seedQuestions(contestId: string, label: string): Promise<Seeded> {
  const { rows } = await pool.query("select election_id from contests where id = $1", [contestId]);
  const electionId = rows[0].election_id;
  const rejectAuthor = uniqueEmail("rejected-author", label);
  const authorId = await seedUser(rejectAuthor);
  const insert = async (body: string, status: string, author: string | null = null) => {
    const result = await pool.query(
      `insert into questions (election_id, contest_id, body, status, author_id, published_at, embedding)
       values ($1, $2, $3, $4::question_status, $5, case when $4::question_status = 'published' then now() end, $6::vector) returning id`,
      [electionId, contestId, body, status, author, JSON.stringify(hashingEmbedding(body))],
    );
    return result.rows[0].id as string;
  };
  const approve = await insert(
    "Will you keep the Eastside branch library open on weekends?",
    "pending",
    await seedUser(uniqueEmail("approved-author", label)),
  );
  const reject = await insert(
    "Buy discount sunglasses now at our online shop!!!",
    "pending",
    authorId,
  );
  const keep = await insert("How will you fix the potholes on Harbor Boulevard?", "published");
  const merge = await insert("How would you fix the potholes along Harbor Boulevard?", "published");
  const voters = await Promise.all(
    [1, 2, 3, 4].map((n) => seedUser(uniqueEmail(`voter${n}`, label))),
  );
  // keep: voters 1, 2, 3; merge: voters 2, 3, 4 → four distinct voters in all
  for (const [question, who] of [
    [keep, [0, 1, 2]],
    [merge, [1, 2, 3]],
  ] as const) {
    for (const i of who)
      await pool.query("insert into question_votes (question_id, user_id) values ($1, $2)", [
        question,
        voters[i],
      ]);
  }
  return { approve, reject, rejectAuthor, keep, merge };
}

test("a clerk sets up and runs an election; a clerk of another county gets 404 on all of it", async ({
  page,
}) => {
  test.setTimeout(180_000);
  const label = test.info().project.name;
  const suffix = `${label}-${Date.now()}`;
  const slug = `e2e-special-${suffix}`;
  const electionName = `E2E Special Election ${suffix}`;
  const base = `/console/${COUNTY}`;
  const visited = new Set<string>();
  const visit = async (path: string) => {
    visited.add(path);
    return page.goto(path);
  };

  await signInWithTotp(page, freshCode, { ...demoClerk, secret: demoClerk.totpSecret! });

  await test.step("creates an election in draft, with a contest", async () => {
    await visit(base);
    await page.getByRole("link", { name: "Create an election" }).click();
    visited.add(new URL(page.url()).pathname);
    await page.getByRole("button", { name: "Create the election" }).click();
    await expect(page.getByText("Please correct the fields marked below.")).toBeVisible();
    await expect(page.getByText("Fill in this field.").first()).toBeVisible();

    const name = page.getByRole("group", { name: "Name of the election" });
    await name.getByLabel("English").fill(electionName);
    await name.getByLabel("Spanish").fill(`Elección especial E2E ${suffix}`);
    await page.getByLabel("Short name for web addresses").fill(slug);
    await page.getByLabel("Election day").fill("2028-11-07");
    await page.getByLabel("Questions close").fill("2028-10-01T17:00");
    await page.getByRole("button", { name: "Create the election" }).click();
    await expect(page).toHaveURL(new RegExp(`${base}/elections/${slug}$`));
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(electionName);
    await expect(page.getByText("Status: In preparation")).toBeVisible();
    await expect(page.getByText("Voters can ask questions: no")).toBeVisible();
    visited.add(new URL(page.url()).pathname);

    await page.getByRole("link", { name: "Add a candidate contest" }).click();
    visited.add(new URL(page.url()).pathname);
    const title = page.getByRole("group", { name: "Title" });
    await title.getByLabel("English").fill("Harbor Commissioner");
    await title.getByLabel("Spanish").fill("Comisionado del Puerto");
    await page.getByLabel("Ballot order").fill("1");
    await page.getByRole("button", { name: "Create the contest" }).click();
    await expect(page.getByText("The contest was created.")).toBeVisible();
    await page.getByLabel("Name on the ballot").fill("Dana Dockside");
    await page.getByLabel("Ballot order").fill("1");
    await page.getByRole("button", { name: "Add the candidate" }).click();
    await expect(page.getByText("The candidate was added.")).toBeVisible();
    await expect(page.getByRole("link", { name: "Dana Dockside" })).toBeVisible();
  });
  const contestPath = new URL(page.url()).pathname;
  visited.add(contestPath);
  visited.add(`${contestPath}/edit`);
  const contestId = contestPath.split("/").pop()!;

  await test.step("opens questions, after a confirmation", async () => {
    await page.goto(`${base}/elections/${slug}`);
    await page.getByRole("link", { name: "Open questions…" }).click();
    visited.add(new URL(page.url()).pathname + new URL(page.url()).search);
    await expect(
      page.getByText(/Voters will see the election and can ask questions/),
    ).toBeVisible();
    await page.getByRole("button", { name: `Yes, open questions for ${electionName}` }).click();
    await expect(page.getByText("The election's status was changed.")).toBeVisible();
    await expect(page.getByText("Status: Questions open")).toBeVisible();
    await expect(page.getByText("Voters can ask questions: yes")).toBeVisible();
    // the step just taken is no longer offered, and replaying its form changes nothing
    await page.goto(`${base}/elections/${slug}/status?to=questions_open`);
    await expect(
      page.getByText("From this status, the only next step is: Candidates answering."),
    ).toBeVisible();
    const replay = await page.request.post(`${base}/elections/${slug}/status`, {
      form: { from: "draft", to: "questions_open" },
      headers: { Origin: new URL(page.url()).origin },
    });
    expect(await replay.text()).toContain("Someone changed the election");
  });

  const seeded = await seedQuestions(contestId, suffix);
  const questionPage = (id: string) => `${base}/moderation/questions/${id}`;

  await test.step("approves a pending question", async () => {
    await visit(`${base}/moderation`);
    await expect(
      page.getByRole("heading", { name: /Questions waiting \(\d+\), oldest first/ }),
    ).toBeVisible();
    await visit(contestPath);
    await page
      .getByRole("link", {
        name: "Moderate: Will you keep the Eastside branch library open on weekends?",
      })
      .click();
    await page.getByRole("button", { name: /^Approve: Will you keep the Eastside/ }).click();
    await expect(page.getByText("The question is published.")).toBeVisible();
    await expect(page.getByTestId("question-status")).toHaveText("Published");
  });

  await test.step("rejects one for a policy reason, which its author gets by email", async () => {
    await visit(questionPage(seeded.reject));
    await page
      .getByLabel("Reason (from the policy)")
      .selectOption({ label: "Spam or advertising" });
    await page.getByRole("button", { name: "Reject" }).click();
    await expect(page.getByText(/The question was rejected/)).toBeVisible();
    await expect(page.getByTestId("question-status")).toHaveText("Rejected");
    const mail = await latestMail(seeded.rejectAuthor);
    expect(mail.subject).toBe("Your question was not published");
    expect(mail.text).toContain("Buy discount sunglasses now at our online shop!!!");
    expect(mail.text).toContain("Reason: Spam or advertising.");
    expect(mail.text).toMatch(/\/moderation-policy/);
  });

  await test.step("merges two near-duplicates: the count is the number of distinct voters", async () => {
    await visit(questionPage(seeded.merge));
    await expect(page.getByTestId("question-votes")).toHaveText("3");
    await page
      .getByRole("button", {
        name: "Merge this question into: How will you fix the potholes on Harbor Boulevard?",
      })
      .click();
    await expect(page).toHaveURL(new RegExp(`${questionPage(seeded.keep)}\\?done=merge$`));
    await expect(page.getByText(/The questions were merged/)).toBeVisible();
    await expect(page.getByTestId("question-votes")).toHaveText("4");
    visited.add(questionPage(seeded.keep));
    const { rows } = await pool.query(
      `select (select count(distinct user_id) from question_votes where question_id = $1) as voters,
              (select vote_count from questions where id = $1) as count,
              (select status from questions where id = $2) as merged`,
      [seeded.keep, seeded.merge],
    );
    expect(rows[0]).toEqual({ voters: "4", count: 4, merged: "merged" });
  });

  await test.step("reads the report the worker rolls up, with its charts", async () => {
    await page.goto(`${base}/elections/${slug}`);
    await page.getByRole("link", { name: "Participation report" }).click();
    const reportPath = new URL(page.url()).pathname;
    visited.add(reportPath);
    await expect(page.getByText("This report has not been computed yet.")).toBeVisible();
    await page.getByRole("button", { name: "Refresh now" }).click();
    await expect(page.getByText(/The report is being recomputed/)).toBeVisible();
    await expect(async () => {
      await page.reload();
      await expect(page.getByTestId("count-asked")).toHaveText("4", { timeout: 500 });
    }).toPass({ timeout: 30_000 });
    await expect(page.getByTestId("count-published")).toHaveText("2");
    await expect(page.getByTestId("count-rejected")).toHaveText("1");
    await expect(page.getByTestId("count-merged")).toHaveText("1");
    await expect(page.getByTestId("count-votes")).toHaveText("4");
    await expect(page.getByRole("img", { name: /Questions asked per day/ })).toBeVisible();
    await expect(page.getByRole("img", { name: /Answer rate per candidate/ })).toBeVisible();
    await expect(
      page
        .getByRole("table", { name: /Answer rate per candidate/ })
        .getByRole("row", { name: /Dana Dockside/ }),
    ).toContainText("0% (0 of 2)");

    const exportPath = `${reportPath}/export?table=questions`;
    visited.add(exportPath);
    const csv = await page.request.get(exportPath);
    expect(csv.headers()["content-type"]).toBe("text/csv; charset=utf-8");
    expect(await csv.text()).toContain("How will you fix the potholes on Harbor Boulevard?");
  });

  await test.step("the audit log shows what was done", async () => {
    await visit(`${base}/audit?action=moderation.`);
    await expect(page.getByRole("cell", { name: "moderation.merge" }).first()).toBeVisible();
    visited.add(`${base}/audit.csv`);
  });

  await test.step("archives the election, step by step, so voters no longer see it", async () => {
    for (const [link, button] of [
      ["Close questions and open answers…", `Yes, open answers for ${electionName}`],
      ["Close the election…", `Yes, close ${electionName}`],
      ["Archive the election…", `Yes, archive ${electionName}`],
    ]) {
      await page.goto(`${base}/elections/${slug}`);
      await page.getByRole("link", { name: link }).click();
      await page.getByRole("button", { name: button }).click();
      await expect(page.getByText("The election's status was changed.")).toBeVisible();
    }
    await expect(page.getByText("Status: Archived")).toBeVisible();
  });

  await signOut(page);
  const otherEmail = await seedOtherClerk(suffix);
  await signInWithTotp(page, freshCode, {
    email: otherEmail,
    password: OTHER_PASSWORD,
    secret: OTHER_SECRET,
  });

  await test.step("a clerk of another county: every page of it is not found", async () => {
    const paths = [
      ...visited,
      questionPage(seeded.approve),
      `${base}/districts`,
      `${base}/parties`,
    ];
    for (const path of paths) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(404);
    }
    await page.goto(`${base}/moderation`);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page not found");
  });

  await test.step("…and every action of it answers 404, changing nothing", async () => {
    const origin = new URL(page.url()).origin;
    const post = (path: string, form: Record<string, string>) =>
      page.request.post(path, { form, headers: { Origin: origin }, maxRedirects: 0 });
    const attempts: Array<[string, Record<string, string>]> = [
      [`${base}/moderation`, { intent: "approve", questionId: seeded.reject }],
      [
        `${base}/moderation`,
        { intent: "merge", questionId: seeded.keep, targetId: seeded.approve },
      ],
      [`${base}/elections/${slug}/status`, { from: "archived", to: "questions_open" }],
      [`${base}/elections/new`, { nameEn: "Hijack", slug: "hijack", electionDate: "2028-01-01" }],
      [`${base}/reports/${slug}`, { intent: "refresh" }],
      [contestPath, { ballotName: "Intruder", ballotOrder: "9" }],
    ];
    for (const [path, form] of attempts) {
      expect((await post(path, form)).status(), path).toBe(404);
    }
    const { rows } = await pool.query("select status from questions where id = $1", [
      seeded.reject,
    ]);
    expect(rows[0].status).toBe("rejected");
  });
});
