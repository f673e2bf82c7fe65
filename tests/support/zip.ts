import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

/**
 * A minimal zip writer for tests (deflate, no zip64): feeds in the VIP CSV form, and zip bombs —
 * an entry may declare an uncompressed size other than its real one, as a hostile archive would.
 */
export type ZipInput = {
  name: string;
  /** deflated bytes and what they inflate to */
  deflated: Buffer;
  crc: number;
  size: number;
  /** the uncompressed size written in the headers, when it should lie */
  declaredSize?: number;
};

export function entry(name: string, data: Buffer): ZipInput {
  return { name, deflated: zlib.deflateRawSync(data), crc: zlib.crc32(data), size: data.length };
}

/**
 * An entry of `size` zero bytes, deflated a megabyte at a time (never held whole): each piece is
 * a run of non-final deflate blocks, and an empty final block closes the stream.
 */
export function zeros(name: string, size: number): ZipInput {
  const chunk = Buffer.alloc(1024 * 1024);
  const parts: Buffer[] = [];
  let crc = 0;
  for (let written = 0; written < size; written += chunk.length) {
    const piece = chunk.subarray(0, Math.min(chunk.length, size - written));
    crc = zlib.crc32(piece, crc);
    parts.push(zlib.deflateRawSync(piece, { level: 9, finishFlush: zlib.constants.Z_SYNC_FLUSH }));
  }
  parts.push(zlib.deflateRawSync(Buffer.alloc(0)));
  return { name, deflated: Buffer.concat(parts), crc, size };
}

export function zip(entries: ZipInput[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const item of entries) {
    const name = Buffer.from(item.name, "utf8");
    const size = item.declaredSize ?? item.size;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(item.crc >>> 0, 14);
    local.writeUInt32LE(item.deflated.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, item.deflated);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(item.crc >>> 0, 16);
    central.writeUInt32LE(item.deflated.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + item.deflated.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** The files of a directory, zipped (as a clerk's export tool would: names under a folder). */
export function zipDirectory(directory: string, folder = "feed"): Buffer {
  return zip(
    fs
      .readdirSync(directory)
      .sort()
      .map((file) => entry(`${folder}/${file}`, fs.readFileSync(path.join(directory, file)))),
  );
}
