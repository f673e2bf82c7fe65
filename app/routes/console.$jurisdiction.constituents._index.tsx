import {
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { ConsoleTrail } from "~/components/console-trail";
import { FormMessage, SubmitButton } from "~/components/form";
import { actorFrom } from "~/lib/auth.server";
import { requireConsole } from "~/lib/console.server";
import { db } from "~/lib/db.server";
import { readForm } from "~/lib/forms.server";
import { badRequest, notFound } from "~/lib/http.server";
import { formatDate, localized, useLocale, useT, type MessageKey } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { formatDateTime } from "~/lib/time-zone";
import {
  CONSTITUENT_METHODS,
  constituentSettings,
  MAX_CODE_BATCH,
  saveConstituentMethods,
  setRankingElectorate,
} from "~/services/constituents.server";
import { ELECTORATES } from "~/services/vote-counting.server";

export const meta: MetaFunction = (args) => pageMeta(args, "trust.console.title");
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

/**
 * The clerk's verified-constituent settings (docs/decisions/018-verified-constituents.md):
 * which ways of verifying are on, the voter roll (uploaded as CSV to the upload route, kept as
 * keyed hashes only), batches of one-time codes (generated and downloaded at once by the
 * codes.csv route), and for each election whose votes rank its questions.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { jurisdiction } = await requireConsole(request, params.jurisdiction, "clerk");
  const settings = await constituentSettings(db(), { jurisdictionId: jurisdiction.id });
  // the first day a batch may expire on
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  return { jurisdiction, settings, tomorrow };
}

const MESSAGES = {
  methods: "trust.console.saved.methods",
  electorate: "trust.console.saved.electorate",
  roll: "trust.console.saved.roll",
  rollFile: "trust.console.problem.rollFile",
  rollEmpty: "trust.console.problem.rollEmpty",
  rollTooLarge: "trust.console.problem.rollTooLarge",
  codes: "trust.console.problem.codes",
} as const satisfies Record<string, MessageKey>;

const settingsForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("methods") }),
  z.object({
    intent: z.literal("electorate"),
    electionId: z.uuid(),
    electorate: z.enum(ELECTORATES as ["all", "verified"]),
  }),
]);

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, jurisdiction } = await requireConsole(request, params.jurisdiction, "clerk");
  const actor = actorFrom(context, user);
  const scope = { jurisdictionId: jurisdiction.id };
  const back = (query: Record<string, string>) =>
    redirect(`/console/${jurisdiction.slug}/constituents?${new URLSearchParams(query)}`, {
      status: 303,
    });

  const body = await readForm(request);
  const parsed = settingsForm.safeParse(Object.fromEntries(body));
  if (!parsed.success) throw badRequest();
  if (parsed.data.intent === "methods") {
    const methods = body.getAll("method").map(String);
    await saveConstituentMethods(
      db(),
      scope,
      CONSTITUENT_METHODS.filter((method) => methods.includes(method)),
      actor,
    );
    return back({ done: "methods" });
  }
  const outcome = await setRankingElectorate(db(), scope, parsed.data, actor);
  if (outcome === "notFound") throw notFound();
  return back({ done: "electorate" });
}

const boxClass = "space-y-3 rounded border border-slate-300 p-4";

export default function Constituents() {
  const { jurisdiction, settings, tomorrow } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const [params] = useSearchParams();
  const done = params.get("done") as keyof typeof MESSAGES | null;
  const problem = params.get("problem") as keyof typeof MESSAGES | null;
  const base = `/console/${jurisdiction.slug}/constituents`;
  return (
    <section aria-labelledby="page-title" className="space-y-8">
      <ConsoleTrail
        jurisdiction={{ slug: jurisdiction.slug, name: localized(jurisdiction.name, locale) }}
      />
      <h1 id="page-title" className="text-2xl font-bold">
        {t("trust.console.title")}
      </h1>
      <p>{t("trust.console.intro")}</p>
      <FormMessage message={done ? MESSAGES[done] : undefined} tone="info" />
      {done === "roll" ? (
        <p role="status" data-testid="roll-report">
          {t("trust.console.rollReport", {
            entries: params.get("entries") ?? "0",
            rejected: params.get("rejected") ?? "0",
          })}
          {params.get("lines")
            ? ` ${t("trust.console.rollRejectedLines", { lines: params.get("lines")! })}`
            : null}
        </p>
      ) : null}
      <FormMessage message={problem ? MESSAGES[problem] : undefined} />
      <p>{t("trust.console.verifiedCount", { count: settings.verifiedCount })}</p>

      <form method="post" className={boxClass}>
        <fieldset>
          <legend className="mb-2 text-xl font-semibold">{t("trust.console.methods")}</legend>
          {CONSTITUENT_METHODS.map((method) => (
            <p key={method}>
              <label className="inline-flex items-center gap-2">
                <input
                  type="checkbox"
                  name="method"
                  value={method}
                  defaultChecked={settings.methods.includes(method)}
                />
                {t(`trust.console.method.${method}`)}
              </label>
            </p>
          ))}
        </fieldset>
        <input type="hidden" name="intent" value="methods" />
        <SubmitButton>{t("trust.console.saveMethods")}</SubmitButton>
      </form>

      <section aria-labelledby="roll-title" className={boxClass}>
        <h2 id="roll-title" className="text-xl font-semibold">
          {t("trust.console.roll")}
        </h2>
        <p data-testid="roll-entries">
          {t("trust.console.rollEntries", { count: settings.rollEntries })}
        </p>
        <p className="text-sm text-slate-700">{t("trust.console.rollHelp")}</p>
        <form
          method="post"
          action={`${base}/upload`}
          encType="multipart/form-data"
          className="space-y-3"
        >
          <label htmlFor="roll" className="block font-medium">
            {t("trust.console.rollFile")}
          </label>
          <input id="roll" name="roll" type="file" accept=".csv,text/csv" required />
          <SubmitButton>{t("trust.console.uploadRoll")}</SubmitButton>
        </form>
      </section>

      <section aria-labelledby="codes-title" className={boxClass}>
        <h2 id="codes-title" className="text-xl font-semibold">
          {t("trust.console.codes")}
        </h2>
        <p className="text-sm text-slate-700">{t("trust.console.codesHelp")}</p>
        <form method="post" action={`${base}/codes.csv`} className="space-y-3">
          <p>
            <label htmlFor="size" className="block font-medium">
              {t("trust.console.codesSize")}
            </label>
            <input
              id="size"
              name="size"
              type="number"
              min={1}
              max={MAX_CODE_BATCH}
              defaultValue={100}
              required
              className="rounded border border-slate-500 px-3 py-2"
            />
          </p>
          <p>
            <label htmlFor="expires" className="block font-medium">
              {t("trust.console.codesExpire")}
            </label>
            <input
              id="expires"
              name="expires"
              type="date"
              min={tomorrow}
              required
              className="rounded border border-slate-500 px-3 py-2"
            />
          </p>
          <SubmitButton>{t("trust.console.generateCodes")}</SubmitButton>
        </form>
        {settings.batches.length > 0 ? (
          <table className="w-full text-left text-sm">
            <caption className="text-left font-medium">{t("trust.console.batches")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("trust.console.batchCreated")}</th>
                <th scope="col">{t("trust.console.batchSize")}</th>
                <th scope="col">{t("trust.console.batchUsed")}</th>
                <th scope="col">{t("trust.console.batchExpires")}</th>
              </tr>
            </thead>
            <tbody>
              {settings.batches.map((batch) => (
                <tr key={batch.id}>
                  <td>{formatDateTime(batch.createdAt, locale, jurisdiction.timeZone)}</td>
                  <td>{batch.size}</td>
                  <td>{batch.used}</td>
                  <td>{formatDate(new Date(batch.expiresAt), locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>

      <section aria-labelledby="ranking-title" className={boxClass}>
        <h2 id="ranking-title" className="text-xl font-semibold">
          {t("trust.console.ranking")}
        </h2>
        <p className="text-sm text-slate-700">{t("trust.console.rankingHelp")}</p>
        {settings.elections.length === 0 ? (
          <p>{t("console.noElections")}</p>
        ) : (
          <ul className="space-y-3">
            {settings.elections.map((election) => (
              <li key={election.id}>
                <form method="post" className="flex flex-wrap items-end gap-3">
                  <input type="hidden" name="intent" value="electorate" />
                  <input type="hidden" name="electionId" value={election.id} />
                  <p>
                    <label htmlFor={`electorate-${election.id}`} className="block font-medium">
                      {localized(election.name, locale)}
                    </label>
                    <select
                      id={`electorate-${election.id}`}
                      name="electorate"
                      defaultValue={election.electorate}
                      className="rounded border border-slate-500 px-3 py-2"
                    >
                      {ELECTORATES.map((electorate) => (
                        <option key={electorate} value={electorate}>
                          {t(`trust.console.electorate.${electorate}`)}
                        </option>
                      ))}
                    </select>
                  </p>
                  <SubmitButton>{t("trust.console.saveRanking")}</SubmitButton>
                </form>
              </li>
            ))}
          </ul>
        )}
      </section>
    </section>
  );
}
