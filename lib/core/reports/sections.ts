import { formatYuan } from "@/lib/core/money";
import {
  channelLabel,
  exceptionKindLabel,
  matchMethodLabel,
  orderStatusLabel,
  paymentStatusLabel,
  severityLabel,
  sourceLabel,
  writeOffCauseLabel,
} from "./labels";
import type { ChannelSummary, DailyFlow, ExceptionRow, MatchedRow, ReportFigures } from "./types";

/**
 * How a column's value is written: money is integer fen (rendered as yuan), `datetime` an RFC 3339
 * string already in the merchant's zone, `date` a local `YYYY-MM-DD`.
 */
export type ColumnKind = "money" | "int" | "ratio" | "text" | "datetime" | "date";

/** One column of a report table, shared by CSV, XLSX and PDF so the three never disagree. */
export interface Column<R> {
  header: string;
  kind: ColumnKind;
  /** Width in characters (XLSX) and relative width (PDF). */
  width: number;
  value: (row: R) => string | number | null;
}

/** Section names as the API (`?section=`) and the file names use them. */
export const SECTION_IDS = ["summary", "matched", "exceptions", "daily"] as const;
/** One of {@link SECTION_IDS}. */
export type SectionId = (typeof SECTION_IDS)[number];

/** Sheet / file titles of the sections. */
export const SECTION_TITLES: Record<SectionId, string> = {
  summary: "汇总",
  matched: "匹配明细",
  exceptions: "异常",
  daily: "资金流",
};

/** A summary line: a channel, or the totals (channel null → 合计). */
export type SummaryLine = ReportFigures & { channel: string | null };

const figureColumns: Column<ReportFigures>[] = [
  { header: "收款笔数", kind: "int", width: 10, value: (r) => r.count },
  { header: "收款金额", kind: "money", width: 16, value: (r) => r.grossAmount },
  { header: "退款笔数", kind: "int", width: 10, value: (r) => r.refundCount },
  { header: "退款金额", kind: "money", width: 16, value: (r) => r.refundedAmount },
  { header: "净额", kind: "money", width: 16, value: (r) => r.netAmount },
  { header: "已匹配金额", kind: "money", width: 16, value: (r) => r.matchedAmount },
  { header: "未匹配金额", kind: "money", width: 16, value: (r) => r.unmatchedAmount },
  { header: "差额核销", kind: "money", width: 16, value: (r) => r.writtenOffAmount },
];

/** 汇总: one line per channel and a 合计 line. */
export const SUMMARY_COLUMNS: Column<SummaryLine>[] = [
  { header: "渠道", kind: "text", width: 14, value: (r) => (r.channel ? channelLabel(r.channel) : "合计") },
  ...figureColumns,
];

/** 匹配明细: one line per allocation of a payment to an order. */
export const MATCHED_COLUMNS: Column<MatchedRow>[] = [
  { header: "收款时间", kind: "datetime", width: 20, value: (r) => r.receivedAt },
  { header: "渠道", kind: "text", width: 10, value: (r) => channelLabel(r.channel) },
  { header: "渠道交易号", kind: "text", width: 32, value: (r) => r.channelTransactionId },
  { header: "收款金额", kind: "money", width: 14, value: (r) => r.paymentAmount },
  { header: "订单参考号", kind: "text", width: 16, value: (r) => r.orderReference },
  { header: "订单号", kind: "text", width: 24, value: (r) => r.orderNo },
  { header: "订单来源", kind: "text", width: 10, value: (r) => sourceLabel(r.orderSource) },
  { header: "订单金额", kind: "money", width: 14, value: (r) => r.orderAmount },
  { header: "匹配金额", kind: "money", width: 14, value: (r) => r.allocatedAmount },
  { header: "匹配方式", kind: "text", width: 12, value: (r) => matchMethodLabel(r.matchMethod) },
  { header: "置信度", kind: "ratio", width: 8, value: (r) => r.confidence },
  { header: "差额核销", kind: "money", width: 12, value: (r) => r.writtenOffAmount },
  { header: "核销原因", kind: "text", width: 14, value: (r) => r.writeOffCauses.map(writeOffCauseLabel).join("、") },
  { header: "收款ID", kind: "text", width: 38, value: (r) => r.paymentId },
];

/** 异常: unallocated money, amount mismatches and open anomalies. */
export const EXCEPTION_COLUMNS: Column<ExceptionRow>[] = [
  { header: "类型", kind: "text", width: 12, value: (r) => exceptionKindLabel(r.kind) },
  { header: "严重程度", kind: "text", width: 10, value: (r) => severityLabel(r.severity) },
  { header: "收款时间", kind: "datetime", width: 20, value: (r) => r.receivedAt },
  { header: "渠道", kind: "text", width: 10, value: (r) => channelLabel(r.channel) },
  { header: "渠道交易号", kind: "text", width: 32, value: (r) => r.channelTransactionId },
  { header: "收款金额", kind: "money", width: 14, value: (r) => r.amount },
  { header: "已分配金额", kind: "money", width: 14, value: (r) => r.allocatedAmount },
  { header: "未分配金额", kind: "money", width: 14, value: (r) => r.unallocatedAmount },
  { header: "状态", kind: "text", width: 10, value: (r) => (r.origin === "payment" ? paymentStatusLabel(r.status) : r.origin === "anomaly" ? "未处理" : orderStatusLabel(r.status)) },
  { header: "参考号", kind: "text", width: 16, value: (r) => r.reference },
  { header: "订单号", kind: "text", width: 24, value: (r) => r.orderNo },
  { header: "说明", kind: "text", width: 48, value: (r) => r.message },
  { header: "收款ID", kind: "text", width: 38, value: (r) => r.paymentId },
  { header: "异常ID", kind: "text", width: 38, value: (r) => r.anomalyId },
];

/** 资金流: one line per local date and channel. */
export const DAILY_COLUMNS: Column<DailyFlow>[] = [
  { header: "日期", kind: "date", width: 12, value: (r) => r.date },
  { header: "渠道", kind: "text", width: 10, value: (r) => channelLabel(r.channel) },
  ...figureColumns,
];

/** The summary lines of a report: its channels then the totals. */
export function summaryLines(channels: ChannelSummary[], totals: ReportFigures): SummaryLine[] {
  return [...channels, { ...totals, channel: null }];
}

/** A column value as shown in a printed table: money as 1,234.56, times to the minute. */
export function displayValue<R>(column: Column<R>, row: R): string {
  const v = column.value(row);
  if (v === null || v === undefined) return "";
  switch (column.kind) {
    case "money":
      return formatYuan(Number(v), { symbol: false });
    case "ratio":
      return Number(v).toFixed(2);
    case "datetime":
      return String(v).slice(0, 16).replace("T", " ");
    default:
      return String(v);
  }
}
