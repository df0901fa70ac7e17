import { parseAlipayBill, isAlipayBillHeader } from "@/lib/core/statements/alipay-bill";
import { detectCamt, parseCamt053, parseCamt054 } from "@/lib/core/statements/camt";
import { detectCnBankLayout, parseCmbCsv, parseIcbcCsv } from "@/lib/core/statements/cn-bank-csv";
import { readCsv } from "@/lib/core/statements/csv";
import { decodeStatementBytes, stripBom } from "@/lib/core/statements/decode";
import { looksLikeMt940, parseMt940 } from "@/lib/core/statements/mt940";
import { StatementFormatError, type StatementFormat, type StatementParseResult } from "@/lib/core/statements/types";
import { isWechatBillHeader, parseWechatBill } from "@/lib/core/statements/wechat-bill";

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
