import { describe, expect, it } from "vitest";
import { fitWithin } from "~/lib/media-tools.server";
import { sniffVideoType } from "~/services/videos.server";

const ftyp = (brand: string) =>
  Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from(`ftyp${brand}`), Buffer.alloc(12)]);

describe("the upload's first look at a file", () => {
  it.each([
    [ftyp("isom"), "video/mp4"],
    [ftyp("mp42"), "video/mp4"],
    [ftyp("qt  "), "video/quicktime"],
    [ftyp("3gp5"), "video/3gpp"],
    [
      Buffer.concat([Buffer.from([0, 0, 0, 8]), Buffer.from("wide"), Buffer.alloc(8)]),
      "video/quicktime",
    ],
    [
      Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), Buffer.from("\x42\x82\x84webm")]),
      "video/webm",
    ],
    [Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x42, 0x82, 0x88]), "video/x-matroska"],
    [Buffer.from("RIFF\0\0\0\0AVI LIST"), "video/x-msvideo"],
  ])("recognises %#", (head, type) => expect(sniffVideoType(head)).toBe(type));

  it.each([
    ["a text file", Buffer.from("Dear voters, thank you for asking.")],
    ["a HEIC photo", ftyp("heic")],
    ["an AVIF image", ftyp("avif")],
    ["a JPEG", Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46])],
    ["a PDF", Buffer.from("%PDF-1.7\n")],
    ["a script", Buffer.from("<script>alert(1)</script>")],
    ["nothing", Buffer.alloc(0)],
  ])("refuses %s", (_label, head) => expect(sniffVideoType(head)).toBeNull());
});

describe("rendition sizes", () => {
  const box360 = { longSide: 640, shortSide: 360 };
  it.each([
    [1920, 1080, box360, { width: 640, height: 360 }],
    [1080, 1920, box360, { width: 360, height: 640 }], // portrait stays portrait
    [854, 480, box360, { width: 640, height: 360 }],
    [320, 240, box360, { width: 320, height: 240 }], // never enlarged
    [853, 479, { longSide: 1280, shortSide: 720 }, { width: 852, height: 478 }], // even, not above
    [1440, 1080, box360, { width: 480, height: 360 }], // 4:3 kept
  ])("%i×%i in %o", (width, height, box, expected) =>
    expect(fitWithin(width, height, box)).toEqual(expected),
  );
});
