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
import { useT } from "~/lib/i18n";
import { questionPath } from "~/lib/paths";
import { answersForQuestions } from "~/services/answers.server";
import { findQuestion } from "~/services/question-reads.server";

export const handle: RouteHandle = { bare: true };

/**
 * The embeddable card of a published question (`/embed/questions/<id>`): the question, its
 * votes, and which candidates have answered, themed like the contest card, no JavaScript.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const question = await findQuestion(db(), params.id ?? "");
  if (!question || question.status !== "published" || question.election.status === "draft")
    throw notFound();
  const answers = await answersForQuestions(db(), [question.id]);
  return data(
    {
      theme: resolveTheme(new URL(request.url).searchParams),
      question: {
        body: question.body,
        language: question.language,
        voteCount: question.voteCount,
        contestTitle: question.contest.title,
      },
      answeredBy: (answers.get(question.id) ?? []).map((answer) => answer.candidate.ballotName),
      fullPage: new URL(questionPath(question.id), config().APP_URL).toString(),
    },
    { headers: { "Cache-Control": "public, max-age=60, stale-while-revalidate=60" } },
  );
}

export const headers = publicPageHeaders;

export const meta: MetaFunction<typeof loader> = ({ data: loaded }) =>
  loaded ? [{ title: `${loaded.question.body.slice(0, 60)} · CivicQ` }] : [];

export default function QuestionCard() {
  const { theme, question, answeredBy, fullPage } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <EmbedCard theme={theme} href={fullPage}>
      <LocalizedText as="p" text={question.contestTitle} className="text-sm" />
      <h1 lang={question.language} className="text-lg font-bold">
        {question.body}
      </h1>
      <p>{t("opendata.embed.votes", { votes: question.voteCount })}</p>
      <p>
        {answeredBy.length > 0
          ? t("opendata.embed.answeredBy", { names: answeredBy.join(", ") })
          : t("opendata.embed.noAnswers")}
      </p>
    </EmbedCard>
  );
}
