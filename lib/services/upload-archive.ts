// Files as the platforms and banks hand them out: Alipay's bill download is a zip (业务明细 and its 汇总),
// WeChat Pay's bill API answers gzip on request, Chinese online banking exports Excel workbooks. What
// the importers read is the file inside, or the workbook's first sheet as CSV.
import zlib from "node:zlib";
import ExcelJS from "exceljs";
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
  // Every record a zip reader would find, not only as many as the end record claims: an entry the
  // count leaves out must not reach a reader unchecked.
  const entries: ZipEntry[] = [];
  while (at + 4 <= end && buf.readUInt32LE(at) === ZIP_CENTRAL) {
    if (at + 46 > end) throw unreadable("the zip file is damaged (central directory)");
    const nameLength = buf.readUInt16LE(at + 28);
    const flags = buf.readUInt16LE(at + 8);
    const entry = {
      flags,
      method: buf.readUInt16LE(at + 10),
      crc: buf.readUInt32LE(at + 16),
      compressedSize: buf.readUInt32LE(at + 20),
      size: buf.readUInt32LE(at + 24),
      localOffset: buf.readUInt32LE(at + 42),
      name: entryName(buf.subarray(at + 46, at + 46 + nameLength), flags),
    };
    if (entry.compressedSize === 0xffffffff || entry.size === 0xffffffff || entry.localOffset === 0xffffffff) throw unreadable("ZIP64 archives are not supported");
    entries.push(entry);
    at += 46 + nameLength + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
  }
  if (entries.length !== count || at !== end) throw unreadable("the zip file is damaged (central directory)");
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
    throw unreadable(`the zip file holds several files (${names.join(", ")}${candidates.length > 5 ? ", …" : ""}): unpack it and upload each file to import`);
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

/** An Office Open XML workbook (.xlsx) is a zip with these two parts. */
const isWorkbook = (entries: ZipEntry[]) => entries.some((e) => e.name === "[Content_Types].xml") && entries.some((e) => e.name === "xl/workbook.xml");

const pad = (n: number) => String(n).padStart(2, "0");

/**
 * A cell as the exporting bank wrote it: text as is, numbers as Excel shows them (15 significant digits,
 * so a computed 1234.5600000000002 reads 1234.56),
 * date cells as wall-clock time (Excel has no time zone: the UTC fields are what was typed), a
 * time-only cell (day 0, 1899-12-30) as its time, a formula as its result.
 */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) {
    const time = `${pad(value.getUTCHours())}:${pad(value.getUTCMinutes())}:${pad(value.getUTCSeconds())}`;
    const date = `${value.getUTCFullYear()}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())}`;
    if (date === "1899-12-30") return time;
    return time === "00:00:00" ? date : `${date} ${time}`;
  }
  if (typeof value === "object") {
    if ("richText" in value) return value.richText.map((r) => r.text).join("");
    if ("result" in value) return cellText(value.result as ExcelJS.CellValue);
    if ("text" in value) return String(value.text);
    if ("error" in value) return "";
    return "";
  }
  // A whole number as stored (a 16-digit 流水号 written by the bank's system is exact; rounded to Excel's 15
  // digits two serials could become one); a fraction as Excel shows it.
  if (typeof value === "number") return Number.isSafeInteger(value) ? String(value) : String(Number(value.toPrecision(15)));
  return String(value);
}

const csvField = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

/**
 * A whole number beyond 2^53 in a cell (a 19-digit order id typed or pasted into a General column): Excel keeps
 * 15 significant digits, so the digits after them are gone and the CSV shows Excel's rounding.
 */
function isRoundedWholeNumber(value: ExcelJS.CellValue): boolean {
  const n = typeof value === "object" && value !== null && !(value instanceof Date) && "result" in value ? value.result : value;
  return typeof n === "number" && Number.isInteger(n) && !Number.isSafeInteger(n);
}

/**
 * The CSVs made from workbooks here, to the cells (CSV line → field indexes) that held such a number. The CSV shows
 * them as Excel does, as statements have always read them; a reader to whom the exact digits matter (the order import:
 * two ids rounded alike would become one order) asks {@link roundedNumberCells} with the bytes unpackUpload answered.
 */
const roundedCells = new WeakMap<Uint8Array, ReadonlyMap<number, readonly number[]>>();
const NONE: ReadonlyMap<number, readonly number[]> = new Map();

/** The cells of a CSV unpackUpload made from a workbook that held whole numbers too long to be exact (none for other bytes). */
export function roundedNumberCells(csv: Uint8Array): ReadonlyMap<number, readonly number[]> {
  return roundedCells.get(csv) ?? NONE;
}

// Line breaks as the CSV reader counts them (lib/core/statements/csv.ts): CRLF once, a lone CR or LF once.
const lineBreaks = (text: string) => text.match(/\r\n|\r|\n/g)?.length ?? 0;

// Wider than any bank or platform export: a sheet claiming more columns is read up to here.
const MAX_COLUMNS = 256;

/**
 * A workbook's first sheet with content, as UTF-8 CSV (with a BOM, as Excel writes one): every entry
 * of the zip — folders and forks included, as the reader unpacks them all — is inflated within
 * maxBytes first, so the reader never meets a bomb.
 */
async function workbookToCsv(buf: Buffer, entries: ZipEntry[], maxBytes: number): Promise<Uint8Array> {
  let total = 0;
  for (const e of entries) {
    total += inflateEntry(buf, e, maxBytes).length;
    if (total > maxBytes) throw tooLarge(maxBytes);
  }
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(buf as unknown as ArrayBuffer);
  } catch {
    throw unreadable("the Excel workbook could not be read");
  }
  const sheet = workbook.worksheets.find((ws) => ws.actualRowCount > 0);
  if (!sheet) throw unreadable("the Excel workbook has no rows");
  // ExcelJS works columnCount out from every row each time it is read: once here, not once a cell.
  const width = Math.min(MAX_COLUMNS, sheet.columnCount);
  const lines: string[] = [];
  const rounded = new Map<number, number[]>();
  // The CSV line each row starts on: a cell with line breaks in it (quoted) makes its row span several.
  let lineNo = 1;
  sheet.eachRow({ includeEmpty: true }, (row) => {
    const cells = new Array<string>(width).fill("");
    row.eachCell({ includeEmpty: false }, (cell, column) => {
      if (column > width) return;
      cells[column - 1] = csvField(cellText(cell.value).trim());
      if (isRoundedWholeNumber(cell.value)) rounded.set(lineNo, [...(rounded.get(lineNo) ?? []), column - 1]);
    });
    const line = cells.join(",");
    lines.push(line);
    lineNo += 1 + lineBreaks(line);
  });
  const csv = new Uint8Array(Buffer.from(`\uFEFF${lines.join("\r\n")}\r\n`, "utf8"));
  if (rounded.size > 0) roundedCells.set(csv, rounded);
  return csv;
}

/**
 * The file inside an upload: a zip's statement file, a gzip's content, an Excel workbook's first
 * sheet as CSV, never more than maxBytes unpacked; any other upload as it came. The old binary Excel
 * format (.xls) is refused with the way out (save as .xlsx or CSV).
 */
export async function unpackUpload(bytes: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length >= 4 && buf.readUInt32LE(0) === ZIP_LOCAL) {
    const entries = zipEntries(buf);
    if (isWorkbook(entries)) return workbookToCsv(buf, entries, maxBytes);
    return inflateEntry(buf, chooseEntry(entries), maxBytes);
  }
  if (buf.length >= 3 && buf[0] === 0x1f && buf[1] === 0x8b && buf[2] === 8) return inflate(() => zlib.gunzipSync(buf, { maxOutputLength: maxBytes }), maxBytes);
  if (buf.length >= 8 && buf.readUInt32BE(0) === 0xd0cf11e0 && buf.readUInt32BE(4) === 0xa1b11ae1) {
    throw unreadable("an Excel 97–2003 workbook (.xls) is not read: save it as .xlsx or CSV and upload that");
  }
  return bytes;
}
