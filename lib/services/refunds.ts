import { and, asc, desc, eq, sql } from "drizzle-orm";
import type { RefundEvent } from "@/lib/core/channels/types";
import type { DbOrTx } from "@/lib/db/client";
import type { AuditInput } from "@/lib/db/queries/audit";
import { allocations, payments, refunds, type Payment } from "@/lib/db/schema";
import { spreadRefund, type RefundPart } from "@/lib/core/matching/refund-split";
import { refreshOrders } from "@/lib/services/order-totals";

const DAY_MS = 24 * 3600_000;

export type RefundOutcome =
  | { kind: "recorded"; refundId: string; amount: number; audit: AuditInput[] }
  | { kind: "duplicate"; audit: AuditInput[] }
  | { kind: "refused"; reason: string; audit: AuditInput[] };

/**
 * Records a refund against its payment (locked by the caller). Channels that report a cumulative
 * refunded total (Alipay refund_fee) are turned into the increment; a refund larger than what is
 * left of the payment is refused.
 */
export async function recordRefund(
  tx: DbOrTx,
  params: { payment: Payment; event: RefundEvent; now: Date },
): Promise<RefundOutcome> {
  const { payment, event, now } = params;
  const [current] = await tx
    .select({ refunded: payments.refundedAmount })
    .from(payments)
    .where(eq(payments.id, payment.id))
    .for("update");
  const at = new Date(event.refundedAt);
  const earlier = await tx
    .select({ amount: refunds.amount, refundedAt: refunds.refundedAt, channelRefundId: refunds.channelRefundId, details: refunds.details })
    .from(refunds)
    .where(eq(refunds.paymentId, payment.id));
  // The same refund again (a bill repeating what the notify said, an overlapping file) is a duplicate
  // whatever is left of the payment: checked before the amount, or a full refund's replay reads as too large.
  if (earlier.some((r) => r.channelRefundId === event.channelRefundId)) return { kind: "duplicate", audit: [] };
  // A total the channel reported as running (Alipay's refund_fee, Stripe's amount_refunded) holds every refund
  // of the payment made up to it: a running total no larger than one recorded (a notify Alipay retried after a
  // later refund's) is in it already, and so is a bill's line for a refund made by the time of a running total
  // (the same money under the bill's own id).
  const cumulative = event.cumulativeRefundedAmount;
  const covered = earlier.some((r) => {
    const total = r.details.cumulative;
    if (typeof total !== "number") return false;
    if (cumulative != null) return total >= cumulative;
    return (
      r.refundedAt.getTime() >= at.getTime() ||
      // A running total without the refund's own id names it by the total: the bill's line of that amount is the same money.
      (r.channelRefundId.includes(":refunded:") && event.amount === r.amount && Math.abs(r.refundedAt.getTime() - at.getTime()) <= DAY_MS)
    );
  });
  if (covered) return { kind: "duplicate", audit: [] };
  // A running total less the refunds made before it: one that arrives after a later refund (out of order) is
  // still its own amount, not the difference to everything recorded so far.
  const before = earlier.filter((r) => r.refundedAt.getTime() <= at.getTime()).reduce((sum, r) => sum + r.amount, 0);
  const amount = event.amount ?? (event.cumulativeRefundedAmount ?? 0) - before;
  if (amount <= 0) return { kind: "duplicate", audit: [] };
  if (current.refunded + amount > payment.amount) {
    const reason = `refund ${amount} exceeds what is left of payment ${payment.id} (${payment.amount - current.refunded})`;
    return {
      kind: "refused",
      reason,
      audit: [{ action: "refund.refused", subjectType: "payment", subjectId: payment.id, after: { amount, reason } }],
    };
  }
  const parts = await refundParts(tx, payment, amount);
  const rows = await tx
    .insert(refunds)
    .values(
      parts.map((part, i) => ({
        merchantId: payment.merchantId,
        paymentId: payment.id,
        orderId: part.orderId,
        // One channel refund spread over several orders is one row an order, the later ones numbered #2, #3…
        channelRefundId: i === 0 ? event.channelRefundId : `${event.channelRefundId}#${i + 1}`,
        amount: part.amount,
        refundedAt: new Date(event.refundedAt),
        // The later parts say which refund they continue: counted once, as the channel made it. A running total
        // is kept with the refund it came in: it tells which refunds it already holds.
        details: {
          ...event.details,
          ...(event.cumulativeRefundedAmount != null ? { cumulative: event.cumulativeRefundedAmount } : {}),
          ...(i === 0 ? {} : { splitOf: event.channelRefundId }),
        },
      })),
    )
    .onConflictDoNothing({ target: [refunds.paymentId, refunds.channelRefundId] })
    .returning({ id: refunds.id, orderId: refunds.orderId, amount: refunds.amount });
  if (rows.length === 0) return { kind: "duplicate", audit: [] };
  await tx
    .update(payments)
    .set({ refundedAmount: sql`${payments.refundedAmount} + ${amount}` })
    .where(eq(payments.id, payment.id));
  const audit: AuditInput[] = rows.map((row) => ({
    action: "refund.recorded",
    subjectType: "payment",
    subjectId: payment.id,
    after: { refundId: row.id, channelRefundId: event.channelRefundId, amount: row.amount, orderId: row.orderId },
  }));
  const orderIds = rows.flatMap((row) => (row.orderId ? [row.orderId] : []));
  if (orderIds.length) audit.push(...(await refreshOrders(tx, orderIds, now)));
  return { kind: "recorded", refundId: rows[0].id, amount, audit };
}

/** Where a refund of the payment goes back, given its allocations and the refunds before it (see spreadRefund). */
async function refundParts(tx: DbOrTx, payment: Payment, amount: number): Promise<RefundPart[]> {
  const paid = await tx
    .select({ orderId: allocations.orderId, amount: allocations.amount })
    .from(allocations)
    .where(eq(allocations.paymentId, payment.id))
    .orderBy(desc(allocations.amount), asc(allocations.orderId));
  const before = await tx
    .select({ orderId: refunds.orderId, amount: sql<number>`sum(${refunds.amount})`.mapWith(Number) })
    .from(refunds)
    .where(eq(refunds.paymentId, payment.id))
    .groupBy(refunds.orderId);
  const refundedOf = (orderId: string | null) => before.find((b) => b.orderId === orderId)?.amount ?? 0;
  const allocated = paid.reduce((sum, a) => sum + a.amount, 0);
  const unclaimed = payment.amount - allocated - refundedOf(null);
  return spreadRefund(amount, unclaimed, paid.map((a) => ({ orderId: a.orderId, room: a.amount - refundedOf(a.orderId) })));
}
