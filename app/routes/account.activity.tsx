import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { requireUser } from "~/lib/auth.server";
import { db } from "~/lib/db.server";
import { formatDate, localized, useLocale, useT, type MessageKey } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { questionsAskedBy, questionsVotedBy, type ActivityPage } from "~/services/activity.server";

export const meta: MetaFunction = (args) =>
  pageMeta(args, "activity.title", "activity.description");
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

/** `?asked=2&voted=1`: each list pages on its own; anything odd is page 1. */
function pageParam(url: URL, name: string): number {
  const value = Number(url.searchParams.get(name));
  return Number.isInteger(value) && value >= 1 && value <= 10_000 ? value : 1;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const url = new URL(request.url);
  const [asked, voted] = await Promise.all([
    questionsAskedBy(db(), user.id, pageParam(url, "asked")),
    questionsVotedBy(db(), user.id, pageParam(url, "voted")),
  ]);
  return { asked, voted };
}

export default function Activity() {
  const { asked, voted } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <div className="space-y-8">
      <h1 className="text-2xl font-bold">{t("activity.title")}</h1>
      <QuestionList
        id="asked"
        title="activity.questions"
        empty="activity.noQuestions"
        when="activity.askedOn"
        list={asked}
      />
      <QuestionList
        id="voted"
        title="activity.votes"
        empty="activity.noVotes"
        when="activity.votedOn"
        list={voted}
      />
    </div>
  );
}

function QuestionList({
  id,
  title,
  empty,
  when,
  list,
}: {
  id: "asked" | "voted";
  title: MessageKey;
  empty: MessageKey;
  when: MessageKey;
  list: ActivityPage;
}) {
  const t = useT();
  const locale = useLocale();
  const [params] = useSearchParams();
  const pageLink = (page: number) => {
    const next = new URLSearchParams(params);
    next.set(id, String(page));
    return `?${next.toString()}#${id}`;
  };
  return (
    <section id={id} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="mb-3 text-xl font-semibold">
        {t(title)}
      </h2>
      {list.items.length === 0 ? (
        <p>{t(empty)}</p>
      ) : (
        <ul className="space-y-3">
          {list.items.map((question) => (
            <li key={question.id} className="rounded border border-slate-300 p-3">
              <p className="mb-1">
                {question.linkId ? (
                  <Link to={`/questions/${question.linkId}`} className="text-brand underline">
                    {question.body}
                  </Link>
                ) : (
                  question.body
                )}
              </p>
              <p className="text-sm text-slate-700">
                {localized(question.contestTitle, locale)} ·{" "}
                {localized(question.electionName, locale)}
              </p>
              <p className="text-sm text-slate-700">
                {t("activity.status", { status: t(`activity.status.${question.status}`) })} ·{" "}
                {t(when, { date: formatDate(new Date(question.at), locale) })} ·{" "}
                {t("activity.votes.count", { count: question.voteCount })}
              </p>
            </li>
          ))}
        </ul>
      )}
      {list.page > 1 || list.hasMore ? (
        <nav aria-label={t("activity.pages")} className="mt-3 flex gap-4">
          {list.page > 1 ? (
            <Link to={pageLink(list.page - 1)} className="text-brand underline">
              {t("activity.newer")}
            </Link>
          ) : null}
          {list.hasMore ? (
            <Link to={pageLink(list.page + 1)} className="text-brand underline">
              {t("activity.older")}
            </Link>
          ) : null}
        </nav>
      ) : null}
    </section>
  );
}
