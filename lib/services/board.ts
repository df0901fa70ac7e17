import { and, asc, desc, eq, gte, inArray, lt, sql } from "drizzle-orm";
import { addDays } from "@/lib/core/reports/dates";
import { zonedDates, zonedDayStart } from "@/lib/core/time";
import type { DbOrTx } from "@/lib/db/client";
import { allocations, anomalies, merchants, orders, paymentSlotTotals, payments, refundSlotTotals } from "@/lib/db/schema";
import { groupBy } from "@/lib/core/collections";

export const BOARD_PERIODS = ["today", "7d", "30d"] as const;
export type BoardPeriod = (typeof BOARD_PERIODS)[number];
const PERIOD_DAYS: Record<BoardPeriod, number> = { today: 1, "7d": 7, "30d": 30 };

interface Bucket {
  day: string;
  channel: string;
  currency: string;
  status: string;
  count: number;
  grossAmount: number;
  refundedAmount: number;
}

interface Sums {
  count: number;
  grossAmount: number;
  refundedAmount: number;
  netAmount: number;
}

/** The buckets' figures added up under a key (a channel, a currency), in the key's order. */
function sumBy<K extends string>(buckets: Bucket[], keyOf: (b: Bucket) => string, name: K): (Record<K, string> & Sums)[] {
  const sums = new Map<string, Record<K, string> & Sums>();
  for (const b of buckets) {
    const key = keyOf(b);
    const s = sums.get(key) ?? ({ [name]: key, count: 0, grossAmount: 0, refundedAmount: 0, netAmount: 0 } as Record<K, string> & Sums);
    s.count += b.count;
    s.grossAmount += b.grossAmount;
    s.refundedAmount += b.refundedAmount;
    s.netAmount = s.grossAmount - s.refundedAmount;
    sums.set(key, s);
  }
  return [...sums.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, s]) => s);
}

/**
 * Per-channel receipts and the match rate of the buckets in one period; `fromDate`/`toDate` are the zoned
 * dates links filter on. Money adds up in the merchant's currency only: receipts in any other currency are
 * listed apart (`otherCurrencies`), never summed into yuan. The match rate counts payments, so every currency.
 */
function summarise(buckets: Bucket[], currency: string, fromDate: string, toDate: string, timeZone: string) {
  let matched = 0;
  let counted = 0;
  for (const b of buckets) {
    // Ignored payments are not the merchant's money to match, so they count on neither side.
    if (b.status !== "ignored") counted += b.count;
    if (b.status === "matched") matched += b.count;
  }
  const own = buckets.filter((b) => b.currency === currency);
  const channels = sumBy(own, (b) => b.channel, "channel");
  const totals = channels.reduce(
    (t, c) => ({
      count: t.count + c.count,
      grossAmount: t.grossAmount + c.grossAmount,
      refundedAmount: t.refundedAmount + c.refundedAmount,
      netAmount: t.netAmount + c.netAmount,
    }),
    { count: 0, grossAmount: 0, refundedAmount: 0, netAmount: 0 },
  );
  return {
    from: zonedDayStart(fromDate, timeZone).toISOString(),
    fromDate,
    toDate,
    channels,
    totals,
    otherCurrencies: sumBy(buckets.filter((b) => b.currency !== currency), (b) => b.currency, "currency"),
    matchRate: { matched, total: counted, rate: counted ? matched / counted : null },
  };
}

export type BoardPeriodFigures = ReturnType<typeof summarise>;

/** The board's figures for one merchant: today's receipts per channel, pending money, recent activity. */
export async function getBoard(db: DbOrTx, merchantId: string, now = new Date()) {
  const [merchant] = await db.select().from(merchants).where(eq(merchants.id, merchantId)).limit(1);
  const timeZone = merchant?.timezone ?? "Asia/Shanghai";
  const currency = merchant?.currency ?? "CNY";
  const dates = zonedDates(now, timeZone, PERIOD_DAYS["30d"]);
  // The instants the 30 days (and the day after, for payments dated ahead) start in the merchant's zone.
  const days = [...dates, addDays(dates[dates.length - 1], 1)];
  const starts = days.map((d) => zonedDayStart(d, timeZone).toISOString());
  // The last 30 days' slot totals (kept by triggers on payments) summed into the merchant's local days:
  // slots are 15 minutes and every zone offset is a whole number of them, so no slot straddles two days.
  // width_bucket finds a slot's day among the day starts (1 = the first), cheaper than formatting each.
  const day = sql<number>`width_bucket(${paymentSlotTotals.slotStart}, ${`{${starts.join(",")}}`}::timestamptz[])`;
  const from = new Date(starts[0]);
  // Up to the end of tomorrow: a line dated weeks ahead (a typo, a value date) is no receipt of today's.
  const until = zonedDayStart(addDays(days[days.length - 1], 1), timeZone);
  // Receipts by when they arrived, refunds by when the money went back (the report's cash basis).
  const received = (
    await db
      .select({
        day,
        channel: paymentSlotTotals.channel,
        currency: paymentSlotTotals.currency,
        status: paymentSlotTotals.status,
        count: sql<string>`sum(${paymentSlotTotals.count})`,
        grossAmount: sql<string>`sum(${paymentSlotTotals.grossAmount})`,
      })
      .from(paymentSlotTotals)
      .where(and(eq(paymentSlotTotals.merchantId, merchantId), gte(paymentSlotTotals.slotStart, from), lt(paymentSlotTotals.slotStart, until)))
      // By position: a repeated expression would bind the day starts twice and no longer equal the selected one.
      .groupBy(sql`1`, sql`2`, sql`3`, sql`4`)
  ).map((r) => ({ ...r, day: days[Number(r.day) - 1], count: Number(r.count), grossAmount: Number(r.grossAmount), refundedAmount: 0 }));
  const refundDay = sql<number>`width_bucket(${refundSlotTotals.slotStart}, ${`{${starts.join(",")}}`}::timestamptz[])`;
  const refunded = (
    await db
      .select({ day: refundDay, channel: refundSlotTotals.channel, currency: refundSlotTotals.currency, amount: sql<string>`sum(${refundSlotTotals.amount})` })
      .from(refundSlotTotals)
      .where(and(eq(refundSlotTotals.merchantId, merchantId), gte(refundSlotTotals.slotStart, from), lt(refundSlotTotals.slotStart, until)))
      .groupBy(sql`1`, sql`2`, sql`3`)
  ).map((r) => ({ day: days[Number(r.day) - 1], channel: r.channel, currency: r.currency, status: "refund", count: 0, grossAmount: 0, refundedAmount: Number(r.amount) }));
  // Striped rows of a status every payment has left sum to zero: not a bucket.
  const buckets: Bucket[] = [...received, ...refunded].filter((b) => b.count !== 0 || b.grossAmount !== 0 || b.refundedAmount !== 0);
  const periods = {} as Record<BoardPeriod, BoardPeriodFigures>;
  for (const period of BOARD_PERIODS) {
    const first = dates[dates.length - PERIOD_DAYS[period]];
    periods[period] = summarise(buckets.filter((b) => b.day >= first), currency, first, dates[dates.length - 1], timeZone);
  }
  const ownBuckets = buckets.filter((b) => b.currency === currency);
  const channelNames = [...new Set(ownBuckets.map((b) => b.channel))].sort();
  const daily = {
    days: dates,
    series: channelNames.map((channel) => ({
      channel,
      values: dates.map((d) =>
        ownBuckets.filter((b) => b.channel === channel && b.day === d).reduce((sum, b) => sum + b.grossAmount - b.refundedAmount, 0),
      ),
    })),
  };
  const { channels, totals } = periods.today;
  const pendingByCurrency = (
    await db
      .select({
        currency: payments.currency,
        count: sql<string>`count(*)`,
        amount: sql<string>`sum(${payments.amount} - ${payments.allocatedAmount})`,
      })
      .from(payments)
      // Spelled out, not bound, so the planner matches payments_merchant_pending_idx (an index-only scan).
      .where(and(eq(payments.merchantId, merchantId), sql`${payments.status} in ('unmatched', 'suggested')`))
      .groupBy(payments.currency)
      .orderBy(payments.currency)
  ).map((r) => ({ currency: r.currency, count: Number(r.count), amount: Number(r.amount) }));
  const ownPending = pendingByCurrency.find((p) => p.currency === currency);
  // Every pending payment is work to do, so the count is all of them; the money is the merchant's currency's.
  const pending = {
    count: pendingByCurrency.reduce((n, p) => n + p.count, 0),
    amount: ownPending?.amount ?? 0,
    otherCurrencies: pendingByCurrency.filter((p) => p.currency !== currency),
  };
  const anomalyRows = await db
    .select({ severity: anomalies.severity, count: sql<string>`count(*)` })
    .from(anomalies)
    .where(and(eq(anomalies.merchantId, merchantId), inArray(anomalies.status, ["open", "acknowledged"])))
    .groupBy(anomalies.severity);
  const bySeverity = { high: 0, medium: 0, low: 0 };
  for (const r of anomalyRows) bySeverity[r.severity] = Number(r.count);
  const recentPayments = await db
    .select({
      paymentId: payments.id,
      channel: payments.channel,
      amount: payments.amount,
      currency: payments.currency,
      status: payments.status,
      reference: payments.reference,
      payerName: payments.payerName,
      receivedAt: payments.receivedAt,
    })
    .from(payments)
    .where(eq(payments.merchantId, merchantId))
    .orderBy(desc(payments.receivedAt))
    .limit(10);
  // The orders each recent payment went to (a bank transfer names none itself), the largest share first.
  const allocated = recentPayments.length
    ? await db
        .select({ paymentId: allocations.paymentId, reference: orders.reference })
        .from(allocations)
        .innerJoin(orders, eq(orders.id, allocations.orderId))
        .where(inArray(allocations.paymentId, recentPayments.map((p) => p.paymentId)))
        .orderBy(desc(allocations.amount), asc(orders.reference))
    : [];
  const referencesOf = groupBy(allocated, (a) => a.paymentId, (a) => a.reference);
  const recentOrders = await db
    .select({
      orderId: orders.id,
      reference: orders.reference,
      orderNo: orders.orderNo,
      source: orders.source,
      amount: orders.amount,
      currency: orders.currency,
      paidAmount: orders.paidAmount,
      status: orders.status,
      createdAt: orders.createdAt,
    })
    .from(orders)
    .where(eq(orders.merchantId, merchantId))
    .orderBy(desc(orders.createdAt))
    .limit(10);
  return {
    merchantName: merchant?.name ?? "",
    timeZone,
    currency,
    generatedAt: now.toISOString(),
    today: { from: periods.today.from, channels, totals },
    periods,
    daily,
    pending,
    anomalies: { open: bySeverity.high + bySeverity.medium + bySeverity.low, ...bySeverity },
    recentPayments: recentPayments.map((p) => ({ ...p, orderReferences: referencesOf.get(p.paymentId) ?? [], receivedAt: p.receivedAt.toISOString() })),
    recentOrders: recentOrders.map((o) => ({ ...o, createdAt: o.createdAt.toISOString() })),
  };
}

export type Board = Awaited<ReturnType<typeof getBoard>>;
