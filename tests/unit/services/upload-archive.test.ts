import zlib from "node:zlib";
import ExcelJS from "exceljs";
import iconv from "iconv-lite";
import JSZip from "jszip";
import { beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "@/lib/http/errors";
import { roundedNumberCells, unpackUpload } from "@/lib/services/upload-archive";

const MB = 1024 * 1024;
const text = (b: Uint8Array) => Buffer.from(b).toString("utf8");

async function zip(files: Record<string, string | Uint8Array>, opts: { gbkNames?: boolean; store?: boolean } = {}): Promise<Uint8Array> {
  const z = new JSZip();
  for (const [name, content] of Object.entries(files)) z.file(name, content);
  return z.generateAsync({
    type: "uint8array",
    compression: opts.store ? "STORE" : "DEFLATE",
    // Alipay's downloads and Chinese Windows name their entries in GBK, without the UTF-8 flag.
    // JSZip writes whatever bytes this returns as the name (its types say string).
    ...(opts.gbkNames ? { encodeFileName: ((name: string) => new Uint8Array(iconv.encode(name, "gbk"))) as unknown as (name: string) => string } : {}),
  });
}

async function refusal(run: () => Promise<unknown>): Promise<ApiError> {
  try {
    await run();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error("not refused");
}

describe("unpackUpload", () => {
  let zip2: Uint8Array;
  let empty: Uint8Array;
  let one: Uint8Array;
  let oneStored: Uint8Array;
  beforeAll(async () => {
    zip2 = await zip({ "a.csv": "x", "b.csv": "y" });
    const folderOnly = new JSZip();
    folderOnly.folder("empty");
    empty = await folderOnly.generateAsync({ type: "uint8array" });
    one = await zip({ "a.csv": "交易日期,金额\n".repeat(50) });
    oneStored = await zip({ "a.csv": "交易日期,金额\n".repeat(50) }, { store: true });
  });

  it("answers any other upload as it came", async () => {
    const csv = new TextEncoder().encode("交易日期,金额\n");
    expect(await unpackUpload(csv, MB)).toBe(csv);
    expect(await unpackUpload(new Uint8Array([0x50, 0x4b]), MB)).toHaveLength(2);
  });

  it("takes an Alipay bill download's 业务明细 beside its 汇总, names in GBK, and leaves macOS forks and folders out", async () => {
    const detail = iconv.encode("#支付宝业务明细查询\n业务流水号,商户订单号\n", "gbk");
    const archive = await zip(
      {
        "20881234567890120241125_业务明细.csv": detail,
        "20881234567890120241125_业务明细(汇总).csv": iconv.encode("#汇总\n", "gbk"),
        "__MACOSX/._20881234567890120241125_业务明细.csv": "fork",
      },
      { gbkNames: true },
    );
    expect(Buffer.from(await unpackUpload(archive, MB)).equals(detail)).toBe(true);
    const stored = await zip({ "statements/camt053.xml": "<?xml version=\"1.0\"?><Document/>" }, { store: true });
    expect(text(await unpackUpload(stored, MB))).toContain("<Document/>");
  });

  it("unpacks a gzip (WeChat Pay's bill API answers one on request)", async () => {
    const bill = "交易时间,公众账号ID,商户号\n";
    expect(text(await unpackUpload(new Uint8Array(zlib.gzipSync(bill)), MB))).toBe(bill);
  });

  it("refuses what it cannot choose or read, in words a person acts on", async () => {
    const several = await refusal(() => unpackUpload(zip2, MB));
    expect(several).toMatchObject({ status: 400, code: "invalid_statement" });
    expect(several.message).toMatch(/several files \(a\.csv, b\.csv\): unpack it and upload each file to import/);
    expect((await refusal(() => unpackUpload(empty, MB))).message).toMatch(/holds no file/);
    const damaged = Buffer.from(one);
    damaged[damaged.length - 30] ^= 0xff;
    expect((await refusal(() => unpackUpload(damaged.subarray(0, damaged.length - 10), MB))).code).toBe("invalid_statement");
    const flipped = Buffer.from(oneStored);
    flipped[40] ^= 0xff; // inside the stored content: the checksum no longer holds
    expect((await refusal(() => unpackUpload(flipped, MB))).message).toMatch(/checksum|damaged/);
    expect((await refusal(() => unpackUpload(new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2, 3]), MB))).code).toBe("invalid_statement");
  });

  it("stops a zip or gzip bomb at the limit: 413 before the whole of it is inflated", async () => {
    const zeros = new Uint8Array(3 * MB);
    const bomb = await zip({ "big.csv": zeros });
    expect(bomb.length).toBeLessThan(64 * 1024);
    expect(await refusal(() => unpackUpload(bomb, MB))).toMatchObject({ status: 413, code: "payload_too_large" });
    expect(await refusal(() => unpackUpload(new Uint8Array(zlib.gzipSync(zeros)), MB))).toMatchObject({ status: 413 });
    expect(await unpackUpload(bomb, 4 * MB)).toHaveLength(3 * MB);
    // A directory that understates the size does not get past the inflater's own limit.
    const lying = Buffer.from(bomb);
    const central = lying.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    lying.writeUInt32LE(100, central + 24);
    expect(await refusal(() => unpackUpload(lying, MB))).toMatchObject({ status: 413 });
  });

  it("reads an Excel workbook's first sheet as CSV: text as typed, amounts exactly, dates and times as the bank wrote them", async () => {
    const book = new ExcelJS.Workbook();
    book.addWorksheet("空白");
    const sheet = book.addWorksheet("交易明细");
    sheet.addRow(["交易日期", "交易时间", "贷方金额", "对方户名", "摘要"]);
    sheet.addRow([new Date(Date.UTC(2026, 10, 20)), new Date(Date.UTC(1899, 11, 30, 10, 23, 45)), 8800.5, "杭州禾木家居, 有限公司", '货款 "LD7K2M9QX4"']);
    sheet.addRow(["20261121", "09:00:01", { formula: "1+2", result: 3 }, { richText: [{ text: "王" }, { text: "晓东" }] }, null]);
    sheet.addRow([new Date(Date.UTC(2026, 10, 22, 14, 5, 0)), null, 12800, "李四", "往来"]);
    const xlsx = new Uint8Array(await book.xlsx.writeBuffer());
    const csv = text(await unpackUpload(xlsx, MB));
    expect(csv.split("\r\n")).toEqual([
      "\uFEFF交易日期,交易时间,贷方金额,对方户名,摘要",
      '2026-11-20,10:23:45,8800.5,"杭州禾木家居, 有限公司","货款 ""LD7K2M9QX4"""',
      "20261121,09:00:01,3,王晓东,",
      "2026-11-22 14:05:00,,12800,李四,往来",
      "",
    ]);
  });

  it("refuses the old binary Excel format with the way out, and a workbook bigger than the limit unpacked", async () => {
    const xls = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]);
    expect((await refusal(() => unpackUpload(xls, MB))).message).toMatch(/\.xls.*save it as \.xlsx or CSV/);
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet("s");
    for (let i = 0; i < 20_000; i++) sheet.addRow([`row ${i}`, "x".repeat(50)]);
    const xlsx = new Uint8Array(await book.xlsx.writeBuffer());
    expect(await refusal(() => unpackUpload(xlsx, 256 * 1024))).toMatchObject({ status: 413 });
  });

  it("a workbook of a month's lines converts in linear time", async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet("交易明细");
    for (let i = 0; i < 10_000; i++) sheet.addRow(Array.from({ length: 12 }, (_, c) => (c === 2 ? 100 + i : `r${i}c${c}`)));
    const xlsx = new Uint8Array(await book.xlsx.writeBuffer());
    const started = Date.now();
    const lines = text(await unpackUpload(xlsx, 50 * MB)).split("\r\n");
    // Quadratic in rows (reading the column count once a cell) took minutes here; linear takes about a second.
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(lines[9_999].split(",")).toHaveLength(12);
    expect(lines[9_999]).toContain("10099");
  }, 60_000);

  it("every entry of a workbook's zip is held to the limit: a bomb beside the sheet, or left out of the count, never reaches the reader", async () => {
    const book = new ExcelJS.Workbook();
    book.addWorksheet("s").addRow(["交易日期", "金额"]);
    const workbook = await JSZip.loadAsync(await book.xlsx.writeBuffer());
    workbook.file("__MACOSX/._bomb", new Uint8Array(3 * MB));
    const withBomb = await workbook.generateAsync({ type: "uint8array", compression: "DEFLATE" });
    expect(await refusal(() => unpackUpload(withBomb, MB))).toMatchObject({ status: 413 });

    const plain = Buffer.from(await (await JSZip.loadAsync(await book.xlsx.writeBuffer())).generateAsync({ type: "uint8array", compression: "DEFLATE" }));
    const end = plain.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    const understated = Buffer.from(plain);
    understated.writeUInt16LE(understated.readUInt16LE(end + 10) - 1, end + 10);
    understated.writeUInt16LE(understated.readUInt16LE(end + 8) - 1, end + 8);
    expect(await refusal(() => unpackUpload(understated, MB))).toMatchObject({ status: 400, message: expect.stringMatching(/central directory/) });
  });

  it("reads numbers as Excel shows them, without binary noise", async () => {
    const book = new ExcelJS.Workbook();
    book.addWorksheet("s").addRow([0.1 + 0.2, 1234.56 * 3, 8800]);
    expect(text(await unpackUpload(new Uint8Array(await book.xlsx.writeBuffer()), MB)).split("\r\n")[0]).toBe("\uFEFF0.3,3703.68,8800");
  });

  it("keeps a 16-digit serial stored as a number whole: rounded to 15 digits, two payments' serials would become one", async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet("s");
    sheet.addRow([2024050112345678, 8800]);
    sheet.addRow([2024050112345679, 8800]);
    const rows = text(await unpackUpload(new Uint8Array(await book.xlsx.writeBuffer()), MB)).split("\r\n");
    expect(rows.slice(0, 2)).toEqual(["\uFEFF2024050112345678,8800", "2024050112345679,8800"]);
  });
  it("reads a whole number beyond 2^53 as Excel shows it (as statements always have), and names its cell for a reader who needs the digits", async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet("s");
    sheet.addRow(["订单编号", "备注", "金额"]);
    // A cell with a line break: its row spans two CSV lines, so the next row starts on line 4.
    sheet.addRow([2024050112345678, "第一行\n第二行", 8800]);
    sheet.addRow(["x", 6928374655102938471, { formula: "1+1", result: 6928374655102938472 }]);
    const csv = await unpackUpload(new Uint8Array(await book.xlsx.writeBuffer()), MB);
    expect(text(csv).split(/\r\n|\n/).slice(2, 4)).toEqual(['第二行",8800', "x,6928374655102940000,6928374655102940000"]);
    expect([...roundedNumberCells(csv)]).toEqual([[4, [1, 2]]]);
    // Bytes it did not make from a workbook name none.
    expect(roundedNumberCells(new TextEncoder().encode("a,b\n6928374655102940000,1\n")).size).toBe(0);
  });
});
