import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { groupBy } from "@/lib/core/collections";
import { THRESHOLDS } from "@/lib/core/matching/engine";
import { joinExplanations, yuan } from "@/lib/core/matching/explain";
import { compareNames, NAME_SCORES } from "@/lib/core/matching/payer-name";
import { settle, uniqueAmountWriteOff } from "@/lib/core/matching/settle";
import type { AmountMismatch, CandidateOrder, Explanation, WriteOffDecision } from "@/lib/core/matching/types";
import { normalizeReference } from "@/lib/core/reference";
import type { Db, DbOrTx } from "@/lib/db/client";
import { appendAuditEvents, type Actor, type AuditInput } from "@/lib/db/queries/audit";
import { merchantOrdersWithNumbers, merchantOrdersWithReferences } from "@/lib/db/queries/orders";
import { orderNumberKey } from "@/lib/core/matching/order-numbers";
import { allocations, orders, payerAliases, payments, type Order, type Payment } from "@/lib/db/schema";
import { ApiError, badRequest, conflict, notFound } from "@/lib/http/errors";
import { learnPayerAlias, lockTouchedOrders, replaceAllocations } from "@/lib/services/match-apply";
import { loadToleranceRules, payerKeysOf, paymentFacts, rejectedOf, toCandidate } from "@/lib/services/matching-candidates";
import { matchPayment } from "@/lib/services/match-payment";
import { logger } from "@/lib/log";
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
 * A person's decision replaces the payment's allocations: manual method, full confidence. Unless the
 * caller settled the difference as the engine would (a confirmed suggestion), nothing is written off but
 * the tail of a unique amount paid as asked (the customer owes nothing more): the amounts a person typed
 * are what they meant the orders to receive.
 */
function applyManualDecision(
  tx: DbOrTx,
  payment: Payment,
  params: DecisionParams,
  chosen: { order: CandidateOrder; amount: number }[],
  explanation: Explanation,
  settled?: { writeOffs: WriteOffDecision[]; amountMismatch: AmountMismatch | null },
) {
  const tail = uniqueAmountWriteOff(chosen);
  return replaceAllocations(tx, {
    payment,
    method: "manual",
    confidence: 1,
    explanation,
    allocations: chosen.map((c) => ({ orderId: c.order.id, amount: c.amount })),
    writeOffs: settled?.writeOffs ?? (tail ? [tail] : []),
    amountMismatch: settled?.amountMismatch ?? null,
    manual: true,
    createdBy: createdBy(params.actor),
    now: params.now,
  });
}

/** Match methods that decide on who the payer is (amount and payer), where a learned alias can be what ties payer and customer. */
const PAYER_METHODS = new Set(["amount_payer", "amount_payer_sum", "amount_payer_partial", "amount_payer_over"]);

/** The payer's own name is identity evidence for the customer, alias or not. */
const nameAgrees = (payerName: string | null, customerName: string) => NAME_SCORES[compareNames(payerName, customerName)] >= THRESHOLDS.STRONG_NAME;

const named = (names: (string | null)[]) => [...new Set(names.filter((n): n is string => !!n && n.trim() !== ""))];

/**
 * The customers the payment's current decision vouches for as its payer, read before the decision is
 * replaced: the one a person's match taught (as learnPayerAlias decides: one customer only), or those an
 * automatic amount-and-payer match tied to the payer by an alias alone (the payer's own name does not agree).
 */
async function customersVouchedFor(tx: DbOrTx, payment: Payment): Promise<string[]> {
  // allocated_amount is the sum of the payment's allocations: zero means there are none to read.
  if (payment.allocatedAmount === 0) return [];
  const manual = payment.matchMethod === "manual";
  if (!manual && !PAYER_METHODS.has(payment.matchMethod ?? "")) return [];
  const rows = await tx
    .select({ customerName: orders.customerName })
    .from(allocations)
    .innerJoin(orders, eq(orders.id, allocations.orderId))
    .where(eq(allocations.paymentId, payment.id));
  const names = named(rows.map((r) => r.customerName));
  if (manual) return names.length === 1 ? names : [];
  return names.filter((n) => !nameAgrees(payment.payerName, n));
}

/**
 * Un-learns what a withdrawn decision vouched for: the payer's keys no longer stand for these customers.
 * payer_aliases holds one row per payer key, overwritten by every confirmation, so no row can tell which
 * payment taught it (a "taught by" column would name only the last payment to teach it, and none for the
 * rows learned before it). The rows of this payment's payer keys that point at the customers it vouched
 * for are what the withdrawn decision taught. Another payment may have vouched for the same: its alias is
 * then lost as well and learned again at the next confirmation, which costs a suggestion; an alias kept
 * after a person said it was wrong matches the payer's next money to that customer automatically.
 * Returns what was forgotten, for the decision's audit event.
 */
async function forgetPayerAliases(tx: DbOrTx, payment: Payment, customerNames: string[]): Promise<{ customerName: string; keys: number }[]> {
  if (customerNames.length === 0) return [];
  const keys = payerKeysOf(payment);
  if (keys.length === 0) return [];
  const gone = await tx
    .delete(payerAliases)
    .where(and(eq(payerAliases.merchantId, payment.merchantId), inArray(payerAliases.payerKey, keys), inArray(payerAliases.customerName, customerNames)))
    .returning({ customerName: payerAliases.customerName });
  return [...groupBy(gone, (g) => g.customerName)].map(([customerName, rows]) => ({ customerName, keys: rows.length }));
}

/**
 * The forgetting is audited on the decision event that caused it (payerAliasesForgotten), in the same
 * transaction: who undid the match is who un-taught the alias.
 */
function withForgotten(audit: AuditInput[], payment: Payment, forgotten: { customerName: string; keys: number }[]): AuditInput[] {
  if (forgotten.length === 0) return audit;
  return audit.map((e) =>
    e.subjectType === "payment" && e.subjectId === payment.id && (e.action === "payment.matched" || e.action === "payment.unmatched")
      ? { ...e, after: { ...e.after, payerAliasesForgotten: forgotten } }
      : e,
  );
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
    const newCustomers = named(chosen.map((c) => c.order.customerName));
    // A decision replacing one that vouched for another customer withdraws that one's word about the payer.
    const withdrawn = (await customersVouchedFor(tx, payment)).filter((n) => !newCustomers.includes(n));
    const applied = await applyManualDecision(tx, payment, params, chosen.map((c) => ({ order: locked.get(c.order.id)!, amount: c.amount })), explanation);
    const forgotten = await forgetPayerAliases(tx, payment, withdrawn);
    const learned = await learnPayerAlias(tx, params.merchantId, { payerName: payment.payerName, keys: payerKeysOf(payment) }, newCustomers, params.now);
    await appendAuditEvents(tx, params.merchantId, params.actor, [...withForgotten(applied.audit, payment, forgotten), ...learned]);
  });
  return getPaymentView(db, params.merchantId, params.paymentId);
}

/**
 * Takes the payment off every order: unmatched, and left so (re-runs do not match it again). An ignored
 * payment comes back unmatched. What its decision taught about the payer is forgotten with it: a match by
 * hand undone was a mistake, and the alias it taught would repeat the mistake on the payer's next money.
 */
export async function unmatchManually(db: Db, params: DecisionParams) {
  await db.transaction(async (tx) => {
    const payment = await lockPayment(tx, params.merchantId, params.paymentId);
    if (payment.status === "ignored") {
      await appendAuditEvents(tx, params.merchantId, params.actor, [await setPaymentUnignored(tx, payment, params.now, { byPerson: true })]);
      return;
    }
    const withdrawn = await customersVouchedFor(tx, payment);
    const applied = await applyManualDecision(tx, payment, params, [], { zh: "已人工取消匹配", en: "unmatched by hand" });
    const forgotten = await forgetPayerAliases(tx, payment, withdrawn);
    await appendAuditEvents(tx, params.merchantId, params.actor, withForgotten(applied.audit, payment, forgotten));
  });
  return getPaymentView(db, params.merchantId, params.paymentId);
}

/**
 * Confirms one of the payment's suggestions (index, default the best): its allocations are applied
 * as a person's decision, the difference settled as the engine would have settled it had it matched
 * (a shortfall the channel states or a tolerance rule accepts written off, a unique amount's tail, any
 * other difference noted as an amount mismatch): confirming says which order, not how much it owes.
 * A suggestion whose orders were paid since is refused (409) rather than paying an order twice; POST
 * /match can still force it, and the payment is decided again so it stops offering that order.
 * `reopenClosed: false` (bulk confirm) refuses a closed order's suggestion (409 order_closed): it
 * reopens the order, which the payment's page asks about before confirming.
 */
export async function confirmSuggestion(db: Db, params: DecisionParams & { index?: number; reopenClosed?: boolean }) {
  try {
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
        if (order.status === "closed" && params.reopenClosed === false) {
          throw conflict(`Order ${order.reference} is closed: confirming reopens it, which is asked on the payment's page`, "order_closed");
        }
        return { order, amount };
      });
      const lines = chosen.filter((c) => c.amount > 0);
      const keys = payerKeysOf(payment);
      const settlement = settle(paymentFacts(payment, keys), lines, await loadToleranceRules(tx, params.merchantId));
      const explanation = joinExplanations([
        { zh: "人工确认建议", en: "suggestion confirmed by hand" },
        suggestion.explanation,
        ...(settlement.note ? [settlement.note] : []),
      ]);
      const applied = await applyManualDecision(tx, payment, params, lines, explanation, { writeOffs: settlement.writeOffs, amountMismatch: settlement.mismatch });
      const learned = await learnPayerAlias(tx, params.merchantId, { payerName: payment.payerName, keys }, chosen.map((c) => c.order.customerName), params.now);
      await appendAuditEvents(tx, params.merchantId, params.actor, [...applied.audit, ...learned]);
    });
  } catch (err) {
    if (err instanceof ApiError && err.code === "suggestion_stale") await decideAgain(db, params);
    throw err;
  }
  return getPaymentView(db, params.merchantId, params.paymentId);
}

/**
 * A stale suggestion is decided again, after the refused transaction: the payment was checked
 * (match_checked_at set), so the sweep would never look at it again, and it would offer the paid order
 * forever. A suggested payment is no person's decision: matching may decide it (matched, other
 * suggestions, unmatched). The caller still answers 409; a failure here is logged, never the answer.
 */
async function decideAgain(db: Db, params: DecisionParams) {
  try {
    await matchPayment(db, { paymentId: params.paymentId, now: params.now });
  } catch (err) {
    logger.warn({ err, paymentId: params.paymentId }, "deciding a payment with a stale suggestion again failed");
  }
}

/**
 * The customers of the payer-based suggestions (amount and payer) that only a learned alias tied to the
 * payer: the payer's own name does not agree with theirs.
 */
async function customersSuggestedByAlias(tx: DbOrTx, payment: Payment): Promise<string[]> {
  const references = [...new Set(payment.suggestions.filter((s) => PAYER_METHODS.has(s.method ?? "")).flatMap((s) => s.references))];
  if (references.length === 0) return [];
  const rows = await tx.select({ customerName: orders.customerName }).from(orders).where(merchantOrdersWithReferences(payment.merchantId, references));
  return named(rows.map((r) => r.customerName)).filter((n) => !nameAgrees(payment.payerName, n));
}

/**
 * Rejects all current suggestions: the payment is unmatched and those order sets are never suggested again.
 * A person who rejects every order an alias offered for this payer says the alias is wrong: it is forgotten
 * (see forgetPayerAliases), or the payer's next money would be offered, or matched, to that customer again.
 */
export async function rejectSuggestions(db: Db, params: DecisionParams) {
  await db.transaction(async (tx) => {
    const payment = await lockPayment(tx, params.merchantId, params.paymentId);
    if (payment.status !== "suggested") throw conflict("The payment has no suggestions to reject", "no_suggestions");
    const forgotten = await forgetPayerAliases(tx, payment, await customersSuggestedByAlias(tx, payment));
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
        after: { status: "unmatched", ...(forgotten.length ? { payerAliasesForgotten: forgotten } : {}) },
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
 * A suggestion for a closed order fails (order_closed) whatever the client filtered when the list was
 * loaded: confirming it reopens the order, and that is asked twice on the payment's page, never in bulk.
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
    return { paymentId, outcome: "confirmed", payment: await confirmSuggestion(db, { ...params, reopenClosed: false }) };
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (err.code === "no_suggestions") {
      const payment = await getPaymentView(db, params.merchantId, paymentId);
      if (payment.status === "matched" || payment.status === "partially_matched") return { paymentId, outcome: "already_matched", payment };
    }
    return { paymentId, outcome: "failed", error: { code: err.code, message: err.message } };
  }
}
