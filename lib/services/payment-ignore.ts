import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Db, DbOrTx } from "@/lib/db/client";
import { appendAuditEvents, type AuditInput } from "@/lib/db/queries/audit";
import { payments, type Payment } from "@/lib/db/schema";
import { ApiError, conflict } from "@/lib/http/errors";
import { createdBy, lockPayment, type DecisionParams } from "@/lib/services/manual-match";
import { getPaymentView, ignoredRecordOf, type IgnoredRecord } from "@/lib/services/payments";

const reason = z.string().trim().min(1).max(200);
export const ignoreSchema = z.object({ reason });
export const bulkIgnoreSchema = z.object({ paymentIds: z.array(z.string().trim().min(1).max(64)).min(1).max(100), reason });

/**
 * Only money that pays no order and went back to no one can be set aside: anything else is a customer's
 * payment. Money that went back whole is the exception: nothing of it is left to reconcile.
 */
export const isIgnorable = (p: Payment) =>
  (p.status === "unmatched" || p.status === "suggested") && p.allocatedAmount === 0 && (p.refundedAmount === 0 || p.refundedAmount >= p.amount);

/**
 * Sets a locked, ignorable payment aside: status ignored, its suggestions gone (nothing is left to
 * match), the reason kept in details.ignored and shown as its explanation. Returns the audit entry.
 */
export async function setPaymentIgnored(tx: DbOrTx, payment: Payment, record: IgnoredRecord, opts: { byPerson: boolean }): Promise<AuditInput> {
  await tx
    .update(payments)
    .set({
      status: "ignored",
      suggestions: [],
      matchMethod: null,
      confidence: null,
      explanation: { zh: `已忽略：${record.reason}`, en: `ignored: ${record.reason}` },
      manuallyDecided: payment.manuallyDecided || opts.byPerson,
      matchCheckedAt: new Date(record.at),
      details: { ...payment.details, ignored: record },
    })
    .where(eq(payments.id, payment.id));
  const before = payment.status === "ignored" ? { status: payment.status, reason: ignoredRecordOf(payment)?.reason ?? null } : { status: payment.status };
  return { action: "payment.ignored", subjectType: "payment", subjectId: payment.id, before, after: { status: "ignored", reason: record.reason, by: record.by } };
}

/** Brings a locked, ignored payment back as unmatched (a person's word sticks: re-runs leave it); returns the audit entry. */
export async function setPaymentUnignored(tx: DbOrTx, payment: Payment, now: Date, opts: { byPerson: boolean }): Promise<AuditInput> {
  const { ignored: _ignored, ...details } = payment.details;
  void _ignored;
  await tx
    .update(payments)
    .set({
      status: "unmatched",
      explanation: { zh: "已取消忽略", en: "no longer ignored" },
      manuallyDecided: payment.manuallyDecided || opts.byPerson,
      matchCheckedAt: now,
      details,
    })
    .where(eq(payments.id, payment.id));
  const before = { status: "ignored", reason: ignoredRecordOf(payment)?.reason ?? null };
  return { action: "payment.unignored", subjectType: "payment", subjectId: payment.id, before, after: { status: "unmatched" } };
}

/**
 * Money that is no customer's payment (bank interest, a supplier's refund, a transfer between the
 * merchant's own accounts): set aside with the reason, so it no longer waits for an order or raises
 * the unmatched anomaly, and matching leaves it alone; the report lists it as ignored. Only money that
 * pays no order and was not refunded can be set aside; unmatch brings it back. Ignoring an ignored
 * payment again changes nothing, or only its reason.
 */
export async function ignorePayment(db: Db, params: DecisionParams & { reason: string }) {
  await db.transaction(async (tx) => {
    const payment = await lockPayment(tx, params.merchantId, params.paymentId);
    // Asked again with the same reason changes nothing; with another, the reason is the new one.
    if (payment.status === "ignored" && ignoredRecordOf(payment)?.reason === params.reason) return;
    if (payment.allocatedAmount > 0) throw conflict("The payment pays orders: unmatch it before ignoring it", "payment_allocated");
    if (payment.refundedAmount > 0 && payment.refundedAmount < payment.amount) throw conflict("Part of the payment was refunded: it is a customer's payment", "payment_refunded");
    const record: IgnoredRecord = { reason: params.reason, by: createdBy(params.actor), at: params.now.toISOString() };
    await appendAuditEvents(tx, params.merchantId, params.actor, [await setPaymentIgnored(tx, payment, record, { byPerson: true })]);
  });
  return getPaymentView(db, params.merchantId, params.paymentId);
}

type PaymentView = Awaited<ReturnType<typeof getPaymentView>>;
export type BulkIgnoreResult =
  | { paymentId: string; outcome: "ignored"; payment: PaymentView }
  | { paymentId: string; outcome: "failed"; error: { code: string; message: string } };

/**
 * Sets several payments aside for one reason (a month of interest credits, a supplier's refunds found by a
 * search), each in its own transaction through ignorePayment, so one that pays an order meanwhile does not
 * hold back the rest; it is reported with its code. Ignoring again is harmless: the request is safe to resend.
 */
export async function ignorePayments(db: Db, params: Omit<DecisionParams, "paymentId"> & { paymentIds: string[]; reason: string }) {
  const results: BulkIgnoreResult[] = [];
  for (const paymentId of new Set(params.paymentIds)) {
    try {
      results.push({ paymentId, outcome: "ignored", payment: await ignorePayment(db, { ...params, paymentId }) });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      results.push({ paymentId, outcome: "failed", error: { code: err.code, message: err.message } });
    }
  }
  return { results };
}
