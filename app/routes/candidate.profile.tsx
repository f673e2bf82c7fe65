import {
  data,
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { ActionButton, TextAreaField } from "~/components/fields";
import { Field, FormMessage, SubmitButton } from "~/components/form";
import { actorFrom } from "~/lib/auth.server";
import { chooseCandidacy, requireCandidate } from "~/lib/candidate-access.server";
import { db } from "~/lib/db.server";
import { parseForm, readForm, type FieldErrors } from "~/lib/forms.server";
import { withImageUpload } from "~/lib/image-upload.server";
import { badRequest } from "~/lib/http.server";
import { localized, useLocale, useT, type MessageKey } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import {
  BIO_MAX_LENGTH,
  loadProfile,
  MAX_LINKS,
  PHOTO_MAX_BYTES,
  profileForm,
  removePhoto,
  replacePhoto,
  updateProfile,
} from "~/services/candidate-profile.server";

export const meta: MetaFunction = (args) => pageMeta(args, "profile.title");
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

async function load(request: Request) {
  const access = await requireCandidate(request);
  const candidacy = chooseCandidacy(access, new URL(request.url).searchParams.get("candidate"));
  return { ...access, candidacy };
}

/** The candidate's public profile, one per candidacy (`?candidate=<id>` when they hold several). */
export async function loader({ request }: LoaderFunctionArgs) {
  const { candidacies, candidacy } = await load(request);
  return {
    profile: await loadProfile(db(), candidacy.id),
    candidacy: { id: candidacy.id, contestTitle: candidacy.contestTitle },
    others: candidacies
      .filter((other) => other.id !== candidacy.id)
      .map((other) => ({
        id: other.id,
        ballotName: other.ballotName,
        contestTitle: other.contestTitle,
      })),
  };
}

type ActionResult = {
  form: "photo" | "details";
  errors: FieldErrors;
  values: Record<string, string>;
};

const PHOTO_PROBLEMS = {
  notAnImage: "profile.photo.notAnImage",
  tooManyPixels: "profile.photo.tooManyPixels",
} as const satisfies Record<string, MessageKey>;

export async function action({ request, context }: ActionFunctionArgs) {
  const { user, candidacy } = await load(request);
  const actor = actorFrom(context, user);
  const done = (notice: string) =>
    redirect(`/candidate/profile?candidate=${candidacy.id}&done=${notice}`, { status: 303 });
  const photoError = (error: MessageKey, status: number) =>
    data<ActionResult>({ form: "photo", errors: { photo: error }, values: {} }, { status });

  if ((request.headers.get("Content-Type") ?? "").startsWith("multipart/form-data")) {
    return withImageUpload(
      request,
      { field: "photo", maxBytes: PHOTO_MAX_BYTES },
      async (received) => {
        if (!received.ok) {
          return photoError(
            received.problem === "tooLarge" ? "profile.photo.tooLarge" : "form.invalid",
            413,
          );
        }
        if (received.form.get("intent") !== "photo") throw badRequest();
        if (!received.file) return photoError("profile.photo.missing", 400);
        const outcome = await replacePhoto(db(), candidacy, received.file, actor);
        if (!outcome.ok) return photoError(PHOTO_PROBLEMS[outcome.problem], 422);
        return done("photo");
      },
    );
  }

  const body = await readForm(request);
  switch (body.get("intent")) {
    case "save": {
      const form = parseForm(profileForm, body);
      if (!form.ok) {
        return data<ActionResult>(
          { form: "details", errors: form.errors, values: form.values },
          { status: 400 },
        );
      }
      await updateProfile(db(), candidacy, form.data, actor);
      return done("saved");
    }
    case "removePhoto":
      await removePhoto(db(), candidacy, actor);
      return done("photoRemoved");
    default:
      throw badRequest();
  }
}

const NOTICES: Record<string, MessageKey> = {
  saved: "profile.saved",
  photo: "profile.photo.saved",
  photoRemoved: "profile.photo.removed",
};

export default function CandidateProfilePage() {
  const { profile, candidacy, others } = useLoaderData<typeof loader>();
  const result = useActionData<ActionResult>();
  const [params] = useSearchParams();
  const t = useT();
  const locale = useLocale();
  const errorsFor = (form: ActionResult["form"]) => (result?.form === form ? result.errors : {});
  const values: Partial<Record<string, string>> =
    result?.form === "details"
      ? result.values
      : {
          bioEn: profile.bio.en,
          bioEs: profile.bio.es,
          website: profile.website,
          links: profile.links.join("\n"),
          contactEmail: profile.contactEmail,
        };
  const photoErrors = errorsFor("photo");
  const detailErrors = errorsFor("details");
  const done = params.get("done");
  return (
    <section aria-labelledby="profile-title" className="max-w-2xl space-y-6">
      <div>
        <h1 id="profile-title" className="text-2xl font-bold">
          {t("profile.title")}
        </h1>
        <p className="text-slate-700">{localized(candidacy.contestTitle, locale)}</p>
      </div>
      <FormMessage message={done ? NOTICES[done] : undefined} tone="info" />
      <FormMessage message={result ? "form.fixErrors" : undefined} />
      {others.length > 0 ? (
        <nav aria-label={t("profile.otherCandidacies")}>
          <p className="font-semibold">{t("profile.otherCandidacies")}</p>
          <ul className="list-disc pl-6">
            {others.map((other) => (
              <li key={other.id}>
                <a
                  href={`/candidate/profile?candidate=${other.id}`}
                  className="text-brand underline"
                >
                  {other.ballotName} — {localized(other.contestTitle, locale)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}

      <div>
        <h2 className="text-lg font-semibold">{t("profile.ballotName")}</h2>
        <p className="text-lg">{profile.ballotName}</p>
        <p className="text-sm text-slate-700">{t("profile.ballotNameHint")}</p>
      </div>

      <section aria-labelledby="photo-title" className="space-y-3">
        <h2 id="photo-title" className="text-lg font-semibold">
          {t("profile.photo.title")}
        </h2>
        {profile.photoUrl ? (
          <img
            src={profile.photoUrl}
            alt={t("profile.photo.alt", { name: profile.ballotName })}
            className="h-auto max-w-48 rounded border border-slate-300"
          />
        ) : (
          <p>{t("profile.photo.none")}</p>
        )}
        <Form method="post" encType="multipart/form-data" noValidate>
          <input type="hidden" name="intent" value="photo" />
          <Field
            name="photo"
            type="file"
            accept="image/jpeg,image/png,image/webp,image/gif"
            label="profile.photo.label"
            hint="profile.photo.hint"
            error={photoErrors.photo}
            required
          />
          <SubmitButton>{t("profile.photo.submit")}</SubmitButton>
        </Form>
        {profile.photoUrl ? (
          <ActionButton intent="removePhoto" label={t("profile.photo.remove")} tone="danger" />
        ) : null}
      </section>

      <section aria-labelledby="details-title">
        <h2 id="details-title" className="mb-3 text-lg font-semibold">
          {t("profile.details")}
        </h2>
        <Form method="post" noValidate>
          <input type="hidden" name="intent" value="save" />
          <TextAreaField
            name="bioEn"
            label="profile.bio.en"
            hint="profile.bio.hint"
            maxLength={BIO_MAX_LENGTH}
            rows={6}
            defaultValue={values.bioEn}
            error={detailErrors.bioEn}
          />
          <TextAreaField
            name="bioEs"
            label="profile.bio.es"
            hint="profile.bio.hint"
            maxLength={BIO_MAX_LENGTH}
            rows={6}
            lang="es"
            defaultValue={values.bioEs}
            error={detailErrors.bioEs}
          />
          <Field
            name="website"
            type="url"
            label="profile.website.label"
            hint="profile.website.hint"
            defaultValue={values.website}
            error={detailErrors.website}
          />
          <TextAreaField
            name="links"
            label="profile.links.label"
            hint="profile.links.hint"
            rows={MAX_LINKS}
            defaultValue={values.links}
            error={detailErrors.links}
          />
          <Field
            name="contactEmail"
            type="email"
            autoComplete="email"
            label="profile.contactEmail.label"
            hint="profile.contactEmail.hint"
            defaultValue={values.contactEmail}
            error={detailErrors.contactEmail}
          />
          <SubmitButton>{t("profile.save")}</SubmitButton>
        </Form>
      </section>
    </section>
  );
}
