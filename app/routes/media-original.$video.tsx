import { createReadableStreamFromReadable, type LoaderFunctionArgs } from "@remix-run/node";
import { parseRange } from "~/lib/byte-range.server";
import { db } from "~/lib/db.server";
import { notFound } from "~/lib/http.server";
import { storage } from "~/lib/storage.server";
import { originalBySignature, originalHeaders } from "~/services/videos.server";

/**
 * A candidate's original upload, for the five minutes its signed link lasts (made by the video's
 * page: `originalUrl`); with S3 the page links to a presigned URL instead and this is unused.
 * Downloaded, never shown: Content-Disposition attachment, the type from our records, nosniff
 * (server.ts); ranges, so a large original can be resumed; never cached.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const search = new URL(request.url).searchParams;
  const original = await originalBySignature(
    db(),
    params.video ?? "",
    search.get("expires"),
    search.get("signature"),
  );
  if (!original) throw notFound();
  const info = await storage().stat(original.originalKey);
  if (!info) throw notFound();
  const { contentType, disposition } = originalHeaders(params.video!, original.contentType);
  const headers = new Headers({
    "Content-Type": contentType,
    "Content-Disposition": disposition,
    "Accept-Ranges": "bytes",
    "Cache-Control": "private, no-store, no-transform",
  });
  const wanted = parseRange(request.headers.get("Range"), info.size);
  if (wanted.kind === "unsatisfiable") {
    return new Response(null, {
      status: 416,
      headers: { "Content-Range": `bytes */${info.size}`, "Cache-Control": "no-store" },
    });
  }
  const range = wanted.kind === "partial" ? wanted.range : undefined;
  if (range) headers.set("Content-Range", `bytes ${range.start}-${range.end}/${info.size}`);
  headers.set("Content-Length", String(range ? range.end - range.start + 1 : info.size));
  const status = range ? 206 : 200;
  if (request.method === "HEAD") return new Response(null, { status, headers });
  const file = await storage().get(original.originalKey, range);
  if (!file) throw notFound();
  request.signal.addEventListener("abort", () => file.stream.destroy(), { once: true });
  return new Response(createReadableStreamFromReadable(file.stream), { status, headers });
}
