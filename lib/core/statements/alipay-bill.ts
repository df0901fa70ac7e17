import { cellValue, headerKey, isBlankRecord, mapColumns, rawRow, readCsv, type CsvRecord } from "@/lib/core/statements/csv";
import { joinMemo, LineError, majorUnits, reasonOf, textOrNull } from "@/lib/core/statements/common";
import { parseCnDateTime } from "@/lib/core/statements/time";
import {
  collectItems,
  StatementFormatError,
  type StatementItem,
  type StatementLine,
  type StatementParseResult,
} from "@/lib/core/statements/types";

// Column names of the 支付宝 商家 业务明细 download (对账单 "业务明细" CSV). No licensed real file exists
// (see tests/fixtures/statements/README.md); the layout follows Alipay's public description of the bill.
const COLUMNS = {
  tradeNo: ["支付宝交易号"],
  outTradeNo: ["商户订单号"],
  bizType: ["业务类型"],
  product: ["商品名称"],
  createdAt: ["创建时间"],
  finishedAt: ["完成时间"],
  storeId: ["门店编号"],
  counterparty: ["对方账户"],
  orderAmount: ["订单金额(元)"],
  received: ["商家实收(元)"],
  redPacket: ["支付宝红包(元)"],
  jifenbao: ["集分宝(元)"],
  alipayDiscount: ["支付宝优惠(元)"],
  merchantDiscount: ["商家优惠(元)"],
  refundBatchNo: ["退款批次号/请求号"],
  serviceFee: ["服务费(元)"],
  remark: ["备注"],
} as const;

type Col = keyof typeof COLUMNS;

/** True when a header row is an Alipay 业务明细 bill's (for `auto`). */
export function isAlipayBillHeader(fields: string[]): boolean {
  const keys = fields.map(headerKey);
  return keys.includes("支付宝交易号") && keys.includes("业务类型");
}

const optionalFen = (value: string, column: string) => (value ? majorUnits(value, column) : undefined);

function readRow(header: string[], cols: Record<Col, number>, fields: string[], lineNo: number): StatementLine {
  const get = (c: Col) => (cols[c] >= 0 ? cellValue(fields[cols[c]]) : "");
  const tradeNo = get("tradeNo");
  if (!tradeNo) throw new LineError("支付宝交易号 is empty");
  const when = get("finishedAt") || get("createdAt");
  const booked = parseCnDateTime(when);
  if (!booked) throw new LineError(`完成时间 "${when}" is not a date-time`);
  const order = get("orderAmount");
  if (!order) throw new LineError("订单金额（元） is empty");
  const orderFen = majorUnits(order, "订单金额（元）");
  const raw = rawRow(header, fields);
  const details = {
    billAmount: Math.abs(orderFen),
    receivedAmount: optionalFen(get("received"), "商家实收（元）"),
    redPacketAmount: optionalFen(get("redPacket"), "支付宝红包（元）"),
    jifenbaoAmount: optionalFen(get("jifenbao"), "集分宝（元）"),
    alipayDiscountAmount: optionalFen(get("alipayDiscount"), "支付宝优惠（元）"),
    merchantDiscountAmount: optionalFen(get("merchantDiscount"), "商家优惠（元）"),
    serviceFee: optionalFen(get("serviceFee"), "服务费（元）"),
    storeId: get("storeId") || undefined,
    bizType: get("bizType"),
  };
  const base = {
    lineNo,
    reversal: false,
    currency: "CNY",
    bookedAt: booked.iso,
    bookedDate: booked.date,
    valueDate: null,
    bankSerial: tradeNo,
    endToEndId: null,
    reference: textOrNull(get("outTradeNo")),
    payerName: null,
    payerAccount: textOrNull(get("counterparty")),
    memo: joinMemo([get("product"), get("remark")]),
    raw,
  };
  const bizType = get("bizType");
  if (bizType === "交易") {
    if (orderFen <= 0) throw new LineError(`订单金额（元） "${order}" is not positive`);
    return { ...base, direction: "credit", amount: orderFen, refundId: null, details };
  }
  if (bizType === "退款") {
    // Refund rows repeat the original 支付宝交易号 and print the refunded amount negative.
    const amount = Math.abs(orderFen);
    if (amount === 0) throw new LineError("退款 row with a zero amount");
    // Without a 退款批次号 the completion time tells partial refunds of one trade apart.
    const refundId = get("refundBatchNo") || `${tradeNo}@${booked.iso}`;
    return { ...base, direction: "debit", amount, refundId, details };
  }
  throw new LineError(`业务类型 "${bizType}" is neither 交易 nor 退款`);
}

/**
 * Alipay merchant 业务明细 bill (GBK CSV): `#` comment lines above and below the table, cells padded
 * with tabs. 交易 rows are payments (bankSerial = 支付宝交易号, reference = 商户订单号); 退款 rows are
 * refunds of the payment with that 支付宝交易号.
 */
export function* alipayBillItems(records: Iterable<CsvRecord>): Generator<StatementItem> {
  const fallbackIds = new Map<string, number>();
  let header: string[] | null = null;
  let cols: Record<Col, number> | null = null;
  for (const { lineNo, fields } of records) {
    if (cellValue(fields[0]).startsWith("#")) continue;
    if (!header || !cols) {
      if (isAlipayBillHeader(fields)) {
        header = fields;
        cols = mapColumns(fields, COLUMNS);
        continue;
      }
      if (lineNo > 30) break;
      continue;
    }
    if (isBlankRecord(fields)) continue;
    // Some exports close the table with a 总计/合计 row without the # of a comment.
    if (/^(总计|合计|小计)/.test(cellValue(fields[0]))) continue;
    try {
      const line = readRow(header, cols, fields, lineNo);
      if (line.refundId && !(cols.refundBatchNo >= 0 && cellValue(fields[cols.refundBatchNo]))) {
        // Two partial refunds of one trade finished in the same second share the fallback id: the
        // second and later ones in the file are numbered (the first keeps the id it always had).
        const seen = (fallbackIds.get(line.refundId) ?? 0) + 1;
        fallbackIds.set(line.refundId, seen);
        if (seen > 1) line.refundId = `${line.refundId}#${seen}`;
      }
      yield { line };
    } catch (error) {
      yield { rejected: { line: lineNo, message: reasonOf(error) } };
    }
  }
  if (!header) throw new StatementFormatError("alipay-bill", "no header row with 支付宝交易号 and 业务类型");
}

export const parseAlipayBill = (text: string): StatementParseResult => collectItems("alipay-bill", alipayBillItems(readCsv(text)));
