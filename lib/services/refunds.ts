import { and, asc, desc, eq, sql } from "drizzle-orm";
import type { RefundEvent } from "@/lib/core/channels/types";
import type { DbOrTx } from "@/lib/db/client";
import type { AuditInput } from "@/lib/db/queries/audit";
import { allocations, payments, refunds, type Payment } from "@/lib/db/schema";
import { refreshOrders } from "@/lib/services/order-totals";

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
  // The same refund again (a bill repeating what the notify said, an overlapping file) is a duplicate
  // whatever is left of the payment: checked before the amount, or a full refund's replay reads as too large.
  const [known] = await tx
    .select({ id: refunds.id })
    .from(refunds)
    .where(and(eq(refunds.paymentId, payment.id), eq(refunds.channelRefundId, event.channelRefundId)))
    .limit(1);
  if (known) return { kind: "duplicate", audit: [] };
  const amount = event.amount ?? (event.cumulativeRefundedAmount ?? 0) - current.refunded;
  if (amount <= 0) return { kind: "duplicate", audit: [] };
  if (current.refunded + amount > payment.amount) {
    const reason = `refund ${amount} exceeds what is left of payment ${payment.id} (${payment.amount - current.refunded})`;
    return {
      kind: "refused",
      reason,
      audit: [{ action: "refund.refused", subjectType: "payment", subjectId: payment.id, after: { amount, reason } }],
    };
  }
  // The refund reverses money of the order this payment paid (the largest allocation when split).
  const [alloc] = await tx
    .select({ orderId: allocations.orderId })
    .from(allocations)
    .where(eq(allocations.paymentId, payment.id))
    .orderBy(desc(allocations.amount), asc(allocations.orderId))
    .limit(1);
  const [row] = await tx
    .insert(refunds)
    .values({
      merchantId: payment.merchantId,
      paymentId: payment.id,
      orderId: alloc?.orderId ?? null,
      channelRefundId: event.channelRefundId,
      amount,
      refundedAt: new Date(event.refundedAt),
      details: event.details,
    })
    .onConflictDoNothing({ target: [refunds.paymentId, refunds.channelRefundId] })
    .returning({ id: refunds.id });
  if (!row) return { kind: "duplicate", audit: [] };
  await tx
    .update(payments)
    .set({ refundedAmount: sql`${payments.refundedAmount} + ${amount}` })
    .where(eq(payments.id, payment.id));
  const audit: AuditInput[] = [
    {
      action: "refund.recorded",
      subjectType: "payment",
      subjectId: payment.id,
      after: { refundId: row.id, channelRefundId: event.channelRefundId, amount, orderId: alloc?.orderId ?? null },
    },
  ];
  if (alloc) audit.push(...(await refreshOrders(tx, [alloc.orderId], now)));
  return { kind: "recorded", refundId: row.id, amount, audit };
}
