import { alipayBillItems, parseAlipayBill, isAlipayBillHeader } from "@/lib/core/statements/alipay-bill";
import { camtItems, detectCamt, parseCamt053, parseCamt054 } from "@/lib/core/statements/camt";
import { cmbCsvItems, delimiterOf, detectCnBankLayout, icbcCsvItems, parseCmbCsv, parseIcbcCsv } from "@/lib/core/statements/cn-bank-csv";
import { headerKey, readCsv, readCsvChunks, type CsvRecord } from "@/lib/core/statements/csv";
import { decodeStatementBytes, decodeStatementChunks, stripBom } from "@/lib/core/statements/decode";
import { looksLikeMt940, parseMt940 } from "@/lib/core/statements/mt940";
import {
  StatementFormatError,
  type StatementFormat,
  type StatementItem,
  type StatementParseResult,
  type StatementStream,
} from "@/lib/core/statements/types";
import { isWechatBillHeader, parseWechatBill, wechatBillItems } from "@/lib/core/statements/wechat-bill";

export * from "@/lib/core/statements/types";
export { decodeStatementBytes } from "@/lib/core/statements/decode";
export { parseAlipayBill, parseCamt053, parseCamt054, parseCmbCsv, parseIcbcCsv, parseMt940, parseWechatBill };

const PARSERS: Record<StatementFormat, (text: string) => StatementParseResult> = {
  "cmb-csv": parseCmbCsv,
  "icbc-csv": parseIcbcCsv,
  camt053: parseCamt053,
  camt054: parseCamt054,
  mt940: parseMt940,
  "alipay-bill": parseAlipayBill,
  "wechat-bill": parseWechatBill,
};

/** The format a statement's text is in, judged from its content; null when none fits. */
export function detectStatementFormat(text: string): StatementFormat | null {
  const t = stripBom(text);
  const head = t.slice(0, 65536).trimStart();
  if (head.startsWith("<")) {
    const camt = detectCamt(head);
    return camt === "camt053" || camt === "camt054" ? camt : null;
  }
  if (looksLikeMt940(t)) return "mt940";
  let records = 0;
  for (const { fields } of readCsv(head)) {
    if (isWechatBillHeader(fields)) return "wechat-bill";
    if (isAlipayBillHeader(fields)) return "alipay-bill";
    if (++records >= 30) break;
  }
  return detectCnBankLayout(head);
}

// Header cells of exports people download by mistake beside the ones we read, and what to upload instead.
const OTHER_EXPORTS: { cells: string[]; says: string }[] = [
  { cells: ["资金流水单号", "收支类型"], says: "this is WeChat Pay's fund flow bill (资金账单): upload its transaction bill (交易账单)" },
  { cells: ["账务流水号", "业务流水号"], says: "this is Alipay's account statement (账务明细): upload the business statement (业务明细)" },
  { cells: ["订单编号", "买家实际支付金额"], says: "this is a Taobao order export: import it as platform orders" },
  { cells: ["主订单编号", "订单应付金额"], says: "this is a Douyin order export: import it as platform orders" },
];

/** What an unreadable upload is when it is a known export of another kind, in words saying what to upload instead; else null. */
function otherExport(head: string): string | null {
  if (/<(?:[\w.-]+:)?BkToCstmrAcctRpt[\s>]/.test(head.slice(0, 65536))) {
    return "this is an intraday camt.052 account report: upload the day's camt.053 statement or the camt.054 notification";
  }
  const text = head.slice(0, 65536);
  let records = 0;
  for (const { fields } of readCsv(text, delimiterOf(text))) {
    const cells = fields.map(headerKey);
    const match = OTHER_EXPORTS.find((o) => o.cells.every((c) => cells.includes(headerKey(c))));
    if (match) return match.says;
    if (++records >= 30) break;
  }
  return null;
}

const NO_FORMAT = "the content matches none of cmb-csv, icbc-csv, camt053, camt054, mt940, alipay-bill, wechat-bill";

/**
 * The format to read a text as: the one asked, or for `auto` the one detected. A known export of
 * another kind (a fund bill, an order export) is refused naming what to upload instead.
 */
function resolveFormat(format: StatementFormat | "auto", head: string): StatementFormat {
  const detected = detectStatementFormat(head);
  if (!detected) {
    const other = otherExport(head);
    if (other) throw new StatementFormatError(format, other);
  }
  const resolved = format === "auto" ? detected : format;
  if (!resolved) throw new StatementFormatError("auto", NO_FORMAT);
  return resolved;
}

/**
 * Parses a statement or bill (bytes are decoded as UTF-8/UTF-16 by BOM, else UTF-8, else GBK).
 * Malformed lines come back in `rejected`; only a file that is not the format at all throws
 * StatementFormatError (for `auto`: a file of no known format).
 */
export function parseStatement(format: StatementFormat | "auto", input: Uint8Array | string): StatementParseResult {
  const text = stripBom(typeof input === "string" ? input : decodeStatementBytes(input).text);
  return PARSERS[resolveFormat(format, text)](text);
}

/** Formats read record by record, so a large file is never one string nor one array of lines. */
const CSV_ITEMS: Partial<Record<StatementFormat, (records: Iterable<CsvRecord>) => Iterable<StatementItem>>> = {
  "cmb-csv": cmbCsvItems,
  "icbc-csv": icbcCsvItems,
  "alipay-bill": alipayBillItems,
  "wechat-bill": wechatBillItems,
};

function* linesAndRejections(result: StatementParseResult): Generator<StatementItem> {
  for (const line of result.lines) yield { line };
  for (const rejected of result.rejected) yield { rejected };
}

/**
 * parseStatement, lazily: the bytes are decoded in chunks of about a megabyte and the CSV formats
 * (bank exports, channel bills) yield their lines as the records are read, so memory stays bounded
 * by the chunk, not by the file. camt is held as text and parsed entry by entry; MT940 (a few
 * kilobytes a day in practice) is read whole, within the upload size cap.
 */
export function streamStatement(format: StatementFormat | "auto", bytes: Uint8Array): StatementStream {
  const chunks = decodeStatementChunks(bytes);
  const first = chunks.next();
  const head = stripBom(first.done ? "" : first.value);
  const resolved = resolveFormat(format, head);
  function* text(): Generator<string> {
    if (head) yield head;
    yield* chunks;
  }
  const csv = CSV_ITEMS[resolved];
  if (csv) {
    const delimiter = resolved === "cmb-csv" || resolved === "icbc-csv" ? delimiterOf(head) : ",";
    return { format: resolved, items: csv(readCsvChunks(text(), delimiter)) };
  }
  const whole = [...text()].join("");
  if (resolved === "camt053" || resolved === "camt054") return { format: resolved, items: camtItems(whole, resolved) };
  return { format: resolved, items: linesAndRejections(PARSERS[resolved](whole)) };
}
