import { eq } from "drizzle-orm";
import type { WriteOffReason } from "@/lib/core/anomalies";
import type { DbOrTx } from "@/lib/db/client";
import type { AuditInput } from "@/lib/db/queries/audit";
import { orders, payments, storefrontWebhooks, webhookDeliveries, type Payment } from "@/lib/db/schema";
import { writeOffsOf, type WriteOffRecord } from "@/lib/core/matching/write-off-release";
import { lockOrders, refreshOrders } from "@/lib/services/order-totals";
import { isIgnorable, setPaymentUnignored } from "@/lib/services/payment-ignore";
import { ignoredRecordOf } from "@/lib/services/payments";

export interface WriteOffResult {
  applied: boolean;
  before: number;
  after: number;
  audit: AuditInput[];
}

/**
 * Settles an order's shortfall as a write-off and re-derives its status. Applies only if the order
 * is still short by exactly `amount` (re-checked under the row lock), so a payment that arrived
 * since is never written off on top.
 */
export async function applyWriteOff(
  tx: DbOrTx,
  params: { orderId: string; paymentId: string; amount: number; reason: WriteOffReason; ruleName: string; anomalyId: string; now: Date },
): Promise<WriteOffResult> {
  const [order] = await lockOrders(tx, [params.orderId]);
  if (!order) return { applied: false, before: 0, after: 0, audit: [] };
  const shortfall = order.amount - order.paidAmount - order.writtenOffAmount;
  if (order.status !== "partially_paid" || shortfall !== params.amount) {
    return { applied: false, before: order.writtenOffAmount, after: order.writtenOffAmount, audit: [] };
  }
  const after = order.writtenOffAmount + params.amount;
  // Recorded like matching's own write-offs, so unmatching the payment takes this one away too.
  const record: WriteOffRecord = {
    paymentId: params.paymentId,
    amount: params.amount,
    cause: params.reason,
    source: "rule",
    rule: params.ruleName,
    at: params.now.toISOString(),
    anomalyId: params.anomalyId,
  };
  await tx
    .update(orders)
    .set({ writtenOffAmount: after, details: { ...order.details, writeOffs: [...writeOffsOf(order), record] }, updatedAt: params.now })
    .where(eq(orders.id, order.id));
  const audit: AuditInput[] = [
    {
      action: "order.written_off",
      subjectType: "order",
      subjectId: order.id,
      before: { writtenOffAmount: order.writtenOffAmount },
      after: { writtenOffAmount: after, amount: params.amount, reason: params.reason, rule: params.ruleName, anomalyId: params.anomalyId },
    },
    ...(await refreshOrders(tx, [order.id], params.now)),
  ];
  return { applied: true, before: order.writtenOffAmount, after, audit };
}

/**
 * The payment, locked until the transaction ends, if a rule may set it aside now; else null: a person
 * or the engine may have matched it since the sweep read it. Only money nothing was found for (a
 * suggested payment may well be a customer's, whatever its memo says) and that no person decided
 * about (one who brought it back from ignored meant it).
 */
export async function lockIgnorableByRule(tx: DbOrTx, paymentId: string): Promise<Payment | null> {
  const [payment] = await tx.select().from(payments).where(eq(payments.id, paymentId)).for("update");
  return payment && !payment.manuallyDecided && payment.status === "unmatched" && isIgnorable(payment) ? payment : null;
}

/** Brings back a payment a rule set aside, if it still is (a person may have decided since); the audit entry or null. */
export async function unignoreByRule(tx: DbOrTx, params: { paymentId: string; ruleId?: string }, now: Date): Promise<AuditInput | null> {
  const [payment] = await tx.select().from(payments).where(eq(payments.id, params.paymentId)).for("update");
  if (!payment || payment.status !== "ignored" || ignoredRecordOf(payment)?.by !== `rule:${params.ruleId}`) return null;
  return setPaymentUnignored(tx, payment, now, { byPerson: false });
}

/** Takes back a write-off made through an anomaly resolution and re-derives the order's status. */
export async function reverseWriteOff(
  tx: DbOrTx,
  params: { orderId: string; anomalyId: string; now: Date },
): Promise<WriteOffResult> {
  const [order] = await lockOrders(tx, [params.orderId]);
  if (!order) return { applied: false, before: 0, after: 0, audit: [] };
  const ours = writeOffsOf(order).filter((w) => w.anomalyId === params.anomalyId);
  // Unmatching the payment since may already have taken the write-off away: never subtract it twice.
  if (ours.length === 0) return { applied: false, before: order.writtenOffAmount, after: order.writtenOffAmount, audit: [] };
  const after = Math.max(0, order.writtenOffAmount - ours.reduce((s, w) => s + w.amount, 0));
  await tx
    .update(orders)
    .set({ writtenOffAmount: after, details: { ...order.details, writeOffs: writeOffsOf(order).filter((w) => w.anomalyId !== params.anomalyId) }, updatedAt: params.now })
    .where(eq(orders.id, order.id));
  const audit: AuditInput[] = [
    {
      action: "order.write_off_reversed",
      subjectType: "order",
      subjectId: order.id,
      before: { writtenOffAmount: order.writtenOffAmount },
      after: { writtenOffAmount: after, amount: order.writtenOffAmount - after, anomalyId: params.anomalyId },
    },
    ...(await refreshOrders(tx, [order.id], params.now)),
  ];
  return { applied: true, before: order.writtenOffAmount, after, audit };
}

/**
 * Queues the outbound `anomaly.opened` event for the merchant's storefront, if one is configured.
 * The event id is the anomaly id, so a retried sweep never queues it twice; delivery is the
 * storefront sender's job.
 */
export async function enqueueAnomalyAlert(
  tx: DbOrTx,
  params: { merchantId: string; anomalyId: string; data: Record<string, unknown>; now: Date },
): Promise<boolean> {
  const [hook] = await tx
    .select({ merchantId: storefrontWebhooks.merchantId })
    .from(storefrontWebhooks)
    .where(eq(storefrontWebhooks.merchantId, params.merchantId));
  if (!hook) return false;
  const inserted = await tx
    .insert(webhookDeliveries)
    .values({
      merchantId: params.merchantId,
      eventId: params.anomalyId,
      type: "anomaly.opened",
      payload: { id: params.anomalyId, type: "anomaly.opened", createdAt: params.now.toISOString(), data: params.data },
      nextAttemptAt: params.now,
    })
    .onConflictDoNothing({ target: webhookDeliveries.eventId })
    .returning({ id: webhookDeliveries.id });
  return inserted.length > 0;
}
