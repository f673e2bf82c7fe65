import { describe, expect, it } from "vitest";
import { parseRange } from "~/lib/byte-range.server";
import { spriteLayout } from "~/lib/media-tools.server";
import { isValidKey, mediaUrl, newStorageKey, ownerIdOf } from "~/lib/storage.server";
import { transcriptFromWebVtt } from "~/services/answers.server";
import { spriteMap } from "~/services/videos.server";

const VIDEO_ID = "00000000-0000-4000-8000-000000000001";

describe("Range headers", () => {
  it.each([
    [null, { kind: "whole" }],
    ["bytes=0-99", { kind: "partial", range: { start: 0, end: 99 } }],
    ["bytes=990-", { kind: "partial", range: { start: 990, end: 999 } }],
    ["bytes=-10", { kind: "partial", range: { start: 990, end: 999 } }],
    ["bytes=-5000", { kind: "partial", range: { start: 0, end: 999 } }],
    ["bytes=995-2000", { kind: "partial", range: { start: 995, end: 999 } }],
    ["bytes=1000-", { kind: "unsatisfiable" }],
    ["bytes=-0", { kind: "unsatisfiable" }],
    ["bytes=10-5", { kind: "whole" }],
    ["bytes=0-1,5-9", { kind: "whole" }],
    ["bytes=-", { kind: "whole" }],
    ["items=0-9", { kind: "whole" }],
    ["bytes=abc", { kind: "whole" }],
  ] as const)("%s of 1000 bytes", (header, expected) => {
    expect(parseRange(header, 1000)).toEqual(expected);
  });

  it("finds nothing to serve in an empty object", () => {
    expect(parseRange("bytes=0-", 0)).toEqual({ kind: "unsatisfiable" });
    expect(parseRange("bytes=-1", 0)).toEqual({ kind: "unsatisfiable" });
  });
});

describe("storage keys", () => {
  it("makes fresh keys in our layout, and public URLs only for public areas", () => {
    const key = newStorageKey("videos/transcoded", VIDEO_ID, "360p.mp4");
    expect(key).toMatch(new RegExp(`^videos/transcoded/${VIDEO_ID}/[0-9a-f]{16}/360p\\.mp4$`));
    expect(newStorageKey("videos/transcoded", VIDEO_ID, "360p.mp4")).not.toBe(key);
    expect(ownerIdOf(key)).toBe(VIDEO_ID);
    expect(mediaUrl(key)).toBe(`/media/${key}`);
    expect(() => mediaUrl(newStorageKey("videos/originals", VIDEO_ID, "original"))).toThrow();
    expect(() => mediaUrl(newStorageKey("documents/sources", VIDEO_ID, "feed.xml"))).toThrow();
    expect(() => newStorageKey("videos/transcoded", VIDEO_ID, "../x")).toThrow();
  });

  it.each(["videos/transcoded/../x", "/videos/transcoded/x", "tmp/x", "videos/transcoded/.x"])(
    "refuses %s",
    (key) => expect(isValidKey(key)).toBe(false),
  );
});

describe("transcripts from captions", () => {
  it("keeps the spoken text and drops the header, ids, timings, notes and markup", () => {
    const vtt = [
      "WEBVTT - demo",
      "",
      "NOTE written by the campaign",
      "",
      "intro",
      "00:00:00.000 --> 00:00:02.000 align:start",
      "<v Priya>Thank you</v> for the question,",
      "and for <i>listening</i>.",
      "",
      "00:02.000 --> 00:04.000",
      "Rents &lt; wages &amp; that must change.",
      "",
    ].join("\r\n");
    expect(transcriptFromWebVtt(vtt)).toBe(
      "Thank you for the question, and for listening. Rents < wages & that must change.",
    );
    expect(transcriptFromWebVtt("WEBVTT\n\n")).toBeNull();
  });
});

describe("seek-preview sprites", () => {
  it("lays out one thumbnail every few seconds, at most 100", () => {
    expect(spriteLayout(6)).toEqual({ intervalSeconds: 1, count: 6, columns: 6, rows: 1 });
    expect(spriteLayout(25.5)).toEqual({ intervalSeconds: 1, count: 26, columns: 10, rows: 3 });
    expect(spriteLayout(600)).toEqual({ intervalSeconds: 6, count: 100, columns: 10, rows: 10 });
  });

  it("maps each stretch of time to its tile", () => {
    const map = spriteMap("/media/s.jpg", spriteLayout(12.5), 12.5, { width: 160, height: 90 });
    const cues = map.split("\n\n");
    expect(cues[0]).toBe("WEBVTT");
    expect(cues[1]).toBe("00:00:00.000 --> 00:00:01.000\n/media/s.jpg#xywh=0,0,160,90");
    expect(cues[11]).toBe("00:00:10.000 --> 00:00:11.000\n/media/s.jpg#xywh=0,90,160,90");
    expect(cues[13]).toBe("00:00:12.000 --> 00:00:12.500\n/media/s.jpg#xywh=320,90,160,90\n");
  });
});
