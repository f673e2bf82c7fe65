import {
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { FormMessage, SubmitButton } from "~/components/form";
import { TagCheckboxes } from "~/components/topic-tags";
import { actorFrom, requireUser } from "~/lib/auth.server";
import { db } from "~/lib/db.server";
import { parseForm, readForm } from "~/lib/forms.server";
import { notFound } from "~/lib/http.server";
import { useT } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { withNotice } from "~/lib/notices";
import { questionPath } from "~/lib/paths";
import { QUESTION_MAX_LENGTH, QUESTION_MIN_LENGTH, questionBodyField } from "~/services/ask.server";
import { editQuestionByAuthor, questionForAuthorEdit } from "~/services/question-history.server";
import { listTags, questionTags, tagIdsFrom } from "~/services/topics.server";

export const meta: MetaFunction = (args) => pageMeta(args, "civic.edit.title");
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

/** The author's own question, editable until its first answer (every version is kept). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const question = await questionForAuthorEdit(db(), user.id, params.id ?? "");
  if (!question) throw notFound();
  const [tags, current] = await Promise.all([
    listTags(db(), question.jurisdictionId),
    questionTags(db(), question.id),
  ]);
  return { question, tags, checked: current.map((tag) => tag.id) };
}

const editSchema = z.object({ body: questionBodyField });

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const body = await readForm(request);
  const form = parseForm(editSchema, body);
  if (!form.ok) return { errors: form.errors, values: form.values, tagIds: tagIdsFrom(body) };
  const outcome = await editQuestionByAuthor(
    db(),
    {
      questionId: params.id ?? "",
      userId: user.id,
      body: form.data.body,
      tagIds: tagIdsFrom(body),
    },
    actorFrom(context, user),
  );
  if (!outcome.ok && outcome.problem === "notFound") throw notFound();
  if (!outcome.ok)
    return {
      errors: { form: "civic.edit.answered" as const },
      values: { body: form.data.body },
      tagIds: tagIdsFrom(body),
    };
  const notice = outcome.requeued ? "editPending" : "edited";
  return redirect(withNotice(questionPath(params.id!), notice), { status: 303 });
}

export default function EditQuestion() {
  const { question, tags, checked } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const errors = result?.errors ?? {};
  const bodyError = "body" in errors ? errors.body : undefined;
  return (
    <section aria-labelledby="edit-title" className="space-y-4">
      <p className="text-sm">
        <Link to={questionPath(question.id)} className="text-brand underline">
          {t("civic.edit.back")}
        </Link>
      </p>
      <h1 id="edit-title" className="text-2xl font-bold">
        {t("civic.edit.title")}
      </h1>
      <p>{t("civic.edit.intro")}</p>
      <Form method="post" noValidate className="space-y-4">
        <FormMessage message={"form" in errors ? errors.form : undefined} />
        <div>
          <label htmlFor="body" className="mb-1 block font-medium">
            {t("ask.body")}
          </label>
          <textarea
            id="body"
            name="body"
            required
            minLength={QUESTION_MIN_LENGTH}
            maxLength={QUESTION_MAX_LENGTH}
            rows={5}
            defaultValue={result?.values.body ?? question.body}
            aria-invalid={bodyError ? true : undefined}
            aria-describedby={bodyError ? "body-error" : undefined}
            className="w-full rounded border border-slate-500 px-3 py-2 text-base"
          />
          {bodyError ? (
            <p id="body-error" className="mt-1 text-sm font-medium text-red-800">
              {t(bodyError)}
            </p>
          ) : null}
        </div>
        <TagCheckboxes tags={tags} checked={result?.tagIds ?? checked} />
        <SubmitButton>{t("civic.edit.submit")}</SubmitButton>
      </Form>
    </section>
  );
}
