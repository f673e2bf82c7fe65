import type { DbOrTransaction } from "~/lib/db.server";
import { areaOf, ownerIdOf, PUBLIC_AREAS } from "~/lib/storage.server";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const VTT = "text/vtt; charset=utf-8";

/**
 * The content type to serve a public key with, from the record that publishes it; null when no
 * record does (an unknown key, a video not ready, an original — originals are never public).
 * The owner id in the key only says which row to read; the key must equal one of its columns.
 */
export async function publicMediaContentType(
  db: DbOrTransaction,
  key: string,
): Promise<string | null> {
  const area = areaOf(key);
  const ownerId = ownerIdOf(key);
  if (!area || !PUBLIC_AREAS.includes(area) || !ownerId || !UUID.test(ownerId)) return null;
  switch (area) {
    case "videos/transcoded":
    case "videos/thumbnails": {
      const row = await db("videos as v")
        .where({ "v.id": ownerId, "v.status": "ready" })
        .first<{ content_type: string | null } | undefined>(
          db.raw(
            `case
               when exists (select 1 from video_renditions r
                            where r.video_id = v.id and r.storage_key = ?) then 'video/mp4'
               when v.poster_key = ? or v.sprite_key = ? then 'image/jpeg'
               when v.captions_key = ? or v.sprite_vtt_key = ? then ?
             end as content_type`,
            [key, key, key, key, key, VTT],
          ),
        );
      return row?.content_type ?? null;
    }
    case "images/candidates": {
      // Candidate photos are stored re-encoded as JPEG (which also drops EXIF location data).
      const row = await db("candidates").where({ id: ownerId, photo_key: key }).first("id");
      return row ? "image/jpeg" : null;
    }
    case "images/offices": {
      // An office's logo, stored re-encoded as JPEG like candidate photos.
      const row = await db("jurisdictions").where({ id: ownerId, logo_key: key }).first("id");
      return row ? "image/jpeg" : null;
    }
    case "exports/open-data": {
      const row = await db("open_data_bundles").where({ storage_key: key }).first("id");
      return row ? "application/zip" : null;
    }
    default:
      // No record publishes profile or measure images yet.
      return null;
  }
}
