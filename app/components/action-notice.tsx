import { useSearchParams } from "@remix-run/react";
import { FormMessage } from "~/components/form";
import { noticeMessage } from "~/lib/notices";

/** The outcome of a vote, follow or report form, on the page it returned to (see lib/notices). */
export function ActionNotice() {
  const [params] = useSearchParams();
  return <FormMessage message={noticeMessage(params.get("notice"))} tone="info" />;
}
