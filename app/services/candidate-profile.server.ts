import { z } from "zod";
import { audit, type Actor } from "~/lib/audit.server";
import type { OwnCandidacy } from "~/lib/candidate-access.server";
import type { Db, DbOrTransaction } from "~/lib/db.server";
import type { LocalizedText } from "~/lib/i18n";
import { storeImage } from "~/lib/image-upload.server";
import type { ImageRejection } from "~/lib/media-tools.server";
import { mediaUrl, newStorageKey, storage } from "~/lib/storage.server";

/**
 * The candidate's own profile: the ballot name stays the clerk's (read-only here); the photo,
 * biography in English and Spanish, website, social links and contact address are theirs.
 * Every change is audited.
 */

/** Largest photo upload accepted; the stored copy is re-encoded and far smaller. */
export const PHOTO_MAX_BYTES = 10 * 1024 * 1024;
/** The stored photo fits in this square: enough for a profile page on any screen. */
export const PHOTO_MAX_SIDE = 800;
export const BIO_MAX_LENGTH = 2000;
export const MAX_LINKS = 5;
const URL_MAX_LENGTH = 500;

export type CandidateProfile = {
  id: string;
  ballotName: string;
  photoUrl: string | null;
  bio: { en: string; es: string };
  website: string;
  links: string[];
  contactEmail: string;
};

export async function loadProfile(
  db: DbOrTransaction,
  candidateId: string,
): Promise<CandidateProfile> {
  const row = await db("candidates").where({ id: candidateId }).first<{
    id: string;
    ballot_name: string;
    photo_key: string | null;
    bio: LocalizedText;
    website: string | null;
    links: string[];
    contact_email: string | null;
  }>("id", "ballot_name", "photo_key", "bio", "website", "links", "contact_email");
  if (!row) throw new Error(`no candidate ${candidateId}`);
  return {
    id: row.id,
    ballotName: row.ballot_name,
    photoUrl: row.photo_key ? mediaUrl(row.photo_key) : null,
    bio: { en: row.bio.en ?? "", es: row.bio.es ?? "" },
    website: row.website ?? "",
    links: row.links,
    contactEmail: row.contact_email ?? "",
  };
}

/** An http(s) address as we store it (normalised by the URL parser), or null when it is not one. */
function webAddress(value: string): string | null {
  if (value.length > URL_MAX_LENGTH || !URL.canParse(value)) return null;
  const url = new URL(value);
  // a user name or password in a link is a classic way to disguise where it leads
  if ((url.protocol !== "https:" && url.protocol !== "http:") || url.username || url.password)
    return null;
  return url.hostname.includes(".") ? url.toString() : null;
}

const bioField = z
  .string()
  .optional()
  .transform((value) => (value ?? "").replace(/\r\n?/g, "\n").trim())
  .refine((value) => value.length <= BIO_MAX_LENGTH, { error: "profile.bio.tooLong" });

export const profileForm = z.object({
  bioEn: bioField,
  bioEs: bioField,
  website: z
    .string()
    .optional()
    .transform((value, context) => {
      const trimmed = (value ?? "").trim();
      if (!trimmed) return null;
      const url = webAddress(trimmed);
      if (!url) context.addIssue({ code: "custom", message: "profile.url.invalid" });
      return url;
    }),
  // one address per line, in a plain text area (no JavaScript to add and remove inputs)
  links: z
    .string()
    .optional()
    .transform((value, context) => {
      const lines = (value ?? "")
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter(Boolean);
      if (lines.length > MAX_LINKS) {
        context.addIssue({ code: "custom", message: "profile.links.tooMany" });
        return [];
      }
      const urls = lines.map(webAddress);
      if (urls.some((url) => url === null)) {
        context.addIssue({ code: "custom", message: "profile.links.invalid" });
        return [];
      }
      return [...new Set(urls as string[])];
    }),
  contactEmail: z
    .union([z.email({ error: "form.email.invalid" }).max(254), z.literal("")], {
      error: "form.email.invalid",
    })
    .optional()
    .transform((value) => value?.toLowerCase() || null),
});
export type ProfileInput = z.output<typeof profileForm>;

export async function updateProfile(
  db: Db,
  candidacy: OwnCandidacy,
  input: ProfileInput,
  actor: Actor,
): Promise<void> {
  await db.transaction(async (trx) => {
    const before = await trx("candidates").where({ id: candidacy.id }).forUpdate().first<{
      bio: LocalizedText;
      website: string | null;
      links: string[];
      contact_email: string | null;
    }>("bio", "website", "links", "contact_email");
    if (!before) throw new Error(`no candidate ${candidacy.id}`);
    // Languages other than these two (from a ballot feed) are kept; an emptied one is removed.
    const bio: LocalizedText = { ...before.bio };
    for (const [language, text] of [
      ["en", input.bioEn],
      ["es", input.bioEs],
    ] as const) {
      if (text) bio[language] = text;
      else delete bio[language];
    }
    const after = {
      bio,
      website: input.website,
      links: input.links,
      contact_email: input.contactEmail,
    };
    const changed = (Object.keys(after) as Array<keyof typeof after>).filter(
      (field) => JSON.stringify(before[field] ?? null) !== JSON.stringify(after[field]),
    );
    if (changed.length === 0) return;
    await trx("candidates")
      .where({ id: candidacy.id })
      .update({
        ...after,
        // as JSON text: pg would send a JavaScript array as a Postgres array, not a jsonb one
        bio: JSON.stringify(bio),
        links: JSON.stringify(input.links),
        updated_at: trx.fn.now(),
      });
    await audit(trx, actor, {
      action: "candidate.profile_updated",
      targetType: "candidate",
      targetId: candidacy.id,
      jurisdictionId: candidacy.jurisdictionId,
      details: { fields: changed },
    });
  });
}

export type PhotoOutcome = { ok: true } | { ok: false; problem: ImageRejection };

/**
 * Makes the uploaded file (a path on the app's temporary disk) the candidate's photo: re-encoded
 * to a bounded JPEG without metadata, stored under a fresh key, then linked in one audited
 * transaction; the old photo is deleted only once the new one is in place.
 */
export async function replacePhoto(
  db: Db,
  candidacy: OwnCandidacy,
  upload: string,
  actor: Actor,
): Promise<PhotoOutcome> {
  const key = newStorageKey("images/candidates", candidacy.id, "photo.jpg");
  const stored = await storeImage(upload, key, PHOTO_MAX_SIDE);
  if (!stored.ok) return stored;
  let previous: string | null;
  try {
    previous = await setPhotoKey(db, candidacy, key, actor);
  } catch (error) {
    await storage().delete(key);
    throw error;
  }
  if (previous) await storage().delete(previous);
  return { ok: true };
}

/** Takes the photo down (voters see none); the file goes once the row no longer names it. */
export async function removePhoto(db: Db, candidacy: OwnCandidacy, actor: Actor): Promise<void> {
  const previous = await setPhotoKey(db, candidacy, null, actor);
  if (previous) await storage().delete(previous);
}

/** Sets the photo key, audited; returns the key it replaced. */
async function setPhotoKey(
  db: Db,
  candidacy: OwnCandidacy,
  key: string | null,
  actor: Actor,
): Promise<string | null> {
  return db.transaction(async (trx) => {
    const row = await trx("candidates")
      .where({ id: candidacy.id })
      .forUpdate()
      .first<{ photo_key: string | null }>("photo_key");
    if (!row) throw new Error(`no candidate ${candidacy.id}`);
    if (row.photo_key === key) return null;
    await trx("candidates")
      .where({ id: candidacy.id })
      .update({ photo_key: key, updated_at: trx.fn.now() });
    await audit(trx, actor, {
      action: key ? "candidate.photo_changed" : "candidate.photo_removed",
      targetType: "candidate",
      targetId: candidacy.id,
      jurisdictionId: candidacy.jurisdictionId,
      details: { key, previous: row.photo_key },
    });
    return row.photo_key;
  });
}
