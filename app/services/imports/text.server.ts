import { FeedError } from "./records.server";

/**
 * Bytes to text for both readers: decoding that refuses bytes the encoding cannot have (a
 * Latin-1 file labelled UTF-8 fails with a clear report instead of importing "JosÃ©"), a
 * byte-order mark dropped, and the control characters XML forbids removed and counted.
 */

/** Decodes a byte stream; invalid bytes stop the import with `encoding` and their line. */
export async function* decode(
  chunks: AsyncIterable<Buffer>,
  encoding: string,
): AsyncGenerator<string> {
  let decoder: TextDecoder;
  try {
    // the BOM of the encoding, if any, is dropped (ignoreBOM: false)
    decoder = new TextDecoder(encoding, { fatal: true });
  } catch {
    throw new FeedError("unsupportedEncoding", { encoding });
  }
  let lines = 1;
  const failure = (chunk: Buffer) => {
    // where it broke: the lines before the first character that would not decode
    const lenient = new TextDecoder(decoder.encoding).decode(chunk);
    const before = lenient.slice(0, Math.max(0, lenient.indexOf("\ufffd")));
    return new FeedError("encoding", {
      encoding: decoder.encoding,
      line: lines + countLines(before),
    });
  };
  for await (const chunk of chunks) {
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      throw failure(chunk);
    }
    lines += countLines(text);
    yield text;
  }
  try {
    yield decoder.decode();
  } catch {
    throw failure(Buffer.alloc(0));
  }
}

function countLines(text: string): number {
  let count = 0;
  for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) count++;
  return count;
}

/** C0 controls other than tab, line feed and carriage return, and the two non-characters. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
/** The same characters written as character references, which XML 1.0 forbids as well. */
const FORBIDDEN_REFERENCE =
  /&#(?:x0*(?:[0-8bcef]|1[0-9a-f]|fff[ef])|0*(?:[0-8]|1[124-9]|2\d|3[01]|6553[45]));/gi;
/** A reference cut by the end of a chunk: kept for the next one. */
const PARTIAL_REFERENCE = /&(?:#[0-9a-fx]{0,8})?$/i;

/**
 * Removes forbidden characters from a stream of text, counting them. Line breaks are kept, so
 * line numbers in the report still match the file.
 */
export class ControlCharacters {
  removed = 0;
  private carry = "";

  clean(text: string, options: { references: boolean; final?: boolean }): string {
    let value = this.carry + text;
    this.carry = "";
    if (options.references && !options.final) {
      const partial = PARTIAL_REFERENCE.exec(value);
      if (partial) {
        this.carry = partial[0];
        value = value.slice(0, partial.index);
      }
    }
    const strip = (pattern: RegExp) =>
      value.replace(pattern, () => {
        this.removed++;
        return "";
      });
    value = strip(FORBIDDEN);
    if (options.references) value = strip(FORBIDDEN_REFERENCE);
    return value;
  }
}
