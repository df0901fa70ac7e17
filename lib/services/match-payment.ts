import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import { decideMatch } from "@/lib/core/matching/engine";
import type { MatchResult, PaymentFacts } from "@/lib/core/matching/types";
import type { Db, DbOrTx } from "@/lib/db/client";
import { insertUnchainedAuditEvents, linkAuditChain, SYSTEM, type AuditInput } from "@/lib/db/queries/audit";
import { payments, type Payment, type Suggestion } from "@/lib/db/schema";
import { logger } from "@/lib/log";
import { applyExactMatches, replaceAllocations, type ExactApplication } from "@/lib/services/match-apply";
import { CandidatePool, payerKeysOf, paymentFacts } from "@/lib/services/matching-candidates";
import { lockOrders } from "@/lib/services/order-totals";

export type MatchOutcome = "matched" | "suggested" | "unmatched" | "already_decided" | "not_found";

export interface MatchPaymentsResult {
  outcomes: Record<string, MatchOutcome>;
  matched: number;
  suggested: number;
  unmatched: number;
  alreadyDecided: number;
}

const EXACT_METHODS = new Set(["reference", "reference_in_memo", "multi_reference"]);
// Exact decisions are written this many at a time, set-based, in one transaction each.
const EXACT_CHUNK = 200;
// How often a decision is re-taken when the orders changed between deciding and locking them.
const MAX_ATTEMPTS = 3;

/** A person decided, or money is already allocated, or the payment is ignored: matching leaves it alone. */
export const isDecided = (p: Payment) => p.manuallyDecided || p.allocatedAmount > 0 || p.status === "ignored";

const outcomeOf = (d: MatchResult): MatchOutcome => (d.kind === "match" ? "matched" : d.kind === "suggest" ? "suggested" : "unmatched");

function sameMatch(a: MatchResult, b: MatchResult): boolean {
  if (a.kind !== "match" || b.kind !== "match") return a.kind === b.kind;
  const key = (d: typeof a) =>
    JSON.stringify([d.method, d.allocations.map((x) => [x.orderId, x.amount]), d.writeOffs.map((w) => [w.orderId, w.amount, w.cause])]);
  return key(a) === key(b);
}

function toStoredSuggestions(d: MatchResult): Suggestion[] {
  if (d.kind !== "suggest") return [];
  return d.suggestions.map((s) => ({
    references: s.references,
    confidence: s.confidence,
    explanation: s.explanation,
    allocations: s.allocations,
    method: s.method,
  }));
}

/**
 * Decides one payment inside its own transaction: lock the payment, lock the orders the decision
 * would touch (in id order), decide again on what the locks show, and only then write, together
 * with the audit events. Two payments racing for an order's last open amount are serialised by
 * the order lock, and the second one decides on the first one's result.
 */
async function decideAndApply(db: Db, pool: CandidatePool, paymentId: string, now: Date): Promise<MatchOutcome> {
  return db.transaction(async (tx) => {
    const [payment] = await tx.select().from(payments).where(eq(payments.id, paymentId)).for("update");
    if (!payment) return "not_found";
    if (isDecided(payment)) {
      if (!payment.matchCheckedAt) await tx.update(payments).set({ matchCheckedAt: now }).where(eq(payments.id, payment.id));
      return "already_decided";
    }
    const facts: PaymentFacts = paymentFacts(payment, payerKeysOf(payment));
    let decision = decideMatch(facts, pool.contextFor(facts));
    for (let attempt = 0; decision.kind === "match" && attempt < MAX_ATTEMPTS; attempt++) {
      const locked = await lockOrders(
        tx,
        decision.allocations.map((a) => a.orderId),
      );
      locked.forEach((o) => pool.put(o));
      const fresh = decideMatch(facts, pool.contextFor(facts));
      if (sameMatch(fresh, decision)) break;
      decision = fresh;
      if (attempt === MAX_ATTEMPTS - 1 && decision.kind === "match") {
        // Still moving under us: leave the payment unchecked so the sweep decides it later.
        return "unmatched";
      }
    }
    if (decision.kind === "match") {
      const applied = await replaceAllocations(tx, {
        payment,
        allocations: decision.allocations.map((a) => ({ orderId: a.orderId, amount: a.amount })),
        method: decision.method,
        confidence: decision.confidence,
        explanation: decision.explanation,
        writeOffs: decision.writeOffs,
        amountMismatch: decision.amountMismatch,
        manual: false,
        createdBy: "system",
        now,
      });
      await insertUnchainedAuditEvents(tx, payment.merchantId, SYSTEM, applied.audit);
      applied.orders.forEach((o) => pool.put(o));
      return "matched";
    }
    const suggestions = toStoredSuggestions(decision);
    const status = decision.kind === "suggest" ? "suggested" : "unmatched";
    const unchanged =
      payment.status === status &&
      JSON.stringify(payment.suggestions) === JSON.stringify(suggestions) &&
      JSON.stringify(payment.explanation) === JSON.stringify(decision.explanation);
    if (unchanged) {
      if (!payment.matchCheckedAt) await tx.update(payments).set({ matchCheckedAt: now }).where(eq(payments.id, payment.id));
      return outcomeOf(decision);
    }
    await tx
      .update(payments)
      .set({ status, suggestions, explanation: decision.explanation, matchMethod: null, confidence: null, matchCheckedAt: now })
      .where(eq(payments.id, payment.id));
    await insertUnchainedAuditEvents(tx, payment.merchantId, SYSTEM, [
      {
        action: status === "suggested" ? "payment.suggested" : "payment.left_unmatched",
        subjectType: "payment",
        subjectId: payment.id,
        before: { status: payment.status },
        after: { status, references: suggestions.map((s) => s.references), explanation: decision.explanation.en },
      },
    ]);
    return outcomeOf(decision);
  });
}

/**
 * Applies the exact (reference) decisions of a chunk of payments in one transaction with set-based
 * writes: payments and their orders are locked in id order, each payment is decided on what the
 * locks show (and on what earlier payments of the chunk took), then everything is written at once
 * with its audit events. Payments whose decision is no longer an exact one are left to the caller.
 */
async function applyExactChunk(db: Db, pool: CandidatePool, chunk: Payment[], now: Date): Promise<Record<string, MatchOutcome>> {
  const outcomes: Record<string, MatchOutcome> = {};
  const fresh = await db.transaction(async (tx) => {
    const ids = chunk.map((p) => p.id).sort();
    const locked = await tx.select().from(payments).where(inArray(payments.id, ids)).orderBy(asc(payments.id)).for("update");
    const open = locked
      .filter((p) => {
        if (!isDecided(p)) return true;
        outcomes[p.id] = "already_decided";
        return false;
      })
      .sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime() || (a.id < b.id ? -1 : 1));
    const facts = new Map(open.map((p) => [p.id, paymentFacts(p, payerKeysOf(p))]));
    const planned = open.map((p) => decideMatch(facts.get(p.id)!, pool.contextFor(facts.get(p.id)!)));
    const orderIds = planned.flatMap((d) => (d.kind === "match" ? d.allocations.map((a) => a.orderId) : []));
    const lockedOrders = await lockOrders(tx, orderIds);
    lockedOrders.forEach((o) => pool.put(o));
    const lockedIds = new Set(lockedOrders.map((o) => o.id));
    const items: ExactApplication[] = [];
    for (const p of open) {
      const d = decideMatch(facts.get(p.id)!, pool.contextFor(facts.get(p.id)!));
      if (d.kind !== "match" || !EXACT_METHODS.has(d.method) || !d.allocations.every((a) => lockedIds.has(a.orderId))) continue;
      for (const a of d.allocations) pool.consume(a.orderId, a.amount + d.writeOffs.filter((w) => w.orderId === a.orderId).reduce((s, w) => s + w.amount, 0));
      items.push({ payment: p, ...d });
      outcomes[p.id] = "matched";
    }
    const applied = await applyExactMatches(tx, items, now);
    if (items.length) await insertUnchainedAuditEvents(tx, items[0].payment.merchantId, SYSTEM, applied.audit);
    return applied.orders;
  });
  fresh.forEach((o) => pool.put(o));
  return outcomes;
}

// Undecided outcomes (suggested, unmatched) are written this many at a time, in one transaction each.
const UNDECIDED_CHUNK = 200;

/**
 * Writes the decisions of a chunk of payments that end up suggested or unmatched, set-based in one
 * transaction: the payments are locked in id order and decided on what the lock shows; a decision
 * that would now allocate money is left out (the caller applies it alone, with its order locks).
 * Such decisions touch no order, so nothing else needs locking.
 */
async function applyUndecidedChunk(db: Db, pool: CandidatePool, chunk: Payment[], now: Date): Promise<Record<string, MatchOutcome>> {
  const outcomes: Record<string, MatchOutcome> = {};
  await db.transaction(async (tx) => {
    const ids = chunk.map((p) => p.id).sort();
    const locked = await tx.select().from(payments).where(inArray(payments.id, ids)).orderBy(asc(payments.id)).for("update");
    const writes: { payment: Payment; status: "suggested" | "unmatched"; suggestions: Suggestion[]; explanation: MatchResult["explanation"] }[] = [];
    const checkedOnly: string[] = [];
    for (const payment of locked) {
      if (isDecided(payment)) {
        outcomes[payment.id] = "already_decided";
        if (!payment.matchCheckedAt) checkedOnly.push(payment.id);
        continue;
      }
      const facts = paymentFacts(payment, payerKeysOf(payment));
      const decision = decideMatch(facts, pool.contextFor(facts));
      if (decision.kind === "match") continue;
      const suggestions = toStoredSuggestions(decision);
      const status = decision.kind === "suggest" ? "suggested" : "unmatched";
      outcomes[payment.id] = outcomeOf(decision);
      const unchanged =
        payment.status === status &&
        JSON.stringify(payment.suggestions) === JSON.stringify(suggestions) &&
        JSON.stringify(payment.explanation) === JSON.stringify(decision.explanation);
      if (unchanged) {
        if (!payment.matchCheckedAt) checkedOnly.push(payment.id);
      } else {
        writes.push({ payment, status, suggestions, explanation: decision.explanation });
      }
    }
    if (checkedOnly.length) await tx.update(payments).set({ matchCheckedAt: now }).where(inArray(payments.id, checkedOnly));
    if (writes.length === 0) return;
    const json = JSON.stringify(writes.map((w) => ({ id: w.payment.id, status: w.status, suggestions: w.suggestions, explanation: w.explanation })));
    await tx.execute(sql`
      update ${payments} set status = x.status::payment_status, suggestions = x.suggestions, explanation = x.explanation,
        match_method = null, confidence = null, match_checked_at = ${now.toISOString()}::timestamptz
      from json_to_recordset(${json}::json) as x(id uuid, status text, suggestions jsonb, explanation jsonb)
      where ${payments.id} = x.id`);
    await insertUnchainedAuditEvents(
      tx,
      writes[0].payment.merchantId,
      SYSTEM,
      writes.map((w) => ({
        action: w.status === "suggested" ? "payment.suggested" : "payment.left_unmatched",
        subjectType: "payment",
        subjectId: w.payment.id,
        before: { status: w.payment.status },
        after: { status: w.status, references: w.suggestions.map((s) => s.references), explanation: w.explanation.en },
      })),
    );
  });
  return outcomes;
}

/** Decides the non-exact payments of a batch: undecided outcomes chunk by chunk, matches one by one. */
async function decideRest(db: Db, pool: CandidatePool, list: Payment[], now: Date, outcomes: Record<string, MatchOutcome>) {
  for (let i = 0; i < list.length; i += UNDECIDED_CHUNK) {
    const chunk = list.slice(i, i + UNDECIDED_CHUNK);
    const done = await applyUndecidedChunk(db, pool, chunk, now).catch((err: unknown) => {
      logger.warn({ err, payments: chunk.length }, "undecided chunk failed; deciding its payments one by one");
      return {} as Record<string, MatchOutcome>;
    });
    for (const p of chunk) outcomes[p.id] = done[p.id] ?? (await decideAndApply(db, pool, p.id, now));
  }
}

/**
 * Matches a batch of recorded payments (a whole imported statement): candidates for all of them
 * are read in a few set-based queries, exact reference matches are applied first (they are certain
 * and must not lose their order to a guess), then everything else, each payment in its own
 * transaction with its audit events. Idempotent: decided payments are left as they are, and
 * running it again on the same data changes nothing.
 */
export async function matchPayments(db: Db, params: { paymentIds: string[]; now?: Date }): Promise<MatchPaymentsResult> {
  const now = params.now ?? new Date();
  const ids = [...new Set(params.paymentIds)].filter((id) => /^[0-9a-f-]{36}$/i.test(id));
  const result: MatchPaymentsResult = { outcomes: {}, matched: 0, suggested: 0, unmatched: 0, alreadyDecided: 0 };
  for (const id of params.paymentIds) result.outcomes[id] = "not_found";
  const rows: Payment[] = [];
  for (let i = 0; i < ids.length; i += 5000) {
    rows.push(...(await db.select().from(payments).where(inArray(payments.id, ids.slice(i, i + 5000)))));
  }
  const byMerchant = new Map<string, Payment[]>();
  for (const p of rows) byMerchant.set(p.merchantId, [...(byMerchant.get(p.merchantId) ?? []), p]);

  for (const [merchantId, list] of byMerchant) {
    const decided = list.filter(isDecided);
    for (const p of decided) result.outcomes[p.id] = "already_decided";
    const unchecked = decided.filter((p) => !p.matchCheckedAt).map((p) => p.id);
    if (unchecked.length) {
      await db.update(payments).set({ matchCheckedAt: now }).where(and(inArray(payments.id, unchecked), isNull(payments.matchCheckedAt)));
    }
    const open = list
      .filter((p) => !isDecided(p))
      .sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime() || (a.id < b.id ? -1 : 1));
    if (open.length === 0) continue;
    const pool = await CandidatePool.load(
      db,
      merchantId,
      open.map((payment) => ({ payment, facts: paymentFacts(payment, payerKeysOf(payment)) })),
    );
    const exactFirst: Payment[] = [];
    const rest: Payment[] = [];
    for (const p of open) {
      const facts = paymentFacts(p, payerKeysOf(p));
      const d = decideMatch(facts, pool.contextFor(facts));
      (d.kind === "match" && EXACT_METHODS.has(d.method) ? exactFirst : rest).push(p);
    }
    for (let i = 0; i < exactFirst.length; i += EXACT_CHUNK) {
      const chunk = exactFirst.slice(i, i + EXACT_CHUNK);
      const done = await applyExactChunk(db, pool, chunk, now).catch((err: unknown) => {
        // A chunk that cannot commit (lock timeout, a serialization failure) is retried one by one.
        logger.warn({ err, payments: chunk.length }, "exact chunk failed; matching its payments one by one");
        return {} as Record<string, MatchOutcome>;
      });
      for (const p of chunk) result.outcomes[p.id] = done[p.id] ?? (await decideAndApply(db, pool, p.id, now));
    }
    await decideRest(db, pool, rest, now, result.outcomes);
    // Later matches in the batch change what earlier undecided payments see (an order paid, a twin
    // settled): one more look makes the stored suggestions those a re-run would make.
    const undecided = rest.filter((p) => result.outcomes[p.id] === "suggested" || result.outcomes[p.id] === "unmatched");
    await decideRest(db, pool, undecided, now, result.outcomes);
  }
  // The decisions' audit events were written unlinked (no chain lock per payment): link them now.
  await Promise.all([...byMerchant.keys()].map((merchantId) => linkAuditChain(db, merchantId)));
  for (const outcome of Object.values(result.outcomes)) {
    if (outcome === "matched") result.matched++;
    else if (outcome === "suggested") result.suggested++;
    else if (outcome === "unmatched") result.unmatched++;
    else if (outcome === "already_decided") result.alreadyDecided++;
  }
  return result;
}

/**
 * The webhook fast path, inside the transaction that records `payment` (just inserted, so nobody
 * else sees or locks it): when its reference settles it, the decision is taken on the named orders
 * read locked, applied, and the audit entries returned for the caller's one append. Returns null
 * (nothing written) when the payment needs the whole engine: the caller dispatches matching after
 * commit as for any payment.
 */
export async function matchExactOnRecording(tx: DbOrTx, payment: Payment, now: Date): Promise<AuditInput[] | null> {
  const facts = paymentFacts(payment, payerKeysOf(payment));
  const pool = await CandidatePool.loadExactLocked(tx, payment, facts);
  if (!pool) return null;
  const decision = decideMatch(facts, pool.contextFor(facts));
  if (decision.kind !== "match" || !EXACT_METHODS.has(decision.method)) return null;
  return (await applyExactMatches(tx, [{ payment, ...decision }], now)).audit;
}

/** Matches one recorded payment (webhook flow, Inngest job); same rules as matchPayments. */
export async function matchPayment(db: Db, params: { paymentId: string; now?: Date }): Promise<MatchOutcome> {
  const result = await matchPayments(db, { paymentIds: [params.paymentId], now: params.now });
  return result.outcomes[params.paymentId] ?? "not_found";
}
