import { createElement, type ReactNode } from "react";

/**
 * A captured page turned back into a React element tree, so the "minimal React render" baseline
 * renders the same markup with renderToString and no database. A small tokenizer is enough for
 * markup React itself produced: no comments in text, quoted attributes, known void elements.
 */
const VOID = new Set([
  "area",
  "base",
  "br",
  "col",
  "embed",
  "hr",
  "img",
  "input",
  "link",
  "meta",
  "source",
  "track",
  "wbr",
]);
const RAW_TEXT = new Set(["script", "style"]);
const PROP_NAMES: Record<string, string> = {
  class: "className",
  for: "htmlFor",
  charset: "charSet",
  crossorigin: "crossOrigin",
  tabindex: "tabIndex",
  autocomplete: "autoComplete",
  "http-equiv": "httpEquiv",
  srcset: "srcSet",
  enctype: "encType",
  maxlength: "maxLength",
  minlength: "minLength",
  datetime: "dateTime",
  referrerpolicy: "referrerPolicy",
  fetchpriority: "fetchPriority",
};
const ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  "#x27": "'",
  "#39": "'",
  nbsp: "\u00a0",
};
const decode = (text: string) =>
  text.replace(/&(#?\w+);/g, (all, name: string) => ENTITIES[name] ?? all);

function props(source: string): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [, name, , value] of source.matchAll(/([^\s=/]+)(="([^"]*)")?/g)) {
    const key = PROP_NAMES[name!] ?? name!;
    if (key === "style") {
      result.style = Object.fromEntries(
        decode(value ?? "")
          .split(";")
          .filter((rule) => rule.includes(":"))
          .map((rule) => {
            const [property, ...rest] = rule.split(":");
            return [
              property!.trim().replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()),
              rest.join(":").trim(),
            ];
          }),
      );
    } else result[key] = value === undefined ? true : decode(value);
  }
  return result;
}

type Open = { tag: string; props: Record<string, unknown>; children: ReactNode[] };

export function markupToElement(html: string): ReactNode {
  const body = html.replace(/^<!DOCTYPE html>/i, "");
  const root: Open = { tag: "", props: {}, children: [] };
  const stack: Open[] = [root];
  const tags = /<(\/?)([a-zA-Z][\w-]*)((?:\s+[^\s=/>]+(?:="[^"]*")?)*)\s*\/?>|<!--[\s\S]*?-->/g;
  let at = 0;
  for (let match = tags.exec(body); match; match = tags.exec(body)) {
    const top = stack[stack.length - 1]!;
    if (match.index > at) top.children.push(decode(body.slice(at, match.index)));
    at = tags.lastIndex;
    const [, closing, rawTag, attributes] = match;
    if (!rawTag) continue; // a comment (React's text separators)
    const tag = rawTag.toLowerCase();
    if (closing) {
      const open = stack.pop()!;
      stack[stack.length - 1]!.children.push(
        createElement(
          open.tag,
          { ...open.props, key: stack[stack.length - 1]!.children.length },
          ...open.children,
        ),
      );
      continue;
    }
    const element = { tag, props: props(attributes ?? ""), children: [] };
    if (VOID.has(tag)) {
      top.children.push(createElement(tag, { ...element.props, key: top.children.length }));
    } else if (RAW_TEXT.has(tag)) {
      const end = body.indexOf(`</${tag}>`, at);
      top.children.push(
        createElement(tag, {
          ...element.props,
          key: top.children.length,
          dangerouslySetInnerHTML: { __html: body.slice(at, end) },
        }),
      );
      at = end + tag.length + 3;
      tags.lastIndex = at;
    } else stack.push(element);
  }
  return root.children;
}
