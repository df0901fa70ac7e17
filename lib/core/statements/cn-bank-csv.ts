import { cellValue, headerBase, headerKey, isBlankRecord, mapColumns, rawRow, readCsv, type CsvRecord } from "@/lib/core/statements/csv";
import { currencyCode, joinMemo, LineError, majorUnits, reasonOf, textOrNull, toMinorUnits } from "@/lib/core/statements/common";
import { parseClock, parseCnDate, parseCnDateTime, shanghaiToIso } from "@/lib/core/statements/time";
import {
  collectItems,
  StatementFormatError,
  type StatementItem,
  type StatementLine,
  type StatementParseResult,
} from "@/lib/core/statements/types";

type Field =
  | "date"
  | "time"
  | "valueDate"
  | "debit"
  | "credit"
  | "amount"
  | "flag"
  | "serial"
  | "payerName"
  | "payerAccount"
  | "currency";

// Header names seen in 企业网银 exports (channels.md §5); exports differ by bank and version, so
// columns are found by name and each logical field accepts its common spellings.
const COMMON: Record<Field, readonly string[]> = {
  date: ["交易日期", "记账日期", "入账日期", "日期"],
  time: ["交易时间", "时间"],
  valueDate: ["起息日", "起息日期"],
  debit: ["借方金额", "借方发生额", "支出金额", "付款金额"],
  credit: ["贷方金额", "贷方发生额", "收入金额", "收款金额"],
  amount: ["交易金额", "发生额", "金额"],
  flag: ["借/贷", "借贷标志", "借贷方向", "收支方向", "借贷"],
  serial: ["流水号", "交易流水号", "银行流水号", "凭证号", "凭证号码", "交易序号"],
  // Only credits become payments, and on a credit the 付款人 is the other side.
  payerName: ["收(付)方名称", "对方单位名称", "对方户名", "对方名称", "对方账户名称", "对方单位", "付款人名称", "付款方名称"],
  payerAccount: ["收(付)方账号", "对方账号", "对方账户", "付款人账号", "付款方账号"],
  currency: ["币种", "货币"],
};

/** Memo columns in the order they are joined: payer-typed 附言/用途 first, then the bank's 摘要 texts. */
const MEMO_COLUMNS = ["附言", "用途", "摘要", "业务摘要", "其它摘要", "其他摘要", "扩展摘要", "备注", "商务支付订单号"];
const MEMO_KEYS = MEMO_COLUMNS.map(headerKey);

/** Where the memo columns are, in joining order: named as they are, or with a note (附言[ Remark ]). */
function memoColumns(header: string[]): number[] {
  const keys = header.map(headerKey);
  const bases = keys.map(headerBase);
  return MEMO_KEYS.map((k) => {
    const exact = keys.indexOf(k);
    return exact >= 0 ? exact : bases.indexOf(k);
  }).filter((i) => i >= 0);
}

interface Layout {
  format: "cmb-csv" | "icbc-csv";
  aliases: Record<Field, readonly string[]>;
  /** Header cells that identify the layout: all cells of any one of these sets must be present. */
  signatures: readonly (readonly string[])[];
}

// Any bank's export naming a booking date and an incoming (or signed) amount reads as the CMB layout: its
// columns are found by name either way (农行's 记账日期 + 贷方发生额, 中行's 交易日期 + 交易金额).
const DATE_HEADERS = ["交易日期", "记账日期", "入账日期"];
const AMOUNT_HEADERS = ["贷方金额", "贷方发生额", "收入金额", "收款金额", "交易金额"];
const CMB: Layout = {
  format: "cmb-csv",
  aliases: COMMON,
  signatures: [["流水号", "贷方金额"], ...DATE_HEADERS.flatMap((date) => AMOUNT_HEADERS.map((amount) => [date, amount]))],
};
// ICBC's 凭证号 is its serial; prefer it over any 流水号-like column.
const ICBC: Layout = {
  format: "icbc-csv",
  aliases: { ...COMMON, serial: ["凭证号", "凭证号码", ...COMMON.serial] },
  signatures: [
    ["凭证号", "贷方发生额"],
    ["凭证号", "借/贷"],
  ],
};

/** True when a header row has every signature column of the layout. */
function hasSignature(fields: string[], layout: Layout): boolean {
  const keys = fields.map(headerKey);
  const bases = keys.map(headerBase);
  return layout.signatures.some((set) => set.every((s) => keys.includes(headerKey(s)) || bases.includes(headerKey(s))));
}

// Exports often open with a few lines of account information before the header.
const MAX_PREAMBLE_RECORDS = 30;

/** Which Chinese bank layout a text's header names, if any (for `auto`). */
export function detectCnBankLayout(text: string): "cmb-csv" | "icbc-csv" | null {
  let seen = 0;
  for (const { fields } of readCsv(text, delimiterOf(text))) {
    if (hasSignature(fields, ICBC)) return "icbc-csv";
    if (hasSignature(fields, CMB)) return "cmb-csv";
    if (++seen >= MAX_PREAMBLE_RECORDS) break;
  }
  return null;
}

/**
 * Tab-separated when the first lines have more tabs than commas (some banks' "文本文件" export): a
 * tab-separated row has one tab a column, and commas only inside amounts (8,800.00) and memos.
 */
export function delimiterOf(text: string): string {
  // Tabs next to a comma, or closing a quoted cell, pad the cells of a comma-separated export (a bank's way of
  // keeping 流水号 as text): not separators.
  const head = text
    .slice(0, 4096)
    .replace(/\t+"(?=,|\r?\n|$)/g, '"')
    .replace(/\t+,|,\t+/g, ",");
  const count = (c: string) => head.split(c).length - 1;
  return count("\t") > count(",") ? "\t" : ",";
}

// Rows under the table: totals, counts, and who printed it when.
const FOOTER = /^(合计|总计|小计|共\d|本页|打印|制表|导出|操作员|经办|复核)/;
// A day's or a page's subtotal may start with the date: its label stands in another cell, and it has no serial.
// Only where the file has serials: without them a payment whose memo starts 合计 looks the same, and must stay.
const SUBTOTAL = /^(本日|当日|本月|当月|本期|本页)?(合计|小计|总计|累计)/;
const isFooter = (fields: string[], serialColumn: number) =>
  FOOTER.test(cellValue(fields.find((f) => f.trim() !== "") ?? "")) ||
  (serialColumn >= 0 && !cellValue(fields[serialColumn] ?? "") && fields.some((f) => SUBTOTAL.test(cellValue(f))));

/** An amount cell, with the dash some banks print in the column not used ("-", "--", "—") read as empty. */
const amountCell = (value: string) => (/^[-—–]+$/.test(value.trim()) ? "" : value);

function direction(flag: string): "credit" | "debit" | null {
  const f = flag.trim().toUpperCase();
  if (/^(贷|收|收入|C|CR|CRDT|\+)/.test(f)) return "credit";
  if (/^(借|付|支出|支|D|DR|DBIT|-)/.test(f)) return "debit";
  return null;
}

function readLine(header: string[], cols: Record<Field, number>, memoCols: number[], fields: string[], lineNo: number): StatementLine {
  const get = (f: Field) => (cols[f] >= 0 ? cellValue(fields[cols[f]]) : "");
  const dateCell = get("date");
  const timeCell = get("time");
  let booked: { date: string; iso: string } | null = null;
  if (dateCell) {
    const date = parseCnDate(dateCell);
    const clock = timeCell ? parseClock(timeCell) : null;
    if (date && clock !== null) booked = { date, iso: shanghaiToIso(date, clock) };
    else if (date && timeCell && parseCnDateTime(timeCell)?.date === date) booked = parseCnDateTime(timeCell);
    else booked = parseCnDateTime(dateCell);
  } else if (timeCell) {
    booked = parseCnDateTime(timeCell);
  }
  if (!booked) throw new LineError(`date "${dateCell || timeCell}" is not a date`);

  const currency = currencyCode(get("currency"));
  let dir: "credit" | "debit";
  let signed: number;
  let amountColumn: string;
  const credit = amountCell(get("credit"));
  const debit = amountCell(get("debit"));
  if (cols.credit >= 0 || cols.debit >= 0) {
    const c = credit ? majorUnits(credit, header[cols.credit]) : 0;
    const d = debit ? majorUnits(debit, header[cols.debit]) : 0;
    if (c !== 0 && d !== 0) throw new LineError("both debit and credit amounts are filled");
    if (c === 0 && d === 0) throw new LineError("no debit or credit amount");
    [dir, signed, amountColumn] = c !== 0 ? ["credit", c, header[cols.credit]] : ["debit", d, header[cols.debit]];
  } else {
    const amount = get("amount");
    if (!amount) throw new LineError("no amount");
    amountColumn = header[cols.amount] ?? "amount";
    const value = majorUnits(amount, amountColumn);
    const flagged = cols.flag >= 0 ? direction(get("flag")) : null;
    if (cols.flag >= 0 && !flagged) throw new LineError(`debit/credit flag "${get("flag")}" is neither 借 nor 贷`);
    dir = flagged ?? (value < 0 ? "debit" : "credit");
    signed = flagged ? value : Math.abs(value);
    if (signed === 0) throw new LineError("zero amount");
  }
  const valueDateCell = get("valueDate");
  const raw = rawRow(header, fields);
  return {
    lineNo,
    direction: dir,
    // A negative amount in a credit (debit) column is the bank reversing an earlier booking.
    reversal: signed < 0,
    // Read as hundredths; a yen account's 10,000 is 10000 yen, not a million.
    amount: toMinorUnits(Math.abs(signed), currency, amountColumn),
    currency,
    bookedAt: booked.iso,
    bookedDate: booked.date,
    valueDate: valueDateCell ? parseCnDate(valueDateCell) : null,
    bankSerial: textOrNull(get("serial")),
    endToEndId: null,
    reference: null,
    payerName: textOrNull(get("payerName")),
    payerAccount: textOrNull(get("payerAccount"))?.replace(/\s/g, "") ?? null,
    memo: joinMemo(memoCols.map((i) => cellValue(fields[i] ?? ""))),
    refundId: null,
    details: {},
    raw,
  };
}

function* layoutItems(records: Iterable<CsvRecord>, layout: Layout): Generator<StatementItem> {
  let header: string[] | null = null;
  let cols: Record<Field, number> | null = null;
  let memoCols: number[] = [];
  let preamble = 0;
  for (const { lineNo, fields } of records) {
    if (!header || !cols) {
      if (hasSignature(fields, layout) || hasSignature(fields, layout === CMB ? ICBC : CMB)) {
        header = fields;
        cols = mapColumns(fields, layout.aliases);
        memoCols = memoColumns(fields);
        if (cols.date < 0 && cols.time < 0) throw new StatementFormatError(layout.format, "the header has no 交易日期/交易时间 column");
        if (cols.credit < 0 && cols.amount < 0) throw new StatementFormatError(layout.format, "the header has no 贷方金额 or 金额 column");
      } else if (++preamble >= MAX_PREAMBLE_RECORDS) {
        break;
      }
      continue;
    }
    if (isBlankRecord(fields) || isFooter(fields, cols.serial)) continue;
    try {
      yield { line: readLine(header, cols, memoCols, fields, lineNo) };
    } catch (error) {
      yield { rejected: { line: lineNo, message: reasonOf(error) } };
    }
  }
  if (!header) throw new StatementFormatError(layout.format, `no header row with ${layout.signatures[0].join(" and ")}`);
}

/** The lines of a CMB (or ICBC) export as they are read, from its CSV records. */
export const cmbCsvItems = (records: Iterable<CsvRecord>) => layoutItems(records, CMB);
export const icbcCsvItems = (records: Iterable<CsvRecord>) => layoutItems(records, ICBC);

const parseLayout = (text: string, layout: Layout): StatementParseResult =>
  collectItems(layout.format, layoutItems(readCsv(text, delimiterOf(text)), layout));

/** 招商银行 企业网银 CSV export (channels.md §5): headers mapped by name, 借方/贷方金额 columns, 流水号 serial. */
export function parseCmbCsv(text: string): StatementParseResult {
  return parseLayout(text, CMB);
}

/** 工商银行 企业网银 CSV export: 凭证号 serial, 借/贷 flag or 借方/贷方发生额, 附言/用途/摘要. */
export function parseIcbcCsv(text: string): StatementParseResult {
  return parseLayout(text, ICBC);
}
