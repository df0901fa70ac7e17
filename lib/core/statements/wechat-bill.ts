import { cellValue, headerKey, isBlankRecord, mapColumns, rawRow, readCsv, type CsvRecord } from "@/lib/core/statements/csv";
import { currencyCode, joinMemo, LineError, majorUnits, reasonOf, textOrNull, toMinorUnits } from "@/lib/core/statements/common";
import { parseCnDateTime } from "@/lib/core/statements/time";
import {
  collectItems,
  StatementFormatError,
  type StatementItem,
  type StatementLine,
  type StatementParseResult,
} from "@/lib/core/statements/types";

const COLUMNS = {
  time: ["交易时间"],
  transactionId: ["微信订单号"],
  outTradeNo: ["商户订单号"],
  openId: ["用户标识"],
  tradeType: ["交易类型"],
  state: ["交易状态"],
  currency: ["货币种类"],
  // 订单金额 is what the payment notify reports (amount.total); older bills only have 总金额.
  orderAmount: ["订单金额", "总金额"],
  settlementAmount: ["应结订单金额"],
  couponAmount: ["代金券金额", "代金券或立减优惠金额"],
  refundId: ["微信退款单号"],
  outRefundNo: ["商户退款单号"],
  refundAmount: ["退款金额"],
  requestedRefund: ["申请退款金额"],
  refundStatus: ["退款状态"],
  product: ["商品名称"],
  attach: ["商户数据包"],
  fee: ["手续费"],
  rate: ["费率"],
  mchId: ["商户号"],
  appId: ["公众账号ID"],
} as const;

type Col = keyof typeof COLUMNS;

/** True when a header row is a WeChat Pay trade bill's (for `auto`). */
export function isWechatBillHeader(fields: string[]): boolean {
  const keys = fields.map(headerKey);
  return keys.includes("微信订单号") && keys.includes("交易状态") && keys.includes("交易时间");
}

function readRow(header: string[], cols: Record<Col, number>, fields: string[], lineNo: number): StatementLine {
  const get = (c: Col) => (cols[c] >= 0 ? cellValue(fields[cols[c]]) : "");
  const booked = parseCnDateTime(get("time"));
  if (!booked) throw new LineError(`交易时间 "${get("time")}" is not a date-time`);
  const transactionId = get("transactionId");
  if (!transactionId) throw new LineError("微信订单号 is empty");
  const state = get("state").toUpperCase();
  const currency = currencyCode(get("currency"));
  // Amounts in the bill's currency: hundredths for CNY, whole units for a currency without minor units.
  const minor = (cell: string, column: string) => toMinorUnits(majorUnits(cell, column), currency, column);
  const raw = rawRow(header, fields);
  const base = {
    lineNo,
    reversal: false,
    currency,
    bookedAt: booked.iso,
    bookedDate: booked.date,
    valueDate: null,
    bankSerial: transactionId,
    endToEndId: null,
    reference: textOrNull(get("outTradeNo")),
    payerName: null,
    payerAccount: textOrNull(get("openId")),
    memo: joinMemo([get("product"), get("attach")]),
    raw,
  };
  if (state === "SUCCESS") {
    const amountCell = get("orderAmount") || get("settlementAmount");
    if (!amountCell) throw new LineError("no 订单金额 or 应结订单金额");
    const amount = minor(amountCell, cols.orderAmount >= 0 && get("orderAmount") ? "订单金额" : "应结订单金额");
    if (amount <= 0) throw new LineError(`payment amount "${amountCell}" is not positive`);
    const settlement = get("settlementAmount");
    return {
      ...base,
      direction: "credit",
      amount,
      refundId: null,
      details: {
        billAmount: amount,
        ...(settlement ? { settlementAmount: minor(settlement, "应结订单金额") } : {}),
        ...(get("couponAmount") ? { couponAmount: minor(get("couponAmount"), "代金券金额") } : {}),
        // Fees are printed to 5 decimals (0.00600); kept as written rather than rounded to a fen.
        ...(get("fee") ? { feeYuan: get("fee") } : {}),
        ...(get("rate") ? { feeRate: get("rate") } : {}),
        tradeType: get("tradeType") || undefined,
      },
    };
  }
  if (state === "REFUND") {
    const status = get("refundStatus").toUpperCase();
    if (status && status !== "SUCCESS") throw new LineError(`退款状态 ${status}: only successful refunds are recorded`);
    const refundId = get("refundId");
    if (!refundId || refundId === "0") throw new LineError("微信退款单号 is empty");
    const cell = get("refundAmount") || get("requestedRefund");
    const amount = Math.abs(minor(cell, "退款金额"));
    if (amount === 0) throw new LineError("退款金额 is zero");
    return {
      ...base,
      direction: "debit",
      amount,
      refundId,
      details: { billAmount: amount, outRefundNo: get("outRefundNo") || undefined, refundStatus: status || undefined },
    };
  }
  throw new LineError(`交易状态 "${state}" is neither SUCCESS nor REFUND`);
}

/**
 * A row's cells: WeChat does not quote a value holding a comma (商品名称 "T恤,白色"), but every value starts
 * with a backtick, so a row split into too many fields is split again where a backtick opens a value.
 */
function cellsOf(fields: string[], columns: number): string[] {
  if (fields.length <= columns || !fields[0]?.startsWith("`")) return fields;
  return fields.join(",").split(/,(?=`)/);
}

/**
 * WeChat Pay merchant trade bill (APIv3 tradebill, `bill_type=ALL`): every value prefixed with a backtick,
 * a summary header (总交易单数…) and summary row at the end. SUCCESS rows are payments (bankSerial =
 * 微信订单号, reference = 商户订单号); REFUND rows are refunds of the payment with that 微信订单号.
 */
export function* wechatBillItems(records: Iterable<CsvRecord>): Generator<StatementItem> {
  let header: string[] | null = null;
  let cols: Record<Col, number> | null = null;
  for (const { lineNo, fields } of records) {
    if (!header || !cols) {
      if (isWechatBillHeader(fields)) {
        header = fields;
        cols = mapColumns(fields, COLUMNS);
        continue;
      }
      if (lineNo > 30) break;
      continue;
    }
    if (isBlankRecord(fields)) continue;
    // The totals section closes the detail rows.
    if (headerKey(fields[0] ?? "").startsWith("总交易单数")) break;
    try {
      yield { line: readRow(header, cols, cellsOf(fields, header.length), lineNo) };
    } catch (error) {
      yield { rejected: { line: lineNo, message: reasonOf(error) } };
    }
  }
  if (!header) throw new StatementFormatError("wechat-bill", "no header row with 交易时间, 微信订单号 and 交易状态");
}

export const parseWechatBill = (text: string): StatementParseResult => collectItems("wechat-bill", wechatBillItems(readCsv(text)));
