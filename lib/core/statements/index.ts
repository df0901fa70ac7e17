import { alipayBillItems, parseAlipayBill, isAlipayBillHeader } from "@/lib/core/statements/alipay-bill";
import { camtItems, detectCamt, parseCamt053, parseCamt054 } from "@/lib/core/statements/camt";
import { cmbCsvItems, delimiterOf, detectCnBankLayout, icbcCsvItems, parseCmbCsv, parseIcbcCsv } from "@/lib/core/statements/cn-bank-csv";
import { readCsv, readCsvChunks, type CsvRecord } from "@/lib/core/statements/csv";
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

/**
 * Parses a statement or bill (bytes are decoded as UTF-8/UTF-16 by BOM, else UTF-8, else GBK).
 * Malformed lines come back in `rejected`; only a file that is not the format at all throws
 * StatementFormatError (for `auto`: a file of no known format).
 */
export function parseStatement(format: StatementFormat | "auto", input: Uint8Array | string): StatementParseResult {
  const text = stripBom(typeof input === "string" ? input : decodeStatementBytes(input).text);
  const resolved = format === "auto" ? detectStatementFormat(text) : format;
  if (!resolved) throw new StatementFormatError("auto", "the content matches none of cmb-csv, icbc-csv, camt053, camt054, mt940, alipay-bill, wechat-bill");
  return PARSERS[resolved](text);
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
  const resolved = format === "auto" ? detectStatementFormat(head) : format;
  if (!resolved) throw new StatementFormatError("auto", "the content matches none of cmb-csv, icbc-csv, camt053, camt054, mt940, alipay-bill, wechat-bill");
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
