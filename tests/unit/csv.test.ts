import { describe, expect, it } from "vitest";
import { csvCell, csvResponse, csvRow, csvStream } from "~/lib/csv.server";

/** RFC 4180 quoting, and text a spreadsheet would run as a formula made inert. */
describe("CSV", () => {
  it("quotes a field holding a comma, a quote or a line break, doubling quotes", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell("a, b")).toBe('"a, b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell("cr\rlf")).toBe('"cr\rlf"');
    expect(csvCell("")).toBe("");
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined)).toBe("");
  });

  it("prefixes text starting with =, +, -, @, tab or CR with an apostrophe", () => {
    expect(csvCell('=HYPERLINK("http://evil","x")')).toBe('"\'=HYPERLINK(""http://evil"",""x"")"');
    expect(csvCell("+1 555 0100")).toBe("'+1 555 0100");
    expect(csvCell("-2+3")).toBe("'-2+3");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\tcmd")).toBe("'\tcmd");
    expect(csvCell("\r=1")).toBe('"\'\r=1"');
    expect(csvCell("a=b")).toBe("a=b");
    // our own numbers and dates are data, not someone's text
    expect(csvCell(-5)).toBe("-5");
    expect(csvCell(new Date("2027-03-02T08:00:00Z"))).toBe("2027-03-02T08:00:00.000Z");
    expect(csvCell(true)).toBe("true");
  });

  it("ends rows with CRLF", () => {
    expect(csvRow(["a", 1, null, "b,c"])).toBe('a,1,,"b,c"\r\n');
  });

  it("streams a document with a byte-order mark, header first, from async rows", async () => {
    async function* rows() {
      yield ["1", "=cmd"];
      yield ["2", 'quote "x"'];
    }
    const response = csvResponse(csvStream(["id", "text"], rows()), "questions export.csv");
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("Content-Disposition")).toBe(
      'attachment; filename="questions_export.csv"',
    );
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes)).toBe(
      '\uFEFFid,text\r\n1,\'=cmd\r\n2,"quote ""x"""\r\n',
    );
  });

  it("takes plain arrays too, and stops reading when the download is cancelled", async () => {
    const plain = await new Response(csvStream(["n"], [[1], [2]])).arrayBuffer();
    expect(new TextDecoder("utf-8", { ignoreBOM: true }).decode(plain)).toBe(
      "\uFEFFn\r\n1\r\n2\r\n",
    );
    let finished = false;
    async function* endless() {
      try {
        for (let i = 0; ; i++) yield [i, "x".repeat(1000)];
      } finally {
        finished = true;
      }
    }
    const reader = csvStream(["n", "text"], endless()).getReader();
    await reader.read();
    await reader.read();
    await reader.cancel();
    expect(finished).toBe(true);
  });
});
