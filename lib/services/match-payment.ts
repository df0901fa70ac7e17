import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import { canonicalJson } from "@/lib/core/audit/chain";
import { decideMatch } from "@/lib/core/matching/engine";
import type { MatchResult, PaymentFacts } from "@/lib/core/matching/types";
import type { Db, DbOrTx } from "@/lib/db/client";
import { insertUnchainedAuditEvents, linkAuditChain, SYSTEM, type AuditInput } from "@/lib/db/queries/audit";
import { orders, payments, type Payment, type Suggestion } from "@/lib/db/schema";
import { logger } from "@/lib/log";
import { applyMatches, replaceAllocations, type MatchApplication } from "@/lib/services/match-apply";
import { CandidatePool, payerKeysOf, paymentFacts } from "@/lib/services/matching-candidates";
import { lockOrders } from "@/lib/services/order-totals";
import { isUuid } from "@/lib/core/ids";
import { groupBy } from "@/lib/core/collections";

export type MatchOutcome = "matched" | "suggested" | "unmatched" | "already_decided" | "not_found";

export interface MatchPaymentsResult {
  outcomes: Record<string, MatchOutcome>;
  matched: number;
  suggested: number;
  unmatched: number;
  alreadyDecided: number;
}

const EXACT_METHODS = new Set(["reference", "reference_in_memo", "multi_reference"]);

/** A person decided, or money is already allocated, or the payment is ignored: matching leaves it alone. */
export const isDecided = (p: Payment) => p.manuallyDecided || p.allocatedAmount > 0 || p.status === "ignored";

const outcomeOf = (d: MatchResult): MatchOutcome => (d.kind === "match" ? "matched" : d.kind === "suggest" ? "suggested" : "unmatched");

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

/** The audit entry of a payment left suggested or unmatched. */
function undecidedAudit(payment: Payment, status: "suggested" | "unmatched", suggestions: Suggestion[], explanation: MatchResult["explanation"]): AuditInput {
  return {
    action: status === "suggested" ? "payment.suggested" : "payment.left_unmatched",
    subjectType: "payment",
    subjectId: payment.id,
    before: { status: payment.status },
    after: { status, references: suggestions.map((s) => s.references), explanation },
  };
}

/**
 * Whether the payment already holds this undecided outcome. Compared key-order blind: jsonb gives
 * objects back with their keys reordered ({en, zh}), which must not count as a change to rewrite
 * and audit again on every re-run.
 */
function storedAlready(p: Payment, status: Payment["status"], suggestions: Suggestion[], explanation: MatchResult["explanation"]): boolean {
  return p.status === status && canonicalJson(p.suggestions) === canonicalJson(suggestions) && canonicalJson(p.explanation) === canonicalJson(explanation);
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
    const facts: PaymentFacts = pool.factsOf(payment);
    let decision = decideMatch(facts, pool.contextFor(facts));
    if (decision.kind === "match") {
      // Locked once, in id order, and decided again on what the locks show. A decision that now needs an
      // order not locked here is left to the sweep (the payment stays unchecked): locking it too, after
      // the others, could deadlock with a transaction that holds it and waits for one of ours.
      const locked = await lockOrders(
        tx,
        decision.allocations.map((a) => a.orderId),
      );
      locked.forEach((o) => pool.put(o));
      const held = new Set(locked.map((o) => o.id));
      decision = decideMatch(facts, pool.contextFor(facts));
      if (decision.kind === "match" && !decision.allocations.every((a) => held.has(a.orderId))) return "unmatched";
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
    const unchanged = storedAlready(payment, status, suggestions, decision.explanation);
    if (unchanged) {
      if (!payment.matchCheckedAt) await tx.update(payments).set({ matchCheckedAt: now }).where(eq(payments.id, payment.id));
      return outcomeOf(decision);
    }
    await tx
      .update(payments)
      .set({ status, suggestions, explanation: decision.explanation, matchMethod: null, confidence: null, matchCheckedAt: now })
      .where(eq(payments.id, payment.id));
    await insertUnchainedAuditEvents(tx, payment.merchantId, SYSTEM, [undecidedAudit(payment, status, suggestions, decision.explanation)]);
    return outcomeOf(decision);
  });
}

/** What a chunk applies: only exact (reference) matches, or every decision. */
type ChunkScope = "exact" | "all";

/**
 * Decides a chunk of payments in one transaction and writes the decisions set-based: the payments
 * are locked in id order; the orders their planned matches touch are locked in id order; each
 * payment is then decided again, in the order money arrived, on what the locks show and on what
 * earlier payments of the chunk took; matches are written together (one insert of allocations, one
 * update of payments, one refresh of orders) and so are suggested and unmatched outcomes, each with
 * its audit events. A payment whose decision falls outside `scope`, or would now touch an order
 * that was not locked, is left out (no outcome): the caller decides it alone. Races with other
 * transactions are settled by the order locks, as in decideAndApply.
 */
async function applyChunk(db: Db, pool: CandidatePool, chunk: Payment[], now: Date, scope: ChunkScope): Promise<Record<string, MatchOutcome>> {
  const outcomes: Record<string, MatchOutcome> = {};
  const consumed = new Set<string>();
  const fresh = await db.transaction(async (tx) => {
    const ids = chunk.map((p) => p.id).sort();
    const locked = await tx.select().from(payments).where(inArray(payments.id, ids)).orderBy(asc(payments.id)).for("update");
    const checkedOnly: string[] = [];
    const open = locked
      .filter((p) => {
        if (!isDecided(p)) return true;
        outcomes[p.id] = "already_decided";
        if (!p.matchCheckedAt) checkedOnly.push(p.id);
        return false;
      })
      .sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime() || (a.id < b.id ? -1 : 1));
    const facts = new Map(open.map((p) => [p.id, pool.factsOf(p)]));
    const inScope = (d: MatchResult): d is Extract<MatchResult, { kind: "match" }> => d.kind === "match" && (scope === "all" || EXACT_METHODS.has(d.method));
    const plannedAt = pool.generation;
    const planned = new Map(open.map((p) => [p.id, decideMatch(facts.get(p.id)!, pool.contextFor(facts.get(p.id)!))]));
    const lockedOrders = await lockOrders(tx, [...planned.values()].flatMap((d) => (inScope(d) ? d.allocations.map((a) => a.orderId) : [])));
    lockedOrders.forEach((o) => pool.put(o));
    const lockedIds = new Set(lockedOrders.map((o) => o.id));

    const matches: MatchApplication[] = [];
    const undecided: { payment: Payment; status: "suggested" | "unmatched"; suggestions: Suggestion[]; explanation: MatchResult["explanation"] }[] = [];
    for (const p of open) {
      // Until the locks show an order changed or a match of this chunk takes money, the pool is the one
      // the plan was made on, and the engine (pure) would decide the same again.
      const d = pool.generation === plannedAt ? planned.get(p.id)! : decideMatch(facts.get(p.id)!, pool.contextFor(facts.get(p.id)!));
      if (d.kind === "match") {
        if (!inScope(d) || !d.allocations.every((a) => lockedIds.has(a.orderId))) continue;
        for (const a of d.allocations) {
          consumed.add(a.orderId);
          pool.consume(a.orderId, a.amount + d.writeOffs.filter((w) => w.orderId === a.orderId).reduce((s, w) => s + w.amount, 0));
        }
        matches.push({ payment: p, ...d });
        outcomes[p.id] = "matched";
        continue;
      }
      if (scope === "exact") continue;
      const suggestions = toStoredSuggestions(d);
      const status = d.kind === "suggest" ? "suggested" : "unmatched";
      outcomes[p.id] = outcomeOf(d);
      const unchanged = storedAlready(p, status, suggestions, d.explanation);
      if (!unchanged) undecided.push({ payment: p, status, suggestions, explanation: d.explanation });
      else if (!p.matchCheckedAt) checkedOnly.push(p.id);
    }

    if (checkedOnly.length) await tx.update(payments).set({ matchCheckedAt: now }).where(inArray(payments.id, checkedOnly));
    const applied = await applyMatches(tx, matches, now);
    const audit = [...applied.audit];
    if (undecided.length) {
      const json = JSON.stringify(undecided.map((w) => ({ id: w.payment.id, status: w.status, suggestions: w.suggestions, explanation: w.explanation })));
      await tx.execute(sql`
        update ${payments} set status = x.status::payment_status, suggestions = x.suggestions, explanation = x.explanation,
          match_method = null, confidence = null, match_checked_at = ${now.toISOString()}::timestamptz
        from json_to_recordset(${json}::json) as x(id uuid, status text, suggestions jsonb, explanation jsonb)
        where ${payments.id} = x.id`);
      for (const w of undecided) audit.push(undecidedAudit(w.payment, w.status, w.suggestions, w.explanation));
    }
    if (audit.length) await insertUnchainedAuditEvents(tx, chunk[0].merchantId, SYSTEM, audit);
    return applied.orders;
  }).catch(async (err: unknown) => {
    // Rolled back: the pool must forget what the chunk took before anything else is decided on it.
    if (consumed.size) (await db.select().from(orders).where(inArray(orders.id, [...consumed]))).forEach((o) => pool.put(o));
    throw err;
  });
  fresh.forEach((o) => pool.put(o));
  return outcomes;
}

// Payments are decided and written this many at a time, in one transaction each.
const CHUNK = 200;

/** Decides `list` chunk by chunk (applyChunk); what a chunk leaves out is decided alone, in order. */
async function decideInChunks(db: Db, pool: CandidatePool, list: Payment[], now: Date, scope: ChunkScope, outcomes: Record<string, MatchOutcome>) {
  for (let i = 0; i < list.length; i += CHUNK) {
    const chunk = list.slice(i, i + CHUNK);
    const done = await applyChunk(db, pool, chunk, now, scope).catch((err: unknown) => {
      // A chunk that cannot commit (lock timeout, a serialization failure) is decided one by one.
      logger.warn({ err, payments: chunk.length, scope }, "matching chunk failed; deciding its payments one by one");
      return {} as Record<string, MatchOutcome>;
    });
    for (const p of chunk) outcomes[p.id] = done[p.id] ?? (await decideAndApply(db, pool, p.id, now));
  }
}

/**
 * Matches a batch of recorded payments (a whole imported statement): candidates for all of them
 * are read in a few set-based queries, exact reference matches are applied first (they are certain
 * and must not lose their order to a guess), then everything else, in the order the money arrived;
 * a chunk of payments at a time in one transaction with its audit events (applyChunk). Idempotent:
 * decided payments are left as they are, and running it again on the same data changes nothing.
 */
export async function matchPayments(db: Db, params: { paymentIds: string[]; now?: Date }): Promise<MatchPaymentsResult> {
  const now = params.now ?? new Date();
  const ids = [...new Set(params.paymentIds)].filter(isUuid);
  const result: MatchPaymentsResult = { outcomes: {}, matched: 0, suggested: 0, unmatched: 0, alreadyDecided: 0 };
  for (const id of params.paymentIds) result.outcomes[id] = "not_found";
  const rows: Payment[] = [];
  for (let i = 0; i < ids.length; i += 5000) {
    rows.push(...(await db.select().from(payments).where(inArray(payments.id, ids.slice(i, i + 5000)))));
  }
  const byMerchant = groupBy(rows, (p) => p.merchantId);

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
    const pool = await CandidatePool.load(db, merchantId, open);
    const exactFirst: Payment[] = [];
    const rest: Payment[] = [];
    for (const p of open) {
      (pool.settlesByReference(pool.factsOf(p)) ? exactFirst : rest).push(p);
    }
    await decideInChunks(db, pool, exactFirst, now, "exact", result.outcomes);
    await decideInChunks(db, pool, rest, now, "all", result.outcomes);
    // Later matches in the batch change what earlier undecided payments see (an order paid, a twin
    // settled): one more look makes the stored suggestions those a re-run would make.
    const undecided = rest.filter((p) => result.outcomes[p.id] === "suggested" || result.outcomes[p.id] === "unmatched");
    await decideInChunks(db, pool, undecided, now, "all", result.outcomes);
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
  return (await applyMatches(tx, [{ payment, ...decision }], now)).audit;
}

/** Matches one recorded payment (webhook flow, Inngest job); same rules as matchPayments. */
export async function matchPayment(db: Db, params: { paymentId: string; now?: Date }): Promise<MatchOutcome> {
  const result = await matchPayments(db, { paymentIds: [params.paymentId], now: params.now });
  return result.outcomes[params.paymentId] ?? "not_found";
}

/** How far before the earliest new order pending money is looked at again: a transfer sent the day before its order was recorded. */
const NEW_ORDERS_LOOKBACK_MS = 24 * 3600_000;
/** At most this many pending payments, newest first, are decided again after one batch of new orders. */
const NEW_ORDERS_RECHECK_LIMIT = 5000;

/**
 * Orders that arrive after their money (a platform export imported the day after the bank statement, a
 * late push): the merchant's pending payments from around then are decided again, so a transfer naming
 * an order number, or paying an order's amount from its customer, finds the order now there. A person's
 * decisions are left alone (isDecided); suggestions a person rejected stay rejected. Returns what changed.
 */
export async function rematchPendingForNewOrders(db: Db, params: { merchantId: string; earliestOrderAt: Date; now?: Date }): Promise<MatchPaymentsResult> {
  const since = new Date(params.earliestOrderAt.getTime() - NEW_ORDERS_LOOKBACK_MS);
  const pending = await db
    .select({ id: payments.id })
    .from(payments)
    // Spelled out, not bound, so the planner takes payments_merchant_pending_idx.
    .where(and(eq(payments.merchantId, params.merchantId), sql`${payments.status} in ('unmatched', 'suggested')`, sql`${payments.receivedAt} >= ${since.toISOString()}::timestamptz`))
    .orderBy(sql`${payments.receivedAt} desc`)
    .limit(NEW_ORDERS_RECHECK_LIMIT);
  return matchPayments(db, { paymentIds: pending.map((p) => p.id), now: params.now });
}
