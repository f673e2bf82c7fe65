import { z } from "zod";
import { audit, type Actor } from "~/lib/audit.server";
import type { DbOrTransaction } from "~/lib/db.server";
import { optionalText, requiredText, slugField } from "~/lib/form-schemas.server";
import type { LocalizedText } from "~/lib/i18n";

/**
 * Topic tags: a list each jurisdiction's clerk curates (housing, transit, public safety…);
 * a question carries up to MAX_TAGS of them, chosen by its author; voters filter a contest's
 * questions by tag and may follow a tag.
 */
export const MAX_TAGS = 5;

export type TopicTag = { id: string; slug: string; name: LocalizedText; archived: boolean };

type TagRow = { id: string; slug: string; name: LocalizedText; archived_at: Date | null };
const toTag = (row: TagRow): TopicTag => ({
  id: row.id,
  slug: row.slug,
  name: row.name,
  archived: row.archived_at !== null,
});

/** The jurisdiction's tags by slug; archived ones only when asked (the clerk's list). */
export async function listTags(
  db: DbOrTransaction,
  jurisdictionId: string,
  { withArchived = false } = {},
): Promise<TopicTag[]> {
  const query = db("topic_tags").where({ jurisdiction_id: jurisdictionId }).orderBy("slug");
  if (!withArchived) query.whereNull("archived_at");
  return (await query.select<TagRow[]>("id", "slug", "name", "archived_at")).map(toTag);
}

export async function findTag(
  db: DbOrTransaction,
  jurisdictionId: string,
  slug: string,
): Promise<TopicTag | null> {
  const row = await db("topic_tags")
    .where({ jurisdiction_id: jurisdictionId, slug })
    .first<TagRow | undefined>("id", "slug", "name", "archived_at");
  return row ? toTag(row) : null;
}

/** A question's tags, by slug. */
export async function questionTags(db: DbOrTransaction, questionId: string): Promise<TopicTag[]> {
  const rows = await db("question_tags as qt")
    .join("topic_tags as t", "t.id", "qt.tag_id")
    .where("qt.question_id", questionId)
    .orderBy("t.slug")
    .select<TagRow[]>("t.id", "t.slug", "t.name", "t.archived_at");
  return rows.map(toTag);
}

/** The tag ids of a form's checkboxes (`tag`, repeated): unknown values are dropped later. */
export function tagIdsFrom(form: FormData): string[] {
  return [
    ...new Set(form.getAll("tag").filter((value): value is string => typeof value === "string")),
  ];
}

/**
 * Sets a question's tags to these (at most MAX_TAGS; only the jurisdiction's current tags:
 * anything else is ignored, as a stale form may hold an archived one).
 */
export async function setQuestionTags(
  trx: DbOrTransaction,
  question: { id: string; jurisdictionId: string },
  tagIds: string[],
): Promise<void> {
  const valid = tagIds.length
    ? await trx("topic_tags")
        .where({ jurisdiction_id: question.jurisdictionId })
        .whereNull("archived_at")
        .whereIn(
          "id",
          tagIds.filter((id) => z.uuid().safeParse(id).success),
        )
        .orderBy("slug")
        .limit(MAX_TAGS)
        .pluck("id")
    : [];
  await trx("question_tags").where({ question_id: question.id }).delete();
  if (valid.length)
    await trx("question_tags").insert(
      valid.map((tagId: string) => ({ question_id: question.id, tag_id: tagId })),
    );
}

export const tagForm = z.object({
  slug: slugField,
  nameEn: requiredText(60),
  nameEs: optionalText(60),
});

/** The clerk adds a tag, or renames one (same slug); audited. */
export async function saveTag(
  db: DbOrTransaction,
  jurisdictionId: string,
  input: z.output<typeof tagForm>,
  actor: Actor,
): Promise<void> {
  const name = input.nameEs ? { en: input.nameEn, es: input.nameEs } : { en: input.nameEn };
  return db.transaction(async (trx) => {
    const [row] = await trx("topic_tags")
      .insert({ jurisdiction_id: jurisdictionId, slug: input.slug, name })
      .onConflict(["jurisdiction_id", "slug"])
      .merge({ name, updated_at: trx.fn.now() })
      .returning<Array<{ id: string; created: boolean }>>(["id", trx.raw("(xmax = 0) as created")]);
    await audit(trx, actor, {
      action: row!.created ? "topic.created" : "topic.renamed",
      targetType: "topic_tag",
      targetId: row!.id,
      jurisdictionId,
      details: { slug: input.slug, name },
    });
  });
}

/** The clerk archives a tag (no new questions take it; questions keep it) or restores it. */
export async function setTagArchived(
  db: DbOrTransaction,
  jurisdictionId: string,
  tagId: string,
  archived: boolean,
  actor: Actor,
): Promise<boolean> {
  if (!z.uuid().safeParse(tagId).success) return false;
  return db.transaction(async (trx) => {
    const changed = await trx("topic_tags")
      .where({ id: tagId, jurisdiction_id: jurisdictionId })
      .update({ archived_at: archived ? trx.fn.now() : null, updated_at: trx.fn.now() });
    if (!changed) return false;
    await audit(trx, actor, {
      action: archived ? "topic.archived" : "topic.restored",
      targetType: "topic_tag",
      targetId: tagId,
      jurisdictionId,
    });
    return true;
  });
}
