import { createHash } from "node:crypto";
import { createReadableStreamFromReadable, type LoaderFunctionArgs } from "@remix-run/node";
import { parseRange } from "~/lib/byte-range.server";
import { db } from "~/lib/db.server";
import { notFound } from "~/lib/http.server";
import { log } from "~/lib/log.server";
import { storage } from "~/lib/storage.server";
import { publicMediaContentType } from "~/services/media.server";
import { countPlay } from "~/services/video-stats.server";

/**
 * Public media (renditions, posters, captions, sprites, published images) with byte ranges, so a
 * player can seek without downloading the whole video. Only keys a record publishes are served,
 * with that record's content type; originals never are. X-Content-Type-Options: nosniff comes
 * with every response (server.ts), so a browser keeps to that type.
 *
 * A key names one content for ever (app/lib/storage.server.ts), hence the year-long immutable
 * cache; no-transform because a later range request must address the same bytes as the first,
 * which a proxy (or our compression) re-encoding the body would break.
 */
const CACHE_CONTROL = "public, max-age=31536000, immutable, no-transform";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const key = params["*"] ?? "";
  const contentType = await publicMediaContentType(db(), key);
  if (!contentType) throw notFound();
  const info = await storage().stat(key);
  if (!info) {
    log.warn({ key }, "a published media file is missing from storage");
    throw notFound();
  }
  const etag = `"${createHash("sha256").update(key).digest("base64url").slice(0, 22)}-${info.size}"`;
  const headers = new Headers({
    "Content-Type": contentType,
    "Accept-Ranges": "bytes",
    "Cache-Control": CACHE_CONTROL,
    ETag: etag,
  });
  if (request.headers.get("If-None-Match")?.includes(etag)) {
    return new Response(null, { status: 304, headers });
  }

  // If-Range: a range of the copy the client holds, else the whole current object.
  const ifRange = request.headers.get("If-Range");
  const wanted = parseRange(
    ifRange && ifRange !== etag ? null : request.headers.get("Range"),
    info.size,
  );
  if (wanted.kind === "unsatisfiable") {
    return new Response(null, {
      status: 416,
      headers: { "Content-Range": `bytes */${info.size}`, "Cache-Control": "no-store" },
    });
  }
  const range = wanted.kind === "partial" ? wanted.range : undefined;
  const status = range ? 206 : 200;
  if (range) headers.set("Content-Range", `bytes ${range.start}-${range.end}/${info.size}`);
  headers.set("Content-Length", String(range ? range.end - range.start + 1 : info.size));
  // A HEAD opens no file: nothing would read (or close) it.
  if (request.method === "HEAD") return new Response(null, { status, headers });

  const file = await storage().get(key, range);
  if (!file) throw notFound();
  // A player starting a video asks for its first bytes: a play, counted without the visitor.
  if (contentType === "video/mp4" && (!range || range.start === 0)) {
    await countPlay(db(), key).catch((error) =>
      log.warn({ err: error, key }, "a video play could not be counted"),
    );
  }
  // A visitor who leaves mid-video stops the read instead of it running to the end of the file.
  request.signal.addEventListener("abort", () => file.stream.destroy(), { once: true });
  return new Response(createReadableStreamFromReadable(file.stream), { status, headers });
}
