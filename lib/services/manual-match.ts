import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { joinExplanations, yuan } from "@/lib/core/matching/explain";
import { uniqueAmountWriteOff } from "@/lib/core/matching/settle";
import type { CandidateOrder, Explanation } from "@/lib/core/matching/types";
import { normalizeReference } from "@/lib/core/reference";
import type { Db, DbOrTx } from "@/lib/db/client";
import { appendAuditEvents, type Actor } from "@/lib/db/queries/audit";
import { merchantOrdersWithNumbers, merchantOrdersWithReferences } from "@/lib/db/queries/orders";
import { orderNumberKey } from "@/lib/core/matching/order-numbers";
import { orders, payments, type Order, type Payment } from "@/lib/db/schema";
import { ApiError, badRequest, conflict, notFound } from "@/lib/http/errors";
import { learnPayerAlias, lockTouchedOrders, replaceAllocations } from "@/lib/services/match-apply";
import { payerKeysOf, rejectedOf, toCandidate } from "@/lib/services/matching-candidates";
import { setPaymentUnignored } from "@/lib/services/payment-ignore";
import { getPaymentView } from "@/lib/services/payments";
import { isUuid } from "@/lib/core/ids";

export const manualMatchSchema = z.object({
  allocations: z
    .array(z.object({ reference: z.string().trim().min(1).max(64), amount: z.number().int().positive() }))
    .min(1)
    .max(100),
});
export const confirmSchema = z.object({ index: z.number().int().min(0).max(100).optional() }).default({});

export interface DecisionParams {
  merchantId: string;
  paymentId: string;
  actor: Actor;
  now: Date;
}

export const createdBy = (actor: Actor) => `${actor.type}:${actor.id ?? ""}`;

/**
 * A person's decision replaces the payment's allocations: manual method, full confidence, nothing written
 * off but the tail of a unique amount paid as asked (the customer owes nothing more).
 */
function applyManualDecision(
  tx: DbOrTx,
  payment: Payment,
  params: DecisionParams,
  chosen: { order: CandidateOrder; amount: number }[],
  explanation: Explanation,
) {
  const tail = uniqueAmountWriteOff(chosen);
  return replaceAllocations(tx, {
    payment,
    method: "manual",
    confidence: 1,
    explanation,
    allocations: chosen.map((c) => ({ orderId: c.order.id, amount: c.amount })),
    writeOffs: tail ? [tail] : [],
    amountMismatch: null,
    manual: true,
    createdBy: createdBy(params.actor),
    now: params.now,
  });
}

export async function lockPayment(tx: DbOrTx, merchantId: string, paymentId: string): Promise<Payment> {
  if (!isUuid(paymentId)) throw notFound("Payment");
  const [payment] = await tx
    .select()
    .from(payments)
    .where(and(eq(payments.id, paymentId), eq(payments.merchantId, merchantId)))
    .for("update");
  if (!payment) throw notFound("Payment");
  return payment;
}

/**
 * The merchant's orders for what a person typed: a reference (any spelling) or, as accountants know
 * their orders, the shop's order number (订单号, matched without case, width or separators). A reference
 * wins; an order number that names several orders is refused (400) rather than guessed, and anything
 * unknown is a 404 naming the first one.
 */
async function ordersFor(tx: DbOrTx, merchantId: string, typed: string[]): Promise<Map<string, Order>> {
  const normalized = typed.map((r) => normalizeReference(r) ?? r.trim().toUpperCase());
  const rows = await tx
    .select()
    .from(orders)
    .where(merchantOrdersWithReferences(merchantId, [...new Set(normalized)]));
  const byRef = new Map(rows.map((o) => [o.reference, o]));
  const found = new Map<string, Order>();
  typed.forEach((r, i) => {
    const order = byRef.get(normalized[i]);
    if (order) found.set(r, order);
  });
  const numbers = typed.filter((r) => !found.has(r)).map((r) => ({ typed: r, key: orderNumberKey(r) }));
  const keys = [...new Set(numbers.map((n) => n.key).filter((k): k is string => k !== null))];
  if (keys.length) {
    const byNumber = new Map<string, Order[]>();
    for (const o of await tx.select().from(orders).where(merchantOrdersWithNumbers(merchantId, keys))) {
      const key = orderNumberKey(o.orderNo);
      if (key) byNumber.set(key, [...(byNumber.get(key) ?? []), o]);
    }
    for (const n of numbers) {
      const named = n.key ? (byNumber.get(n.key) ?? []) : [];
      if (named.length > 1) {
        const index = typed.indexOf(n.typed);
        throw badRequest(`allocations.${index}.reference: order number ${n.typed} names ${named.length} orders; use the order's reference`, "invalid_field");
      }
      if (named.length === 1) found.set(n.typed, named[0]);
    }
  }
  const missing = typed.find((r) => !found.has(r));
  // Another merchant's order is "not found" too: never reveal that it exists.
  if (missing !== undefined) throw new ApiError(404, "not_found", `Order ${missing} not found`);
  return found;
}

/**
 * A person's match: the payment pays exactly these orders with these amounts (sum ≤ payment
 * amount), replacing whatever matching decided before. Sticks through re-imports and re-runs,
 * and teaches the payer alias used by later scoring.
 */
export async function matchManually(db: Db, params: DecisionParams & { allocations: { reference: string; amount: number }[] }) {
  const seen = new Set<string>();
  params.allocations.forEach((a, i) => {
    const key = normalizeReference(a.reference) ?? a.reference.trim().toUpperCase();
    if (seen.has(key)) throw badRequest(`allocations.${i}.reference: ${a.reference} appears twice`, "invalid_field");
    seen.add(key);
  });
  await db.transaction(async (tx) => {
    const payment = await lockPayment(tx, params.merchantId, params.paymentId);
    const total = params.allocations.reduce((s, a) => s + a.amount, 0);
    if (total > payment.amount) {
      throw badRequest(`allocations: the amounts add up to ${total}, more than the payment amount ${payment.amount}`, "invalid_field");
    }
    const byRef = await ordersFor(tx, params.merchantId, params.allocations.map((a) => a.reference));
    const chosen = params.allocations.map((a) => ({ order: byRef.get(a.reference)!, amount: a.amount }));
    // A reference and an order number (or two spellings of one) may name the same order: one allocation each.
    const twice = chosen.findIndex((c, i) => chosen.findIndex((d) => d.order.id === c.order.id) !== i);
    if (twice >= 0) throw badRequest(`allocations.${twice}.reference: ${params.allocations[twice].reference} names an order already in the list`, "invalid_field");
    const foreign = chosen.findIndex((c) => c.order.currency !== payment.currency);
    if (foreign >= 0) {
      // Amounts in two currencies do not add up: allocating one to the other would misstate both.
      const { order } = chosen[foreign];
      throw badRequest(`allocations.${foreign}.reference: order ${order.reference} is priced in ${order.currency}, the payment is in ${payment.currency}`, "invalid_field");
    }
    const explanation = joinExplanations([
      { zh: "人工匹配", en: "matched by hand" },
      ...chosen.map((c) => ({ zh: `${c.order.reference} ${yuan(c.amount)}`, en: `${c.order.reference} ${yuan(c.amount)}` })),
    ]);
    // Read again locked: whether an order is still untouched decides a unique amount's write-off.
    const locked = new Map((await lockTouchedOrders(tx, payment, chosen.map((c) => c.order.id))).map((o) => [o.id, toCandidate(o)]));
    const applied = await applyManualDecision(tx, payment, params, chosen.map((c) => ({ order: locked.get(c.order.id)!, amount: c.amount })), explanation);
    const learned = await learnPayerAlias(tx, params.merchantId, payerKeysOf(payment), chosen.map((c) => c.order.customerName), params.now);
    await appendAuditEvents(tx, params.merchantId, params.actor, [...applied.audit, ...learned]);
  });
  return getPaymentView(db, params.merchantId, params.paymentId);
}

/** Takes the payment off every order: unmatched, and left so (re-runs do not match it again). An ignored payment comes back unmatched. */
export async function unmatchManually(db: Db, params: DecisionParams) {
  await db.transaction(async (tx) => {
    const payment = await lockPayment(tx, params.merchantId, params.paymentId);
    if (payment.status === "ignored") {
      await appendAuditEvents(tx, params.merchantId, params.actor, [await setPaymentUnignored(tx, payment, params.now, { byPerson: true })]);
      return;
    }
    const applied = await applyManualDecision(tx, payment, params, [], { zh: "已人工取消匹配", en: "unmatched by hand" });
    await appendAuditEvents(tx, params.merchantId, params.actor, applied.audit);
  });
  return getPaymentView(db, params.merchantId, params.paymentId);
}

/**
 * Confirms one of the payment's suggestions (index, default the best): its allocations are applied
 * as a person's decision. A suggestion whose orders were paid since is refused (409) rather than
 * paying an order twice; POST /match can still force it.
 */
export async function confirmSuggestion(db: Db, params: DecisionParams & { index?: number }) {
  await db.transaction(async (tx) => {
    const payment = await lockPayment(tx, params.merchantId, params.paymentId);
    if (payment.status !== "suggested" || payment.suggestions.length === 0) {
      throw conflict("The payment has no suggestions to confirm", "no_suggestions");
    }
    const index = params.index ?? 0;
    const suggestion = payment.suggestions[index];
    if (!suggestion) throw badRequest(`index: there are only ${payment.suggestions.length} suggestions`, "invalid_field");
    const planned = suggestion.allocations ?? suggestion.references.map((reference) => ({ reference, amount: 0 }));
    const byRef = await ordersFor(tx, params.merchantId, planned.map((a) => a.reference));
    const locked = new Map((await lockTouchedOrders(tx, payment, [...byRef.values()].map((o) => o.id))).map((o) => [o.id, toCandidate(o)]));
    let left = payment.amount;
    const chosen = planned.map((a) => {
      const order = locked.get(byRef.get(a.reference)!.id)!;
      const amount = Math.min(left, a.amount > 0 ? a.amount : order.openAmount);
      left -= amount;
      // A closed order was never paid: its suggestion (a late transfer) can be confirmed.
      if (order.openAmount < amount || !["pending", "partially_paid", "closed"].includes(order.status)) {
        throw conflict(`Order ${order.reference} was paid since this suggestion was made; match by hand instead`, "suggestion_stale");
      }
      return { order, amount };
    });
    const applied = await applyManualDecision(tx, payment, params, chosen.filter((c) => c.amount > 0), joinExplanations([{ zh: "人工确认建议", en: "suggestion confirmed by hand" }, suggestion.explanation]));
    const learned = await learnPayerAlias(tx, params.merchantId, payerKeysOf(payment), chosen.map((c) => c.order.customerName), params.now);
    await appendAuditEvents(tx, params.merchantId, params.actor, [...applied.audit, ...learned]);
  });
  return getPaymentView(db, params.merchantId, params.paymentId);
}

/** Rejects all current suggestions: the payment is unmatched and those order sets are never suggested again. */
export async function rejectSuggestions(db: Db, params: DecisionParams) {
  await db.transaction(async (tx) => {
    const payment = await lockPayment(tx, params.merchantId, params.paymentId);
    if (payment.status !== "suggested") throw conflict("The payment has no suggestions to reject", "no_suggestions");
    const rejected = [...rejectedOf(payment), ...payment.suggestions.map((s) => s.references)];
    await tx
      .update(payments)
      .set({
        status: "unmatched",
        suggestions: [],
        explanation: { zh: "建议已被人工拒绝", en: "suggestions rejected by hand" },
        details: { ...payment.details, rejectedSuggestions: rejected },
        matchCheckedAt: params.now,
      })
      .where(eq(payments.id, payment.id));
    await appendAuditEvents(tx, params.merchantId, params.actor, [
      {
        action: "payment.suggestions_rejected",
        subjectType: "payment",
        subjectId: payment.id,
        before: { status: payment.status, references: payment.suggestions.map((s) => s.references) },
        after: { status: "unmatched" },
      },
    ]);
  });
  return getPaymentView(db, params.merchantId, params.paymentId);
}

export const bulkConfirmSchema = z.object({ paymentIds: z.array(z.string().trim().min(1).max(64)).min(1).max(100) });

type PaymentView = Awaited<ReturnType<typeof getPaymentView>>;
export type BulkConfirmResult =
  | { paymentId: string; outcome: "confirmed" | "already_matched"; payment: PaymentView }
  | { paymentId: string; outcome: "failed"; error: { code: string; message: string } };

/**
 * Confirms the top suggestion of each payment, each in its own transaction through confirmSuggestion,
 * so one stale suggestion does not hold back the rest. A payment that is matched already (a repeated
 * click, or another user was faster) counts as done rather than failed: the request is safe to resend.
 */
export async function confirmSuggestions(db: Db, params: Omit<DecisionParams, "paymentId"> & { paymentIds: string[] }) {
  const results: BulkConfirmResult[] = [];
  for (const paymentId of new Set(params.paymentIds)) {
    results.push(await confirmOne(db, { ...params, paymentId }));
  }
  return { results };
}

async function confirmOne(db: Db, params: DecisionParams): Promise<BulkConfirmResult> {
  const { paymentId } = params;
  try {
    return { paymentId, outcome: "confirmed", payment: await confirmSuggestion(db, params) };
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (err.code === "no_suggestions") {
      const payment = await getPaymentView(db, params.merchantId, paymentId);
      if (payment.status === "matched" || payment.status === "partially_matched") return { paymentId, outcome: "already_matched", payment };
    }
    return { paymentId, outcome: "failed", error: { code: err.code, message: err.message } };
  }
}
