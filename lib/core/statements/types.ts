/** Every statement or bill layout the importer reads. */
export const STATEMENT_FORMATS = ["cmb-csv", "icbc-csv", "camt053", "camt054", "mt940", "alipay-bill", "wechat-bill"] as const;

/** One concrete statement layout. */
export type StatementFormat = (typeof STATEMENT_FORMATS)[number];

/** Bank layouts (money on a bank account) as opposed to a payment channel's merchant bill. */
export const BANK_FORMATS: readonly StatementFormat[] = ["cmb-csv", "icbc-csv", "camt053", "camt054", "mt940"];

/** One money movement read from a statement or bill, amounts in integer minor units. */
export interface StatementLine {
  /** 1-based line of the file where the line (or its entry) starts. */
  lineNo: number;
  /** Incoming (credit) or outgoing (debit) money on the merchant's account. */
  direction: "credit" | "debit";
  /** True for a reversal (camt RvslInd, MT940 RC/RD): a correction, never a customer payment. */
  reversal: boolean;
  /** Integer minor units, always positive; `direction` carries the sign. */
  amount: number;
  /** ISO 4217, upper case. */
  currency: string;
  /** RFC 3339 UTC; a date without time is read as midnight Asia/Shanghai (the merchant's day). */
  bookedAt: string;
  /** The booking date as the file writes it (YYYY-MM-DD, the file's own calendar): part of the dedupe key. */
  bookedDate: string;
  /** YYYY-MM-DD value date (起息日 / ValDt / MT940 value date), when given. */
  valueDate: string | null;
  /**
   * The issuer's own serial for the line: bank 流水号 / 凭证号 / camt AcctSvcrRef / MT940 `//` reference;
   * for channel bills the channel's transaction id (支付宝交易号 / 微信订单号). Null when the file has none.
   */
  bankSerial: string | null;
  /** Payer-set end-to-end id (camt EndToEndId, MT940 EREF), "NOTPROVIDED" dropped. */
  endToEndId: string | null;
  /** Our reference as the channel echoed it (bill 商户订单号); null for bank lines. */
  reference: string | null;
  payerName: string | null;
  payerAccount: string | null;
  /** Payer-typed text (附言/用途/摘要, Ustrd, creditor reference, :86: remittance), joined with " | ". */
  memo: string | null;
  /** For bill refund rows: the refund's own id (微信退款单号 / 退款批次号). */
  refundId: string | null;
  /**
   * One transaction of a batch entry split line by line (camt NtryDtls/TxDtls): the entry's own serial
   * and total. Another file may book the same batch as that one line (camt.053's total of the
   * transactions a camt.054 details): the same money, which the importer records once.
   */
  batchTotal?: { bankSerial: string; amount: number };
  /** Channel-specific extras (fees, bill amounts) in minor units. */
  details: Record<string, unknown>;
  /** The line's fields as read, for audit and support. */
  raw: Record<string, string>;
}

/** A line the parser could not read, with its 1-based line number and the reason. */
export interface RejectedLine {
  line: number;
  message: string;
}

/** What a parser returns: every readable line (credits and debits) and the lines it had to reject. */
export interface StatementParseResult {
  format: StatementFormat;
  lines: StatementLine[];
  rejected: RejectedLine[];
}

/** One parser output, in file order: a readable line or a rejected one. */
export type StatementItem = { line: StatementLine; rejected?: undefined } | { rejected: RejectedLine; line?: undefined };

/** A statement read lazily: its format and its items, produced as they are iterated. */
export interface StatementStream {
  format: StatementFormat;
  items: Iterable<StatementItem>;
}

/** Collects a parser's items into the array result. */
export function collectItems(format: StatementFormat, items: Iterable<StatementItem>): StatementParseResult {
  const lines: StatementLine[] = [];
  const rejected: RejectedLine[] = [];
  for (const item of items) {
    if (item.line) lines.push(item.line);
    else rejected.push(item.rejected);
  }
  return { format, lines, rejected };
}

/** The input is not a file of the requested format at all (not: a bad line inside a good file). */
export class StatementFormatError extends Error {
  constructor(
    readonly format: string,
    reason: string,
  ) {
    super(`Not a ${format} file: ${reason}`);
    this.name = "StatementFormatError";
  }
}
