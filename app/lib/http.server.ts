/**
 * The one mapping from a refusal to a response: routes throw these, the root error boundary
 * renders them in the visitor's language (with `data.reason` naming the message).
 */
export type RefusalReason =
  "notFound" | "forbidden" | "tooManyRequests" | "badRequest" | "payloadTooLarge";

function refuse(status: number, reason: RefusalReason, headers: HeadersInit = {}, extra = {}) {
  return Response.json(
    { reason, ...extra },
    { status, headers: { "Cache-Control": "no-store", ...headers } },
  );
}

export const notFound = () => refuse(404, "notFound");
export const forbidden = () => refuse(403, "forbidden");
export const badRequest = () => refuse(400, "badRequest");
export const tooManyRequests = (retryAfterSeconds: number) =>
  refuse(
    429,
    "tooManyRequests",
    { "Retry-After": String(retryAfterSeconds) },
    { retryAfterSeconds },
  );

/** A same-site path to return to after switching language; anything else goes home. */
export function safeReturnPath(value: string | null): string {
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.includes("\\"))
    return "/";
  return value;
}
