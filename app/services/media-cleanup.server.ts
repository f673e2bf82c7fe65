import type { Db } from "~/lib/db.server";
import { log } from "~/lib/log.server";
import { ownerIdOf, storage } from "~/lib/storage.server";
import { deleteVideoFiles } from "./videos.server";

/**
 * The hourly clean-up (`cleanup_media`): uploads that never completed, and video files no row
 * refers to. Both wait a day, so nothing an upload or a transcode is still writing is touched:
 * an upload's age counts from its last part, a file's from when it was written.
 */
const GRACE_MS = 24 * 60 * 60 * 1000;
/** Stale uploads removed per run; the next run takes the rest. */
const BATCH = 200;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export type CleanupReport = { staleUploads: number; orphanFiles: number; incomplete: number };

export async function cleanupMedia(db: Db, now: Date = new Date()): Promise<CleanupReport> {
  const before = new Date(now.getTime() - GRACE_MS);
  const report = {
    staleUploads: await removeStaleUploads(db, before),
    orphanFiles: await removeOrphanFiles(db, before),
    incomplete: await storage().sweepIncomplete(before),
  };
  log.info(report, "media clean-up");
  return report;
}

/** Videos still uploading a day after their last byte: their parts, files and row. */
async function removeStaleUploads(db: Db, before: Date): Promise<number> {
  const stale = await db("videos as v")
    .leftJoin("video_uploads as u", "u.video_id", "v.id")
    .where("v.status", "uploading")
    .where("v.updated_at", "<", before)
    .limit(BATCH)
    .select<Array<{ id: string; original_key: string; storage_upload_id: string | null }>>(
      "v.id",
      "v.original_key",
      "u.storage_upload_id",
    );
  let removed = 0;
  for (const video of stale) {
    // Only while still stale: a part arriving meanwhile keeps the upload.
    const deleted = await db("videos")
      .where({ id: video.id, status: "uploading" })
      .where("updated_at", "<", before)
      .delete();
    if (deleted === 0) continue;
    if (video.storage_upload_id) {
      await storage().abortMultipart(video.original_key, video.storage_upload_id);
    }
    await deleteVideoFiles(video.id);
    removed += 1;
  }
  return removed;
}

/**
 * Files under videos/ that no row names: a video deleted while its files were being removed, a
 * transcode killed after writing, an upload whose process died. Only those older than `before`.
 */
async function removeOrphanFiles(db: Db, before: Date): Promise<number> {
  const keys = await storage().list("videos/");
  const owners = [
    ...new Set(keys.map(ownerIdOf).filter((id): id is string => UUID.test(id ?? ""))),
  ];
  const named = new Set<string>();
  for (let index = 0; index < owners.length; index += 1000) {
    const batch = owners.slice(index, index + 1000);
    const videos = await db("videos")
      .whereIn("id", batch)
      .select<
        Array<
          Record<
            "original_key" | "poster_key" | "sprite_key" | "sprite_vtt_key" | "captions_key",
            string | null
          >
        >
      >("original_key", "poster_key", "sprite_key", "sprite_vtt_key", "captions_key");
    for (const video of videos) for (const key of Object.values(video)) if (key) named.add(key);
    const renditions = await db("video_renditions").whereIn("video_id", batch).pluck("storage_key");
    for (const key of renditions) named.add(key);
  }
  let removed = 0;
  for (const key of keys) {
    if (named.has(key)) continue;
    const stat = await storage().stat(key);
    if (!stat || stat.lastModified >= before) continue;
    await storage().delete(key);
    removed += 1;
  }
  return removed;
}
