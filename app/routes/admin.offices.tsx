import {
  data,
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { FormMessage, SubmitButton } from "~/components/form";
import { actorFrom, requireRole } from "~/lib/auth.server";
import { db } from "~/lib/db.server";
import { parseForm, readForm, type FieldErrors } from "~/lib/forms.server";
import { badRequest, notFound } from "~/lib/http.server";
import { useT } from "~/lib/i18n";
import { pageMeta } from "~/lib/meta";
import { slugify } from "~/services/console-common.server";
import {
  activateOfficeRequest,
  activationForm,
  listOfficeRequests,
  rejectOfficeRequest,
} from "~/services/office-requests.server";

export const meta: MetaFunction = (args) => pageMeta(args, "office.admin.title");
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

/** Offices that asked for a space and confirmed their address: an admin activates or rejects. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "admin", null);
  return { requests: await listOfficeRequests(db()) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requireRole(request, "admin", null);
  const actor = actorFrom(context, admin);
  const body = await readForm(request);
  const done = (notice: string) => redirect(`/admin/offices?done=${notice}`, { status: 303 });
  switch (body.get("intent")) {
    case "activate": {
      const form = parseForm(activationForm, body);
      if (!form.ok) return data({ requestId: body.get("requestId"), errors: form.errors }, 400);
      const outcome = await activateOfficeRequest(db(), form.data, actor);
      if ("notFound" in outcome) throw notFound();
      if (!outcome.ok)
        return data({ requestId: form.data.requestId, errors: outcome.errors as FieldErrors }, 400);
      return done("activated");
    }
    case "reject": {
      if (!(await rejectOfficeRequest(db(), String(body.get("requestId") ?? ""), actor)))
        throw notFound();
      return done("rejected");
    }
    default:
      throw badRequest();
  }
}

export default function OfficeRequests() {
  const { requests } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const t = useT();
  const done = params.get("done");
  return (
    <section aria-labelledby="page-title" className="space-y-4">
      <h1 id="page-title" className="text-2xl font-bold">
        {t("office.admin.title")}
      </h1>
      <FormMessage
        tone="info"
        message={
          done === "activated"
            ? "office.admin.activated"
            : done === "rejected"
              ? "office.admin.rejected"
              : undefined
        }
      />
      {requests.length === 0 ? <p>{t("office.admin.none")}</p> : null}
      <ul className="space-y-4">
        {requests.map((request) => {
          const errors = result?.requestId === request.id ? result.errors : {};
          return (
            <li key={request.id} className="rounded border border-slate-300 p-4">
              <h2 className="text-lg font-semibold">{request.officeName}</h2>
              <p>
                {request.ocdId} · {request.contactEmail}
              </p>
              <p className="font-medium">{t(`office.admin.status.${request.status}`)}</p>
              {request.status === "confirmed" ? (
                <>
                  <Form method="post" noValidate className="mt-2">
                    <input type="hidden" name="intent" value="activate" />
                    <input type="hidden" name="requestId" value={request.id} />
                    <FormMessage message={errors.ocdId} />
                    {(
                      [
                        ["slug", "admin.jurisdictions.slug", slugify(request.officeName)],
                        ["timeZone", "admin.jurisdictions.timeZoneLabel", "America/Los_Angeles"],
                      ] as const
                    ).map(([name, label, suggested]) => (
                      <div key={name} className="mb-4">
                        {/* one form per request: ids carry the request's, labels stay tied */}
                        <label htmlFor={`${name}-${request.id}`} className="mb-1 block font-medium">
                          {t(label)}
                        </label>
                        <input
                          id={`${name}-${request.id}`}
                          name={name}
                          defaultValue={suggested}
                          aria-invalid={errors[name] ? true : undefined}
                          className="w-full rounded border border-slate-500 px-3 py-2 text-base"
                        />
                        {errors[name] ? (
                          <p className="mt-1 text-sm font-medium text-red-800">{t(errors[name])}</p>
                        ) : null}
                      </div>
                    ))}
                    <SubmitButton>
                      {t("office.admin.activate", { name: request.officeName })}
                    </SubmitButton>
                  </Form>
                  <Form method="post" className="mt-2">
                    <input type="hidden" name="intent" value="reject" />
                    <input type="hidden" name="requestId" value={request.id} />
                    <button type="submit" className="text-red-800 underline">
                      {t("office.admin.reject", { name: request.officeName })}
                    </button>
                  </Form>
                </>
              ) : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
