import { amountMismatchException, anomalyException, paymentException, toMatchedRow } from "./rows";
import { createReportScope } from "./scope";
import { createSummaryAccumulator } from "./summary";
import type {
  ExceptionRow,
  MatchedRow,
  ReconciliationReport,
  ReportAllocationRow,
  ReportAnomalyRow,
  ReportParams,
  ReportPaymentRow,
  ReportRefundRow,
  WriteOffBucket,
} from "./types";

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const compareByTime = (at: Date, id: string, bt: Date, bid: string) => at.getTime() - bt.getTime() || compareText(id, bid);

/** Everything the builder needs; rows outside the range or filters are ignored. */
export interface ReconciliationInput {
  params: ReportParams;
  currency: string;
  payments: Iterable<ReportPaymentRow>;
  allocations: Iterable<ReportAllocationRow>;
  refunds: Iterable<ReportRefundRow>;
  anomalies: Iterable<ReportAnomalyRow>;
  /** Write-offs against the payments, summed by the database (the loader applied the filters). */
  writeOffs: Iterable<WriteOffBucket>;
}

/**
 * Builds the reconciliation report from rows. By construction: channel lines add up to the totals,
 * gross − refunds = net, matched + unmatched = gross, the matched lines add up to matchedAmount and
 * the `payment` exception lines' unallocatedAmount add up to unmatchedAmount, and the write-offs by
 * cause add up to writtenOffAmount.
 */
export function buildReconciliationReport(input: ReconciliationInput): ReconciliationReport {
  const { params } = input;
  const scope = createReportScope(params);
  const { fmt } = scope;
  const summary = createSummaryAccumulator(params, scope);
  const inScopePayments: ReportPaymentRow[] = [];
  for (const p of input.payments) if (summary.addPayment(p)) inScopePayments.push(p);
  for (const r of input.refunds) summary.addRefund(r);
  for (const w of input.writeOffs) summary.addWriteOffBucket(w);
  const allocations = [...input.allocations].filter((a) => scope.dateIfInScope(a.receivedAt, a.channel, a.paymentSource));
  const anomalies = [...input.anomalies].filter((a) => scope.dateIfInScope(a.receivedAt ?? a.detectedAt, a.channel, a.paymentSource));

  // The same order as the loaders' SQL (received_at, payment id, order reference), so every format lists rows alike.
  inScopePayments.sort((x, y) => compareByTime(x.receivedAt, x.paymentId, y.receivedAt, y.paymentId));
  allocations.sort(
    (x, y) => compareByTime(x.receivedAt, x.paymentId, y.receivedAt, y.paymentId) || compareText(x.orderReference, y.orderReference),
  );
  anomalies.sort((x, y) => compareByTime(x.receivedAt ?? x.detectedAt, x.anomalyId, y.receivedAt ?? y.detectedAt, y.anomalyId));

  const exceptions: ExceptionRow[] = [];
  for (const p of inScopePayments) {
    const e = paymentException(p, fmt);
    if (e) exceptions.push(e);
  }
  const matched: MatchedRow[] = [];
  const mismatchedOrders = new Set<string>();
  for (const a of allocations) {
    matched.push(toMatchedRow(a, fmt));
    const e = amountMismatchException(a, fmt);
    if (e && !mismatchedOrders.has(a.orderReference)) {
      mismatchedOrders.add(a.orderReference);
      exceptions.push(e);
    }
  }
  for (const a of anomalies) exceptions.push(anomalyException(a, fmt));
  const { channels, totals, daily, writeOffs } = summary.result();
  return {
    from: params.from,
    to: params.to,
    timeZone: params.timeZone,
    currency: input.currency,
    filters: { channel: params.channel ?? null, source: params.source ?? null },
    channels,
    totals,
    matched,
    exceptions,
    daily,
    writeOffs,
  };
}
