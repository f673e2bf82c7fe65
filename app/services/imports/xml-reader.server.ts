import { SaxesParser, type SaxesTagPlain } from "saxes";
import {
  FeedError,
  type ExternalId,
  type FeedRecord,
  type I18n,
  type ReadEvent,
} from "./records.server";
import { ELEMENT_KINDS, referenceOf, schemaVersionOf, type ElementKind } from "./spec.server";
import { ControlCharacters, decode } from "./text.server";

/**
 * The XML form, read with a streaming SAX parser: only the element being read is held, so a feed
 * of hundreds of megabytes of street segments reads in flat memory. Records are the children of
 * `<VipObject>`; elements we do not map (polling locations, hours, …) are skipped whole.
 */

type XmlNode = {
  name: string;
  attributes: Record<string, string>;
  children: XmlNode[];
  text: string;
};

const KINDS = new Set<string>(ELEMENT_KINDS);
/** One element of a feed is a few kilobytes; beyond this it is not a ballot, and memory counts. */
const MAX_ELEMENT_TEXT = 1024 ** 2;
const MAX_ELEMENT_CHILDREN = 10_000;

/** The encoding a document declares: its byte-order mark, else its XML declaration, else UTF-8. */
export function sniffXmlEncoding(head: Buffer): string {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return "utf-8";
  if (head[0] === 0xff && head[1] === 0xfe) return "utf-16le";
  if (head[0] === 0xfe && head[1] === 0xff) return "utf-16be";
  const declaration = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(
    head.toString("latin1", 0, 256),
  );
  return declaration?.[1] ?? "utf-8";
}

export async function* readVipXml(
  chunks: AsyncIterable<Buffer>,
  encoding: string,
): AsyncGenerator<ReadEvent> {
  const parser = new SaxesParser({ position: true, xmlns: false });
  const controls = new ControlCharacters();
  const pending: ReadEvent[] = [];
  let rootSeen = false;
  let version: ReturnType<typeof schemaVersionOf> = null;
  // the record being built (depth ≥ 1 under the root), and how deep we are in a skipped element
  const stack: XmlNode[] = [];
  let recordLine = 0;
  let skipDepth = 0;
  const listForms = new Set<string>();

  parser.on("error", (error) => {
    throw new FeedError("xmlInvalid", { line: parser.line, message: errorText(error) });
  });
  parser.on("opentag", (tag: SaxesTagPlain) => {
    if (!rootSeen) {
      rootSeen = true;
      if (tag.name !== "VipObject") throw new FeedError("notVip", { root: tag.name });
      const declared = tag.attributes.schemaVersion;
      version = schemaVersionOf(declared);
      if (!declared) throw new FeedError("missingVersion");
      if (!version) throw new FeedError("unsupportedVersion", { version: declared });
      pending.push({ type: "version", version });
      return;
    }
    if (skipDepth > 0 || (stack.length === 0 && !KINDS.has(tag.name))) {
      skipDepth++;
      return;
    }
    if (stack.length === 0) recordLine = parser.line;
    const node: XmlNode = { name: tag.name, attributes: tag.attributes, children: [], text: "" };
    const parent = stack.at(-1);
    if (parent && parent.children.push(node) > MAX_ELEMENT_CHILDREN)
      throw new FeedError("elementTooLarge", { line: recordLine, element: stack[0]!.name });
    stack.push(node);
  });
  const onText = (text: string) => {
    const node = stack.at(-1);
    if (!node || skipDepth > 0) return;
    node.text += text;
    if (node.text.length > MAX_ELEMENT_TEXT)
      throw new FeedError("elementTooLarge", { line: recordLine, element: stack[0]!.name });
  };
  parser.on("text", onText);
  parser.on("cdata", onText);
  parser.on("closetag", () => {
    if (skipDepth > 0) {
      skipDepth--;
      return;
    }
    const node = stack.pop();
    if (node && stack.length === 0 && node.name !== "VipObject") {
      const record = toRecord(node, `line ${recordLine}`, listForms);
      pending.push({ type: "record", record });
    }
  });

  for await (const text of decode(chunks, encoding)) {
    parser.write(controls.clean(text, { references: true }));
    yield* pending.splice(0);
  }
  parser.write(controls.clean("", { references: true, final: true }));
  parser.close();
  yield* pending.splice(0);
  if (!rootSeen)
    throw new FeedError("xmlInvalid", { line: parser.line, message: "empty document" });

  if (controls.removed > 0)
    yield {
      type: "note",
      reason: { code: "controlCharacters", params: { count: controls.removed } },
    };
  // each version writes lists one way; a feed using the other's is read anyway, and told so
  const foreign = [...listForms].filter((form) =>
    version === "6.0" ? form.endsWith("Ids") : !form.endsWith("Ids"),
  );
  if (foreign.length > 0)
    yield {
      type: "note",
      reason: {
        code: "otherVersionLists",
        params: { version: version!, fields: foreign.join(", ") },
      },
    };
}

/** saxes prefixes its messages with a position; the report gives the line on its own. */
function errorText(error: Error): string {
  return error.message.replace(/^(?:[^:]*:)?\d+:\d+: /, "");
}

function toRecord(node: XmlNode, at: string, listForms: Set<string>): FeedRecord {
  const kind = node.name as ElementKind;
  const record: FeedRecord = {
    kind,
    id: (node.attributes.id ?? "").trim(),
    at,
    fields: {},
    refs: {},
    externalIds: [],
  };
  for (const child of node.children) {
    const listName = child.name.endsWith("Ids") ? child.name.slice(0, -1) : null;
    const reference = referenceOf(kind, listName ?? child.name);
    if (reference) {
      const name = listName ?? child.name;
      const ids = child.text.trim().split(/\s+/).filter(Boolean);
      (record.refs[name] ??= []).push(...ids);
      if (reference.many) listForms.add(child.name);
    } else if (child.name === "ExternalIdentifiers") {
      record.externalIds.push(...externalIds(child));
    } else if (child.children.some((grandchild) => grandchild.name === "Text")) {
      record.fields[child.name] ??= texts(child);
    } else if (child.children.length === 0) {
      // a repeated plain field keeps its first value; nested structures (contact details,
      // terms of office) are not mapped
      record.fields[child.name] ??= child.text.trim();
    }
  }
  return record;
}

function texts(node: XmlNode): I18n {
  const text: I18n = {};
  for (const child of node.children) {
    const language = child.attributes.language?.trim().toLowerCase();
    const value = child.text.trim();
    if (child.name === "Text" && language && value) text[language] ??= value;
  }
  return text;
}

function externalIds(node: XmlNode): ExternalId[] {
  return node.children
    .filter((child) => child.name === "ExternalIdentifier")
    .map((identifier) => {
      const part = (name: string) =>
        identifier.children.find((child) => child.name === name)?.text.trim() ?? "";
      return {
        type: part("Type").toLowerCase(),
        otherType: part("OtherType"),
        value: part("Value"),
      };
    })
    .filter((identifier) => identifier.type && identifier.value);
}
