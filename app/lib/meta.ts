import type { MetaArgs } from "@remix-run/node";
import { translate, type Locale, type MessageKey } from "./i18n";

/** Title and description of a page, in the language the root loader chose. */
export function pageMeta(
  args: Pick<MetaArgs, "matches">,
  title: MessageKey,
  description?: MessageKey,
) {
  const root = args.matches.find((match) => match.id === "root")?.data as
    { locale?: Locale } | undefined;
  const locale = root?.locale ?? "en";
  return [
    { title: `${translate(locale, title)} · CivicQ` },
    ...(description ? [{ name: "description", content: translate(locale, description) }] : []),
  ];
}
