import crypto from "node:crypto";
import { and, asc, eq, gte, inArray, lte, or, sql, type SQL } from "drizzle-orm";
import type { MatchContext } from "@/lib/core/matching/engine";
import { decideExactMatch } from "@/lib/core/matching/exact";
import { readMemo, referencesToLookUp, type MemoSignals } from "@/lib/core/matching/memo-signals";
import { orderNumberKey } from "@/lib/core/matching/order-numbers";
import { couldAgreeWithAny, normalizePayerName } from "@/lib/core/matching/payer-name";
import { maxToleranceFen, parseToleranceRules, type ToleranceRule } from "@/lib/core/matching/tolerance";
import type { CandidateOrder, PaymentFacts } from "@/lib/core/matching/types";
import { decryptSecret } from "@/lib/crypto/secrets";
import type { DbOrTx } from "@/lib/db/client";
import { merchantOrdersWithNumbers, merchantOrdersWithReferences } from "@/lib/db/queries/orders";
import { openOrders, orders, payerAliases, rules, type Order, type Payment } from "@/lib/db/schema";
import { groupBy } from "@/lib/core/collections";

/**
 * The orders a payment without a reference may be for: created up to 60 days before it (an invoice paid
 * late), or after it, up to a year — money can arrive before its order is recorded here (a prepayment,
 * an order entered or imported after the customer paid, a statement of past weeks matched against
 * orders created since). Timing only weighs in the score (`timeScore`).
 */
export const MATCH_WINDOW = { backDays: 60, aheadDays: 365 } as const;
const DAY = 86_400_000;

// Above this many payments one scan of the merchant's open orders in the window is cheaper than per-payment filters.
const FILTERED_BATCH_LIMIT = 20;

/** The kind of rule rows that hold amount tolerances. */
export const TOLERANCE_RULE_KIND = "amount_tolerance";

/** Order row → matching candidate (open amount net of refunds and accepted write-offs). */
export function toCandidate(o: Order): CandidateOrder {
  return {
    id: o.id,
    reference: o.reference,
    orderNo: o.orderNo,
    amount: o.amount,
    currency: o.currency,
    openAmount: Math.max(0, o.amount - o.paidAmount + o.refundedAmount - o.writtenOffAmount),
    status: o.status,
    customerName: o.customerName,
    createdAt: o.createdAt,
    paidAt: o.paidAt,
    payableAmount: o.payableAmount,
  };
}

const sameCandidate = (a: CandidateOrder, b: CandidateOrder) =>
  a.id === b.id &&
  a.reference === b.reference &&
  a.orderNo === b.orderNo &&
  a.amount === b.amount &&
  a.openAmount === b.openAmount &&
  a.status === b.status &&
  a.customerName === b.customerName &&
  a.payableAmount === b.payableAmount &&
  a.createdAt.getTime() === b.createdAt.getTime() &&
  (a.paidAt?.getTime() ?? null) === (b.paidAt?.getTime() ?? null);

/** Payer keys under which aliases are learned and looked up: the hashed account, and the normalised name. */
export function payerKeysOf(payment: Pick<Payment, "merchantId" | "payerName" | "payerAccountEnc">): string[] {
  const keys: string[] = [];
  if (payment.payerAccountEnc) {
    try {
      const account = decryptSecret(payment.payerAccountEnc).replace(/\s+/g, "");
      if (account) keys.push(`acct:${crypto.createHash("sha256").update(`${payment.merchantId}:${account}`).digest("hex")}`);
    } catch {
      // An account encrypted under a retired key: the name key still works.
    }
  }
  const name = normalizePayerName(payment.payerName);
  if (name) keys.push(`name:${name.full}`);
  return keys;
}

/** Reference sets a person rejected for this payment (payments.details.rejectedSuggestions). */
export function rejectedOf(payment: Payment): string[][] {
  const raw = payment.details.rejectedSuggestions;
  return Array.isArray(raw) ? raw.filter((r): r is string[] => Array.isArray(r) && r.every((x) => typeof x === "string")) : [];
}

/** The engine's view of a payment row. */
export function paymentFacts(payment: Payment, payerKeys: string[]): PaymentFacts {
  return {
    id: payment.id,
    amount: payment.amount,
    currency: payment.currency,
    channel: payment.channel,
    reference: payment.reference,
    memo: payment.memo,
    payerName: payment.payerName,
    payerKeys,
    receivedAt: payment.receivedAt,
    details: payment.details,
    rejected: rejectedOf(payment),
  };
}

/** The merchant's enabled tolerance rules in position order. */
export async function loadToleranceRules(db: DbOrTx, merchantId: string): Promise<ToleranceRule[]> {
  const rows = await db
    .select()
    .from(rules)
    .where(and(eq(rules.merchantId, merchantId), eq(rules.kind, TOLERANCE_RULE_KIND)))
    .orderBy(asc(rules.position));
  return parseToleranceRules(rows);
}

/**
 * Everything matching needs for a batch of one merchant's payments, read in a handful of
 * set-based queries (no per-payment round trips): orders named by references or repairs,
 * open orders in the window, settled and closed-unpaid orders of the same amounts, aliases, tolerance rules.
 */
export class CandidatePool {
  private readonly byReference = new Map<string, CandidateOrder>();
  private readonly byId = new Map<string, CandidateOrder>();
  private readonly openByAmount = new Map<number, Set<string>>();
  private readonly byCore = new Map<string, Set<string>>();
  /** Orders by their amount and by the unique amount asked for them, whatever their state. */
  private readonly byOrderAmount = new Map<number, Set<string>>();
  /** The same, split by the customer's name: by name core, or as "masked or a company" (names that agree beyond their core). */
  private readonly byOrderAmountCore = new Map<number, Map<string, Set<string>>>();
  private readonly byOrderAmountLoose = new Map<number, Set<string>>();
  /** Orders by the unique amount checkout asked for them: that amount names the order whoever pays it. */
  private readonly byPayableAmount = new Map<number, Set<string>>();
  /** Orders by their order number, folded by orderNumberKey. */
  private readonly byOrderNumber = new Map<string, Set<string>>();

  private readonly aliases = new Map<string, string[]>();
  /** Bumped by every change to an order the pool holds: equal counts, equal pool, equal decisions. */
  private changes = 0;
  /** The open amounts in ascending order, for tolerance ranges; rebuilt when an amount is added. */
  private sortedOpenAmounts: number[] | null = null;
  /** What each loaded payment's memo says, read once for both lookups (references, order numbers). */
  private readonly memoById = new Map<string, MemoSignals>();
  /** Payer keys by payment id: a decryption and a hash each, and a payment's payer never changes. */
  private readonly payerKeysById = new Map<string, string[]>();

  private constructor(
    readonly merchantId: string,
    readonly toleranceRules: ToleranceRule[],
  ) {}

  /** The tolerance rules and the orders the payments' references (or their repairs) name. */
  private static async loadReferenced(db: DbOrTx, merchantId: string, payments: Payment[], lock = false): Promise<CandidatePool> {
    const toleranceRules = await loadToleranceRules(db, merchantId);
    const pool = new CandidatePool(merchantId, toleranceRules);
    for (const p of payments) pool.memoById.set(p.id, readMemo(p.reference, p.memo));
    const refs = [...new Set(payments.flatMap((p) => referencesToLookUp(pool.memoById.get(p.id)!)))];
    for (let i = 0; i < refs.length; i += 5000) {
      const chunk = refs.slice(i, i + 5000);
      const query = db
        .select()
        .from(orders)
        .where(merchantOrdersWithReferences(merchantId, chunk));
      // Locked in id order, as everywhere, so two transactions never deadlock on them.
      const rows = lock ? await query.orderBy(asc(orders.id)).for("update") : await query;
      rows.forEach((o) => pool.put(o));
    }
    return pool;
  }

  /**
   * The pool for one payment its reference settles (all it needs), or null when it needs the whole
   * pool. The orders its references name are read locked (FOR UPDATE, held by the caller's transaction).
   */
  static async loadExactLocked(tx: DbOrTx, payment: Payment, facts: PaymentFacts): Promise<CandidatePool | null> {
    const pool = await CandidatePool.loadReferenced(tx, payment.merchantId, [payment], true);
    return pool.settlesByReference(facts) ? pool : null;
  }

  /** Loads the pool for `payments` (all of `merchantId`). */
  static async load(db: DbOrTx, merchantId: string, payments: Payment[]): Promise<CandidatePool> {
    const pool = await CandidatePool.loadReferenced(db, merchantId, payments);
    // A payment its reference settles needs nothing else: the webhook path stops here.
    const rest = payments.map((payment) => ({ payment, facts: pool.factsOf(payment) })).filter((p) => !pool.settlesByReference(p.facts));
    if (rest.length === 0) return pool;

    // Orders the memos name by order number (customers copy the shop's 订单号 more often than our reference).
    const numbers = [...new Set(rest.flatMap((p) => pool.memoById.get(p.payment.id)!.orderNumbers))];
    for (let i = 0; i < numbers.length; i += 5000) {
      (await db.select().from(orders).where(merchantOrdersWithNumbers(merchantId, numbers.slice(i, i + 5000)))).forEach((o) => pool.put(o));
    }

    const keys = [...new Set(rest.flatMap((p) => p.facts.payerKeys))];
    const aliasRows = keys.length
      ? await db
          .select({ payerKey: payerAliases.payerKey, customerName: payerAliases.customerName })
          .from(payerAliases)
          .where(and(eq(payerAliases.merchantId, merchantId), inArray(payerAliases.payerKey, keys)))
      : [];
    for (const [payerKey, names] of groupBy(aliasRows, (a) => a.payerKey, (a) => a.customerName)) pool.aliases.set(payerKey, names);

    const times = rest.map((p) => p.payment.receivedAt.getTime());
    const from = new Date(Math.min(...times) - MATCH_WINDOW.backDays * DAY);
    const to = new Date(Math.max(...times) + MATCH_WINDOW.aheadDays * DAY);
    const open = sql`${orders.status} in ('pending', 'partially_paid')`;
    const openAmount = sql`(${orders.amount} - ${orders.paidAmount} + ${orders.refundedAmount} - ${orders.writtenOffAmount})`;
    const inWindow = and(eq(openOrders.merchantId, merchantId), gte(openOrders.createdAt, from), lte(openOrders.createdAt, to), open);
    if (rest.length > FILTERED_BATCH_LIMIT) {
      // A large batch against a merchant with many open orders: read the window narrow (id, name,
      // amounts), keep in memory only the orders contextFor could hand to one of these payments (by
      // open amount within tolerance, by amount for twins, by the payer's name), then read those whole.
      // Reading the whole window whole cost ~2 KB a row: 400 MB for 200,000 open orders.
      const wanted = pool.wantedBy(rest.map((p) => p.facts));
      const narrow = await db
        .select({
          id: orders.id,
          amount: orders.amount,
          openAmount: sql<string>`${openAmount}`,
          customerName: orders.customerName,
          payableAmount: openOrders.payableAmount,
        })
        .from(openOrders)
        .innerJoin(orders, eq(orders.id, openOrders.orderId))
        .where(inWindow);
      const ids = narrow.filter((o) => wanted(o.amount, Number(o.openAmount), o.customerName, o.payableAmount)).map((o) => o.id);
      for (let i = 0; i < ids.length; i += 5000) {
        (await db.select().from(orders).where(inArray(orders.id, ids.slice(i, i + 5000)))).forEach((o) => pool.put(o));
      }
    } else {
      // Only orders that could fit one of these payments: by amount (within tolerance) or by payer name.
      const parts: SQL[] = [];
      for (const { payment, facts } of rest) {
        const tolerance = maxToleranceFen(pool.toleranceRules, payment.channel, payment.amount);
        parts.push(sql`${openAmount} between ${payment.amount} and ${payment.amount + tolerance}`);
        parts.push(sql`${openOrders.payableAmount} = ${payment.amount}`);
        for (const name of [facts.payerName, ...pool.aliasNamesFor(facts)]) {
          const core = normalizePayerName(name)?.core;
          if (core && core.length >= 2) parts.push(sql`${orders.customerName} like ${`%${core.replace(/[\\%_]/g, "\\$&")}%`}`);
        }
      }
      // The window comes from open_orders (merchant, created_at), which the orders triggers keep in step.
      const openRows = await db
        .select({ order: orders })
        .from(openOrders)
        .innerJoin(orders, eq(orders.id, openOrders.orderId))
        .where(and(inWindow, sql`(${sql.join(parts, sql` or `)})`));
      openRows.forEach((r) => pool.put(r.order));
    }
    // Orders of the payments' amounts (or unique amounts) that are settled (a twin makes a match ambiguous) or closed unpaid (a
    // late transfer from its customer is suggested). Only an order whose customer a payer's name agrees with
    // can weigh in (strongly, for a closed one), and at a popular price there are thousands of others, about
    // 2 KB each: read narrow, keep those, then read them whole.
    const amounts = [...new Set(rest.map((p) => p.payment.amount))];
    const couldAgree = couldAgreeWithAny(pool.payerNames(rest.map((p) => p.facts)));
    const cores = pool.payerCores(rest.map((p) => p.facts));
    const narrowRows = await db
      .select({ id: orders.id, status: orders.status, customerName: orders.customerName })
      .from(orders)
      .where(
        and(
          eq(orders.merchantId, merchantId),
          inArray(orders.status, ["paid", "overpaid", "partially_refunded", "refunded", "closed"]),
          or(inArray(orders.amount, amounts), inArray(orders.payableAmount, amounts)),
          gte(orders.createdAt, from),
          lte(orders.createdAt, to),
        ),
      );
    const ids = narrowRows
      .filter((o) => (o.status === "closed" ? cores.has(normalizePayerName(o.customerName)?.core ?? "") : couldAgree(o.customerName)))
      .map((o) => o.id);
    for (let i = 0; i < ids.length; i += 5000) {
      (await db.select().from(orders).where(inArray(orders.id, ids.slice(i, i + 5000)))).forEach((o) => pool.put(o));
    }
    return pool;
  }

  /**
   * Whether contextFor could hand an open order with these amounts and customer name to one of
   * `payments`: its open amount within a payment's amount and tolerance, its amount or unique amount
   * equal to a payment's, or its customer's name core equal to a payer's or a learned alias's.
   */
  wantedBy(payments: PaymentFacts[]): (amount: number, openAmount: number, customerName: string | null, payableAmount?: number | null) => boolean {
    const amounts = new Set<number>();
    const ranges: [number, number][] = [];
    const cores = this.payerCores(payments);
    for (const facts of payments) {
      amounts.add(facts.amount);
      const tolerance = maxToleranceFen(this.toleranceRules, facts.channel, facts.amount);
      if (tolerance > 0) ranges.push([facts.amount, facts.amount + tolerance]);
    }
    return (amount, openAmount, customerName, payableAmount) => {
      if (amounts.has(openAmount) || amounts.has(amount) || (payableAmount != null && amounts.has(payableAmount))) return true;
      if (ranges.some(([lo, hi]) => openAmount >= lo && openAmount <= hi)) return true;
      const core = normalizePayerName(customerName)?.core;
      return !!core && cores.has(core);
    };
  }

  /** The payments' payer names and the customer names learned as their aliases. */
  payerNames(payments: PaymentFacts[]): (string | null)[] {
    return payments.flatMap((facts) => [facts.payerName, ...this.aliasNamesFor(facts)]);
  }

  /** The name cores of the payments' payers and of their learned aliases: a strong name agreement shares one. */
  payerCores(payments: PaymentFacts[]): Set<string> {
    const cores = new Set<string>();
    for (const name of this.payerNames(payments)) {
      const core = normalizePayerName(name)?.core;
      if (core) cores.add(core);
    }
    return cores;
  }

  /** How many times the pool's orders have changed: decisions taken at the same count were taken on the same pool. */
  get generation(): number {
    return this.changes;
  }

  /** The engine's view of a payment row. */
  factsOf(payment: Payment): PaymentFacts {
    let keys = this.payerKeysById.get(payment.id);
    if (!keys) this.payerKeysById.set(payment.id, (keys = payerKeysOf(payment)));
    return paymentFacts(payment, keys);
  }

  /** Whether the payment's reference settles it (decideMatch would take it by reference, whatever else the pool holds). */
  settlesByReference(facts: PaymentFacts): boolean {
    return decideExactMatch(facts, this.byReference) !== null;
  }

  private addOpen(amount: number, id: string) {
    let set = this.openByAmount.get(amount);
    if (!set) {
      this.openByAmount.set(amount, (set = new Set()));
      this.sortedOpenAmounts = null;
    }
    set.add(id);
  }

  /** Ids of open orders whose open amount lies in [from, to]. */
  private openInRange(from: number, to: number, into: Set<string>) {
    const amounts = (this.sortedOpenAmounts ??= [...this.openByAmount.keys()].sort((a, b) => a - b));
    let lo = 0;
    let hi = amounts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (amounts[mid] < from) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < amounts.length && amounts[i] <= to; i++) this.openByAmount.get(amounts[i])?.forEach((id) => into.add(id));
  }

  /** Adds or refreshes an order (after a match changed its open amount or status). */
  put(row: Order) {
    const c = toCandidate(row);
    const old = this.byId.get(c.id);
    if (old && sameCandidate(old, c)) return;
    this.changes++;
    if (old) {
      this.openByAmount.get(old.openAmount)?.delete(c.id);
    }
    this.byId.set(c.id, c);
    this.byReference.set(c.reference, c);
    const add = (m: Map<number | string, Set<string>>, k: number | string) => {
      let s = m.get(k);
      if (!s) m.set(k, (s = new Set()));
      s.add(c.id);
    };
    if (c.status === "pending" || c.status === "partially_paid") this.addOpen(c.openAmount, c.id);
    const name = normalizePayerName(c.customerName);
    // By the order's own amount whatever its state: another order of the payer with this amount makes a match ambiguous.
    // And by the unique amount checkout asked for it (set once, like the amount): a transfer of it names the order.
    for (const amount of c.payableAmount != null ? [c.amount, c.payableAmount] : [c.amount]) {
      add(this.byOrderAmount as Map<number | string, Set<string>>, amount);
      if (!name) continue;
      if (name.masked || name.isCompany) add(this.byOrderAmountLoose as Map<number | string, Set<string>>, amount);
      else {
        let cores = this.byOrderAmountCore.get(amount);
        if (!cores) this.byOrderAmountCore.set(amount, (cores = new Map()));
        add(cores as Map<number | string, Set<string>>, name.core);
      }
    }
    if (c.payableAmount != null) add(this.byPayableAmount as Map<number | string, Set<string>>, c.payableAmount);
    const numberKey = old ? null : orderNumberKey(c.orderNo); // never changes: indexed once
    if (numberKey) add(this.byOrderNumber as Map<number | string, Set<string>>, numberKey);
    if (name) add(this.byCore as Map<number | string, Set<string>>, name.core);
  }

  /** Takes money off an order inside a chunk being decided, before the database shows it. */
  consume(orderId: string, amount: number) {
    const c = this.byId.get(orderId);
    if (!c) return;
    this.changes++;
    const next: CandidateOrder = { ...c, openAmount: Math.max(0, c.openAmount - amount) };
    if (next.openAmount === 0 && (c.status === "pending" || c.status === "partially_paid")) next.status = "paid";
    this.openByAmount.get(c.openAmount)?.delete(c.id);
    this.byId.set(c.id, next);
    this.byReference.set(c.reference, next);
    if (next.status === "pending" || next.status === "partially_paid") this.addOpen(next.openAmount, c.id);
  }

  private aliasNamesFor(facts: PaymentFacts): string[] {
    return [...new Set(facts.payerKeys.flatMap((k) => this.aliases.get(k) ?? []))];
  }

  /**
   * The engine's context for one payment: only orders in its window that fit by amount or payer.
   * The candidates are gathered when the engine first asks for them: a payment its reference
   * settles never does, and a popular amount puts hundreds of orders in them.
   */
  contextFor(facts: PaymentFacts): MatchContext {
    const aliasNames = this.aliasNamesFor(facts);
    let candidates: CandidateOrder[] | null = null;
    const gather = () => (candidates ??= this.candidatesFor(facts, aliasNames));
    return {
      ordersByReference: this.byReference,
      get candidates() {
        return gather();
      },
      aliasNames,
      toleranceRules: this.toleranceRules,
      ordersByOrderNumber: { get: (key: string) => [...(this.byOrderNumber.get(key) ?? [])].map((id) => this.byId.get(id)!) },
    };
  }

  private candidatesFor(facts: PaymentFacts, aliasNames: string[]): CandidateOrder[] {
    const t = facts.receivedAt.getTime();
    const [from, to] = [t - MATCH_WINDOW.backDays * DAY, t + MATCH_WINDOW.aheadDays * DAY];
    const seen = new Set<string>();
    const found: CandidateOrder[] = [];
    // Called a few times a payment with hundreds of ids at a popular amount: one plain loop each.
    const take = (ids: Iterable<string> | undefined) => {
      if (!ids) return;
      for (const id of ids) {
        if (seen.has(id)) continue;
        seen.add(id);
        const c = this.byId.get(id)!;
        const at = c.createdAt.getTime();
        if (at >= from && at <= to) found.push(c);
      }
    };
    const tolerance = maxToleranceFen(this.toleranceRules, facts.channel, facts.amount);
    if (tolerance === 0) take(this.openByAmount.get(facts.amount));
    else {
      const open = new Set<string>();
      this.openInRange(facts.amount, facts.amount + tolerance, open);
      take(open);
    }
    const names = [facts.payerName, ...aliasNames].map(normalizePayerName).filter((n) => n !== null);
    if (names.some((n) => n.masked || n.isCompany)) {
      // A masked or company payer may agree with any customer name (in part, through its mask): every order of the amount.
      take(this.byOrderAmount.get(facts.amount));
    } else {
      // A person's name agrees with a person's name only through their core (exact, alias) and with masked or company
      // names beyond it: another customer's order of the amount, which would weigh in nothing, is not even handed over.
      // The order that asked this unique amount is, whoever pays.
      take(this.byPayableAmount.get(facts.amount));
      take(this.byOrderAmountLoose.get(facts.amount));
      const cores = this.byOrderAmountCore.get(facts.amount);
      for (const n of names) take(cores?.get(n.core));
    }
    for (const n of names) take(this.byCore.get(n.core));
    return found;
  }

}
