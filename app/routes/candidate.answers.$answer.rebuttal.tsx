import {
  data,
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { AnswerView } from "~/components/answer-view";
import { FormMessage } from "~/components/form";
import { AnswerRulesNotice, ContentFields } from "~/components/written-content-fields";
import { actorFrom } from "~/lib/auth.server";
import { requireCandidate } from "~/lib/candidate-access.server";
import { db } from "~/lib/db.server";
import { parseForm, readForm, type FieldErrors } from "~/lib/forms.server";
import { forbidden, notFound } from "~/lib/http.server";
import { useLocale, useT, type MessageKey } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { contentFields } from "~/services/answer-content";
import { writtenContentForm } from "~/services/answer-content.server";
import { answersForQuestions } from "~/services/answers.server";
import { postRebuttal, rebuttalTarget, type RebuttalOutcome } from "~/services/rebuttals.server";

export const meta: MetaFunction = (args) => pageMeta(args, "answers.rebuttal.title");
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

async function load(request: Request, answerId: string | undefined) {
  const access = await requireCandidate(request);
  const lookup = await rebuttalTarget(db(), access.candidacies, answerId ?? "");
  if (!lookup.ok) throw lookup.problem === "ownAnswer" ? forbidden() : notFound();
  return { ...access, target: lookup.target };
}

/**
 * A rebuttal of another candidate's answer in the same contest: the answer as voters see it,
 * then the one rebuttal this candidate may post (a text and sources), or the one they posted.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { target } = await load(request, params.answer);
  const answers = await answersForQuestions(db(), [target.answer.questionId]);
  const answer = answers.get(target.answer.questionId)?.find((a) => a.id === target.answer.id);
  if (!answer) throw notFound();
  return { target, answer };
}

type ActionResult = {
  errors: FieldErrors;
  values: Record<string, string>;
  problem?: Exclude<Exclude<RebuttalOutcome, { ok: true }>["problem"], "notFound" | "ownAnswer">;
};

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, candidacies, target } = await load(request, params.answer);
  const form = parseForm(
    writtenContentForm(target.rules.maxWords, { withParts: false }),
    await readForm(request),
  );
  if (!form.ok) {
    return data<ActionResult>({ errors: form.errors, values: form.values }, { status: 400 });
  }
  const outcome = await postRebuttal(
    db(),
    { candidacies, answerId: target.answer.id },
    form.data,
    actorFrom(context, user),
  );
  if (!outcome.ok) {
    if (outcome.problem === "notFound") throw notFound();
    if (outcome.problem === "ownAnswer") throw forbidden();
    return data<ActionResult>(
      { errors: {}, values: contentFields(form.data), problem: outcome.problem },
      { status: 409 },
    );
  }
  return redirect(`/candidate/answers/${target.answer.id}/rebuttal?done=posted`, { status: 303 });
}

const PROBLEMS: Record<NonNullable<ActionResult["problem"]>, MessageKey> = {
  alreadyRebutted: "answers.rebuttal.already",
  overWordLimit: "answers.tooManyWords",
  locked: "answers.locked",
  windowClosed: "desk.windowClosed",
};

export default function Rebuttal() {
  const { target, answer } = useLoaderData<typeof loader>();
  const result = useActionData<ActionResult>();
  const t = useT();
  const locale = useLocale();
  const question = target.answer;
  return (
    <section aria-labelledby="rebuttal-title" className="max-w-2xl space-y-6">
      <p>
        <a href={`/candidate/questions/${question.questionId}`} className="text-brand underline">
          {t("answers.rebuttal.back")}
        </a>
      </p>
      <h1 id="rebuttal-title" className="text-2xl font-bold">
        {t("answers.rebuttal.title")}
      </h1>
      <blockquote
        className="border-l-4 border-brand pl-4 text-lg"
        lang={question.questionLanguage === locale ? undefined : question.questionLanguage}
      >
        {question.questionBody}
      </blockquote>
      <section aria-labelledby="their-answer" className="space-y-2">
        <h2 id="their-answer" className="text-lg font-semibold">
          {t("answers.rebuttal.theirAnswer", { name: question.candidateName })}
        </h2>
        <AnswerView answer={answer} />
      </section>
      <FormMessage message={result?.problem ? PROBLEMS[result.problem] : undefined} />
      <AnswerRulesNotice rules={target.rules} refusal={target.refusal} />
      {target.existing ? (
        <p role="status">{t("answers.rebuttal.posted")}</p>
      ) : target.refusal === null ? (
        <Form method="post" noValidate className="space-y-3">
          <p className="text-sm text-slate-700">{t("answers.rebuttal.once")}</p>
          <ContentFields
            values={result?.values ?? {}}
            errors={result?.errors ?? {}}
            maxWords={target.rules.maxWords}
          />
          <button
            type="submit"
            className="rounded bg-brand px-4 py-2 font-semibold text-white hover:bg-brand-dark"
          >
            {t("answers.rebuttal.submit")}
          </button>
        </Form>
      ) : null}
    </section>
  );
}
