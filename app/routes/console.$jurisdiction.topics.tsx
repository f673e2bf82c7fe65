import {
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { ConsoleTrail } from "~/components/console-trail";
import { ActionButton, LocalizedFields } from "~/components/fields";
import { Field, FormMessage, SubmitButton } from "~/components/form";
import { actorFrom } from "~/lib/auth.server";
import { requireConsole } from "~/lib/console.server";
import { db } from "~/lib/db.server";
import { parseForm, readForm } from "~/lib/forms.server";
import { badRequest } from "~/lib/http.server";
import { localized, useLocale, useT } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { listTags, saveTag, setTagArchived, tagForm } from "~/services/topics.server";

export const meta: MetaFunction = (args) => pageMeta(args, "civic.topics.title");
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

/** The jurisdiction's topic tags, which questions may carry: add, rename, archive, restore. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { jurisdiction } = await requireConsole(request, params.jurisdiction, "clerk");
  return { jurisdiction, tags: await listTags(db(), jurisdiction.id, { withArchived: true }) };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, jurisdiction } = await requireConsole(request, params.jurisdiction, "clerk");
  const body = await readForm(request);
  const intent = body.get("intent") ?? "save";
  const actor = actorFrom(context, user);
  const done = (what: string) =>
    redirect(`/console/${jurisdiction.slug}/topics?done=${what}`, { status: 303 });
  if (intent === "archive" || intent === "restore") {
    const changed = await setTagArchived(
      db(),
      jurisdiction.id,
      String(body.get("tagId") ?? ""),
      intent === "archive",
      actor,
    );
    if (!changed) throw badRequest();
    return done(intent === "archive" ? "archived" : "restored");
  }
  if (intent !== "save") throw badRequest();
  const form = parseForm(tagForm, body);
  if (!form.ok) return { errors: form.errors, values: form.values };
  await saveTag(db(), jurisdiction.id, form.data, actor);
  return done("saved");
}

const DONE = {
  saved: "civic.topics.saved",
  archived: "civic.topics.archivedDone",
  restored: "civic.topics.restoredDone",
} as const;

export default function Topics() {
  const { jurisdiction, tags } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const [params] = useSearchParams();
  const done = params.get("done");
  return (
    <section aria-labelledby="page-title" className="space-y-6">
      <ConsoleTrail
        jurisdiction={{ slug: jurisdiction.slug, name: localized(jurisdiction.name, locale) }}
      />
      <h1 id="page-title" className="text-2xl font-bold">
        {t("civic.topics.title")}
      </h1>
      <p>{t("civic.topics.intro")}</p>
      <FormMessage
        message={done && Object.hasOwn(DONE, done) ? DONE[done as keyof typeof DONE] : undefined}
        tone="info"
      />
      {tags.length === 0 ? (
        <p>{t("civic.topics.none")}</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left">
            <thead>
              <tr className="border-b border-slate-300">
                <th scope="col" className="py-2 pr-3">
                  {t("civic.topics.name")}
                </th>
                <th scope="col" className="py-2 pr-3">
                  {t("civic.topics.slug")}
                </th>
                <th scope="col" className="py-2">
                  {t("civic.topics.state")}
                </th>
              </tr>
            </thead>
            <tbody>
              {tags.map((tag) => (
                <tr key={tag.id} className="border-b border-slate-200">
                  <td className="py-2 pr-3">{localized(tag.name, locale)}</td>
                  <td className="py-2 pr-3">{tag.slug}</td>
                  <td className="py-2">
                    {tag.archived ? t("civic.topics.archived") : t("civic.topics.active")}{" "}
                    <ActionButton
                      intent={tag.archived ? "restore" : "archive"}
                      fields={{ tagId: tag.id }}
                      label={t(tag.archived ? "civic.topics.restore" : "civic.topics.archive")}
                      accessibleLabel={t(
                        tag.archived ? "civic.topics.restoreLabel" : "civic.topics.archiveLabel",
                        { name: localized(tag.name, locale) },
                      )}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <section aria-labelledby="add-title">
        <h2 id="add-title" className="mb-2 text-xl font-semibold">
          {t("civic.topics.add")}
        </h2>
        <p className="mb-2 text-sm text-slate-700">{t("civic.topics.addHint")}</p>
        <form method="post">
          <input type="hidden" name="intent" value="save" />
          <Field
            name="slug"
            label="civic.topics.slug"
            hint="civic.topics.slugHint"
            defaultValue={result?.values.slug}
            error={result?.errors.slug}
            required
          />
          <LocalizedFields
            name="name"
            label="civic.topics.name"
            values={result?.values ?? {}}
            errors={result?.errors ?? {}}
            required
          />
          <SubmitButton>{t("civic.topics.save")}</SubmitButton>
        </form>
      </section>
    </section>
  );
}
