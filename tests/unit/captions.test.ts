import { describe, expect, it } from "vitest";
import { transcriptFromWebVtt } from "~/services/answers.server";
import { parseCaptions } from "~/services/captions.server";

const parse = (text: string) => parseCaptions(Buffer.from(text, "utf8"));

describe("captions", () => {
  it("converts SRT to WebVTT", () => {
    const srt = [
      "1",
      "00:00:00,500 --> 00:00:02,250",
      "Thank you for the question.",
      "",
      "2",
      "00:00:02,250 --> 00:00:05,000",
      '<font color="#ffff00">{\\an8}Buses</font> every <i>ten</i> minutes.',
      "Second line.",
      "",
    ].join("\r\n");
    expect(parse(srt)).toEqual({
      ok: true,
      format: "srt",
      cueCount: 2,
      vtt: [
        "WEBVTT",
        "",
        "00:00:00.500 --> 00:00:02.250",
        "Thank you for the question.",
        "",
        "00:00:02.250 --> 00:00:05.000",
        "Buses every <i>ten</i> minutes.",
        "Second line.",
        "",
      ].join("\n"),
    });
  });

  it("keeps only text with <b>, <i> and <u> from a hostile WebVTT file", () => {
    const hostile = [
      "\uFEFFWEBVTT - campaign",
      "Kind: captions",
      "",
      "STYLE",
      "::cue { background: url(https://tracker.example/pixel) }",
      "",
      "NOTE written by <script>",
      "",
      "intro",
      "00:00.000 --> 00:01.000 position:10% align:start",
      '<v Priya><c.loud>Hello</c></v> <script>alert("x")</script><B.big>bold</B> <u>u</u>',
      "<img src=x onerror=alert(1)> 5 < 6 & 7 > 2 &amp; &lt;ok&gt; &#60;",
      "an arrow --> in the text",
      "",
      "00:00:01.000 --> 00:00:02.000",
      "<ruby>漢<rt>kan</rt></ruby> <00:00:01.500>karaoke \u0007bell",
      "",
    ].join("\n");
    const result = parse(hostile);
    expect(result).toMatchObject({ ok: true, format: "vtt", cueCount: 2 });
    if (!result.ok) return;
    expect(result.vtt).toBe(
      [
        "WEBVTT",
        "",
        "00:00:00.000 --> 00:00:01.000",
        'Hello alert("x")<b>bold</b> <u>u</u>',
        "5 &lt; 6 &amp; 7 &gt; 2 &amp; &lt;ok&gt; &amp;#60;",
        "an arrow --&gt; in the text",
        "",
        "00:00:01.000 --> 00:00:02.000",
        "漢kan karaoke bell",
        "",
      ].join("\n"),
    );
    expect(result.vtt).not.toMatch(/script|img|STYLE|NOTE|tracker|position|<v|<c/);
    // The transcript voters read, from the stored file.
    expect(transcriptFromWebVtt(result.vtt)).toBe(
      'Hello alert("x")bold u 5 < 6 & 7 > 2 & <ok> &#60; an arrow --> in the text 漢kan karaoke bell',
    );
  });

  it.each([
    ["nothing", "", "empty"],
    ["blank lines", "\n\n  \n", "empty"],
    ["binary", "\u0000\u0001PNG\u0000", "notText"],
    ["prose", "Thank you for your question. I will fix the buses.", "notCaptions"],
    ["a header alone", "WEBVTT\n\n", "notCaptions"],
    ["text without timing", "WEBVTT\n\nHello there\n", "notCaptions"],
    ["a malformed time", "1\n00:00:01 --> 00:00:02\nHello\n", "badTiming"],
    ["seconds past 59", "WEBVTT\n\n00:00:75.000 --> 00:00:76.000\nHello\n", "badTiming"],
    ["an end before its start", "WEBVTT\n\n00:00:05.000 --> 00:00:01.000\nHello\n", "badTiming"],
  ])("refuses %s", (_label, text, problem) => {
    expect(parse(text)).toEqual({ ok: false, problem });
  });

  it("refuses text that is not UTF-8", () => {
    const latin1 = Buffer.from("1\n00:00:01,000 --> 00:00:02,000\nAcción\n", "latin1");
    expect(parseCaptions(latin1)).toEqual({ ok: false, problem: "notText" });
  });
});
