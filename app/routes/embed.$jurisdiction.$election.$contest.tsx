import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { EmbedCard } from "~/components/embed-card";
import { LocalizedText } from "~/components/localized-text";
import type { RouteHandle } from "~/root";
import { publicPageHeaders } from "~/lib/cache.server";
import { config } from "~/lib/config.server";
import { resolveTheme } from "~/lib/contrast";
import { db } from "~/lib/db.server";
import { notFound } from "~/lib/http.server";
import { localized, useT } from "~/lib/i18n";
import { contentMeta } from "~/lib/meta";
import { contestPath, questionPath } from "~/lib/paths";
import { contestCandidates, findContest } from "~/services/contests.server";
import { findElection } from "~/services/elections.server";
import { listContestQuestions } from "~/services/question-reads.server";
import { supportFilterFor } from "~/services/vote-counting.server";

export const handle: RouteHandle = { bare: true };

/** Questions a card shows: the contest's top few, like the top of its page. */
const CARD_QUESTIONS = 5;

/**
 * The embeddable card of a contest (`<iframe src="/embed/<jurisdiction>/<election>/<contest>">`):
 * its candidates and top questions, themed by `?theme=light|dark&accent=<hex>`, no JavaScript,
 * the same for every visitor (no session is read), so shared caches may keep it. Only this
 * path family may be framed (app/lib/web-security.server.ts, docs/decisions/021).
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const election = await findElection(db(), params.jurisdiction ?? "", params.election ?? "");
  const contest = election && (await findContest(db(), election.id, params.contest ?? ""));
  if (!election || !contest) throw notFound();
  const [candidates, questions] = await Promise.all([
    contestCandidates(db(), contest.id),
    listContestQuestions(db(), contest.id, "top", 1, supportFilterFor(election)),
  ]);
  const slugs = { jurisdiction: election.jurisdictionSlug, election: election.slug };
  return data(
    {
      theme: resolveTheme(new URL(request.url).searchParams),
      electionName: election.name,
      contest: { title: contest.title },
      candidates: candidates.map((candidate) => candidate.ballotName),
      questions: questions.questions.slice(0, CARD_QUESTIONS),
      fullPage: new URL(contestPath(slugs, contest.slug), config().APP_URL).toString(),
      appUrl: config().APP_URL,
    },
    { headers: { "Cache-Control": "public, max-age=60, stale-while-revalidate=60" } },
  );
}

export const headers = publicPageHeaders;

export const meta: MetaFunction<typeof loader> = (args) =>
  args.data
    ? contentMeta(args, (locale) => ({
        title: localized(args.data!.contest.title, locale),
        description: localized(args.data!.electionName, locale),
      }))
    : [];

export default function ContestCard() {
  const { theme, electionName, contest, candidates, questions, fullPage, appUrl } =
    useLoaderData<typeof loader>();
  const t = useT();
  return (
    <EmbedCard theme={theme} href={fullPage}>
      <header>
        <LocalizedText as="h1" text={contest.title} className="text-xl font-bold" />
        <LocalizedText as="p" text={electionName} className="text-sm" />
      </header>
      {candidates.length > 0 ? (
        <p>
          <span className="font-semibold">{t("opendata.embed.candidates")}</span>{" "}
          {candidates.join(" · ")}
        </p>
      ) : null}
      <h2 className="font-semibold">{t("opendata.embed.topQuestions")}</h2>
      {questions.length === 0 ? <p>{t("opendata.embed.noQuestions")}</p> : null}
      <ol className="list-decimal space-y-2 pl-5">
        {questions.map((question) => (
          <li key={question.id}>
            <a
              href={new URL(questionPath(question.id), appUrl).toString()}
              target="_blank"
              rel="noopener"
              lang={question.language}
              className="text-[color:var(--accent)] underline"
            >
              {question.body}
            </a>
            <span className="block text-sm">
              {t("opendata.embed.counts", {
                votes: question.voteCount,
                answers: question.answerCount,
              })}
            </span>
          </li>
        ))}
      </ol>
    </EmbedCard>
  );
}
