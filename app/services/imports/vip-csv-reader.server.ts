import { csvRows, type CsvRow } from "./csv-rows.server";
import { FeedError, type FeedRecord, type I18n, type ReadEvent } from "./records.server";
import {
  CSV_FILES,
  ELEMENT_KINDS,
  isTextField,
  pascalCase,
  referenceOf,
  schemaVersionOf,
  type ElementKind,
} from "./spec.server";
import { ControlCharacters } from "./text.server";
import { openZip, type ZipEntry } from "./zip.server";

/**
 * The CSV form: a zip of the spec's `.txt` files (`source.txt`, `candidate.txt`, …), found by
 * name anywhere in the archive, whatever their case. `source.txt` gives the schema version.
 * Columns map onto the XML form's names (`ballot_selection_ids` → `BallotSelectionId` refs);
 * external identifiers come as `external_identifier_type`/`_othertype`/`_value`.
 *
 * The spec's CSV form has no InternationalizedText: a text column is English. We also read
 * translations from a column named after it with a language code (`ballot_title_es`), so a
 * bilingual ballot survives the CSV form.
 */

/** Misspellings the spec's own CSV examples carry, read as what they mean. */
const COLUMN_ALIASES: Record<string, string> = {
  ordered_contests_ids: "ordered_contest_ids",
  elecoral_district_id: "electoral_district_id",
};

const TRANSLATION = /^(.+)_([a-z]{2,3})$/;

export async function* readVipCsv(file: string): AsyncGenerator<ReadEvent> {
  const zip = await openZip(file);
  const controls = new ControlCharacters();
  try {
    const entries = new Map<ElementKind, ZipEntry>();
    for (const entry of zip.entries) {
      const kind = CSV_FILES[entry.baseName];
      if (kind && !entries.has(kind)) entries.set(kind, entry);
    }
    const source = entries.get("Source");
    if (!source) throw new FeedError("missingSourceFile");
    const rows = (entry: ZipEntry) => csvRows(zip.read(entry), entry.baseName, controls);

    let started = false;
    for await (const row of rows(source)) {
      if (started) continue;
      started = true;
      const declared = row.values.get("version");
      const version = schemaVersionOf(declared);
      if (!declared) throw new FeedError("missingVersion");
      if (!version) throw new FeedError("unsupportedVersion", { version: declared });
      yield { type: "version", version };
      yield { type: "record", record: toRecord("Source", row, source.baseName) };
    }
    if (!started) throw new FeedError("missingVersion");

    for (const kind of ELEMENT_KINDS) {
      const entry = entries.get(kind);
      if (!entry || kind === "Source") continue;
      for await (const row of rows(entry)) {
        yield { type: "record", record: toRecord(kind, row, entry.baseName) };
      }
    }
  } finally {
    zip.close();
  }
  if (controls.removed > 0)
    yield {
      type: "note",
      reason: { code: "controlCharacters", params: { count: controls.removed } },
    };
}

function toRecord(kind: ElementKind, row: CsvRow, file: string): FeedRecord {
  const record: FeedRecord = {
    kind,
    id: row.values.get("id") ?? "",
    at: `${file} line ${row.line}`,
    fields: {},
    refs: {},
    externalIds: [],
  };
  const type = row.values.get("external_identifier_type");
  const value = row.values.get("external_identifier_value");
  if (type && value) {
    const otherType = row.values.get("external_identifier_othertype");
    record.externalIds.push({ type: type.toLowerCase(), otherType, value });
  }
  for (const [header, cell] of row.values) {
    if (header === "id" || header.startsWith("external_identifier_")) continue;
    const column = COLUMN_ALIASES[header] ?? header;
    const translation = TRANSLATION.exec(column);
    if (translation && isTextField(kind, pascalCase(translation[1]!))) {
      setText(record, pascalCase(translation[1]!), translation[2]!, cell);
      continue;
    }
    const field = pascalCase(column);
    const listName = field.endsWith("Ids") ? field.slice(0, -1) : null;
    if (referenceOf(kind, listName ?? field)) {
      const ids = listName ? cell.split(/\s+/) : [cell];
      (record.refs[listName ?? field] ??= []).push(...ids.filter(Boolean));
    } else if (isTextField(kind, field)) {
      setText(record, field, "en", cell);
    } else {
      record.fields[field] = cell;
    }
  }
  return record;
}

function setText(record: FeedRecord, field: string, language: string, text: string): void {
  const current = record.fields[field];
  const texts: I18n = typeof current === "object" ? current : {};
  texts[language] = text;
  record.fields[field] = texts;
}
