/**
 * The three page baselines, one per process as the app is (run by tests/bench/sections/pages.ts):
 *   node    — bare `http`, the captured page bytes from memory (the ceiling)
 *   express — bare Express, the same bytes
 *   react   — Express + renderToString of the same markup (tests/bench/markup.ts), no database
 * argv: kind, port, a JSON file mapping each path to its captured HTML.
 */
import fs from "node:fs";
import http from "node:http";
import express from "express";
import { renderToString } from "react-dom/server";
import { markupToElement } from "./markup";

const [kind, port, pagesFile] = process.argv.slice(2);
const pages = JSON.parse(fs.readFileSync(pagesFile!, "utf8")) as Record<string, string>;
const bytes = new Map(Object.entries(pages).map(([path, html]) => [path, Buffer.from(html)]));
const trees = new Map(Object.entries(pages).map(([path, html]) => [path, markupToElement(html)]));
const HTML = "text/html; charset=utf-8";

let server: http.Server;
if (kind === "node") {
  server = http.createServer((req, res) => {
    const body = bytes.get(req.url ?? "");
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { "Content-Type": HTML, "Content-Length": body.length }).end(body);
  });
} else {
  const app = express();
  app.disable("x-powered-by");
  app.disable("etag");
  app.get("*", (req, res) => {
    const body = bytes.get(req.url);
    if (!body) return void res.sendStatus(404);
    res.type(HTML);
    if (kind === "express") return void res.send(body);
    res.send(`<!DOCTYPE html>${renderToString(trees.get(req.url))}`);
  });
  server = http.createServer(app);
}
server.listen(Number(port), "127.0.0.1", () => console.log("ready"));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
