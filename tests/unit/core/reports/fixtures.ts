import type { ReportAllocationRow, ReportPaymentRow, ReportRefundRow } from "@/lib/core/reports";

let n = 0;
const id = (prefix: string) => `${prefix}-${String(++n).padStart(6, "0")}`;

/** A payment row with sensible defaults (fully matched alipay payment of ¥128.00). */
export function payment(over: Partial<ReportPaymentRow> = {}): ReportPaymentRow {
  return {
    paymentId: id("pay"),
    channel: "alipay",
    channelTransactionId: id("2024"),
    amount: 12800,
    allocatedAmount: over.amount ?? 12800,
    status: "matched",
    matchMethod: "reference",
    receivedAt: new Date("2024-03-01T04:00:00Z"),
    reference: null,
    payerName: null,
    memo: null,
    source: "web",
    suggestedReferences: [],
    ...over,
  };
}

/** The allocation row of `p` to one order. */
export function allocationOf(p: ReportPaymentRow, over: Partial<ReportAllocationRow> = {}): ReportAllocationRow {
  return {
    paymentId: p.paymentId,
    channel: p.channel,
    channelTransactionId: p.channelTransactionId,
    receivedAt: p.receivedAt,
    paymentAmount: p.amount,
    paymentSource: p.source,
    orderReference: id("LD"),
    orderNo: id("WEB"),
    orderSource: p.source ?? "web",
    orderAmount: p.allocatedAmount,
    orderStatus: "paid",
    orderPaidAmount: p.allocatedAmount,
    amount: p.allocatedAmount,
    method: p.matchMethod ?? "reference",
    confidence: 1,
    writtenOffAmount: 0,
    writeOffCauses: [],
    ...over,
  };
}

/** A refund of `p`. */
export function refundOf(p: ReportPaymentRow, amount: number, refundedAt: Date): ReportRefundRow {
  return { refundId: id("rf"), paymentId: p.paymentId, channel: p.channel, source: p.source, amount, refundedAt };
}
