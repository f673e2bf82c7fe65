// Page weight of the voter's pages on a running app: for each page, the bytes of its HTML and of
// its stylesheets as the server sends them gzip-compressed, their total against the ~14 KB that
// fits the first round trip, and the number of <script> tags (voter pages should have none).
// "(in one piece)" is the HTML gzipped whole, for comparison: a server that compresses the
// stream chunk by chunk sends more.
//
//   bash scripts/node24.sh node scripts/page-weight.mjs [baseURL] [ZIP]
//
// Pages are found by following links from the home page: the first election, every contest of
// it, the first contest's first candidate and first question. The ballot page is looked up for
// ZIP (default 95410, a single-precinct ZIP of the demo seed). Exits 1 when a page is missing.
import { Buffer } from "node:buffer";
import http from "node:http";
import https from "node:https";
import { gzipSync } from "node:zlib";

const BASE = process.argv[2] ?? "http://127.0.0.1:3000";
const ZIP = process.argv[3] ?? "95410";
const FIRST_ROUND_TRIP = 14 * 1024;

/** The response body's bytes as sent (compressed), and its text when it is not compressed. */
function get(path, encoding = "gzip") {
  const url = new URL(path, BASE);
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.get(url, { headers: { "Accept-Encoding": encoding } }, (response) => {
      const chunks = [];
      response.on("data", (chunk) => chunks.push(chunk));
      response.on("end", () => {
        const body = Buffer.concat(chunks);
        resolve({
          status: response.statusCode,
          bytes: body.length,
          encoding: response.headers["content-encoding"] ?? "identity",
          text: body.toString("utf8"),
        });
      });
    });
    request.on("error", reject);
  });
}

/** The distinct link paths in the HTML matching `pattern`, in page order. */
function links(html, pattern) {
  const found = [];
  for (const [, href] of html.matchAll(/href="([^"#?]+)/g)) {
    if (pattern.test(href) && !found.includes(href)) found.push(href);
  }
  return found;
}

const cssBytes = new Map();
async function stylesheetBytes(html) {
  let total = 0;
  for (const [tag] of html.matchAll(/<link[^>]*rel="stylesheet"[^>]*>/g)) {
    const href = /href="([^"]+)"/.exec(tag)?.[1];
    if (!href) continue;
    if (!cssBytes.has(href)) {
      const css = await get(href);
      // a 404 here means the app was rebuilt under the running server: restart it
      if (css.status !== 200) throw new Error(`GET ${href} answered ${css.status}`);
      cssBytes.set(href, css.bytes);
    }
    total += cssBytes.get(href);
  }
  return total;
}

async function measure(label, path) {
  const compressed = await get(path);
  if (compressed.status !== 200)
    throw new Error(`${label}: GET ${path} answered ${compressed.status}`);
  // The uncompressed copy is the one to read (links, tags); the compressed one is what is sent.
  const { text } = await get(path, "identity");
  const css = await stylesheetBytes(text);
  return {
    label,
    path,
    html: compressed.bytes,
    htmlWhole: gzipSync(text).length,
    css,
    total: compressed.bytes + css,
    scripts: (text.match(/<script\b/g) ?? []).length,
    encoding: compressed.encoding,
    text,
  };
}

async function main() {
  const rows = [];
  const home = await measure("home", "/");
  rows.push(home);
  rows.push(await measure("ballot (ZIP)", `/ballot?address=${ZIP}`));
  const electionPath = links(home.text, /^\/elections\/[^/]+\/[^/]+$/)[0];
  if (!electionPath) throw new Error("no election linked from the home page");
  const election = await measure("election", electionPath);
  rows.push(election);
  const contestPaths = links(election.text, new RegExp(`^${electionPath}/[^/]+$`));
  if (contestPaths.length === 0) throw new Error(`no contest linked from ${electionPath}`);
  const contests = [];
  for (const path of contestPaths) {
    contests.push(await measure(`contest ${path.split("/").pop()}`, path));
  }
  rows.push(...contests);
  const first = contests[0];
  rows.push(await measure("contest, page 2", `${first.path}?page=2`));
  rows.push(await measure("contest, trending", `${first.path}?sort=trending`));
  const candidatePath = links(first.text, /\/candidates\/[^/]+$/)[0];
  if (candidatePath) rows.push(await measure("candidate", candidatePath));
  const questionPath = links(first.text, /^\/questions\/[0-9a-f-]{36}$/)[0];
  if (questionPath) rows.push(await measure("question", questionPath));

  const header = ["page", "HTML gzip", "(in one piece)", "CSS gzip", "total", "scripts", "path"];
  const table = rows.map((row) => [
    row.label,
    String(row.html),
    String(row.htmlWhole),
    String(row.css),
    `${row.total}${row.total > FIRST_ROUND_TRIP ? " (over 14 KB)" : ""}`,
    String(row.scripts),
    row.path,
  ]);
  const widths = header.map((_, i) =>
    Math.max(...[header, ...table].map((cells) => cells[i].length)),
  );
  const line = (cells) =>
    cells
      .map((cell, i) => (i >= 1 && i <= 5 ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join("  ");
  console.log(line(header));
  for (const cells of table) console.log(line(cells));
  const uncompressed = rows.filter((row) => row.encoding !== "gzip");
  if (uncompressed.length)
    console.log(`note: sent without gzip: ${uncompressed.map((row) => row.label).join(", ")}`);
}

main().catch((error) => {
  console.error(`page-weight: ${error.message}`);
  process.exit(1);
});
