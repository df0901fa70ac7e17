import { and, asc, count, eq, gte, inArray, lt, ne, or, sql, type SQL } from "drizzle-orm";
import type { ReportAllocationRow, ReportAnomalyRow, ReportPaymentRow, ReportRefundRow } from "@/lib/core/reports";
import type { DbOrTx } from "@/lib/db/client";
import { allocations, anomalies, orders, payments, refunds, type Channel, type OrderSource } from "@/lib/db/schema";

/** What to read: one merchant's rows in a UTC interval [start, end) with optional filters. */
export interface ReportQuery {
  merchantId: string;
  start: Date;
  end: Date;
  channel?: string | null;
  source?: string | null;
}

/** Rows per round trip: large enough to amortise latency, small enough to stay a few MB. */
export const REPORT_BATCH_SIZE = 5000;

// A payment belongs to the source of the order holding its largest allocation (ties: lowest
// reference), the same order the refund service uses to pick the order a refund reverses.
// Qualified by hand: drizzle writes a single-table select's columns unqualified ("id"), which
// inside this subquery would name the allocation's id instead of the payment's.
const paymentPrimarySource = sql<OrderSource | null>`(
  select o.source from ${allocations} a join ${orders} o on o.id = a.order_id
  where a.payment_id = ${sql.identifier("payments")}.${sql.identifier("id")} order by a.amount desc, o.reference limit 1)`;

// Only the source filter reads a payment's source, so without one the per-row subquery is skipped.
const sourceOf = (q: ReportQuery) => (q.source ? paymentPrimarySource : sql<OrderSource | null>`null::order_source`);

function paymentFilters(q: ReportQuery): SQL[] {
  const where = [eq(payments.merchantId, q.merchantId), gte(payments.receivedAt, q.start), lt(payments.receivedAt, q.end)];
  if (q.channel) where.push(eq(payments.channel, q.channel as Channel));
  if (q.source) where.push(sql`${paymentPrimarySource} = ${q.source}`);
  return where;
}

// The cursor keeps the database's own text of the instant: a JS Date holds milliseconds, and a
// cursor rounded down from microseconds would return the page's last row again.
const exactTime = (column: typeof payments.receivedAt | typeof refunds.refundedAt) => sql<string>`${column}::text`;

// Keyset condition past the cursor. The plain `>=` on the time column is implied by the row
// comparison but is what lets the planner start the index range at the cursor instead of at the
// start of the month (without it every page rescans all earlier rows).
function after(at: typeof payments.receivedAt | typeof refunds.refundedAt, id: typeof payments.id | typeof refunds.id, cursor: { at: string; id: string }): SQL[] {
  return [sql`${at} >= ${cursor.at}::timestamptz`, sql`(${at}, ${id}) > (${cursor.at}::timestamptz, ${cursor.id}::uuid)`];
}

/** Number of payments the report covers (to refuse in-memory formats for huge ranges). */
export async function countReportPayments(db: DbOrTx, q: ReportQuery): Promise<number> {
  const [row] = await db.select({ n: count() }).from(payments).where(and(...paymentFilters(q)));
  return Number(row.n);
}

// Refunds are reported on a cash basis: by when they were made, whatever month their payment was in.
function refundFilters(q: ReportQuery): SQL[] {
  const where = [eq(refunds.merchantId, q.merchantId), eq(payments.merchantId, q.merchantId), gte(refunds.refundedAt, q.start), lt(refunds.refundedAt, q.end)];
  if (q.channel) where.push(eq(payments.channel, q.channel as Channel));
  if (q.source) where.push(sql`${paymentPrimarySource} = ${q.source}`);
  return where;
}

/** How many source rows a full report reads: the denominator of a report job's progress. */
export async function countReportRows(db: DbOrTx, q: ReportQuery): Promise<{ payments: number; allocations: number; refunds: number }> {
  const [a] = await db
    .select({ n: count() })
    .from(allocations)
    .innerJoin(payments, eq(payments.id, allocations.paymentId))
    .where(and(eq(allocations.merchantId, q.merchantId), ...paymentFilters(q)));
  const [r] = await db.select({ n: count() }).from(refunds).innerJoin(payments, eq(payments.id, refunds.paymentId)).where(and(...refundFilters(q)));
  return { payments: await countReportPayments(db, q), allocations: Number(a.n), refunds: Number(r.n) };
}

/** In-range payments in (received_at, id) order, keyset-paginated. */
export async function* paymentBatches(db: DbOrTx, q: ReportQuery, batchSize = REPORT_BATCH_SIZE): AsyncGenerator<ReportPaymentRow[]> {
  let cursor: { at: string; id: string } | null = null;
  for (;;) {
    const where = paymentFilters(q);
    if (cursor) where.push(...after(payments.receivedAt, payments.id, cursor));
    const rows = await db
      .select({
        paymentId: payments.id,
        channel: payments.channel,
        channelTransactionId: payments.channelTransactionId,
        amount: payments.amount,
        allocatedAmount: payments.allocatedAmount,
        status: payments.status,
        matchMethod: payments.matchMethod,
        receivedAt: payments.receivedAt,
        reference: payments.reference,
        payerName: payments.payerName,
        memo: payments.memo,
        suggestions: sql<{ references?: string[] }[] | null>`case when ${payments.status} = 'suggested' then ${payments.suggestions} end`,
        source: sourceOf(q),
        cursorAt: exactTime(payments.receivedAt),
      })
      .from(payments)
      .where(and(...where))
      .orderBy(asc(payments.receivedAt), asc(payments.id))
      .limit(batchSize);
    if (rows.length === 0) return;
    yield rows.map(
      (r): ReportPaymentRow => ({
        paymentId: r.paymentId,
        channel: r.channel,
        channelTransactionId: r.channelTransactionId,
        amount: Number(r.amount),
        allocatedAmount: Number(r.allocatedAmount),
        status: r.status,
        matchMethod: r.matchMethod,
        receivedAt: new Date(r.receivedAt),
        reference: r.reference,
        payerName: r.payerName,
        memo: r.memo,
        source: r.source,
        suggestedReferences: (r.suggestions ?? []).flatMap((s) => s.references ?? []),
      }),
    );
    const last = rows[rows.length - 1];
    cursor = { at: last.cursorAt, id: last.paymentId };
    if (rows.length < batchSize) return;
  }
}

/**
 * Allocations of in-range payments in (received_at, payment id, order reference) order. Pages follow
 * the payments' keyset and fetch each page's allocations by payment id, so every query is an index
 * range of one page, however large the month.
 */
export async function* allocationBatches(
  db: DbOrTx,
  q: ReportQuery,
  opts: { mismatchedOrdersOnly?: boolean; batchSize?: number } = {},
): AsyncGenerator<ReportAllocationRow[]> {
  for await (const page of paymentKeyPages(db, q, opts.batchSize ?? REPORT_BATCH_SIZE)) {
    const where = [eq(allocations.merchantId, q.merchantId), inArray(allocations.paymentId, page)];
    if (opts.mismatchedOrdersOnly) where.push(inArray(orders.status, ["partially_paid", "overpaid"]));
    const rows = await db
      .select({
        paymentId: payments.id,
        channel: payments.channel,
        channelTransactionId: payments.channelTransactionId,
        receivedAt: payments.receivedAt,
        paymentAmount: payments.amount,
        paymentSource: sourceOf(q),
        orderReference: orders.reference,
        orderNo: orders.orderNo,
        orderSource: orders.source,
        orderAmount: orders.amount,
        orderStatus: orders.status,
        orderPaidAmount: orders.paidAmount,
        amount: allocations.amount,
        method: allocations.method,
        confidence: allocations.confidence,
      })
      .from(allocations)
      .innerJoin(payments, eq(payments.id, allocations.paymentId))
      .innerJoin(orders, eq(orders.id, allocations.orderId))
      .where(and(...where));
    if (rows.length === 0) continue;
    const position = new Map(page.map((id, i) => [id, i]));
    rows.sort((a, b) => position.get(a.paymentId)! - position.get(b.paymentId)! || (a.orderReference < b.orderReference ? -1 : a.orderReference > b.orderReference ? 1 : 0));
    yield rows.map((r) => ({
      ...r,
      receivedAt: new Date(r.receivedAt),
      paymentAmount: Number(r.paymentAmount),
      orderAmount: Number(r.orderAmount),
      orderPaidAmount: Number(r.orderPaidAmount),
      amount: Number(r.amount),
      confidence: Number(r.confidence),
    }));
  }
}

/** Ids of in-range payments in (received_at, id) order, a page at a time. */
async function* paymentKeyPages(db: DbOrTx, q: ReportQuery, batchSize: number): AsyncGenerator<string[]> {
  let cursor: { at: string; id: string } | null = null;
  for (;;) {
    const where = paymentFilters(q);
    if (cursor) where.push(...after(payments.receivedAt, payments.id, cursor));
    const rows = await db
      .select({ id: payments.id, cursorAt: exactTime(payments.receivedAt) })
      .from(payments)
      .where(and(...where))
      .orderBy(asc(payments.receivedAt), asc(payments.id))
      .limit(batchSize);
    if (rows.length === 0) return;
    yield rows.map((r) => r.id);
    const last = rows[rows.length - 1];
    cursor = { at: last.cursorAt, id: last.id };
    if (rows.length < batchSize) return;
  }
}

/** Refunds made in the interval (cash basis), with their payment's channel and source. */
export async function* refundBatches(db: DbOrTx, q: ReportQuery, batchSize = REPORT_BATCH_SIZE): AsyncGenerator<ReportRefundRow[]> {
  let cursor: { at: string; id: string } | null = null;
  for (;;) {
    const where = refundFilters(q);
    if (cursor) where.push(...after(refunds.refundedAt, refunds.id, cursor));
    const rows = await db
      .select({
        refundId: refunds.id,
        paymentId: refunds.paymentId,
        channel: payments.channel,
        source: sourceOf(q),
        amount: refunds.amount,
        refundedAt: refunds.refundedAt,
        cursorAt: exactTime(refunds.refundedAt),
      })
      .from(refunds)
      .innerJoin(payments, eq(payments.id, refunds.paymentId))
      .where(and(...where))
      .orderBy(asc(refunds.refundedAt), asc(refunds.id))
      .limit(batchSize);
    if (rows.length === 0) return;
    yield rows.map(
      (r): ReportRefundRow => ({
        refundId: r.refundId,
        paymentId: r.paymentId,
        channel: r.channel,
        source: r.source,
        amount: Number(r.amount),
        refundedAt: new Date(r.refundedAt),
      }),
    );
    const last = rows[rows.length - 1];
    cursor = { at: last.cursorAt, id: last.refundId };
    if (rows.length < batchSize) return;
  }
}

/** Anomalies not yet resolved about in-range payments, or detected in range without a payment. */
export async function loadOpenAnomalies(db: DbOrTx, q: ReportQuery): Promise<ReportAnomalyRow[]> {
  const inRange = and(gte(payments.receivedAt, q.start), lt(payments.receivedAt, q.end));
  const noPaymentInRange = and(sql`${anomalies.paymentId} is null`, gte(anomalies.detectedAt, q.start), lt(anomalies.detectedAt, q.end));
  const where = [eq(anomalies.merchantId, q.merchantId), ne(anomalies.status, "resolved"), or(inRange, noPaymentInRange)!];
  if (q.channel) where.push(eq(payments.channel, q.channel as Channel));
  if (q.source) where.push(sql`${paymentPrimarySource} = ${q.source}`);
  const rows = await db
    .select({
      anomalyId: anomalies.id,
      kind: anomalies.kind,
      severity: anomalies.severity,
      paymentId: anomalies.paymentId,
      channel: payments.channel,
      channelTransactionId: payments.channelTransactionId,
      receivedAt: payments.receivedAt,
      paymentAmount: payments.amount,
      paymentSource: paymentPrimarySource,
      message: anomalies.message,
      detectedAt: anomalies.detectedAt,
    })
    .from(anomalies)
    .leftJoin(payments, and(eq(payments.id, anomalies.paymentId), eq(payments.merchantId, q.merchantId)))
    .where(and(...where))
    .orderBy(asc(anomalies.detectedAt), asc(anomalies.id));
  return rows.map((r) => ({
    ...r,
    receivedAt: r.receivedAt ? new Date(r.receivedAt) : null,
    paymentAmount: r.paymentAmount === null ? null : Number(r.paymentAmount),
    detectedAt: new Date(r.detectedAt),
  }));
}

/** Every batch of a generator, flattened (the in-memory formats). */
export async function collect<T>(batches: AsyncIterable<T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const b of batches) for (const r of b) out.push(r);
  return out;
}
