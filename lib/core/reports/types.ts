// Rows in: what the loaders read from the database (money in fen, instants as Date).
// Model out: the contract's `GET /api/v1/reports/reconciliation?format=json` shape, plus added fields.

/** A payment received in the report range. */
export interface ReportPaymentRow {
  paymentId: string;
  channel: string;
  channelTransactionId: string;
  amount: number;
  allocatedAmount: number;
  status: string;
  matchMethod: string | null;
  receivedAt: Date;
  /** Our reference as the channel returned it (raw). */
  reference: string | null;
  payerName: string | null;
  memo: string | null;
  /**
   * Source of the order holding the payment's largest allocation; null when unallocated. Loaders
   * may leave it null when the report has no source filter, the only place it is read.
   */
  source: string | null;
  /** References a suggestion proposed (status `suggested`). */
  suggestedReferences: string[];
  /** Why a person or a rule set the payment aside (status `ignored`). */
  ignoredReason?: string | null;
}

/** One allocation of an in-range payment to an order. */
export interface ReportAllocationRow {
  paymentId: string;
  channel: string;
  channelTransactionId: string;
  receivedAt: Date;
  paymentAmount: number;
  /** Source of the payment's primary order (see ReportPaymentRow.source), for the source filter. */
  paymentSource: string | null;
  orderReference: string;
  orderNo: string;
  orderSource: string;
  orderAmount: number;
  orderStatus: string;
  /** What the order has received from every payment, less what was refunded (a surplus given back is no longer 多收). */
  orderPaidAmount: number;
  amount: number;
  method: string;
  confidence: number;
  /** Of the order's shortfall, what was written off against this payment (orders.details.writeOffs). */
  writtenOffAmount: number;
  /** Why, as write-off causes (coupon, channel_fee, unique_amount…), sorted; empty when nothing was. */
  writeOffCauses: string[];
}

/** A refund made in the report range (cash basis: by refund date, whenever its payment came in). */
export interface ReportRefundRow {
  refundId: string;
  paymentId: string;
  channel: string;
  /** Primary order source of the refunded payment. */
  source: string | null;
  amount: number;
  refundedAt: Date;
  /** A later part of one channel refund spread over several orders: its money counts, not as another refund. */
  continued?: boolean;
  /** It gave back money no order held (refunds.order_id is null). */
  unallocated?: boolean;
}

/** An anomaly still open about an in-range payment (or detected in range without a payment). */
export interface ReportAnomalyRow {
  anomalyId: string;
  kind: string;
  severity: string;
  paymentId: string | null;
  channel: string | null;
  channelTransactionId: string | null;
  receivedAt: Date | null;
  paymentAmount: number | null;
  paymentSource: string | null;
  message: string;
  detectedAt: Date;
}

/** Date range (merchant-local, inclusive) and filters of a report. */
export interface ReportParams {
  from: string;
  to: string;
  timeZone: string;
  channel?: string | null;
  source?: string | null;
}

/** Figures of one channel, of the totals, or of one day. */
export interface ReportFigures {
  /** Payments received. */
  count: number;
  grossAmount: number;
  /** Refunds made in the range. */
  refundCount: number;
  refundedAmount: number;
  /** grossAmount − refundedAmount. */
  netAmount: number;
  /** Allocated to orders, of the payments received. */
  matchedAmount: number;
  /** grossAmount − matchedAmount. */
  unmatchedAmount: number;
  /**
   * Shortfalls accepted on the orders these payments settled (a coupon, a fee, a unique amount's
   * tail…): owed by no one, so written off rather than left open. Not part of grossAmount.
   */
  writtenOffAmount: number;
}

/** Write-offs of one cause (coupon, platform_subsidy, channel_fee, bank_fee, rounding, unique_amount). */
export interface WriteOffTotal {
  cause: string;
  count: number;
  amount: number;
}

/** Write-offs of in-range payments, summed per channel, cause and UTC quarter hour of the payment. */
export interface WriteOffBucket {
  at: Date;
  channel: string;
  cause: string;
  count: number;
  amount: number;
}

/** The per-channel summary line. */
export interface ChannelSummary extends ReportFigures {
  channel: string;
}

/** The daily fund flow: one line per local date and channel with activity. */
export interface DailyFlow extends ReportFigures {
  date: string;
  channel: string;
  /** Of the day's refunds, the money no order held (an unclaimed transfer given back): it leaves 待确认, not 应收账款. */
  unmatchedRefundedAmount: number;
  /** The day's write-offs by cause (they add up to writtenOffAmount), for the vouchers. */
  writeOffs: WriteOffTotal[];
}

/** A payment → order allocation (匹配明细). */
export interface MatchedRow {
  paymentId: string;
  channel: string;
  channelTransactionId: string;
  receivedAt: string;
  paymentAmount: number;
  orderReference: string;
  orderNo: string;
  orderSource: string;
  orderAmount: number;
  allocatedAmount: number;
  matchMethod: string;
  confidence: number;
  /** Of the order's shortfall, what was written off against this payment. */
  writtenOffAmount: number;
  writeOffCauses: string[];
}

/** What an exception line is about. */
export type ExceptionKind =
  | "unmatched"
  | "suggested"
  | "partially_matched"
  | "ignored"
  | "unallocated"
  | "amount_mismatch"
  | (string & {});

/** One exception (异常): money not (fully) allocated, an order paid the wrong amount, or an open anomaly. */
export interface ExceptionRow {
  kind: ExceptionKind;
  /** `payment` lines carry the unallocated money (they add up to unmatchedAmount); others carry 0. */
  origin: "payment" | "allocation" | "anomaly";
  severity: "low" | "medium" | "high";
  paymentId: string | null;
  channel: string | null;
  channelTransactionId: string | null;
  receivedAt: string | null;
  amount: number;
  allocatedAmount: number;
  unallocatedAmount: number;
  status: string | null;
  reference: string | null;
  orderReference: string | null;
  orderNo: string | null;
  anomalyId: string | null;
  message: string;
}

/** The reconciliation report (the contract's JSON, plus range metadata). */
export interface ReconciliationReport {
  from: string;
  to: string;
  timeZone: string;
  currency: string;
  filters: { channel: string | null; source: string | null };
  channels: ChannelSummary[];
  totals: ReportFigures;
  matched: MatchedRow[];
  exceptions: ExceptionRow[];
  daily: DailyFlow[];
  /** Write-offs by cause over the whole range (they add up to totals.writtenOffAmount). */
  writeOffs: WriteOffTotal[];
  /**
   * In-range payments in other currencies, per currency: never added to the figures above (ask the report
   * again with `currency=` for theirs). Filled by the loader; absent from a report built from rows alone.
   */
  otherCurrencies?: OtherCurrencyTotal[];
}

/** Payments of the range in a currency other than the report's: how many, and their sum in that currency's minor units. */
export interface OtherCurrencyTotal {
  currency: string;
  count: number;
  grossAmount: number;
}
