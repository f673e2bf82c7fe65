/**
 * CSV exports: RFC 4180 (comma-separated, CRLF line ends, a field quoted when it holds a quote,
 * a comma or a line break, quotes doubled), UTF-8 with a byte-order mark so spreadsheet programs
 * read accented text right. Text that a spreadsheet would run as a formula (a voter's question
 * starting with "=", "+", "-", "@", a tab or a carriage return) is prefixed with "'" so opening
 * an export never executes what someone typed; numbers and dates we produce are left alone.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;
const BOM = "\uFEFF";

export type CsvValue = string | number | boolean | Date | null | undefined;

export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (typeof value === "string" && FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvRow(values: readonly CsvValue[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}

// Rows are sent in chunks of about this size: small enough to keep memory flat, large enough
// not to write one tiny chunk per row.
const CHUNK_CHARS = 64 * 1024;

export type CsvRows = AsyncIterable<readonly CsvValue[]> | Iterable<readonly CsvValue[]>;
/** What an export produces: the header row and the rows. */
export type CsvExport = { header: string[]; rows: CsvRows };

/**
 * A document: the header row, then the rows, read one at a time (from a knex `.stream()`, say)
 * so an export of a large election never sits whole in memory. Cancelling the download ends
 * the query.
 */
export function csvStream(header: readonly string[], rows: CsvRows): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator =
    Symbol.asyncIterator in rows ? rows[Symbol.asyncIterator]() : rows[Symbol.iterator]();
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(BOM + csvRow(header)));
    },
    async pull(controller) {
      let chunk = "";
      while (chunk.length < CHUNK_CHARS) {
        const next = await iterator.next();
        if (next.done) {
          if (chunk) controller.enqueue(encoder.encode(chunk));
          controller.close();
          return;
        }
        chunk += csvRow(next.value);
      }
      controller.enqueue(encoder.encode(chunk));
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

/** The download response: a file name the browser saves it under, never cached. */
export function csvResponse(body: string | ReadableStream<Uint8Array>, filename: string): Response {
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename.replace(/[^\w.-]/g, "_")}"`,
      "Cache-Control": "no-store",
    },
  });
}
