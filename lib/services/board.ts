import { and, desc, eq, gte, inArray, sql } from "drizzle-orm";
import { startOfZonedDay } from "@/lib/core/time";
import type { DbOrTx } from "@/lib/db/client";
import { anomalies, merchants, orders, payments } from "@/lib/db/schema";

/** The board's figures for one merchant: today's receipts per channel, pending money, recent activity. */
export async function getBoard(db: DbOrTx, merchantId: string, now = new Date()) {
  const [merchant] = await db.select().from(merchants).where(eq(merchants.id, merchantId)).limit(1);
  const timeZone = merchant?.timezone ?? "Asia/Shanghai";
  const dayStart = startOfZonedDay(now, timeZone);
  const perChannel = await db
    .select({
      channel: payments.channel,
      count: sql<string>`count(*)`,
      grossAmount: sql<string>`coalesce(sum(${payments.amount}), 0)`,
      refundedAmount: sql<string>`coalesce(sum(${payments.refundedAmount}), 0)`,
    })
    .from(payments)
    .where(and(eq(payments.merchantId, merchantId), gte(payments.receivedAt, dayStart)))
    .groupBy(payments.channel)
    .orderBy(payments.channel);
  const channels = perChannel.map((r) => ({
    channel: r.channel,
    count: Number(r.count),
    grossAmount: Number(r.grossAmount),
    refundedAmount: Number(r.refundedAmount),
    netAmount: Number(r.grossAmount) - Number(r.refundedAmount),
  }));
  const totals = channels.reduce(
    (t, c) => ({
      count: t.count + c.count,
      grossAmount: t.grossAmount + c.grossAmount,
      refundedAmount: t.refundedAmount + c.refundedAmount,
      netAmount: t.netAmount + c.netAmount,
    }),
    { count: 0, grossAmount: 0, refundedAmount: 0, netAmount: 0 },
  );
  const [pending] = await db
    .select({ count: sql<string>`count(*)`, amount: sql<string>`coalesce(sum(${payments.amount} - ${payments.allocatedAmount}), 0)` })
    .from(payments)
    .where(and(eq(payments.merchantId, merchantId), inArray(payments.status, ["unmatched", "suggested"])));
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
      status: payments.status,
      reference: payments.reference,
      payerName: payments.payerName,
      receivedAt: payments.receivedAt,
    })
    .from(payments)
    .where(eq(payments.merchantId, merchantId))
    .orderBy(desc(payments.receivedAt))
    .limit(10);
  const recentOrders = await db
    .select({
      orderId: orders.id,
      reference: orders.reference,
      orderNo: orders.orderNo,
      source: orders.source,
      amount: orders.amount,
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
    generatedAt: now.toISOString(),
    today: { from: dayStart.toISOString(), channels, totals },
    pending: { count: Number(pending.count), amount: Number(pending.amount) },
    anomalies: { open: bySeverity.high + bySeverity.medium + bySeverity.low, ...bySeverity },
    recentPayments: recentPayments.map((p) => ({ ...p, receivedAt: p.receivedAt.toISOString() })),
    recentOrders: recentOrders.map((o) => ({ ...o, createdAt: o.createdAt.toISOString() })),
  };
}

export type Board = Awaited<ReturnType<typeof getBoard>>;
