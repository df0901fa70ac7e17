import { and, asc, count, eq, gte, is, lt, ne, or, sql, type SQL } from "drizzle-orm";
import { PgTransaction } from "drizzle-orm/pg-core";
import type { ReportAllocationRow, ReportAnomalyRow, ReportPaymentRow, ReportRefundRow, SummaryBucket, WriteOffBucket } from "@/lib/core/reports";
import { rowsOf, type DbOrTx } from "@/lib/db/client";
import { allocations, anomalies, orders, payments, refunds, type Channel, type OrderSource } from "@/lib/db/schema";

/** What to read: one merchant's rows in a UTC interval [start, end) with optional filters. */
export interface ReportQuery {
  merchantId: string;
  start: Date;
  end: Date;
  channel?: string | null;
  source?: string | null;
  /** Only payments (and their refunds and allocations) in this currency: amounts in two never add up. */
  currency: string;
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

/** The payment filters of `q`; `currency` says which currencies (the report's by default). */
function paymentFilters(q: ReportQuery, currency: SQL = eq(payments.currency, q.currency)): SQL[] {
  const where = [eq(payments.merchantId, q.merchantId), gte(payments.receivedAt, q.start), lt(payments.receivedAt, q.end), currency];
  if (q.channel) where.push(eq(payments.channel, q.channel as Channel));
  if (q.source) where.push(sql`${paymentPrimarySource} = ${q.source}`);
  return where;
}

/** Number of payments the report covers (to refuse in-memory formats for huge ranges). */
export async function countReportPayments(db: DbOrTx, q: ReportQuery): Promise<number> {
  const [row] = await db.select({ n: count() }).from(payments).where(and(...paymentFilters(q)));
  return Number(row.n);
}

// Refunds are reported on a cash basis: by when they were made, whatever month their payment was in.
function refundFilters(q: ReportQuery): SQL[] {
  const where = [
    eq(refunds.merchantId, q.merchantId),
    eq(payments.merchantId, q.merchantId),
    gte(refunds.refundedAt, q.start),
    lt(refunds.refundedAt, q.end),
    eq(payments.currency, q.currency),
  ];
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

// The detail readers below write their SQL by hand and run it through the driver (`execute`): a
// report reads millions of rows, and drizzle's per-row result mapping cost more CPU than the rest of
// the report. Every value comes back in a form all three drivers agree on: money and instants as
// float8 (whole fen; epoch milliseconds), the keyset cursor as the database's own text.
const SOURCE_OF_P = sql.raw(
  "(select o.source from allocations a join orders o on o.id = a.order_id where a.payment_id = p.id order by a.amount desc, o.reference limit 1)",
);
const msOf = (column: string) => sql.raw(`floor(extract(epoch from ${column}) * 1000)::float8`);

/** The payment filters of `q` on alias `p` (merchant, range, channel, source). */
function paymentWhere(q: ReportQuery): SQL {
  const where = [
    sql`p.merchant_id = ${q.merchantId}::uuid`,
    sql`p.received_at >= ${q.start.toISOString()}::timestamptz`,
    sql`p.received_at < ${q.end.toISOString()}::timestamptz`,
    sql`p.currency = ${q.currency}`,
  ];
  if (q.channel) where.push(sql`p.channel = ${q.channel}::channel`);
  if (q.source) where.push(sql`${SOURCE_OF_P} = ${q.source}::order_source`);
  return sql.join(where, sql` and `);
}

/** Keyset cursor: the database's text of the instant (a JS Date would drop microseconds) and the row id. */
type Cursor = { at: string; id: string };

// Past the cursor. The plain `>=` is implied by the row comparison but lets the planner start the
// index range at the cursor instead of at the start of the month.
const past = (at: string, id: string, c: Cursor | null) =>
  c ? sql` and ${sql.raw(at)} >= ${c.at}::timestamptz and (${sql.raw(at)}, ${sql.raw(id)}) > (${c.at}::timestamptz, ${c.id}::uuid)` : sql``;

/**
 * Pages of a keyset query: `page(cursor)` returns at most `batchSize` rows after the cursor, the
 * last of which gives the next cursor. The next page is requested as soon as one arrives, so the
 * database reads it while the caller works on this one.
 */
async function* keysetPages<T>(
  db: DbOrTx,
  page: (cursor: Cursor | null) => SQL,
  cursorOf: (row: T) => Cursor,
  batchSize: number,
  more: (rows: T[]) => boolean = (rows) => rows.length >= batchSize,
): AsyncGenerator<T[]> {
  const fetch = (c: Cursor | null) => db.execute(page(c)).then((r) => rowsOf<T>(r));
  let pending: Promise<T[]> | null = fetch(null);
  try {
    while (pending) {
      const rows: T[] = await pending;
      pending = rows.length && more(rows) ? fetch(cursorOf(rows[rows.length - 1])) : null;
      if (rows.length) yield rows;
    }
  } finally {
    // An abandoned read (the consumer stopped early) must not surface as an unhandled rejection.
    await pending?.catch(() => undefined);
  }
}

let cursorCount = 0;

/**
 * All rows of `query` through a server-side cursor, `batchSize` at a time, the next batch fetched
 * while the caller works on this one. Only inside a transaction (a cursor lives in its
 * connection). The database plans for the whole result (`cursor_tuple_fraction` 1): hash joins
 * and one sort of the month instead of an index lookup per row.
 */
async function cursorPages<T, R>(tx: DbOrTx, query: SQL, batchSize: number, map: (row: T) => R): Promise<AsyncGenerator<R[]>> {
  const name = sql.identifier(`report_rows_${++cursorCount}`);
  await tx.execute(sql`set local cursor_tuple_fraction = 1`);
  await tx.execute(sql`declare ${name} no scroll cursor for ${query}`);
  const fetch = () => tx.execute(sql`fetch forward ${sql.raw(String(batchSize))} from ${name}`).then((r) => rowsOf<T>(r));
  return (async function* () {
    let pending: Promise<T[]> | null = fetch();
    try {
      while (pending) {
        const rows: T[] = await pending;
        pending = rows.length === batchSize ? fetch() : null;
        if (rows.length) yield rows.map(map);
      }
    } finally {
      await pending?.catch(() => undefined);
      // Closing fails only when the transaction already has; the error that caused that surfaces instead.
      await tx.execute(sql`close ${name}`).catch(() => undefined);
    }
  })();
}

interface PaymentRaw {
  id: string;
  channel: string;
  channel_transaction_id: string;
  amount: number | string;
  allocated_amount: number | string;
  status: string;
  match_method: string | null;
  at_ms: number | string;
  cursor_at: string;
  reference: string | null;
  payer_name: string | null;
  memo: string | null;
  suggestions: { references?: string[] }[] | null;
  ignored_reason: string | null;
  source: string | null;
}

/**
 * In-range payments in (received_at, id) order, keyset-paginated. `unallocatedOnly` keeps the
 * payments whose money is not all allocated (the 异常 lines) and lets the database skip the rest.
 */
export async function* paymentBatches(
  db: DbOrTx,
  q: ReportQuery,
  batchSize = REPORT_BATCH_SIZE,
  opts: { unallocatedOnly?: boolean } = {},
): AsyncGenerator<ReportPaymentRow[]> {
  const only = opts.unallocatedOnly ? sql` and p.amount > p.allocated_amount` : sql``;
  const source = q.source ? SOURCE_OF_P : sql.raw("null");
  const pages = keysetPages<PaymentRaw>(
    db,
    (c) => sql`select p.id, p.channel, p.channel_transaction_id, p.amount::float8 as amount, p.allocated_amount::float8 as allocated_amount,
        p.status, p.match_method, ${msOf("p.received_at")} as at_ms, p.received_at::text as cursor_at, p.reference, p.payer_name, p.memo,
        case when p.status = 'suggested' then p.suggestions end as suggestions,
        case when p.status = 'ignored' then p.details->'ignored'->>'reason' end as ignored_reason, ${source}::text as source
      from payments p where ${paymentWhere(q)}${only}${past("p.received_at", "p.id", c)}
      order by p.received_at, p.id limit ${batchSize}`,
    (r) => ({ at: r.cursor_at, id: r.id }),
    batchSize,
  );
  for await (const rows of pages) {
    yield rows.map(
      (r): ReportPaymentRow => ({
        paymentId: r.id,
        channel: r.channel,
        channelTransactionId: r.channel_transaction_id,
        amount: Number(r.amount),
        allocatedAmount: Number(r.allocated_amount),
        status: r.status,
        matchMethod: r.match_method,
        receivedAt: new Date(Number(r.at_ms)),
        reference: r.reference,
        payerName: r.payer_name,
        memo: r.memo,
        source: r.source,
        suggestedReferences: (r.suggestions ?? []).flatMap((s) => s.references ?? []),
        ignoredReason: r.ignored_reason,
      }),
    );
  }
}

interface AllocationRaw {
  payment_id: string;
  channel: string;
  channel_transaction_id: string;
  at_ms: number | string;
  cursor_at: string;
  payment_amount: number | string;
  payment_source: string | null;
  order_reference: string | null;
  order_no: string;
  order_source: string;
  order_amount: number | string;
  order_status: string;
  order_paid_amount: number | string;
  amount: number | string;
  method: string;
  confidence: number | string;
  written_off: number | string | null;
  write_off_causes: string | null;
}

const toAllocation = (r: AllocationRaw): ReportAllocationRow => ({
  paymentId: r.payment_id,
  channel: r.channel,
  channelTransactionId: r.channel_transaction_id,
  receivedAt: new Date(Number(r.at_ms)),
  paymentAmount: Number(r.payment_amount),
  paymentSource: r.payment_source,
  orderReference: r.order_reference!,
  orderNo: r.order_no,
  orderSource: r.order_source,
  orderAmount: Number(r.order_amount),
  orderStatus: r.order_status,
  orderPaidAmount: Number(r.order_paid_amount),
  amount: Number(r.amount),
  method: r.method,
  confidence: Number(r.confidence),
  writtenOffAmount: Number(r.written_off ?? 0),
  writeOffCauses: r.write_off_causes ? r.write_off_causes.split(",") : [],
});

// The payment side of an allocation read (alias `p`), which ALLOCATION_COLUMNS select from; the
// keyset's text of the instant only where a keyset needs it.
const allocationPaymentColumns = (q: ReportQuery, keyset = true) =>
  sql`p.id, p.channel, p.channel_transaction_id, p.amount::float8 as amount, ${msOf("p.received_at")} as at_ms, p.received_at,
    ${sql.raw(keyset ? "p.received_at::text" : "null")} as cursor_at, ${q.source ? SOURCE_OF_P : sql.raw("null")}::text as source`;

// An order's write-offs (orders.details.writeOffs) that name the payment; read only for the few
// orders that have any, so a month of plain matches never opens an order's details.
const writeOffsOfPayment = (select: string) =>
  `case when o.written_off_amount <> 0 then (select ${select} from jsonb_array_elements(o.details->'writeOffs') w
    where w->>'paymentId' = p.id::text) end`;

const ALLOCATION_COLUMNS = sql.raw(`p.id as payment_id, p.channel, p.channel_transaction_id, p.at_ms, p.cursor_at, p.amount as payment_amount,
  p.source as payment_source, o.reference as order_reference, o.order_no, o.source as order_source, o.amount::float8 as order_amount,
  o.status as order_status, (o.paid_amount - o.refunded_amount)::float8 as order_paid_amount, a.amount::float8 as amount, a.method, a.confidence::float8 as confidence,
  ${writeOffsOfPayment("sum((w->>'amount')::float8)")} as written_off,
  ${writeOffsOfPayment("string_agg(distinct w->>'cause', ',' order by w->>'cause')")} as write_off_causes`);

/**
 * Allocations of in-range payments in (received_at, payment id, order reference) order.
 *
 * Inside a transaction (a report's snapshot) they come through a cursor over the whole join, which
 * costs the database several times less than looking each payment up. Elsewhere each query takes
 * one keyset page of payments and joins their allocations laterally (fenced by `offset 0` so the
 * planner keeps to the allocations' payment index instead of hashing every allocation of the
 * merchant for every page); a payment without any comes back once with nulls, so the page's last
 * payment still moves the cursor. `mismatchedOrdersOnly` reads only the allocations to orders paid
 * the wrong amount, straight from the join (they are few).
 */
export async function* allocationBatches(
  db: DbOrTx,
  q: ReportQuery,
  opts: { mismatchedOrdersOnly?: boolean; batchSize?: number } = {},
): AsyncGenerator<ReportAllocationRow[]> {
  const batchSize = opts.batchSize ?? REPORT_BATCH_SIZE;
  if (opts.mismatchedOrdersOnly) {
    yield* mismatchedAllocationBatches(db, q, batchSize);
    return;
  }
  if (is(db, PgTransaction)) {
    yield* await cursorPages<AllocationRaw, ReportAllocationRow>(
      db,
      sql`select ${ALLOCATION_COLUMNS} from (
          select ${allocationPaymentColumns(q, false)} from payments p where ${paymentWhere(q)}) p
        join allocations a on a.payment_id = p.id and a.merchant_id = ${q.merchantId}::uuid
        join orders o on o.id = a.order_id
        order by p.received_at, p.id, o.reference`,
      batchSize,
      toAllocation,
    );
    return;
  }
  const pages = keysetPages<AllocationRaw & { page_size: number | string }>(
    db,
    (c) => sql`with p as (
        select ${allocationPaymentColumns(q)} from payments p where ${paymentWhere(q)}${past("p.received_at", "p.id", c)}
        order by p.received_at, p.id limit ${batchSize})
      select ${ALLOCATION_COLUMNS}, (select count(*) from p)::int as page_size
      from p left join lateral (
          select a.amount, a.method, a.confidence, a.order_id from allocations a
          where a.payment_id = p.id and a.merchant_id = ${q.merchantId}::uuid offset 0) a on true
        left join orders o on o.id = a.order_id
      order by p.received_at, p.id, o.reference`,
    (r) => ({ at: r.cursor_at, id: r.payment_id }),
    batchSize,
    (rows) => Number(rows[0].page_size) >= batchSize,
  );
  for await (const rows of pages) {
    const out: ReportAllocationRow[] = [];
    for (const r of rows) if (r.order_reference !== null) out.push(toAllocation(r));
    if (out.length) yield out;
  }
}

// Keyset over (received_at, payment id, order reference), the sheet's order, on the join itself.
async function* mismatchedAllocationBatches(db: DbOrTx, q: ReportQuery, batchSize: number): AsyncGenerator<ReportAllocationRow[]> {
  let cursor: { at: string; id: string; ref: string } | null = null;
  for (;;) {
    const after: SQL = cursor
      ? sql` and p.received_at >= ${cursor.at}::timestamptz and (p.received_at, p.id, o.reference) > (${cursor.at}::timestamptz, ${cursor.id}::uuid, ${cursor.ref})`
      : sql``;
    const rows = rowsOf<AllocationRaw>(
      await db.execute(sql`select ${ALLOCATION_COLUMNS} from (
          select ${allocationPaymentColumns(q)} from payments p where ${paymentWhere(q)}) p
        join allocations a on a.payment_id = p.id and a.merchant_id = ${q.merchantId}::uuid
        join orders o on o.id = a.order_id and o.status in ('partially_paid', 'overpaid')
        where true${after}
        order by p.received_at, p.id, o.reference limit ${batchSize}`),
    );
    if (rows.length) yield rows.map(toAllocation);
    if (rows.length < batchSize) return;
    const last = rows[rows.length - 1];
    cursor = { at: last.cursor_at, id: last.payment_id, ref: last.order_reference! };
  }
}

interface RefundRaw {
  id: string;
  payment_id: string;
  channel: string;
  source: string | null;
  amount: number | string;
  at_ms: number | string;
  cursor_at: string;
  continued: boolean | null;
  unallocated: boolean | null;
}

/** A refund row continuing one channel refund spread over several orders (refunds.ts): not a refund of its own. */
const CONTINUED_REFUND = sql.raw(`(r.details ? 'splitOf')`);

/** Refunds made in the interval (cash basis), with their payment's channel and source. */
export async function* refundBatches(db: DbOrTx, q: ReportQuery, batchSize = REPORT_BATCH_SIZE): AsyncGenerator<ReportRefundRow[]> {
  const pages = keysetPages<RefundRaw>(
    db,
    (c) => sql`select r.id, r.payment_id, p.channel, ${q.source ? SOURCE_OF_P : sql.raw("null")}::text as source, r.amount::float8 as amount,
        ${msOf("r.refunded_at")} as at_ms, r.refunded_at::text as cursor_at, ${CONTINUED_REFUND} as continued,
        (r.order_id is null) as unallocated
      from refunds r join payments p on p.id = r.payment_id
      where ${refundWhere(q)}${past("r.refunded_at", "r.id", c)}
      order by r.refunded_at, r.id limit ${batchSize}`,
    (r) => ({ at: r.cursor_at, id: r.id }),
    batchSize,
  );
  for await (const rows of pages) {
    yield rows.map(
      (r): ReportRefundRow => ({
        refundId: r.id,
        paymentId: r.payment_id,
        channel: r.channel,
        source: r.source,
        amount: Number(r.amount),
        refundedAt: new Date(Number(r.at_ms)),
        continued: r.continued === true,
        unallocated: r.unallocated === true,
      }),
    );
  }
}

// Refunds are reported on a cash basis: by when they were made, whatever month their payment was in.
function refundWhere(q: ReportQuery): SQL {
  const where = [
    sql`r.merchant_id = ${q.merchantId}::uuid`,
    sql`p.merchant_id = ${q.merchantId}::uuid`,
    sql`r.refunded_at >= ${q.start.toISOString()}::timestamptz`,
    sql`r.refunded_at < ${q.end.toISOString()}::timestamptz`,
    sql`p.currency = ${q.currency}`,
  ];
  if (q.channel) where.push(sql`p.channel = ${q.channel}::channel`);
  if (q.source) where.push(sql`${SOURCE_OF_P} = ${q.source}::order_source`);
  return sql.join(where, sql` and `);
}

const QUARTER_HOUR_S = 900;

async function buckets(db: DbOrTx, query: SQL): Promise<SummaryBucket[]> {
  const rows = rowsOf<{ at_s: number | string; channel: string; n: number | string; amount: number | string; allocated: number | string }>(await db.execute(query));
  return rows.map((r) => ({ at: new Date(Number(r.at_s) * 1000), channel: r.channel, count: Number(r.n), amount: Number(r.amount), allocated: Number(r.allocated) }));
}

const bucketOf = (column: string) => sql.raw(`(floor(extract(epoch from ${column}) / ${QUARTER_HOUR_S}) * ${QUARTER_HOUR_S})::float8`);

/** In-range payments summed per channel and UTC quarter hour (the summary's input, without reading every row). */
export function paymentBuckets(db: DbOrTx, q: ReportQuery): Promise<SummaryBucket[]> {
  return buckets(
    db,
    sql`select ${bucketOf("p.received_at")} as at_s, p.channel, count(*)::float8 as n, sum(p.amount)::float8 as amount,
        sum(p.allocated_amount)::float8 as allocated
      from payments p where ${paymentWhere(q)} group by 1, 2 order by 1, 2`,
  );
}

/** Refunds made in the interval summed per channel and UTC quarter hour; `allocated` is what went back on orders. */
export function refundBuckets(db: DbOrTx, q: ReportQuery): Promise<SummaryBucket[]> {
  return buckets(
    db,
    sql`select ${bucketOf("r.refunded_at")} as at_s, p.channel, (count(*) filter (where not ${CONTINUED_REFUND}))::float8 as n, sum(r.amount)::float8 as amount,
        coalesce(sum(r.amount) filter (where r.order_id is not null), 0)::float8 as allocated
      from refunds r join payments p on p.id = r.payment_id where ${refundWhere(q)} group by 1, 2 order by 1, 2`,
  );
}

/**
 * Write-offs against in-range payments (kept on their orders, orders.details.writeOffs) summed per
 * channel, cause and UTC quarter hour of the payment; only the orders that have any are read.
 */
export async function writeOffBuckets(db: DbOrTx, q: ReportQuery): Promise<WriteOffBucket[]> {
  const rows = rowsOf<{ at_s: number | string; channel: string; cause: string; n: number | string; amount: number | string }>(
    await db.execute(sql`select ${bucketOf("p.received_at")} as at_s, p.channel, w.cause, count(*)::float8 as n, sum(w.amount)::float8 as amount
      from orders o
      cross join lateral jsonb_to_recordset(case when jsonb_typeof(o.details->'writeOffs') = 'array' then o.details->'writeOffs' else '[]'::jsonb end)
        as w("paymentId" text, amount bigint, cause text)
      join payments p on p.id = w."paymentId"::uuid
      where o.merchant_id = ${q.merchantId}::uuid and o.written_off_amount <> 0 and ${paymentWhere(q)}
      group by 1, 2, 3 order by 1, 2, 3`),
  );
  return rows.map((r) => ({ at: new Date(Number(r.at_s) * 1000), channel: r.channel, cause: r.cause, count: Number(r.n), amount: Number(r.amount) }));
}

/** Anomalies not yet resolved about in-range payments, or detected in range without a payment. */
export async function loadOpenAnomalies(db: DbOrTx, q: ReportQuery): Promise<ReportAnomalyRow[]> {
  const inRange = and(gte(payments.receivedAt, q.start), lt(payments.receivedAt, q.end), eq(payments.currency, q.currency));
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

/** In-range payments in currencies other than the report's, counted and summed per currency (listed beside the figures, never added to them). */
export async function otherCurrencyTotals(db: DbOrTx, q: ReportQuery): Promise<{ currency: string; count: number; grossAmount: number }[]> {
  const where = paymentFilters(q, ne(payments.currency, q.currency));
  const rows = await db
    .select({ currency: payments.currency, count: count(), grossAmount: sql<string>`sum(${payments.amount})` })
    .from(payments)
    .where(and(...where))
    .groupBy(payments.currency)
    .orderBy(payments.currency);
  return rows.map((r) => ({ currency: r.currency, count: Number(r.count), grossAmount: Number(r.grossAmount) }));
}
