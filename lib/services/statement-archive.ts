// Statements as the platforms hand them out: Alipay's bill download is a zip (业务明细 and its 汇总),
// WeChat Pay's bill API answers gzip on request. The file inside is what gets imported.
import zlib from "node:zlib";
import iconv from "iconv-lite";
import { ApiError, badRequest } from "@/lib/http/errors";

const ZIP_LOCAL = 0x04034b50;
const ZIP_CENTRAL = 0x02014b50;
const ZIP_END = 0x06054b50;

const unreadable = (reason: string) => badRequest(`body: ${reason}`, "invalid_statement");
const tooLarge = (maxBytes: number) =>
  new ApiError(413, "payload_too_large", `Statement files are limited to ${maxBytes / 1024 / 1024} MB, unpacked`);

interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/** An entry's name: UTF-8 when the zip says so (or the bytes are valid UTF-8), else GBK as Chinese Windows and Alipay write them. */
function entryName(raw: Buffer, flags: number): string {
  if (flags & 0x800) return raw.toString("utf8");
  const utf8 = raw.toString("utf8");
  return utf8.includes("\uFFFD") ? iconv.decode(raw, "gbk") : utf8;
}

function zipEntries(buf: Buffer): ZipEntry[] {
  // The end record sits in the last 22 bytes plus a comment of at most 65,535.
  let end = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === ZIP_END) {
      end = i;
      break;
    }
  }
  if (end < 0) throw unreadable("the zip file is damaged (no central directory)");
  const count = buf.readUInt16LE(end + 10);
  let at = buf.readUInt32LE(end + 16);
  if (count === 0xffff || at === 0xffffffff) throw unreadable("ZIP64 archives are not supported");
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (at + 46 > buf.length || buf.readUInt32LE(at) !== ZIP_CENTRAL) throw unreadable("the zip file is damaged (central directory)");
    const nameLength = buf.readUInt16LE(at + 28);
    const flags = buf.readUInt16LE(at + 8);
    entries.push({
      flags,
      method: buf.readUInt16LE(at + 10),
      crc: buf.readUInt32LE(at + 16),
      compressedSize: buf.readUInt32LE(at + 20),
      size: buf.readUInt32LE(at + 24),
      localOffset: buf.readUInt32LE(at + 42),
      name: entryName(buf.subarray(at + 46, at + 46 + nameLength), flags),
    });
    at += 46 + nameLength + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
  }
  return entries;
}

/** The files of an archive a person would call its content: no folders, no macOS resource forks. */
const isContent = (e: ZipEntry) => !e.name.endsWith("/") && !e.name.startsWith("__MACOSX/") && !/(^|\/)\._/.test(e.name);

/**
 * The one statement in a zip: its only file, or, in an Alipay bill download, the 业务明细 beside its
 * 汇总 (summary). Anything else is for the person to choose: several files are refused, naming them.
 */
function chooseEntry(entries: ZipEntry[]): ZipEntry {
  const files = entries.filter(isContent);
  const details = files.filter((e) => !e.name.includes("汇总"));
  const candidates = details.length > 0 ? details : files;
  if (candidates.length === 0) throw unreadable("the zip file holds no file");
  if (candidates.length > 1) {
    const names = candidates.slice(0, 5).map((e) => e.name.split("/").pop());
    throw unreadable(`the zip file holds several files (${names.join(", ")}${candidates.length > 5 ? ", …" : ""}): upload the one to import`);
  }
  return candidates[0];
}

function inflateEntry(buf: Buffer, entry: ZipEntry, maxBytes: number): Buffer {
  if (entry.flags & 0x1) throw unreadable("the zip file is password-protected");
  if (entry.size > maxBytes) throw tooLarge(maxBytes);
  const at = entry.localOffset;
  if (at + 30 > buf.length || buf.readUInt32LE(at) !== ZIP_LOCAL) throw unreadable("the zip file is damaged (local header)");
  const start = at + 30 + buf.readUInt16LE(at + 26) + buf.readUInt16LE(at + 28);
  const data = buf.subarray(start, start + entry.compressedSize);
  if (data.length !== entry.compressedSize) throw unreadable("the zip file is truncated");
  let out: Buffer;
  if (entry.method === 0) out = data;
  else if (entry.method === 8) out = inflate(() => zlib.inflateRawSync(data, { maxOutputLength: maxBytes }), maxBytes);
  else throw unreadable(`the zip file uses compression method ${entry.method}; only stored and deflated files are read`);
  if (out.length !== entry.size || zlib.crc32(out) !== entry.crc) throw unreadable("the zip file is damaged (checksum)");
  return out;
}

/** Runs a zlib call bounded by maxOutputLength: more output than allowed is 413 (a zip bomb stops there), bad data 400. */
function inflate(run: () => Buffer, maxBytes: number): Buffer {
  try {
    return run();
  } catch (err) {
    if (err instanceof RangeError || (err as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") throw tooLarge(maxBytes);
    throw unreadable("the compressed file is damaged");
  }
}

/**
 * The statement inside an upload: a zip's statement file or a gzip's content, never more than
 * maxBytes unpacked; any other upload as it came.
 */
export function unpackStatement(bytes: Uint8Array, maxBytes: number): Uint8Array {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length >= 4 && buf.readUInt32LE(0) === ZIP_LOCAL) return inflateEntry(buf, chooseEntry(zipEntries(buf)), maxBytes);
  if (buf.length >= 3 && buf[0] === 0x1f && buf[1] === 0x8b && buf[2] === 8) return inflate(() => zlib.gunzipSync(buf, { maxOutputLength: maxBytes }), maxBytes);
  return bytes;
}
