import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { CsvError, parse } from "csv-parse";
import { FeedError } from "./records.server";
import { ControlCharacters, decode } from "./text.server";

/**
 * Rows of a CSV file, for both CSV forms (the VIP zip's .txt files and our template): UTF-8
 * (a byte-order mark dropped), columns found by header name whatever their case, spacing or order,
 * empty cells left out, control characters removed.
 */
export type CsvRow = {
  /** the file line the row ends on (a quoted cell may span lines) */
  line: number;
  /** normalised header → trimmed, non-empty cell */
  values: Map<string, string>;
};

/** "Ballot Title" / "BALLOT_TITLE " → "ballot_title". */
export function headerName(header: string): string {
  return header
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");
}

export async function* csvRows(
  chunks: AsyncIterable<Buffer>,
  file: string,
  controls: ControlCharacters,
): AsyncGenerator<CsvRow> {
  const parser = parse({
    info: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    // one row is a record of a feed: a megabyte is far beyond any, and bounds what one holds
    max_record_size: 1024 ** 2,
  });
  async function* text() {
    for await (const part of decode(chunks, "utf-8"))
      yield controls.clean(part, { references: false });
  }
  let failure: unknown;
  const feeding = pipeline(Readable.from(text()), parser).catch((error) => {
    failure = error;
  });
  let headers: string[] | null = null;
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      if (!headers) {
        headers = record.map(headerName);
        continue;
      }
      const values = new Map<string, string>();
      record.forEach((cell, i) => {
        const value = cell.trim();
        const header = headers![i];
        if (header && value && !values.has(header)) values.set(header, value);
      });
      if (values.size > 0) yield { line: info.lines, values };
    }
  } catch (error) {
    throw readable(error ?? failure, file);
  }
  await feeding;
  if (failure) throw readable(failure, file);
}

function readable(error: unknown, file: string): unknown {
  if (error instanceof CsvError) {
    return new FeedError("csvInvalid", {
      file,
      line: Number(error.lines ?? 0),
      message: error.message,
    });
  }
  return error;
}
