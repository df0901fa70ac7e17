import { formatYuan } from "@/lib/core/money";
import type { ZonedFormatter } from "./dates";
import type { ExceptionRow, MatchedRow, ReportAllocationRow, ReportAnomalyRow, ReportPaymentRow } from "./types";

/** The 匹配明细 line of one allocation. */
export function toMatchedRow(a: ReportAllocationRow, fmt: ZonedFormatter): MatchedRow {
  return {
    paymentId: a.paymentId,
    channel: a.channel,
    channelTransactionId: a.channelTransactionId,
    receivedAt: fmt.rfc3339(a.receivedAt),
    paymentAmount: a.paymentAmount,
    orderReference: a.orderReference,
    orderNo: a.orderNo,
    orderSource: a.orderSource,
    orderAmount: a.orderAmount,
    allocatedAmount: a.amount,
    matchMethod: a.method,
    confidence: a.confidence,
    writtenOffAmount: a.writtenOffAmount,
    writeOffCauses: a.writeOffCauses,
  };
}

const SEVERITY_BY_STATUS: Record<string, ExceptionRow["severity"]> = {
  unmatched: "high",
  partially_matched: "medium",
  suggested: "medium",
  ignored: "low",
};

function paymentMessage(p: ReportPaymentRow, unallocated: number): string {
  switch (p.status) {
    case "unmatched":
      return `未匹配：${formatYuan(unallocated)} 尚未对应任何订单`;
    case "suggested":
      return `待确认：建议匹配 ${p.suggestedReferences.join("、") || "（无）"}，确认前不计入已匹配`;
    case "partially_matched":
      return `部分匹配：已分配 ${formatYuan(p.allocatedAmount)}，${formatYuan(unallocated)} 未分配`;
    case "ignored":
      return `已忽略：${formatYuan(unallocated)} 被标记为无需对账${p.ignoredReason ? `（${p.ignoredReason}）` : ""}`;
    default:
      return `未分配余额：${formatYuan(unallocated)}`;
  }
}

/** The 异常 line of a payment whose money is not all allocated to orders, or null when it is. */
export function paymentException(p: ReportPaymentRow, fmt: ZonedFormatter): ExceptionRow | null {
  const unallocated = p.amount - p.allocatedAmount;
  if (unallocated <= 0) return null;
  const kind = p.status === "matched" ? "unallocated" : p.status;
  return {
    kind,
    origin: "payment",
    severity: SEVERITY_BY_STATUS[p.status] ?? "medium",
    paymentId: p.paymentId,
    channel: p.channel,
    channelTransactionId: p.channelTransactionId,
    receivedAt: fmt.rfc3339(p.receivedAt),
    amount: p.amount,
    allocatedAmount: p.allocatedAmount,
    unallocatedAmount: unallocated,
    status: p.status,
    reference: p.reference,
    orderReference: null,
    orderNo: null,
    anomalyId: null,
    message: paymentMessage(p, unallocated),
  };
}

const MISMATCHED_ORDER_STATUSES = new Set(["partially_paid", "overpaid"]);

/** The 金额不符 line when the allocation's order received more or less than its amount, else null. */
export function amountMismatchException(a: ReportAllocationRow, fmt: ZonedFormatter): ExceptionRow | null {
  if (!MISMATCHED_ORDER_STATUSES.has(a.orderStatus)) return null;
  const diff = a.orderPaidAmount - a.orderAmount;
  return {
    kind: "amount_mismatch",
    origin: "allocation",
    severity: "medium",
    paymentId: a.paymentId,
    channel: a.channel,
    channelTransactionId: a.channelTransactionId,
    receivedAt: fmt.rfc3339(a.receivedAt),
    amount: a.paymentAmount,
    allocatedAmount: a.amount,
    unallocatedAmount: 0,
    status: a.orderStatus,
    reference: a.orderReference,
    orderReference: a.orderReference,
    orderNo: a.orderNo,
    anomalyId: null,
    message: `金额不符：订单 ${a.orderNo} 应收 ${formatYuan(a.orderAmount)}，实收 ${formatYuan(a.orderPaidAmount)}（${diff > 0 ? "多收" : "少收"} ${formatYuan(Math.abs(diff))}）`,
  };
}

/** The 异常 line of an open anomaly. */
export function anomalyException(a: ReportAnomalyRow, fmt: ZonedFormatter): ExceptionRow {
  return {
    kind: a.kind,
    origin: "anomaly",
    severity: a.severity === "low" || a.severity === "high" ? a.severity : "medium",
    paymentId: a.paymentId,
    channel: a.channel,
    channelTransactionId: a.channelTransactionId,
    receivedAt: a.receivedAt ? fmt.rfc3339(a.receivedAt) : null,
    amount: a.paymentAmount ?? 0,
    allocatedAmount: 0,
    unallocatedAmount: 0,
    status: "open",
    reference: null,
    orderReference: null,
    orderNo: null,
    anomalyId: a.anomalyId,
    message: a.message,
  };
}
