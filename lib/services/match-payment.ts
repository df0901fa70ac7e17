import { and, eq, inArray, isNull } from "drizzle-orm";
import { decideExactMatch, referenceCandidates, type OpenOrder } from "@/lib/core/matching/exact";
import type { Db } from "@/lib/db/client";
import { appendAuditEvents, SYSTEM, type AuditInput } from "@/lib/db/queries/audit";
import { allocations, orders, payments, refunds } from "@/lib/db/schema";
import { refreshOrders } from "@/lib/services/order-totals";

export type MatchOutcome = "matched" | "already_decided" | "unmatched" | "not_found";

/**
 * Matches one recorded payment to its order(s) in one transaction with its audit events.
 * Idempotent: a payment already matched or decided by a person is left as it is.
 */
export async function matchPayment(db: Db, params: { paymentId: string; now?: Date }): Promise<MatchOutcome> {
  const now = params.now ?? new Date();
  return db.transaction(async (tx) => {
    const [payment] = await tx.select().from(payments).where(eq(payments.id, params.paymentId)).for("update");
    if (!payment) return "not_found";
    if (payment.manuallyDecided || payment.allocatedAmount > 0 || payment.status === "ignored") {
      if (!payment.matchCheckedAt) await tx.update(payments).set({ matchCheckedAt: now }).where(eq(payments.id, payment.id));
      return "already_decided";
    }
    const { field, memo } = referenceCandidates(payment);
    const refs = [...new Set([field, ...memo].filter((r): r is string => !!r))];
    const found = refs.length
      ? await tx
          .select()
          .from(orders)
          .where(and(eq(orders.merchantId, payment.merchantId), inArray(orders.reference, refs)))
      : [];
    const byRef = new Map<string, OpenOrder>(
      found.map((o) => [
        o.reference,
        { id: o.id, reference: o.reference, amount: o.amount, openAmount: Math.max(0, o.amount - o.paidAmount + o.refundedAmount) },
      ]),
    );
    const decision = decideExactMatch(payment, byRef);
    if (!decision) {
      await tx.update(payments).set({ matchCheckedAt: now }).where(eq(payments.id, payment.id));
      return "unmatched";
    }
    const allocated = decision.allocations.reduce((s, a) => s + a.amount, 0);
    await tx.insert(allocations).values(
      decision.allocations.map((a) => ({
        merchantId: payment.merchantId,
        paymentId: payment.id,
        orderId: a.orderId,
        amount: a.amount,
        method: decision.method,
        confidence: decision.confidence,
      })),
    );
    await tx
      .update(payments)
      .set({
        status: allocated === payment.amount ? "matched" : "partially_matched",
        allocatedAmount: allocated,
        matchMethod: decision.method,
        confidence: decision.confidence,
        explanation: decision.explanation,
        suggestions: [],
        matchCheckedAt: now,
      })
      .where(eq(payments.id, payment.id));
    // A refund that arrived before its payment was matched now belongs to the matched order.
    const firstOrder = decision.allocations[0].orderId;
    await tx
      .update(refunds)
      .set({ orderId: firstOrder })
      .where(and(eq(refunds.paymentId, payment.id), isNull(refunds.orderId)));
    const audit: AuditInput[] = decision.allocations.map((a) => ({
      action: "allocation.created",
      subjectType: "payment",
      subjectId: payment.id,
      after: { orderId: a.orderId, amount: a.amount, method: decision.method, explanation: decision.explanation.en },
    }));
    audit.push(...(await refreshOrders(tx, decision.allocations.map((a) => a.orderId), now)));
    await appendAuditEvents(tx, payment.merchantId, SYSTEM, audit);
    return "matched";
  });
}
