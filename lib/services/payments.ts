import { payoutWord, readMemo } from "@/lib/core/matching/memo-signals";
import { and, eq, inArray, isNull } from "drizzle-orm";
import type { PaymentEvent } from "@/lib/core/channels/types";
import { maskAccount } from "@/lib/core/masking";
import { bulkExplanation } from "@/lib/core/matching/bulk";
import type { Explanation } from "@/lib/core/matching/types";
import { encryptSecret, encryptSecrets } from "@/lib/crypto/secrets";
import type { DbOrTx } from "@/lib/db/client";
import type { AuditInput } from "@/lib/db/queries/audit";
import { allocations, orders, payments, type NewPayment, type Payment } from "@/lib/db/schema";
import { notFound } from "@/lib/http/errors";
import { isUuid } from "@/lib/core/ids";

/** The payments row for a channel event: one builder for notifies, statements and bills. */
export function paymentRow(
  params: { merchantId: string; channelAccountId: string; origin: NewPayment["origin"]; statementId?: string | null },
  e: PaymentEvent,
  dedupeKey: string,
  confirmedByBillAt: Date | null = null,
  payerAccountEnc: string | null = e.payerAccount ? encryptSecret(e.payerAccount) : null,
): NewPayment {
  return {
    merchantId: params.merchantId,
    channelAccountId: params.channelAccountId,
    channel: e.channel,
    origin: params.origin,
    channelTransactionId: e.channelTransactionId,
    dedupeKey,
    reference: e.reference,
    amount: e.amount,
    currency: e.currency,
    receivedAt: new Date(e.receivedAt),
    payerName: e.payerName,
    // Payer accounts are personal data: stored encrypted, shown masked.
    payerAccountEnc,
    payerAccountMasked: e.payerAccount ? maskAccount(e.payerAccount) : null,
    memo: e.memo,
    statementId: params.statementId ?? null,
    confirmedByBillAt,
    details: e.details,
  };
}

/** paymentRow for a batch of statement lines, their payer accounts encrypted under one data key. */
export function paymentRows(
  params: { merchantId: string; channelAccountId: string; origin: NewPayment["origin"]; statementId?: string | null },
  inputs: readonly { event: PaymentEvent; dedupeKey: string; confirmedByBillAt: Date | null }[],
): NewPayment[] {
  const accounts = inputs.map((i) => i.event.payerAccount).filter((a): a is string => !!a);
  const sealed = encryptSecrets(accounts);
  let next = 0;
  return inputs.map((i) => paymentRow(params, i.event, i.dedupeKey, i.confirmedByBillAt, i.event.payerAccount ? sealed[next++] : null));
}

export interface RecordPaymentParams {
  merchantId: string;
  channelAccountId: string;
  origin: "notify" | "statement" | "bill" | "manual";
  event: PaymentEvent;
  /** Defaults to the channel transaction id: one key across notify and bill. */
  dedupeKey?: string;
  statementId?: string | null;
}

/**
 * Records a payment once per (account, dedupe key). Returns the existing row when it was
 * recorded before (a channel retry, or the T+1 bill confirming a notify).
 */
export async function recordPayment(
  tx: DbOrTx,
  params: RecordPaymentParams,
): Promise<{ payment: Payment; created: boolean; audit: AuditInput[] }> {
  const e = params.event;
  const dedupeKey = params.dedupeKey ?? e.channelTransactionId;
  const [inserted] = await tx
    .insert(payments)
    .values(paymentRow(params, e, dedupeKey))
    .onConflictDoNothing({ target: [payments.channelAccountId, payments.dedupeKey] })
    .returning();
  if (inserted) {
    return {
      payment: inserted,
      created: true,
      audit: [
        {
          action: "payment.recorded",
          subjectType: "payment",
          subjectId: inserted.id,
          after: {
            channel: inserted.channel,
            channelTransactionId: inserted.channelTransactionId,
            amount: inserted.amount,
            currency: inserted.currency,
            origin: inserted.origin,
            reference: inserted.reference,
          },
        },
      ],
    };
  }
  const [existing] = await tx
    .select()
    .from(payments)
    .where(and(eq(payments.channelAccountId, params.channelAccountId), eq(payments.dedupeKey, dedupeKey)))
    .limit(1);
  // A later event of the same payment may carry the reference the first lacked (Stripe sends payment_intent.succeeded,
  // without the session's metadata, before checkout.session.completed): kept, and matching looks at it again.
  const waiting = existing.status === "unmatched" || existing.status === "suggested";
  if (existing.reference === null && e.reference && waiting && existing.allocatedAmount === 0 && !existing.manuallyDecided) {
    const [filled] = await tx
      .update(payments)
      .set({ reference: e.reference, matchCheckedAt: null })
      .where(and(eq(payments.id, existing.id), isNull(payments.reference)))
      .returning();
    if (filled) {
      const audit: AuditInput[] = [{ action: "payment.reference_added", subjectType: "payment", subjectId: filled.id, before: { reference: null }, after: { reference: filled.reference } }];
      return { payment: filled, created: false, audit };
    }
  }
  return { payment: existing, created: false, audit: [] };
}

export type AllocationView = { reference: string; orderNo: string; amount: number; method: string };

/**
 * A bulk match (statement import) stores no explanation: a million-line file would write the same
 * sentence a million times. It is the engine's explanation of a full-amount reference match, rebuilt
 * from the method and the one order the payment went to, whose reference is the one it was matched on.
 */
function explanationOf(p: Payment, allocs: AllocationView[]): Explanation | null {
  if (p.explanation) return p.explanation;
  const method = p.matchMethod;
  if ((method !== "reference" && method !== "reference_in_memo") || allocs.length !== 1) return null;
  return bulkExplanation({ method, reference: allocs[0].reference });
}

/** The status now of each order the payments' suggestions name, by reference (one query for a page of payments). */
export async function suggestedOrderStatuses(db: DbOrTx, merchantId: string, rows: Payment[]): Promise<Map<string, string>> {
  const references = [...new Set(rows.filter((p) => p.status === "suggested").flatMap((p) => p.suggestions.flatMap((s) => s.references)))];
  if (references.length === 0) return new Map();
  const found = await db
    .select({ reference: orders.reference, status: orders.status })
    .from(orders)
    .where(and(eq(orders.merchantId, merchantId), inArray(orders.reference, references)));
  return new Map(found.map((o) => [o.reference, o.status]));
}

/** Why, by whom and when a payment was set aside, as kept in payments.details.ignored (lib/services/payment-ignore.ts writes it). */
export interface IgnoredRecord {
  reason: string;
  /** "user:<id>", "api_key:<id>" or "rule:<id>". */
  by: string;
  at: string;
}

/** The payment's details.ignored, or null when it holds none (fields missing from an older row read as empty). */
export function ignoredRecordOf(p: Pick<Payment, "details">): IgnoredRecord | null {
  const record = p.details.ignored as Partial<Record<keyof IgnoredRecord, unknown>> | undefined;
  if (!record) return null;
  const text = (v: unknown) => (typeof v === "string" ? v : "");
  return { reason: text(record.reason), by: text(record.by), at: text(record.at) };
}

function ignoredOf(p: Payment): { reason: string; at: string | null } {
  const record = ignoredRecordOf(p);
  return { reason: record?.reason ?? "", at: record?.at || null };
}

/**
 * A payment as the contract's `GET /api/v1/payments/{id}` shows it, given its allocations and the
 * status now of the orders its suggestions name (each suggestion's `orders`: confirming one whose
 * order is closed reopens it, which the workbench asks a person to confirm).
 */
export function toPaymentView(p: Payment, allocs: AllocationView[], orderStatus: ReadonlyMap<string, string> = new Map()) {
  const explanation = explanationOf(p, allocs);
  return {
    paymentId: p.id,
    channel: p.channel,
    channelAccountId: p.channelAccountId,
    channelTransactionId: p.channelTransactionId,
    amount: p.amount,
    currency: p.currency,
    receivedAt: p.receivedAt.toISOString(),
    payerName: p.payerName,
    payerAccount: p.payerAccountMasked,
    memo: p.memo,
    reference: p.reference,
    status: p.status,
    matchMethod: p.matchMethod,
    confidence: p.confidence,
    explanation: explanation ? explanation.en : null,
    explanationZh: explanation ? explanation.zh : null,
    allocations: allocs,
    allocatedAmount: p.allocatedAmount,
    refundedAmount: p.refundedAmount,
    suggestions:
      p.status === "suggested"
        ? p.suggestions.map((s) => ({
            ...s,
            explanation: s.explanation.en,
            orders: s.references.map((reference) => ({ reference, status: orderStatus.get(reference) ?? null })),
          }))
        : undefined,
    /** A word in the memo that says this is no sale (利息, 退款…), while the payment waits: the page offers to ignore it. */
    nonSaleWord: p.status === "unmatched" || p.status === "suggested" ? (readMemo(p.reference, p.memo).nonSaleWord ?? payoutWord(p.payerName, p.memo)) : null,
    /** Why the payment was set aside (status ignored) and when. */
    ignored: p.status === "ignored" ? ignoredOf(p) : undefined,
    origin: p.origin,
    /** The statement or bill import that recorded it, or the bill that confirmed a notified one (else null). */
    statementId: p.statementId ?? p.confirmedByStatementId,
    createdAt: p.createdAt.toISOString(),
  };
}

/** The payment as the contract's `GET /api/v1/payments/{id}` shows it. */
export async function getPaymentView(db: DbOrTx, merchantId: string, paymentId: string) {
  if (!isUuid(paymentId)) throw notFound("Payment");
  const [p] = await db
    .select()
    .from(payments)
    .where(and(eq(payments.id, paymentId), eq(payments.merchantId, merchantId)))
    .limit(1);
  if (!p) throw notFound("Payment");
  const allocs = await db
    .select({ reference: orders.reference, orderNo: orders.orderNo, amount: allocations.amount, method: allocations.method })
    .from(allocations)
    .innerJoin(orders, eq(orders.id, allocations.orderId))
    .where(eq(allocations.paymentId, p.id));
  return toPaymentView(p, allocs, await suggestedOrderStatuses(db, merchantId, [p]));
}
