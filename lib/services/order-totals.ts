import { asc, eq, inArray, sql } from "drizzle-orm";
import { deriveOrderStatus, isSettled } from "@/lib/core/matching/order-status";
import { releaseCoveredWriteOffs } from "@/lib/core/matching/write-off-release";
import type { DbOrTx } from "@/lib/db/client";
import type { AuditInput } from "@/lib/db/queries/audit";
import { orders, type Order } from "@/lib/db/schema";
import { writeOffsOf } from "@/lib/core/matching/write-off-release";
import { sumOrderMoney } from "@/lib/services/orders";
import { enqueueOrderEvents } from "@/lib/services/storefront-webhooks";

/** Locks orders in id order (so two transactions never deadlock on them). */
export async function lockOrders(tx: DbOrTx, orderIds: string[]): Promise<Order[]> {
  if (orderIds.length === 0) return [];
  return tx.select().from(orders).where(inArray(orders.id, orderIds)).orderBy(asc(orders.id)).for("update");
}

/**
 * A shortfall accepted as a fee or rounding whose money has arrived since (the customer sent the rest)
 * was no loss: its write-off is released, so the books do not show both the money and the write-off.
 * Returns the order's written-off amount after it.
 */
async function releaseWrittenOffMoneyThatArrived(tx: DbOrTx, order: Order, allocated: number, now: Date, audit: AuditInput[]): Promise<number> {
  if (order.writtenOffAmount === 0 || allocated + order.writtenOffAmount <= order.amount) return order.writtenOffAmount;
  const { kept, released } = releaseCoveredWriteOffs(writeOffsOf(order), order.amount, allocated);
  if (released.length === 0) return order.writtenOffAmount;
  const after = order.writtenOffAmount - released.reduce((sum, r) => sum + r.amount, 0);
  await tx
    .update(orders)
    .set({ writtenOffAmount: after, details: { ...order.details, writeOffs: kept }, updatedAt: now })
    .where(eq(orders.id, order.id));
  for (const r of released) {
    audit.push({ action: "order.write_off_released", subjectType: "order", subjectId: order.id, before: { ...r.record }, after: { released: r.amount, writtenOffAmount: after } });
  }
  return after;
}

/**
 * Re-derives paid/refunded amounts and status of orders from their allocations and refunds.
 * Returns audit entries for the orders whose status or amounts changed.
 */
export async function refreshOrders(tx: DbOrTx, orderIds: string[], now: Date): Promise<AuditInput[]> {
  const ids = [...new Set(orderIds)];
  const locked = await lockOrders(tx, ids);
  const totals = await sumOrderMoney(tx, ids);
  const audit: AuditInput[] = [];
  const statusChanges: { merchantId: string; orderId: string; status: string }[] = [];
  const changed: { id: string; status: string; paid: number; refunded: number; paid_at: string | null }[] = [];
  for (const order of locked) {
    const t = totals.get(order.id)!;
    const writtenOff = await releaseWrittenOffMoneyThatArrived(tx, order, t.allocated, now, audit);
    const status = deriveOrderStatus({
      amount: order.amount,
      allocated: t.allocated,
      refunded: t.refunded,
      writtenOff,
      // Closed before money came (expired, or closed in the shop): taking the money off closes it again.
      closed: order.status === "closed" || order.closedAt !== null,
    });
    if (status === order.status && t.allocated === order.paidAmount && t.refunded === order.refundedAmount) continue;
    // Paid once stays paid through refunds; money taken off again (unmatched) takes the time with it, so a
    // later payment is dated when it comes and matching never reads the order as paid before.
    const refundedAfterPaying = status === "refunded" || status === "partially_refunded";
    const paidAt = isSettled(status) ? (order.paidAt ?? now) : refundedAfterPaying ? order.paidAt : null;
    changed.push({ id: order.id, status, paid: t.allocated, refunded: t.refunded, paid_at: paidAt?.toISOString() ?? null });
    if (status !== order.status) statusChanges.push({ merchantId: order.merchantId, orderId: order.id, status });
    audit.push({
      action: "order.status_changed",
      subjectType: "order",
      subjectId: order.id,
      before: { status: order.status, paidAmount: order.paidAmount, refundedAmount: order.refundedAmount },
      after: { status, paidAmount: t.allocated, refundedAmount: t.refunded },
    });
  }
  // One statement for all of them: a chunk of matches refreshes hundreds of orders, and each UPDATE
  // statement also runs the orders' statement-level triggers once.
  if (changed.length) {
    await tx.execute(sql`
      update ${orders} set status = x.status::order_status, paid_amount = x.paid, refunded_amount = x.refunded, paid_at = x.paid_at,
        updated_at = ${now.toISOString()}::timestamptz
      from json_to_recordset(${JSON.stringify(changed)}::json) as x(id uuid, status text, paid bigint, refunded bigint, paid_at timestamptz)
      where ${orders.id} = x.id`);
  }
  for (const merchantId of new Set(statusChanges.map((c) => c.merchantId))) {
    await enqueueOrderEvents(tx, merchantId, statusChanges.filter((c) => c.merchantId === merchantId), now);
  }
  return audit;
}
