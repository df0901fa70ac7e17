import { asc, eq, inArray, sql } from "drizzle-orm";
import { isPaymentInstitution } from "@/lib/core/matching/payer-name";
import { afterRefund, spreadRefund, type RefundRoom } from "@/lib/core/matching/refund-split";
import type { AmountMismatch, Explanation, WriteOffDecision } from "@/lib/core/matching/types";
import type { DbOrTx } from "@/lib/db/client";
import type { AuditInput } from "@/lib/db/queries/audit";
import { allocations, orders, payerAliases, payments, refunds, type Order, type Payment } from "@/lib/db/schema";
import { lockOrders, refreshOrders } from "@/lib/services/order-totals";
import { writeOffsOf, type WriteOffRecord } from "@/lib/core/matching/write-off-release";

export interface ApplyParams {
  /** The payment, locked FOR UPDATE by the caller. */
  payment: Payment;
  allocations: { orderId: string; amount: number }[];
  method: string;
  confidence: number;
  explanation: Explanation;
  writeOffs: WriteOffDecision[];
  amountMismatch: AmountMismatch | null;
  /** A person decided: automatic matching never touches the payment again. */
  manual: boolean;
  /** "system" or the deciding actor, for allocations.created_by. */
  createdBy: string;
  now: Date;
}

/**
 * Locks, in id order, every order a new decision on this payment touches: the ones it is to pay and the
 * ones its current allocations pay. A caller that reads orders before replaceAllocations takes them all
 * here at once; locking the new ones first and the old ones after could deadlock with a writer that
 * holds an old one and waits for a new one. Returns them as they stand without this payment's current
 * allocations and the write-offs it caused, which the decision replaces.
 */
export async function lockTouchedOrders(tx: DbOrTx, payment: Payment, orderIds: string[]): Promise<Order[]> {
  const previous = payment.allocatedAmount > 0 ? await tx.select({ orderId: allocations.orderId, amount: allocations.amount }).from(allocations).where(eq(allocations.paymentId, payment.id)) : [];
  const locked = await lockOrders(tx, [...new Set([...previous.map((a) => a.orderId), ...orderIds])]);
  // A decision replacing this payment's allocations is judged on each order as it stands without them: a person
  // matching a unique amount again (or the same request sent twice) must find the order as untouched as the first time.
  return locked.map((o) => {
    const allocated = previous.filter((a) => a.orderId === o.id).reduce((sum, a) => sum + a.amount, 0);
    const writtenOff = writeOffsOf(o).filter((w) => w.paymentId === payment.id).reduce((sum, w) => sum + w.amount, 0);
    return allocated === 0 && writtenOff === 0 ? o : { ...o, paidAmount: o.paidAmount - allocated, writtenOffAmount: o.writtenOffAmount - writtenOff };
  });
}

/**
 * Replaces a payment's allocations (and the write-offs its shortfall caused) with new ones, inside
 * the caller's transaction, and re-derives every touched order. Orders are locked in id order
 * before anything is written. Returns the audit entries; the caller appends them last.
 */
export async function replaceAllocations(tx: DbOrTx, p: ApplyParams): Promise<{ audit: AuditInput[]; orders: Order[] }> {
  const { payment, now } = p;
  // allocated_amount is the sum of the payment's allocations: zero means there are none to read.
  const previous = payment.allocatedAmount > 0 ? await tx.select().from(allocations).where(eq(allocations.paymentId, payment.id)) : [];
  const touched = [...new Set([...previous.map((a) => a.orderId), ...p.allocations.map((a) => a.orderId)])];
  const locked = await lockOrders(tx, touched);
  const audit: AuditInput[] = [];

  if (previous.length) {
    await tx.delete(allocations).where(eq(allocations.paymentId, payment.id));
    for (const a of previous) {
      audit.push({ action: "allocation.removed", subjectType: "payment", subjectId: payment.id, before: { orderId: a.orderId, amount: a.amount, method: a.method } });
    }
  }
  // Write-offs caused by this payment's earlier decision go with it.
  for (const o of locked) {
    const own = writeOffsOf(o).filter((w) => w.paymentId === payment.id);
    const mine = p.writeOffs.filter((w) => w.orderId === o.id);
    if (own.length === 0 && mine.length === 0) continue;
    const kept = writeOffsOf(o).filter((w) => w.paymentId !== payment.id);
    const added: WriteOffRecord[] = mine.map((w) => ({
      paymentId: payment.id,
      amount: w.amount,
      cause: w.cause,
      source: w.source,
      ...(w.rule ? { rule: w.rule } : {}),
      at: now.toISOString(),
    }));
    const removedSum = own.reduce((s, w) => s + w.amount, 0);
    const addedSum = added.reduce((s, w) => s + w.amount, 0);
    await tx
      .update(orders)
      .set({
        writtenOffAmount: o.writtenOffAmount - removedSum + addedSum,
        details: { ...o.details, writeOffs: [...kept, ...added] },
        updatedAt: now,
      })
      .where(eq(orders.id, o.id));
    for (const w of added) audit.push({ action: "order.written_off", subjectType: "order", subjectId: o.id, after: { ...w } });
    for (const w of own) audit.push({ action: "order.write_off_removed", subjectType: "order", subjectId: o.id, before: { ...w } });
  }

  if (p.allocations.length) {
    await tx.insert(allocations).values(
      p.allocations.map((a) => ({
        merchantId: payment.merchantId,
        paymentId: payment.id,
        orderId: a.orderId,
        amount: a.amount,
        method: p.method,
        confidence: p.confidence,
        createdBy: p.createdBy,
      })),
    );
    for (const a of p.allocations) {
      audit.push({
        action: "allocation.created",
        subjectType: "payment",
        subjectId: payment.id,
        after: { orderId: a.orderId, amount: a.amount, method: p.method, confidence: p.confidence, explanation: p.explanation },
      });
    }
  }

  const allocated = p.allocations.reduce((s, a) => s + a.amount, 0);
  // A new decision replaces the last one's amount mismatch, and a payment set aside and now matched is no longer ignored.
  const { amountMismatch: _old, ignored: _ignored, ...details } = payment.details;
  void _old;
  void _ignored;
  const status = allocated === 0 ? "unmatched" : allocated >= payment.amount ? "matched" : "partially_matched";
  await tx
    .update(payments)
    .set({
      status,
      allocatedAmount: allocated,
      matchMethod: allocated ? p.method : null,
      confidence: allocated ? p.confidence : null,
      explanation: p.explanation,
      suggestions: [],
      manuallyDecided: payment.manuallyDecided || p.manual,
      matchCheckedAt: now,
      details: p.amountMismatch ? { ...details, amountMismatch: p.amountMismatch } : details,
    })
    .where(eq(payments.id, payment.id));
  audit.push({
    action: allocated ? "payment.matched" : "payment.unmatched",
    subjectType: "payment",
    subjectId: payment.id,
    before: { status: payment.status, allocatedAmount: payment.allocatedAmount },
    after: { status, allocatedAmount: allocated, method: allocated ? p.method : null, manual: p.manual, explanation: p.explanation },
  });

  // Refunds of this payment follow its new allocations (none when unmatched).
  const movedFrom = await reattributeRefunds(tx, payment, p.allocations);
  const refreshIds = [...new Set([...touched, ...movedFrom])];
  audit.push(...(await refreshOrders(tx, refreshIds, now)));
  const fresh = refreshIds.length ? await tx.select().from(orders).where(inArray(orders.id, refreshIds)) : [];
  return { audit, orders: fresh };
}

/**
 * Remembers who a payer is once a person confirmed it: the payer's keys (hashed account,
 * normalised name) now stand for the customer name of the order(s) the money went to.
 * A payment institution as the payer (财付通, 支付宝, Stripe…) teaches nothing: its name and its
 * account carry every customer's transfer routed through it, so an alias would hand the next
 * customer's money to this one.
 */
export async function learnPayerAlias(
  tx: DbOrTx,
  merchantId: string,
  payer: { payerName: string | null; keys: string[] },
  customerNames: (string | null)[],
  now: Date,
): Promise<AuditInput[]> {
  const names = [...new Set(customerNames.filter((n): n is string => !!n && n.trim() !== ""))];
  // Money for several different customers teaches nothing about who this payer is.
  if (names.length !== 1 || payer.keys.length === 0 || isPaymentInstitution(payer.payerName)) return [];
  const customerName = names[0];
  for (const payerKey of payer.keys) {
    await tx
      .insert(payerAliases)
      .values({ merchantId, payerKey, customerName, createdAt: now })
      .onConflictDoUpdate({ target: [payerAliases.merchantId, payerAliases.payerKey], set: { customerName } });
  }
  return [{ action: "payer_alias.learned", subjectType: "payer_alias", subjectId: payer.keys[0], after: { customerName, keys: payer.keys.length } }];
}

/** One automatic decision of a chunk: the payment (locked, without allocations) and what it pays. */
export interface MatchApplication {
  payment: Payment;
  allocations: { orderId: string; amount: number }[];
  method: string;
  confidence: number;
  explanation: Explanation;
  writeOffs: WriteOffDecision[];
  amountMismatch: AmountMismatch | null;
}

/**
 * Applies many automatic decisions (any method) in set-based statements inside the caller's
 * transaction: one insert for all allocations, one update for all payments, one refresh of all
 * touched orders.
 * The caller has locked the payments and the orders (in id order) and checked that none of the
 * payments has allocations yet. Returns the audit entries and the orders as they are now.
 */
export async function applyMatches(tx: DbOrTx, items: MatchApplication[], now: Date): Promise<{ audit: AuditInput[]; orders: Order[] }> {
  if (items.length === 0) return { audit: [], orders: [] };
  const audit: AuditInput[] = [];
  const merchantId = items[0].payment.merchantId;
  await tx.insert(allocations).values(
    items.flatMap((it) =>
      it.allocations.map((a) => ({
        merchantId,
        paymentId: it.payment.id,
        orderId: a.orderId,
        amount: a.amount,
        method: it.method,
        confidence: it.confidence,
        createdBy: "system",
      })),
    ),
  );
  const orderIds = [...new Set(items.flatMap((it) => it.allocations.map((a) => a.orderId)))];
  const withWriteOffs = items.filter((it) => it.writeOffs.length > 0);
  if (withWriteOffs.length) {
    const rows = new Map((await tx.select().from(orders).where(inArray(orders.id, [...new Set(withWriteOffs.flatMap((it) => it.writeOffs.map((w) => w.orderId)))]))).map((o) => [o.id, o]));
    for (const it of withWriteOffs) {
      for (const w of it.writeOffs) {
        const o = rows.get(w.orderId)!;
        const record: WriteOffRecord = { paymentId: it.payment.id, amount: w.amount, cause: w.cause, source: w.source, ...(w.rule ? { rule: w.rule } : {}), at: now.toISOString() };
        const next = { ...o, writtenOffAmount: o.writtenOffAmount + w.amount, details: { ...o.details, writeOffs: [...writeOffsOf(o), record] } };
        rows.set(o.id, next);
        await tx.update(orders).set({ writtenOffAmount: next.writtenOffAmount, details: next.details, updatedAt: now }).where(eq(orders.id, o.id));
        audit.push({ action: "order.written_off", subjectType: "order", subjectId: o.id, after: { ...record } });
      }
    }
  }
  const values = items.map((it) => {
    const allocated = it.allocations.reduce((s, a) => s + a.amount, 0);
    const status = allocated >= it.payment.amount ? "matched" : "partially_matched";
    const details = it.amountMismatch ? { ...it.payment.details, amountMismatch: it.amountMismatch } : it.payment.details;
    return { it, allocated, status, details };
  });
  const rowsSql = values.map(
    (v) =>
      sql`(${v.it.payment.id}::uuid, ${v.status}::payment_status, ${v.allocated}::bigint, ${v.it.method}, ${v.it.confidence}::real, ${JSON.stringify(v.it.explanation)}::jsonb, ${JSON.stringify(v.details)}::jsonb)`,
  );
  await tx.execute(sql`
    update ${payments} set
      status = v.status, allocated_amount = v.allocated, match_method = v.method, confidence = v.confidence,
      explanation = v.explanation, suggestions = '[]'::jsonb, match_checked_at = ${now.toISOString()}::timestamptz, details = v.details
    from (values ${sql.join(rowsSql, sql`, `)}) as v(id, status, allocated, method, confidence, explanation, details)
    where ${payments.id} = v.id`);
  for (const v of values) {
    for (const a of v.it.allocations) {
      audit.push({
        action: "allocation.created",
        subjectType: "payment",
        subjectId: v.it.payment.id,
        after: { orderId: a.orderId, amount: a.amount, method: v.it.method, confidence: v.it.confidence, explanation: v.it.explanation },
      });
    }
    audit.push({
      action: "payment.matched",
      subjectType: "payment",
      subjectId: v.it.payment.id,
      before: { status: v.it.payment.status, allocatedAmount: 0 },
      after: { status: v.status, allocatedAmount: v.allocated, method: v.it.method, manual: false, explanation: v.it.explanation },
    });
  }
  // Refunds that arrived before the match now belong to the orders the payment pays.
  const refundIds: string[] = [];
  for (const it of items.filter((x) => x.payment.refundedAmount > 0)) refundIds.push(...(await reattributeRefunds(tx, it.payment, it.allocations)));
  const refreshIds = [...new Set([...orderIds, ...refundIds])];
  audit.push(...(await refreshOrders(tx, refreshIds, now)));
  const fresh = await tx.select().from(orders).where(inArray(orders.id, refreshIds));
  return { audit, orders: fresh };
}

/**
 * Puts a payment's refunds on the orders its allocations now pay, by the rule refunds are recorded by
 * (spreadRefund): money no order holds goes back first, on no order; then each refund on the order it paid most
 * that still holds enough of it, or spread so no order gets back more than it was paid. One channel refund may be
 * several rows (the later ones carry details.splitOf): it is spread again as one, its first row kept, the others
 * written anew. Returns every order a refund moved on or off.
 */
async function reattributeRefunds(tx: DbOrTx, payment: Payment, allocs: readonly { orderId: string; amount: number }[]): Promise<string[]> {
  // refunded_amount grows with every refund recorded: zero means the payment has none.
  if (payment.refundedAmount === 0) return [];
  const rows = await tx.select().from(refunds).where(eq(refunds.paymentId, payment.id)).orderBy(asc(refunds.refundedAt), asc(refunds.id));
  const groups = new Map<string, (typeof rows)[number][]>();
  for (const r of rows) {
    const base = typeof r.details.splitOf === "string" ? r.details.splitOf : r.channelRefundId;
    groups.set(base, [...(groups.get(base) ?? []), r]);
  }
  let unclaimed = Math.max(0, payment.amount - allocs.reduce((sum, a) => sum + a.amount, 0));
  let rooms: RefundRoom[] = [...allocs].sort((a, b) => b.amount - a.amount || (a.orderId < b.orderId ? -1 : 1)).map((a) => ({ orderId: a.orderId, room: a.amount }));
  const touched: string[] = [];
  const shape = (xs: readonly { orderId: string | null; amount: number }[]) => xs.map((x) => `${x.orderId}|${x.amount}`).sort().join(",");
  for (const [base, group] of groups) {
    const parts = spreadRefund(group.reduce((sum, r) => sum + r.amount, 0), unclaimed, rooms);
    ({ unclaimed, rooms } = afterRefund(unclaimed, rooms, parts));
    if (shape(group) === shape(parts)) continue;
    touched.push(...[...group, ...parts].flatMap((x) => (x.orderId ? [x.orderId] : [])));
    const head = group.find((r) => r.channelRefundId === base) ?? group[0];
    await tx.update(refunds).set({ orderId: parts[0].orderId, amount: parts[0].amount }).where(eq(refunds.id, head.id));
    const rest = group.filter((r) => r.id !== head.id);
    if (rest.length) await tx.delete(refunds).where(inArray(refunds.id, rest.map((r) => r.id)));
    if (parts.length > 1) {
      await tx.insert(refunds).values(
        parts.slice(1).map((part, i) => ({
          merchantId: head.merchantId,
          paymentId: head.paymentId,
          orderId: part.orderId,
          channelRefundId: `${base}#${i + 2}`,
          amount: part.amount,
          refundedAt: head.refundedAt,
          details: { ...head.details, splitOf: base },
        })),
      );
    }
  }
  return touched;
}
