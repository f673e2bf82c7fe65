import { randomUUID } from "node:crypto";
import {
  redirect,
  unstable_composeUploadHandlers,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import type { InputHTMLAttributes } from "react";
import { z } from "zod";
import { ConsoleTrail } from "~/components/console-trail";
import { Field, FormMessage, SubmitButton } from "~/components/form";
import { actorFrom } from "~/lib/auth.server";
import { requireConsole } from "~/lib/console.server";
import { db } from "~/lib/db.server";
import { parseForm, readForm, type FieldErrors } from "~/lib/forms.server";
import { badRequest, notFound } from "~/lib/http.server";
import { formatDate, localized, useLocale, useT, type MessageKey } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { storage } from "~/lib/storage.server";
import {
  createImport,
  feedElections,
  FeedTooLargeError,
  listImports,
  saveFeedSettings,
  storeUpload,
} from "~/services/imports/console.server";
import { MIN_REFRESH_MINUTES, REFRESH_FAILURE_LIMIT } from "~/services/imports/refresh.server";

export const meta: MetaFunction = (args) => pageMeta(args, "import.title");
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

/**
 * Ballot imports (docs/imports.md): upload a feed file, give its address, or attach an address to
 * an election for scheduled refresh; and the list of imports with their outcome. Clerks only.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { jurisdiction } = await requireConsole(request, params.jurisdiction, "clerk");
  const [imports, elections] = await Promise.all([
    listImports(db(), jurisdiction.id),
    feedElections(db(), jurisdiction.id),
  ]);
  return { jurisdiction, imports, elections };
}

const electionField = z.union([z.uuid(), z.literal("")], { error: "import.errors.election" });

const urlSchema = z.object({
  election: electionField,
  url: z
    .url({ protocol: /^https?$/, error: "import.errors.url" })
    .max(2_000, { error: "import.errors.url" }),
});

const feedSchema = z.object({
  electionId: z.uuid({ error: "import.errors.election" }),
  feedUrl: z.union([
    z.literal(""),
    z
      .url({ protocol: /^https?$/, error: "import.errors.url" })
      .max(2_000, { error: "import.errors.url" }),
  ]),
  interval: z.coerce
    .number({ error: "import.errors.interval" })
    .int({ error: "import.errors.interval" })
    .min(MIN_REFRESH_MINUTES, { error: "import.errors.interval" })
    .max(7 * 24 * 60, { error: "import.errors.interval" }),
});

type ActionResult = {
  form: "upload" | "url" | "feed";
  errors: FieldErrors;
  values: Record<string, string>;
};

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, jurisdiction } = await requireConsole(request, params.jurisdiction, "clerk");
  const actor = actorFrom(context, user);
  const done = (importId: string) =>
    redirect(`/console/${jurisdiction.slug}/imports/${importId}`, { status: 303 });

  if (request.headers.get("content-type")?.startsWith("multipart/form-data")) {
    // the file streams to storage as it arrives; the other fields are a few bytes
    const importId = randomUUID();
    let stored: { key: string; size: number; fileName: string } | null = null;
    let storing = false;
    let form: FormData;
    try {
      form = await unstable_parseMultipartFormData(
        request,
        unstable_composeUploadHandlers(
          async ({ name, filename, contentType, data }) => {
            if (name !== "feed" || !filename || stored) return undefined;
            storing = true;
            const saved = await storeUpload(
              importId,
              data,
              contentType || "application/octet-stream",
            );
            storing = false;
            stored = { ...saved, fileName: filename.slice(0, 200) };
            return saved.key;
          },
          unstable_createMemoryUploadHandler({ maxPartSize: 10_000 }),
        ),
      );
    } catch (error) {
      if (error instanceof FeedTooLargeError)
        return {
          form: "upload",
          errors: { feed: "import.errors.tooLarge" },
          values: {},
        } satisfies ActionResult;
      // a storage failure is ours; any other error is a malformed body (a part with no name…)
      if (storing) throw error;
      throw badRequest();
    }
    const upload = stored as { key: string; size: number; fileName: string } | null;
    const election = electionField.safeParse(form.get("election") ?? "");
    const problem: MessageKey | null = !upload
      ? "import.errors.file"
      : upload.size === 0
        ? "import.errors.empty"
        : !election.success
          ? "import.errors.election"
          : null;
    const created =
      upload && !problem
        ? await createImport(db(), {
            kind: "upload",
            importId,
            fileName: upload.fileName,
            storageKey: upload.key,
            jurisdictionId: jurisdiction.id,
            electionId: election.data || null,
            actor,
          })
        : null;
    if (created) return done(created);
    if (upload) await storage().delete(upload.key);
    if (!problem) throw notFound(); // an election of another jurisdiction
    return {
      form: "upload",
      errors: { [problem === "import.errors.election" ? "election" : "feed"]: problem },
      values: {},
    } satisfies ActionResult;
  }

  const body = await readForm(request);
  const intent = body.get("intent");
  if (intent === "url") {
    const parsed = parseForm(urlSchema, body);
    if (!parsed.ok)
      return { form: "url", errors: parsed.errors, values: parsed.values } satisfies ActionResult;
    const created = await createImport(db(), {
      kind: "url",
      url: parsed.data.url,
      jurisdictionId: jurisdiction.id,
      electionId: parsed.data.election || null,
      actor,
    });
    if (!created) throw notFound();
    return done(created);
  }
  if (intent === "feed") {
    const parsed = parseForm(feedSchema, body);
    if (!parsed.ok)
      return { form: "feed", errors: parsed.errors, values: parsed.values } satisfies ActionResult;
    const saved = await saveFeedSettings(db(), {
      jurisdictionId: jurisdiction.id,
      electionId: parsed.data.electionId,
      feedUrl: parsed.data.feedUrl || null,
      intervalMinutes: parsed.data.interval,
      actor,
    });
    if (!saved) throw notFound();
    return redirect(`/console/${jurisdiction.slug}/imports?done=feedSaved`, { status: 303 });
  }
  throw badRequest();
}

/** The election an import is for; `id` keeps the page's two copies apart. */
function ElectionSelect({
  id,
  elections,
  error,
}: {
  id: string;
  elections: Array<{ id: string; label: string }>;
  error?: MessageKey;
}) {
  const t = useT();
  return (
    <div className="mb-4">
      <label htmlFor={id} className="mb-1 block font-medium">
        {t("import.election.label")}
      </label>
      <select
        id={id}
        name="election"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        className="w-full rounded border border-slate-500 px-3 py-2 text-base"
      >
        <option value="">{t("import.election.fromFeed")}</option>
        {elections.map((election) => (
          <option key={election.id} value={election.id}>
            {election.label}
          </option>
        ))}
      </select>
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-sm font-medium text-red-800">
          {t(error)}
        </p>
      ) : null}
    </div>
  );
}

/** A field of one election's schedule form: ids carry the election's, as every election has one. */
function ScheduleField({
  electionId,
  name,
  label,
  error,
  ...input
}: {
  electionId: string;
  name: string;
  label: MessageKey;
  error?: MessageKey;
} & Omit<InputHTMLAttributes<HTMLInputElement>, "name" | "id">) {
  const t = useT();
  const id = `${name}-${electionId}`;
  return (
    <div className="mb-4">
      <label htmlFor={id} className="mb-1 block font-medium">
        {t(label)}
      </label>
      <input
        id={id}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        className="w-full rounded border border-slate-500 px-3 py-2 text-base"
        {...input}
      />
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-sm font-medium text-red-800">
          {t(error)}
        </p>
      ) : null}
    </div>
  );
}

export default function Imports() {
  const { jurisdiction, imports, elections } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const [params] = useSearchParams();
  const t = useT();
  const locale = useLocale();
  const errorsFor = (form: ActionResult["form"]): FieldErrors =>
    result?.form === form ? result.errors : {};
  const electionOptions = elections.map((election) => ({
    id: election.id,
    label: `${localized(election.name, locale)} (${formatDate(election.electionDate, locale)})`,
  }));
  return (
    <section aria-labelledby="page-title" className="space-y-8">
      <ConsoleTrail
        jurisdiction={{ slug: jurisdiction.slug, name: localized(jurisdiction.name, locale) }}
      />
      <div>
        <h1 id="page-title" className="text-2xl font-bold">
          {t("import.title")}
        </h1>
        <p className="mt-2 max-w-prose">{t("import.intro")}</p>
      </div>
      <FormMessage
        message={params.get("done") === "feedSaved" ? "import.feed.saved" : undefined}
        tone="info"
      />

      <section aria-labelledby="upload-title" className="max-w-xl">
        <h2 id="upload-title" className="mb-2 text-xl font-semibold">
          {t("import.upload.title")}
        </h2>
        <Form method="post" encType="multipart/form-data" reloadDocument>
          <Field
            name="feed"
            type="file"
            label="import.upload.file"
            hint="import.upload.fileHint"
            accept=".xml,.zip,.csv,.txt"
            error={errorsFor("upload").feed}
          />
          <ElectionSelect
            id="upload-election"
            elections={electionOptions}
            error={errorsFor("upload").election}
          />
          <SubmitButton>{t("import.upload.submit")}</SubmitButton>
        </Form>
      </section>

      <section aria-labelledby="url-title" className="max-w-xl">
        <h2 id="url-title" className="mb-2 text-xl font-semibold">
          {t("import.url.title")}
        </h2>
        <Form method="post">
          <input type="hidden" name="intent" value="url" />
          <Field
            name="url"
            type="url"
            label="import.url.label"
            defaultValue={result?.form === "url" ? result.values.url : undefined}
            error={errorsFor("url").url}
          />
          <ElectionSelect
            id="url-election"
            elections={electionOptions}
            error={errorsFor("url").election}
          />
          <SubmitButton>{t("import.url.submit")}</SubmitButton>
        </Form>
      </section>

      <section aria-labelledby="feed-title">
        <h2 id="feed-title" className="mb-2 text-xl font-semibold">
          {t("import.feed.title")}
        </h2>
        <p className="mb-4 max-w-prose">
          {t("import.feed.intro", { limit: REFRESH_FAILURE_LIMIT, minutes: MIN_REFRESH_MINUTES })}
        </p>
        {elections.length === 0 ? (
          <p>{t("import.feed.none")}</p>
        ) : (
          <ul className="space-y-4">
            {elections.map((election) => {
              const mine = result?.form === "feed" && result.values.electionId === election.id;
              const errors = mine ? result.errors : {};
              return (
                <li key={election.id} className="rounded border border-slate-300 p-4">
                  <h3 className="mb-2 font-semibold">
                    {localized(election.name, locale)} ({formatDate(election.electionDate, locale)})
                  </h3>
                  {election.refreshPausedAt ? (
                    <p
                      role="status"
                      className="mb-3 rounded border border-red-700 bg-red-50 p-3 text-red-900"
                    >
                      {t("import.feed.paused", { count: election.refreshFailures })}
                    </p>
                  ) : null}
                  <Form method="post" className="max-w-xl">
                    <input type="hidden" name="intent" value="feed" />
                    <input type="hidden" name="electionId" value={election.id} />
                    <ScheduleField
                      electionId={election.id}
                      name="feedUrl"
                      type="url"
                      label="import.feed.url"
                      defaultValue={mine ? result.values.feedUrl : (election.feedUrl ?? "")}
                      error={errors.feedUrl}
                    />
                    <ScheduleField
                      electionId={election.id}
                      name="interval"
                      type="number"
                      min={MIN_REFRESH_MINUTES}
                      label="import.feed.interval"
                      defaultValue={
                        mine
                          ? result.values.interval
                          : String(election.refreshIntervalMinutes ?? 60)
                      }
                      error={errors.interval}
                    />
                    <SubmitButton>
                      {t(election.refreshPausedAt ? "import.feed.saveResume" : "import.feed.save")}
                    </SubmitButton>
                  </Form>
                </li>
              );
            })}
          </ul>
        )}
      </section>

      <section aria-labelledby="list-title">
        <h2 id="list-title" className="mb-2 text-xl font-semibold">
          {t("import.list.title")}
        </h2>
        {imports.length === 0 ? (
          <p>{t("import.list.none")}</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left">
              <thead>
                <tr className="border-b border-slate-300">
                  <th scope="col" className="py-2 pr-3">
                    {t("import.list.when")}
                  </th>
                  <th scope="col" className="py-2 pr-3">
                    {t("import.list.source")}
                  </th>
                  <th scope="col" className="py-2 pr-3">
                    {t("import.list.election")}
                  </th>
                  <th scope="col" className="py-2 pr-3">
                    {t("import.list.status")}
                  </th>
                  <th scope="col" className="py-2">
                    {t("import.list.rejected")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {imports.map((item) => (
                  <tr key={item.id} className="border-b border-slate-200 align-top">
                    <td className="py-2 pr-3">
                      <a
                        href={`/console/${jurisdiction.slug}/imports/${item.id}`}
                        className="text-brand underline"
                      >
                        {new Intl.DateTimeFormat(locale, {
                          dateStyle: "medium",
                          timeStyle: "short",
                          timeZone: jurisdiction.timeZone,
                        }).format(new Date(item.createdAt))}
                      </a>
                    </td>
                    <td className="py-2 pr-3 break-all">
                      {t(`import.kind.${item.sourceKind}`)}: {item.source}
                    </td>
                    <td className="py-2 pr-3">
                      {item.electionName ? localized(item.electionName, locale) : "—"}
                    </td>
                    <td className="py-2 pr-3">{t(`import.status.${item.status}`)}</td>
                    <td className="py-2">{item.rejectedTotal}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </section>
  );
}
