import type { MetaArgs } from "@remix-run/node";
import { translate, type Locale, type MessageKey } from "./i18n";

/** Title and description of a page, in the language the root loader chose. */
export function pageMeta(
  args: Pick<MetaArgs, "matches">,
  title: MessageKey,
  description?: MessageKey,
) {
  const locale = metaLocale(args);
  return [
    { title: `${translate(locale, title)} · CivicQ` },
    ...(description ? [{ name: "description", content: translate(locale, description) }] : []),
  ];
}

function metaLocale(args: Pick<MetaArgs, "matches">): Locale {
  const root = args.matches.find((match) => match.id === "root")?.data as
    { locale?: Locale } | undefined;
  return root?.locale ?? "en";
}

/**
 * Title and description made from the page's own content (a contest's name, a question), in
 * the language the root loader chose.
 */
export function contentMeta(
  args: Pick<MetaArgs, "matches">,
  build: (locale: Locale) => { title: string; description: string },
) {
  const { title, description } = build(metaLocale(args));
  return [{ title: `${title} · CivicQ` }, { name: "description", content: description }];
}
