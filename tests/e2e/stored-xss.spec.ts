import pg from "pg";
import { expect, test } from "./support";

/**
 * Stored XSS: script payloads saved where voters and candidates write — a question, an answer, a
 * candidate's profile (bio and website), a measure's text, and a contest title as an imported
 * feed would store it — render as inert text in Chromium: no dialog opens, no payload runs.
 */
const pool = new pg.Pool({ connectionString: process.env.E2E_DATABASE_URL, max: 2 });
test.afterAll(() => pool.end());

const PAYLOADS = [
  `<script>window.__xss=1;alert("xss")</script>`,
  `<img src=x onerror="window.__xss=1;alert('xss')">`,
  `"><svg onload="window.__xss=1;alert('xss')">`,
  `</textarea><iframe src="javascript:window.top.__xss=1;alert('xss')"></iframe>`,
];
const hostile = (label: string) => `${label} ${PAYLOADS.join(" ")}`;

test("script payloads in stored text render inert", async ({ page }) => {
  const { rows: contests } = await pool.query<{
    id: string;
    election_id: string;
    contest: string;
    election: string;
    jurisdiction: string;
  }>(
    `select c.id, c.election_id, c.slug as contest, e.slug as election, j.slug as jurisdiction
       from contests c join elections e on e.id = c.election_id join jurisdictions j on j.id = e.jurisdiction_id
      where c.kind = 'candidate' and exists (select 1 from candidates k where k.contest_id = c.id)
      order by e.election_date limit 1`,
  );
  const contest = contests[0]!;
  const { rows: candidates } = await pool.query<{ id: string; slug: string }>(
    "select id, slug from candidates where contest_id = $1 order by ballot_order limit 1",
    [contest.id],
  );
  const candidate = candidates[0]!;
  const { rows: questions } = await pool.query<{ id: string }>(
    `insert into questions (election_id, contest_id, body, status, published_at)
     values ($1, $2, $3, 'published', now()) returning id`,
    [contest.election_id, contest.id, hostile("Question").slice(0, 1000)],
  );
  const questionId = questions[0]!.id;
  await pool.query(
    `insert into answers (question_id, candidate_id, kind, body, status, published_at)
     values ($1, $2, 'text', $3, 'published', now())`,
    [questionId, candidate.id, hostile("Answer")],
  );
  await pool.query("update candidates set bio = $2, website = $3 where id = $1", [
    candidate.id,
    JSON.stringify({ en: hostile("Bio"), es: hostile("Bio") }),
    "javascript:window.__xss=1",
  ]);
  // as an imported feed stores it: the contest's title and a measure's texts
  await pool.query("update contests set title = $2 where id = $1", [
    contest.id,
    JSON.stringify({ en: hostile("Mayor"), es: hostile("Alcalde") }),
  ]);
  const { rows: measures } = await pool.query<{
    contest: string;
    election: string;
    jurisdiction: string;
    id: string;
  }>(
    `select m.contest_id as id, c.slug as contest, e.slug as election, j.slug as jurisdiction
       from ballot_measures m join contests c on c.id = m.contest_id
       join elections e on e.id = c.election_id join jurisdictions j on j.id = e.jurisdiction_id limit 1`,
  );
  const measure = measures[0];
  // the demo measure's own texts, put back at the end: other specs read them
  const original = measure
    ? (
        await pool.query(
          "select id, summary, full_text, pro_statement from ballot_measures where contest_id = $1",
          [measure.id],
        )
      ).rows
    : [];
  if (measure)
    await pool.query(
      "update ballot_measures set summary = $2, full_text = $2, pro_statement = $2 where contest_id = $1",
      [measure.id, JSON.stringify({ en: hostile("Measure"), es: hostile("Medida") })],
    );

  const dialogs: string[] = [];
  page.on("dialog", async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  const base = `/elections/${contest.jurisdiction}/${contest.election}/${contest.contest}`;
  const pages = [
    base,
    `${base}/candidates/${candidate.slug}`,
    `/questions/${questionId}`,
    ...(measure
      ? [`/elections/${measure.jurisdiction}/${measure.election}/${measure.contest}`]
      : []),
  ];
  for (const path of pages) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(200);
    // the payload is on the page as text…
    await expect(page.getByText(/window\.__xss=1/).first(), path).toBeVisible();
    // …and nothing of it ran
    expect(
      await page.evaluate(() => (window as unknown as { __xss?: number }).__xss),
      path,
    ).toBeUndefined();
    // no element was made of it (the page's own scripts aside)
    const injected = await page.evaluate(
      () =>
        [...document.querySelectorAll("script, [onerror], [onload], iframe")].filter((element) =>
          element.outerHTML.includes("__xss"),
        ).length,
    );
    expect(injected, path).toBe(0);
  }
  const website = page.locator('a[href^="javascript:"]');
  await page.goto(`${base}/candidates/${candidate.slug}`);
  expect(await website.count()).toBe(0);
  expect(dialogs).toEqual([]);
  for (const row of original)
    await pool.query(
      "update ballot_measures set summary = $2, full_text = $3, pro_statement = $4 where id = $1",
      [row.id, row.summary, row.full_text, row.pro_statement],
    );
});
