import { z } from "zod";
import { audit, type Actor } from "~/lib/audit.server";
import { AA_BODY_TEXT, contrastRatio, normaliseHex, WHITE } from "~/lib/contrast";
import type { Db, DbOrTransaction } from "~/lib/db.server";
import { LOCALES, type Locale, type LocalizedText } from "~/lib/i18n";
import { storeImage, type StoredImage } from "~/lib/image-upload.server";
import { mediaUrl, newStorageKey, storage } from "~/lib/storage.server";
import { changedFields } from "./console-common.server";
import { LISTED_ELECTION_STATUSES } from "./elections.server";

/**
 * An office's branding (colour, welcome text per enabled language) and settings (the moderation
 * mode new elections start with, the languages it publishes in). The colour must reach WCAG AA
 * against white both ways it is used: as link and heading text on the white page, and as the
 * background of white text in the page's banner.
 */
export type OfficeSettings = {
  brandColor: string | null;
  welcome: LocalizedText;
  enabledLocales: Locale[];
  defaultModerationMode: "before_publishing" | "after_publishing";
};

const WELCOME_MAX = 2000;

export const officeSettingsForm = z
  .object({
    brandColor: z
      .string()
      .trim()
      .transform((value, ctx) => {
        if (value === "") return null;
        const hex = normaliseHex(value);
        if (!hex) {
          ctx.addIssue({ code: "custom", message: "office.settings.colourInvalid" });
          return z.NEVER;
        }
        if (contrastRatio(hex, WHITE) < AA_BODY_TEXT) {
          ctx.addIssue({ code: "custom", message: "office.settings.colourContrast" });
          return z.NEVER;
        }
        return hex;
      }),
    // one checkbox per language: "on" when ticked, absent otherwise
    enabledEn: z.literal("on").optional(),
    enabledEs: z.literal("on").optional(),
    defaultModerationMode: z.enum(["before_publishing", "after_publishing"], {
      error: "form.invalid",
    }),
    welcomeEn: z.string().trim().max(WELCOME_MAX, { error: "console.form.tooLong" }),
    welcomeEs: z.string().trim().max(WELCOME_MAX, { error: "console.form.tooLong" }),
  })
  .transform((f) => ({
    ...f,
    enabledLocales: LOCALES.filter((locale) => (locale === "en" ? f.enabledEn : f.enabledEs)),
  }))
  .superRefine((f, ctx) => {
    if (f.enabledLocales.length === 0)
      ctx.addIssue({
        code: "custom",
        path: ["enabledEn"],
        message: "office.settings.localesRequired",
      });
    // every enabled language gets its own welcome, so no visitor meets another language's
    for (const locale of f.enabledLocales) {
      const text = locale === "en" ? f.welcomeEn : f.welcomeEs;
      if (!text)
        ctx.addIssue({
          code: "custom",
          path: [locale === "en" ? "welcomeEn" : "welcomeEs"],
          message: "office.settings.welcomeRequired",
        });
    }
  })
  .transform((f): OfficeSettings => ({
    brandColor: f.brandColor,
    enabledLocales: f.enabledLocales,
    defaultModerationMode: f.defaultModerationMode,
    welcome: Object.fromEntries(
      f.enabledLocales.map((locale) => [locale, locale === "en" ? f.welcomeEn : f.welcomeEs]),
    ),
  }));

const COLUMNS = [
  "brand_color as brandColor",
  "logo_key as logoKey",
  "welcome",
  "enabled_locales as enabledLocales",
  "default_moderation_mode as defaultModerationMode",
] as const;

export async function officeSettings(
  db: DbOrTransaction,
  jurisdictionId: string,
): Promise<OfficeSettings & { logoKey: string | null }> {
  return db("jurisdictions")
    .where({ id: jurisdictionId })
    .first(...COLUMNS);
}

export async function saveOfficeSettings(
  db: Db,
  jurisdictionId: string,
  input: OfficeSettings,
  actor: Actor,
): Promise<void> {
  await db.transaction(async (trx) => {
    const before = await trx("jurisdictions").where({ id: jurisdictionId }).forUpdate().first();
    const row = {
      brand_color: input.brandColor,
      welcome: input.welcome,
      enabled_locales: input.enabledLocales,
      default_moderation_mode: input.defaultModerationMode,
    };
    const changes = changedFields(before, row);
    if (Object.keys(changes).length === 0) return;
    await trx("jurisdictions")
      .where({ id: jurisdictionId })
      .update({ ...row, updated_at: trx.fn.now() });
    await audit(trx, actor, {
      action: "office.settings_changed",
      targetType: "jurisdiction",
      targetId: jurisdictionId,
      jurisdictionId,
      details: { changes },
    });
  });
}

/** Largest logo upload accepted; the stored copy is re-encoded, within LOGO_MAX_SIDE pixels. */
export const LOGO_MAX_BYTES = 2 * 1024 * 1024;
const LOGO_MAX_SIDE = 400;

/**
 * Makes the uploaded file the office's logo: re-encoded (images only, bombs refused: see
 * storeImage), stored under a fresh key, linked in an audited transaction; the old one goes after.
 */
export async function replaceLogo(
  db: Db,
  jurisdictionId: string,
  upload: string,
  actor: Actor,
): Promise<StoredImage> {
  const key = newStorageKey("images/offices", jurisdictionId, "logo.jpg");
  const stored = await storeImage(upload, key, LOGO_MAX_SIDE);
  if (!stored.ok) return stored;
  const previous = await db.transaction(async (trx) => {
    const row = await trx("jurisdictions")
      .where({ id: jurisdictionId })
      .forUpdate()
      .first("logo_key");
    await trx("jurisdictions")
      .where({ id: jurisdictionId })
      .update({ logo_key: key, updated_at: trx.fn.now() });
    await audit(trx, actor, {
      action: "office.logo_changed",
      targetType: "jurisdiction",
      targetId: jurisdictionId,
      jurisdictionId,
      details: { key, previous: row.logo_key },
    });
    return row.logo_key as string | null;
  });
  if (previous) await storage().delete(previous);
  return { ok: true };
}

/** What a public page shows of the office's branding, in the visitor's language. */
export type PublicBranding = {
  brandColor: string | null;
  welcome: string | null;
  logoUrl: string | null;
};

export async function publicBranding(
  db: DbOrTransaction,
  jurisdictionId: string,
  locale: Locale,
): Promise<PublicBranding> {
  const settings = await officeSettings(db, jurisdictionId);
  const shown = settings.enabledLocales.includes(locale) ? locale : settings.enabledLocales[0]!;
  return {
    brandColor: settings.brandColor,
    welcome: settings.welcome[shown] || null,
    logoUrl: settings.logoKey ? mediaUrl(settings.logoKey) : null,
  };
}

export type OfficeHome = {
  name: LocalizedText;
  slug: string;
  branding: PublicBranding;
  elections: Array<{ slug: string; name: LocalizedText; electionDate: string }>;
};

/** A jurisdiction's public home: its branding and the elections voters may see. */
export async function officeHome(
  db: DbOrTransaction,
  slug: string,
  locale: Locale,
): Promise<OfficeHome | null> {
  const jurisdiction = await db("jurisdictions").where({ slug }).first("id", "slug", "name");
  if (!jurisdiction) return null;
  const [branding, elections] = await Promise.all([
    publicBranding(db, jurisdiction.id, locale),
    db("elections")
      .where({ jurisdiction_id: jurisdiction.id })
      .whereIn("status", LISTED_ELECTION_STATUSES)
      .orderBy([{ column: "election_date", order: "desc" }, { column: "slug" }])
      .select("slug", "name", db.raw("to_char(election_date, 'YYYY-MM-DD') as \"electionDate\"")),
  ]);
  return { name: jurisdiction.name, slug: jurisdiction.slug, branding, elections };
}
