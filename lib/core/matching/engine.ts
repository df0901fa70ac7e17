import { decideExactMatch } from "@/lib/core/matching/exact";
import { askedUniqueAmount, settle } from "@/lib/core/matching/settle";
import { amountIn, joinExplanations, nameNote, timingNote } from "@/lib/core/matching/explain";
import { payoutWord, readMemo, type MemoSignals } from "@/lib/core/matching/memo-signals";
import { foldMisreadSymbols } from "@/lib/core/reference/alphabet";
import { isSettled, type OrderStatus } from "@/lib/core/matching/order-status";
import { isPaymentInstitution, NAME_SCORES, payerAgreement, type NameAgreement } from "@/lib/core/matching/payer-name";
import { exactSumGroups } from "@/lib/core/matching/subset-sum";
import { channelStatedShortfall, toleranceFor, type ToleranceRule } from "@/lib/core/matching/tolerance";
import type {
  AllocationDecision,
  CandidateOrder,
  Explanation,
  MatchResult,
  PaymentFacts,
  SuggestionDecision,
} from "@/lib/core/matching/types";

/** Everything the engine may consult for one payment; the service loads it, the engine only reads it. */
export interface MatchContext {
  /** The merchant's orders (only the merchant's) whose references the payment names or nearly names. */
  ordersByReference: ReadonlyMap<string, CandidateOrder>;
  /**
   * The merchant's orders in the time window around the payment: open ones, and settled or closed-unpaid ones of its
   * amount whose customer the payer could be (another customer's weighs in nothing, so the pool may leave it out).
   */
  candidates: readonly CandidateOrder[];
  /** Customer names people confirmed before for this payer (payer_aliases). */
  aliasNames: readonly string[];
  toleranceRules: readonly ToleranceRule[];
  /** The merchant's orders by order number, folded by orderNumberKey (absent: none are looked up). */
  ordersByOrderNumber?: { get(key: string): readonly CandidateOrder[] | undefined };
}

// Thresholds, each with its reason. Scores are 0.45 × amount + 0.45 × name + 0.10 × time.
export const THRESHOLDS = {
  /** An amount+payer candidate must score at least this (exact amount and a strong name, or a tolerated amount and an exact name). */
  AUTO: 0.9,
  /** …and beat the runner-up by this much; a second order of the same payer and amount is never out-scored. */
  MARGIN: 0.2,
  /** A name agreement of at least this is identity evidence; below it the amount would be matching alone. */
  STRONG_NAME: 0.9,
  /** Below this a candidate is not even worth suggesting. */
  SUGGEST: 0.5,
  /** Suggestions shown at most. */
  MAX_SUGGESTIONS: 5,
  /** The payer's open orders of another amount suggested at most when nothing fits (the oldest). */
  MAX_PARTIAL: 3,
  /** A candidate whose only evidence is the amount is suggested only when there are at most this many. */
  MAX_AMOUNT_ONLY: 3,
} as const;

const OPEN = new Set(["pending", "partially_paid"]);
/**
 * A settled order of the payer with this amount, created this many days or more before both the
 * payer's newest open order of the amount and the payment, is a past purchase (a customer who buys
 * the same thing every week), not a sign that this money pays it twice.
 */
const TWIN_HORIZON_DAYS = 14;
const DAY = 86_400_000;
/** The time score of money more than a day before its order or over a month after it. */
const WEAK_TIMING = 0.4;

/**
 * How well the payment time fits the order's creation: payments follow orders, usually within days.
 * Money booked well before the order was recorded here (a prepayment, an order entered late) is
 * possible but as weakly supported by its timing as money a month late: with the amount exact, only a
 * payer name that agrees in full still clears the auto-match threshold.
 */
export function timeScore(receivedAt: Date, createdAt: Date): number {
  const d = receivedAt.getTime() - createdAt.getTime();
  if (d < -DAY) return WEAK_TIMING;
  if (d < 0) return 0.7; // date-only statements book at local midnight, before the order's time of day
  if (d <= 7 * DAY) return 1;
  if (d <= 30 * DAY) return 0.7;
  return WEAK_TIMING;
}

/** Words on the timing where it weighs against the order (the weakest time score), none otherwise. */
function timingNotes(receivedAt: Date, createdAt: Date): Explanation[] {
  if (timeScore(receivedAt, createdAt) > WEAK_TIMING) return [];
  const d = receivedAt.getTime() - createdAt.getTime();
  return [timingNote(Math.floor(Math.abs(d) / DAY), d < 0)];
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));
const isRejected = (p: PaymentFacts, refs: readonly string[]) => p.rejected.some((r) => sameSet(r, refs));

type AmountFit = "unique" | "exact" | "channel" | "tolerance" | "twin" | "lapsed";

/** Whether the payment is the unique amount checkout asked for this order, and nothing is paid on it yet. */
const isUniqueAmountOf = (p: PaymentFacts, c: CandidateOrder) => OPEN.has(c.status) && askedUniqueAmount(c) === p.amount;

function amountFit(p: PaymentFacts, c: CandidateOrder, rules: readonly ToleranceRule[]): AmountFit | null {
  if (isUniqueAmountOf(p, c)) return "unique";
  if (OPEN.has(c.status) && c.openAmount > 0) {
    if (p.amount === c.openAmount) return "exact";
    const short = c.openAmount - p.amount;
    if (short > 0) {
      const stated = channelStatedShortfall(p.amount, p.details);
      if (stated && stated.gross === c.openAmount) return "channel";
      if (toleranceFor(rules, p.channel, short, c.openAmount)) return "tolerance";
    }
  }
  // Another order of the same amount, already (partly) paid: the payer's orders of this amount are
  // not unique, and the transfer may just as well be a duplicate or a full re-payment of that one.
  // Its unique amount too: the customer may have transferred it twice.
  if (c.status !== "closed" && (p.amount === c.amount || p.amount === c.payableAmount)) return "twin";
  // Closed before any money came (it expired): a late transfer of its full (or unique) amount may still be its money.
  if (c.status === "closed" && (p.amount === c.amount || p.amount === c.payableAmount)) return "lapsed";
  return null;
}

const AMOUNT_SCORES: Record<AmountFit, number> = { unique: 1, exact: 1, channel: 1, tolerance: 0.8, twin: 1, lapsed: 1 };

const AMOUNT_NOTES: Record<AmountFit, Explanation> = {
  unique: { zh: "金额等于结账时为该订单给出的唯一应付金额", en: "amount equals the unique amount checkout asked for this order" },
  exact: { zh: "金额等于订单未付金额", en: "amount equals the order's open amount" },
  channel: { zh: "金额加渠道注明的优惠等于订单未付金额", en: "amount plus the discount the channel states equals the open amount" },
  tolerance: { zh: "金额在容差规则内略少于订单未付金额", en: "amount is slightly short of the open amount, within a tolerance rule" },
  twin: { zh: "金额等于一笔已（部分）付款的订单（可能是重复付款）", en: "amount equals an order already (partly) paid (possibly a duplicate payment)" },
  lapsed: {
    zh: "金额等于一笔未付款即已关闭（如超时）的订单的全额",
    en: "amount equals the full amount of an order closed before it was paid (it expired, say)",
  },
};

/** A closed order's suggestion never ranks above an open order's: the customer may have ordered again. */
const LAPSED_CONFIDENCE_CAP = 0.75;

interface Scored {
  order: CandidateOrder;
  fit: AmountFit;
  name: NameAgreement;
  score: number;
}

/**
 * The payer's agreement with a customer name, each name compared once per decision: a payer with
 * hundreds of orders, or a popular amount, puts the same few names in front of the engine many times.
 */
function nameAgreements(p: PaymentFacts, ctx: MatchContext): (customerName: string | null) => NameAgreement {
  const known = new Map<string | null, NameAgreement>();
  return (customerName) => {
    let agreement = known.get(customerName);
    if (agreement === undefined) known.set(customerName, (agreement = payerAgreement(p.payerName, ctx.aliasNames, customerName)));
    return agreement;
  };
}

function scoreCandidates(p: PaymentFacts, ctx: MatchContext, agreement: (customerName: string | null) => NameAgreement): Scored[] {
  const seen = new Set<string>();
  const out: Scored[] = [];
  for (const c of ctx.candidates) {
    if (seen.has(c.id)) continue;
    seen.add(c.id);
    const fit = amountFit(p, c, ctx.toleranceRules);
    if (!fit) continue;
    const name = agreement(c.customerName);
    const score = 0.45 * AMOUNT_SCORES[fit] + 0.45 * NAME_SCORES[name] + 0.1 * timeScore(p.receivedAt, c.createdAt);
    out.push({ order: c, fit, name, score: Math.round(score * 1000) / 1000 });
  }
  return out;
}

/** The older order first, then by id: a total order. */
const oldestFirst = (a: CandidateOrder, b: CandidateOrder) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1);

/** Best first; equal scores the older order first, then by id: a total order, so any subset ranks alike. */
const byRank = (a: Scored, b: Scored) => b.score - a.score || oldestFirst(a.order, b.order);

/** How a memo token was read as one of the merchant's references, in words. */
function typoNote(token: string, reference: string): Explanation {
  if (token.length < reference.length) {
    return { zh: `附言中的 ${token} 是订单参考号 ${reference} 漏了一个字符`, en: `memo token ${token} is reference ${reference} with one character left out` };
  }
  if (token.length > reference.length) {
    return { zh: `附言中的 ${token} 是订单参考号 ${reference} 多了一个字符`, en: `memo token ${token} is reference ${reference} with one character too many` };
  }
  return {
    zh: `附言中的 ${token} 与订单参考号 ${reference} 只差一个字符（校验位不符，判断为笔误）`,
    en: `memo token ${token} is one character away from reference ${reference} (its check character fails, so it is a typo)`,
  };
}

/** Reasons found in the memo that forbid matching on amount and payer alone. */
function memoBlockers(signals: MemoSignals, ctx: MatchContext, typoHits: Set<string>, numberHits: readonly OrderNumberHit[]): Explanation[] {
  const reasons: Explanation[] = [];
  // A token one symbol too long that repairs to an order holds two windows of reference length, each
  // passing the check now and then by chance: they are pieces of that token, not references of their own.
  // So are the windows and digit runs inside an order number the memo names.
  const numberTokens = numberHits.flatMap((h) => [h.key, foldMisreadSymbols(h.key)]);
  const insideHit = (t: string) => [...typoHits, ...numberTokens].some((hit) => hit.length > t.length && hit.includes(t)) || numberTokens.includes(t);
  const foreign = signals.validReferences.filter((r) => !ctx.ordersByReference.has(r) && !insideHit(r));
  if (foreign.length) {
    reasons.push({
      zh: `附言含有不属于本商户订单的参考号 ${foreign.join("、")}`,
      en: `memo carries reference ${foreign.join(", ")} that is not one of this merchant's orders`,
    });
  }
  const unresolved = signals.damagedTokens.filter((t) => !typoHits.has(t) && !insideHit(t));
  const tokens = [...unresolved, ...signals.numbers.filter((d) => !insideHit(d))];
  if (tokens.length) {
    reasons.push({
      zh: `附言含有无法对应到本商户订单的编号 ${tokens.join("、")}`,
      en: `memo carries identifier ${tokens.join(", ")} that points to none of this merchant's orders`,
    });
  }
  if (signals.nonSaleWord) {
    reasons.push({ zh: `附言「${signals.nonSaleWord}」表明这不是货款`, en: `memo says "${signals.nonSaleWord}", which is not a sale` });
  }
  return reasons;
}

/** Why a payout is never matched to an order: it is the merchant's own money coming from the channel. */
const payoutNote = (payer: string | null, word: string): Explanation => ({
  zh: `付款方 ${payer} 是支付机构，附言「${word}」：这是渠道的提现/结算到账，是商户自己的钱，不对应订单`,
  en: `the payer ${payer} is a payment institution and the memo says "${word}": a channel's payout of the merchant's own money, which pays no order`,
});

/** The payer's name agrees with the order's customer strongly enough to be identity evidence. */
const strong = (s: Scored) => NAME_SCORES[s.name] >= THRESHOLDS.STRONG_NAME;

/**
 * The payer's settled orders of this amount that are past purchases, given the scored candidates: placed
 * TWIN_HORIZON_DAYS before the open order and the money, or paid before the payer's open order was placed — the
 * customer ordered again knowing the first was paid, so an open order of the amount explains the money better than a
 * second payment of a paid one. (A twin paid after the open order was placed, as when both are settled from one
 * statement, may still be a duplicate payment.)
 */
function pastPurchases(p: PaymentFacts, scored: readonly Scored[]): { twins: Scored[]; paidBeforeOpen: boolean } {
  const openTimes = scored.filter((s) => s.fit !== "twin" && strong(s)).map((s) => s.order.createdAt.getTime());
  if (openTimes.length === 0) return { twins: [], paidBeforeOpen: false };
  const horizon = Math.min(Math.max(...openTimes), p.receivedAt.getTime()) - TWIN_HORIZON_DAYS * DAY;
  const firstOpen = Math.min(...openTimes);
  const placedLongAgo = (o: CandidateOrder) => o.createdAt.getTime() <= horizon;
  const paidBefore = (o: CandidateOrder) => !!o.paidAt && o.paidAt.getTime() < firstOpen;
  // Only orders the payer's name agrees with at all are the payer's: another customer's order of the amount is no one's past purchase here.
  const twins = scored.filter(
    (s) => s.fit === "twin" && NAME_SCORES[s.name] > 0 && isSettled(s.order.status as OrderStatus) && (placedLongAgo(s.order) || paidBefore(s.order)),
  );
  return { twins, paidBeforeOpen: twins.some((s) => !placedLongAgo(s.order)) };
}

/** Why the payer's paid orders of this amount were set aside as past purchases. */
function pastPurchaseNote(twins: readonly Scored[], paidBeforeOpen: boolean): Explanation {
  const zh = twins.map((t) => t.order.reference).join("、");
  const en = twins.map((t) => t.order.reference).join(", ");
  return paidBeforeOpen
    ? { zh: `同一付款人同金额的订单 ${zh} 在本订单下单前已付清，视为以往的购买`, en: `order ${en} of this payer with this amount was paid before this order was placed: a past purchase` }
    : {
        zh: `同一付款人同金额的订单 ${zh} 下单已逾 ${TWIN_HORIZON_DAYS} 天且已付清，视为以往的购买`,
        en: `order ${en} of this payer with this amount, placed ${TWIN_HORIZON_DAYS}+ days earlier, is paid: a past purchase`,
      };
}

/**
 * The match a unique amount makes: checkout asked this order's customer, and no other open order, for
 * exactly this amount, so the amount names the order as a reference would. Not when the memo points
 * elsewhere, the payer is clearly someone else, another open order asks the same amount in full, a
 * paid or expired order of the payer asked it before (unless this order is the payer's too), or the
 * money came before the order (and its amount) existed: then it is only suggested.
 */
function decideUniqueAmount(p: PaymentFacts, all: readonly Scored[], ctx: MatchContext, blocked: boolean): MatchResult | null {
  const hits = all.filter((s) => s.fit === "unique");
  if (hits.length !== 1 || blocked) return null;
  const [hit] = hits;
  // The amount is unique among open orders only: the payer's paid or expired order may have asked it
  // before this one was given it (a second transfer of it, a late one). Only the payer's name then tells.
  const payersEarlier = all.some((s) => s !== hit && (s.fit === "twin" || s.fit === "lapsed") && strong(s));
  const rivals = all.filter((s) => s !== hit && (s.fit === "exact" || s.fit === "channel"));
  if (rivals.length > 0 || (payersEarlier && !strong(hit))) return null;
  if (hit.name === "different" || p.receivedAt.getTime() < hit.order.createdAt.getTime() - DAY) return null;
  const settlement = settle(p, [{ order: hit.order, amount: p.amount }], ctx.toleranceRules);
  return {
    kind: "match",
    method: "unique_amount",
    confidence: strong(hit) ? 0.97 : 0.93,
    allocations: single(hit.order, p.amount),
    writeOffs: settlement.writeOffs,
    amountMismatch: settlement.mismatch,
    explanation: joinExplanations([
      {
        zh: `附言没有参考号；金额 ${amountIn(p.amount, p.currency)} 是结账时为订单 ${hit.order.orderNo}（${hit.order.reference}）给出的唯一应付金额，没有其他未付订单应付此金额`,
        en: `no reference in the memo; ${amountIn(p.amount, p.currency)} is the unique amount checkout asked for order ${hit.order.orderNo} (${hit.order.reference}), and no other open order asks it`,
      },
      nameNote(hit.name, p.payerName, hit.order.customerName),
      ...(settlement.note ? [settlement.note] : []),
    ]),
  };
}

/** An order number the memo carries (folded) and the merchant's orders that have it. */
interface OrderNumberHit {
  key: string;
  orders: readonly CandidateOrder[];
}

const MAX_ORDERS_BY_NUMBER = 5;

function orderNumberNote(hit: OrderNumberHit, order: CandidateOrder): Explanation {
  return { zh: `附言中的编号 ${hit.key} 是订单 ${order.orderNo}（${order.reference}）的订单号`, en: `memo number ${hit.key} is the order number of order ${order.orderNo} (${order.reference})` };
}

/**
 * The orders the memo names by order number. A number has no check character, and shops number
 * orders in sequence, so one mistyped digit names the neighbouring order: a number is trusted only
 * when everything else agrees. One order per number, open, the memo pointing nowhere else, and the
 * payer's name agreeing with the customer's; then one number takes the payment as a reference would
 * (an amount that differs is settled and signalled like one), and several take it when it equals
 * their open amounts together (one payer settling a friend's order with their own: the payer need be
 * only one of the customers). Otherwise each named order is suggested.
 */
function decideByOrderNumber(
  p: PaymentFacts,
  hits: readonly OrderNumberHit[],
  ctx: MatchContext,
  agreement: (customerName: string | null) => NameAgreement,
  pointsElsewhere: boolean,
): { match: MatchResult | null; suggestions: SuggestionDecision[]; why: Explanation[] } {
  const why: Explanation[] = [];
  const named = new Map<string, { order: CandidateOrder; hit: OrderNumberHit }>();
  for (const hit of hits) for (const order of hit.orders) if (!named.has(order.id)) named.set(order.id, { order, hit });
  const shared = hits.filter((h) => h.orders.length > 1);
  for (const h of shared) {
    why.push({
      zh: `订单号 ${h.key} 同时属于 ${h.orders.length} 笔不同来源的订单，无法确定是哪一笔`,
      en: `order number ${h.key} belongs to ${h.orders.length} orders from different sources; which one is not clear`,
    });
  }
  const entries = [...named.values()];
  const open = (o: CandidateOrder) => OPEN.has(o.status) && o.openAmount > 0;
  const payers = entries.filter((e) => NAME_SCORES[agreement(e.order.customerName)] >= THRESHOLDS.STRONG_NAME);
  if (!pointsElsewhere && shared.length === 0 && entries.length <= MAX_ORDERS_BY_NUMBER && payers.length > 0 && entries.every((e) => open(e.order))) {
    const orders = entries.map((e) => e.order);
    if (!isRejected(p, orders.map((o) => o.reference))) {
      if (orders.length === 1) {
        const [{ order, hit }] = entries;
        const fit = amountFit(p, order, ctx.toleranceRules);
        const fits = fit !== null && fit !== "twin" && fit !== "lapsed";
        const settlement = settle(p, [{ order, amount: p.amount }], ctx.toleranceRules);
        return {
          match: {
            kind: "match",
            method: "order_no_in_memo",
            confidence: fits ? 0.97 : 0.9,
            allocations: single(order, p.amount),
            writeOffs: settlement.writeOffs,
            amountMismatch: settlement.mismatch,
            explanation: joinExplanations([
              orderNumberNote(hit, order),
              ...(fits ? [AMOUNT_NOTES[fit]] : []),
              nameNote(agreement(order.customerName), p.payerName, order.customerName),
              ...(settlement.note ? [settlement.note] : []),
            ]),
          },
          suggestions: [],
          why,
        };
      } else if (orders.reduce((sum, o) => sum + o.openAmount, 0) === p.amount) {
        const sorted = [...orders].sort(oldestFirst);
        return {
          match: {
            kind: "match",
            method: "order_no_in_memo",
            confidence: 0.95,
            allocations: sorted.map((o) => ({ orderId: o.id, reference: o.reference, amount: o.openAmount })),
            writeOffs: [],
            amountMismatch: null,
            explanation: joinExplanations([
              ...entries.map((e) => orderNumberNote(e.hit, e.order)),
              { zh: "金额等于这些订单未付金额之和", en: "amount equals the sum of their open amounts" },
              nameNote(agreement(payers[0].order.customerName), p.payerName, payers[0].order.customerName),
            ]),
          },
          suggestions: [],
          why,
        };
      }
    }
  }
  const suggestions: SuggestionDecision[] = [];
  for (const { order, hit } of entries) {
    if (isRejected(p, [order.reference])) continue;
    const fit = amountFit(p, order, ctx.toleranceRules);
    const settled = !open(order);
    suggestions.push({
      references: [order.reference],
      allocations: [{ reference: order.reference, amount: settled ? p.amount : Math.min(p.amount, order.openAmount) }],
      method: "order_no_in_memo",
      confidence: settled ? 0.5 : fit && fit !== "twin" && fit !== "lapsed" ? 0.85 : 0.6,
      explanation: joinExplanations([
        orderNumberNote(hit, order),
        settled
          ? { zh: "该订单已没有未付金额（已付清或已关闭）：可能是重复付款", en: "the order has nothing left to pay (paid or closed): possibly a duplicate payment" }
          : fit
            ? AMOUNT_NOTES[fit]
            : { zh: `金额 ${amountIn(p.amount, p.currency)} 与未付金额 ${amountIn(order.openAmount, order.currency)} 不一致`, en: `amount ${amountIn(p.amount, p.currency)} differs from the open amount ${amountIn(order.openAmount, order.currency)}` },
        nameNote(agreement(order.customerName), p.payerName, order.customerName),
      ]),
    });
  }
  return { match: null, suggestions, why };
}

function single(order: CandidateOrder, amount: number): AllocationDecision[] {
  return [{ orderId: order.id, reference: order.reference, amount }];
}

function toSuggestion(s: Scored, p: PaymentFacts): SuggestionDecision {
  return {
    references: [s.order.reference],
    allocations: [{ reference: s.order.reference, amount: Math.min(p.amount, s.order.openAmount) }],
    method: s.fit === "unique" ? "unique_amount" : "amount_payer",
    confidence: s.score,
    explanation: joinExplanations([
      { zh: `订单 ${s.order.orderNo}（${s.order.reference}）`, en: `order ${s.order.orderNo} (${s.order.reference})` },
      AMOUNT_NOTES[s.fit],
      nameNote(s.name, p.payerName, s.order.customerName),
      ...timingNotes(p.receivedAt, s.order.createdAt),
    ]),
  };
}

/** Age key of a group: its newest order first, then the sum of creation times; smaller = older. */
const groupAge = (g: readonly CandidateOrder[]) => [Math.max(...g.map((o) => o.createdAt.getTime())), g.reduce((s, o) => s + o.createdAt.getTime(), 0)];
const amountsKey = (g: readonly CandidateOrder[]) => g.map((o) => o.openAmount).sort((a, b) => a - b).join(",");

/**
 * Decides one payment: exact reference → order(s); else a reference one typo away (the check
 * character tells a typo from a real reference); else amount + payer among the window's orders;
 * else the exact sum of 2–5 of the same payer's open orders. Anything short of certain becomes
 * ranked suggestions for a person. Pure and deterministic: same payment and context, same result.
 */
/** The context without the orders of another currency than `currency`: their amounts do not compare with the payment's. */
function inCurrency(ctx: MatchContext, currency: string): MatchContext {
  const same = (o: CandidateOrder) => o.currency === currency;
  let candidates: readonly CandidateOrder[] | null = null;
  const byNumber = ctx.ordersByOrderNumber;
  return {
    ordersByReference: ctx.ordersByReference,
    get candidates() {
      return (candidates ??= ctx.candidates.filter(same));
    },
    aliasNames: ctx.aliasNames,
    toleranceRules: ctx.toleranceRules,
    ordersByOrderNumber: byNumber && { get: (key: string) => byNumber.get(key)?.filter(same) },
  };
}

export function decideMatch(p: PaymentFacts, allCurrencies: MatchContext): MatchResult {
  const ctx = inCurrency(allCurrencies, p.currency);
  const exact = decideExactMatch(p, ctx.ordersByReference);
  if (exact) {
    const lines = exact.allocations.map((a) => ({ order: ctx.ordersByReference.get(a.reference)!, amount: a.amount }));
    const foreign = lines.find((l) => l.order.currency !== p.currency);
    if (foreign) {
      // The reference is certain but the amounts are not comparable: a person converts and matches by hand.
      return {
        kind: "none",
        explanation: {
          zh: `参考号 ${foreign.order.reference} 对应的订单以 ${foreign.order.currency} 计价，这笔款项是 ${p.currency}：币种不同，需人工处理`,
          en: `reference ${foreign.order.reference} names an order priced in ${foreign.order.currency}, and this money is ${p.currency}: the currencies differ, a person must decide`,
        },
      };
    }
    const settlement = settle(p, lines, ctx.toleranceRules);
    return {
      kind: "match",
      method: exact.method,
      confidence: exact.confidence,
      allocations: lines.map((l) => ({ orderId: l.order.id, reference: l.order.reference, amount: l.amount })),
      writeOffs: settlement.writeOffs,
      amountMismatch: settlement.mismatch,
      explanation: settlement.note ? joinExplanations([exact.explanation, settlement.note]) : exact.explanation,
    };
  }

  const signals = readMemo(p.reference, p.memo);
  const suggestions: SuggestionDecision[] = [];
  const agreement = nameAgreements(p, ctx);

  // A reference one typo away (a symbol wrong, two swapped, one left out or one too many): exactly one of the merchant's orders repairs the token.
  const typoHits = new Set<string>();
  const typoOrders = new Map<string, { order: CandidateOrder; token: string }>();
  for (const [token, repairs] of signals.repairs) {
    for (const r of repairs) {
      const order = ctx.ordersByReference.get(r);
      if (!order || order.currency !== p.currency) continue;
      typoHits.add(token);
      if (!typoOrders.has(order.id)) typoOrders.set(order.id, { order, token });
    }
  }
  const numberHits: OrderNumberHit[] = signals.orderNumbers
    .map((key) => ({ key, orders: ctx.ordersByOrderNumber?.get(key) ?? [] }))
    .filter((h) => h.orders.length > 0);
  const payout = payoutWord(p.payerName, p.memo);
  const blockers = [...memoBlockers(signals, ctx, typoHits, numberHits), ...(payout ? [payoutNote(p.payerName, payout)] : [])];
  const why: Explanation[] = [...blockers];
  const byNumber = new Set(numberHits.flatMap((h) => h.orders.map((o) => o.id)));
  if (numberHits.length > 0) {
    const typoElsewhere = [...typoOrders.keys()].some((id) => !byNumber.has(id));
    const decided = decideByOrderNumber(p, numberHits, ctx, agreement, blockers.length > 0 || typoElsewhere);
    if (decided.match) return decided.match;
    suggestions.push(...decided.suggestions);
    why.push(...decided.why);
  }
  // The memo names orders (by a mistyped reference or an order number): amount and payer alone never choose another.
  const memoNamesOrders = typoOrders.size > 0 || numberHits.length > 0;
  for (const { order, token } of typoOrders.values()) {
    const fit = amountFit(p, order, ctx.toleranceRules);
    const name = agreement(order.customerName);
    const refNote = typoNote(token, order.reference);
    // Chance alone almost never repairs a token into one of the merchant's references, so one such
    // order plus a fitting amount is certain enough, unless the payer contradicts it or the memo
    // also points elsewhere.
    const certain =
      typoOrders.size === 1 && [...byNumber].every((id) => id === order.id) && fit !== null && fit !== "twin" && name !== "different" && blockers.length === 0 && !isRejected(p, [order.reference]);
    if (certain) {
      const settlement = settle(p, [{ order, amount: p.amount }], ctx.toleranceRules);
      return {
        kind: "match",
        method: "typo_reference",
        confidence: name === "unknown" ? 0.93 : 0.97,
        allocations: single(order, p.amount),
        writeOffs: settlement.writeOffs,
        amountMismatch: settlement.mismatch,
        explanation: joinExplanations([refNote, AMOUNT_NOTES[fit], nameNote(name, p.payerName, order.customerName), ...(settlement.note ? [settlement.note] : [])]),
      };
    }
    if (isRejected(p, [order.reference])) continue;
    suggestions.push({
      references: [order.reference],
      allocations: [{ reference: order.reference, amount: Math.min(p.amount, order.openAmount || p.amount) }],
      method: "typo_reference",
      confidence: fit && fit !== "twin" ? 0.8 : 0.6,
      explanation: joinExplanations([
        refNote,
        fit ? AMOUNT_NOTES[fit] : { zh: `金额 ${amountIn(p.amount, p.currency)} 与未付金额 ${amountIn(order.openAmount, order.currency)} 不一致`, en: `amount ${amountIn(p.amount, p.currency)} differs from the open amount ${amountIn(order.openAmount, order.currency)}` },
        nameNote(name, p.payerName, order.customerName),
      ]),
    });
  }

  if (!p.payerName && ctx.aliasNames.length === 0) why.push({ zh: "没有付款人名称，不能只凭金额匹配", en: "no payer name, and amount alone is never enough" });
  if (isPaymentInstitution(p.payerName) && !payout) {
    why.push({
      zh: `付款方 ${p.payerName} 是支付机构而非客户：可能是渠道结算（提现）款，也可能是客户经该机构的转账`,
      en: `the payer ${p.payerName} is a payment institution, not a customer: possibly a channel's settlement (payout), or a customer's transfer through it`,
    });
  }

  // Amount + payer: one open order of this payer with this amount, and nothing else close.
  const all = scoreCandidates(p, ctx, agreement).filter((s) => !isRejected(p, [s.order.reference]));
  // Closed orders neither match nor stand in an open order's way: they are only suggested, after it.
  const lapsed = all.filter((s) => s.fit === "lapsed");
  const current = all.filter((s) => s.fit !== "lapsed");
  const byUniqueAmount = decideUniqueAmount(p, all, ctx, blockers.length > 0 || memoNamesOrders);
  if (byUniqueAmount) return byUniqueAmount;
  const past = pastPurchases(p, current);
  const pastTwins = past.twins;
  let scored = current.filter((s) => !pastTwins.includes(s));
  const amountOnlyCount = scored.filter((s) => s.fit !== "twin" && NAME_SCORES[s.name] === 0).length;
  // Beyond a few, orders that share only the amount are never suggested; they score 0.55 at most and
  // an order with any name agreement 0.63 at least, so they are the tail of the ranking and decide
  // nothing but through their count. At a popular price there are hundreds: counted, then left out
  // before ranking.
  // An order's unique amount is more than a shared amount: it stays whatever the count.
  if (amountOnlyCount > THRESHOLDS.MAX_AMOUNT_ONLY) scored = scored.filter((s) => NAME_SCORES[s.name] > 0 || s.fit === "unique");
  scored.sort(byRank);
  const [best, second] = scored;
  if (best && !memoNamesOrders) {
    const strong = best.fit !== "twin" && NAME_SCORES[best.name] >= THRESHOLDS.STRONG_NAME && best.score >= THRESHOLDS.AUTO;
    const clear = !second || best.score - second.score >= THRESHOLDS.MARGIN;
    if (strong && clear && blockers.length === 0) {
      const settlement = settle(p, [{ order: best.order, amount: p.amount }], ctx.toleranceRules);
      return {
        kind: "match",
        method: "amount_payer",
        confidence: Math.min(0.95, best.score - 0.05),
        allocations: single(best.order, p.amount),
        writeOffs: settlement.writeOffs,
        amountMismatch: null,
        explanation: joinExplanations([
          { zh: `附言没有参考号；订单 ${best.order.orderNo}（${best.order.reference}）`, en: `no reference in the memo; order ${best.order.orderNo} (${best.order.reference})` },
          AMOUNT_NOTES[best.fit],
          nameNote(best.name, p.payerName, best.order.customerName),
          ...timingNotes(p.receivedAt, best.order.createdAt),
          pastTwins.length
            ? pastPurchaseNote(pastTwins, past.paidBeforeOpen)
            : { zh: "窗口内没有同一付款人同金额的其他订单", en: "no other order of this payer with this amount in the window" },
          ...(settlement.note ? [settlement.note] : []),
        ]),
      };
    }
    // What held it back is told the same whichever of the close candidates sorts first.
    const close = scored.filter((s) => best.score - s.score < THRESHOLDS.MARGIN);
    const rivals = close.filter((s) => s.fit !== "twin");
    if (rivals.length > 1 && NAME_SCORES[rivals[0].name] >= THRESHOLDS.STRONG_NAME && rivals[0].score >= THRESHOLDS.AUTO) {
      why.push({
        zh: `有 ${rivals.length} 笔订单同样符合，不自动选择`,
        en: `${rivals.length} orders fit equally well, none is chosen automatically`,
      });
    }
    const twin = close.find((s) => s.fit === "twin" && NAME_SCORES[s.name] >= THRESHOLDS.STRONG_NAME);
    if (twin) {
      why.push({
        zh: `同一付款人同金额的订单 ${twin.order.reference} 已（部分）付款，可能是重复付款`,
        en: `order ${twin.order.reference} of this payer with this amount is already (partly) paid: possibly a duplicate payment`,
      });
    }
  }
  const open = scored.filter((s) => s.fit !== "twin");
  for (const s of open) {
    if (s.score < THRESHOLDS.SUGGEST) continue;
    // Same amount, nothing else in common: worth a look only when few orders share the amount and the memo does not point elsewhere.
    if (NAME_SCORES[s.name] === 0 && s.fit !== "unique" && (amountOnlyCount > THRESHOLDS.MAX_AMOUNT_ONLY || blockers.length > 0)) continue;
    suggestions.push(toSuggestion(s, p));
  }
  // A closed order is worth a look only when the payer is its customer: abandoned checkouts share popular amounts.
  for (const s of lapsed.sort(byRank)) {
    if (NAME_SCORES[s.name] < THRESHOLDS.STRONG_NAME) continue;
    const suggestion = toSuggestion(s, p);
    suggestions.push({ ...suggestion, confidence: Math.min(suggestion.confidence, LAPSED_CONFIDENCE_CAP) });
  }

  // The exact sum of 2–5 open orders of the same payer (no single order fits).
  const strongSingle = open.some((s) => NAME_SCORES[s.name] >= THRESHOLDS.STRONG_NAME);
  if (!strongSingle && !memoNamesOrders) {
    // exactSumGroups uses (and counts) only the orders open for no more than the payment: the others are not even compared by name.
    const payerOrders = ctx.candidates.filter(
      (c) => OPEN.has(c.status) && c.openAmount > 0 && c.openAmount <= p.amount && NAME_SCORES[agreement(c.customerName)] >= THRESHOLDS.STRONG_NAME,
    );
    const unique = [...new Map(payerOrders.map((o) => [o.id, o])).values()];
    const byId = new Map(unique.map((o) => [o.id, o]));
    const groups = (exactSumGroups(unique.map((o) => ({ id: o.id, amount: o.openAmount })), p.amount) ?? [])
      .map((g) => g.map((i) => byId.get(i.id)!).sort(oldestFirst))
      .filter((g) => !isRejected(p, g.map((o) => o.reference)))
      .sort((a, b) => {
        const [x, y] = [groupAge(a), groupAge(b)];
        return x[0] - y[0] || x[1] - y[1];
      });
    if (groups.length > 0) {
      const [top, next] = groups;
      const olderThanNext = next ? groupAge(top)[0] < groupAge(next)[0] || (groupAge(top)[0] === groupAge(next)[0] && groupAge(top)[1] < groupAge(next)[1]) : true;
      const interchangeable = next !== undefined && amountsKey(top) === amountsKey(next);
      const describe = (g: CandidateOrder[]): Explanation => ({
        zh: `附言没有参考号；金额正好等于同一付款人 ${g.length} 笔未付订单之和（${g.map((o) => `${o.reference} ${amountIn(o.openAmount, o.currency)}`).join("，")}）`,
        en: `no reference in the memo; amount equals exactly the sum of ${g.length} open orders of this payer (${g.map((o) => `${o.reference} ${amountIn(o.openAmount, o.currency)}`).join(", ")})`,
      });
      if (blockers.length === 0 && olderThanNext && !interchangeable) {
        return {
          kind: "match",
          method: "amount_payer_sum",
          confidence: next ? 0.85 : 0.88,
          allocations: top.map((o) => ({ orderId: o.id, reference: o.reference, amount: o.openAmount })),
          writeOffs: [],
          amountMismatch: null,
          explanation: joinExplanations([
            describe(top),
            nameNote(agreement(top[0].customerName), p.payerName, top[0].customerName),
            next
              ? { zh: `另有 ${groups.length - 1} 组同样大小的组合，选择最早的订单`, en: `${groups.length - 1} other group(s) of the same size exist; the oldest orders were chosen` }
              : { zh: "没有其他组合", en: "no other combination fits" },
          ]),
        };
      }
      if (interchangeable) why.push({ zh: "有多组金额相同的订单组合，无法区分", en: "several groups of orders with the same amounts fit, they cannot be told apart" });
      for (const g of groups.slice(0, 3)) {
        suggestions.push({
          references: g.map((o) => o.reference),
          allocations: g.map((o) => ({ reference: o.reference, amount: o.openAmount })),
          method: "amount_payer_sum",
          confidence: 0.7,
          explanation: describe(g),
        });
      }
    }
  }

  // Nothing fits the amount: the payer's open orders, oldest first, for a person to confirm or match by
  // hand. For more than the payment: a deposit, a first instalment, a price agreed off the books; for
  // less: the order's amount plus something else (shipping, a second purchase not yet recorded).
  if (suggestions.length === 0 && blockers.length === 0) {
    const payerOrders = ctx.candidates.filter(
      (c) =>
        OPEN.has(c.status) && c.openAmount > 0 && c.openAmount !== p.amount && NAME_SCORES[agreement(c.customerName)] >= THRESHOLDS.STRONG_NAME && !isRejected(p, [c.reference]),
    );
    const unique = [...new Map(payerOrders.map((o) => [o.id, o])).values()].sort(oldestFirst);
    for (const o of unique.slice(0, THRESHOLDS.MAX_PARTIAL)) {
      const part = p.amount < o.openAmount;
      suggestions.push({
        references: [o.reference],
        allocations: [{ reference: o.reference, amount: Math.min(p.amount, o.openAmount) }],
        method: part ? "amount_payer_partial" : "amount_payer_over",
        confidence: THRESHOLDS.SUGGEST,
        explanation: joinExplanations([
          { zh: `订单 ${o.orderNo}（${o.reference}）`, en: `order ${o.orderNo} (${o.reference})` },
          part
            ? {
                zh: `金额 ${amountIn(p.amount, p.currency)} 少于未付金额 ${amountIn(o.openAmount, o.currency)}：可能是定金或分期付款`,
                en: `amount ${amountIn(p.amount, p.currency)} is less than the open amount ${amountIn(o.openAmount, o.currency)}: possibly a deposit or an instalment`,
              }
            : {
                zh: `金额 ${amountIn(p.amount, p.currency)} 多于未付金额 ${amountIn(o.openAmount, o.currency)}，多出 ${amountIn(p.amount - o.openAmount, p.currency)}：可能含运费或另一笔款项`,
                en: `amount ${amountIn(p.amount, p.currency)} is more than the open amount ${amountIn(o.openAmount, o.currency)} by ${amountIn(p.amount - o.openAmount, p.currency)}: possibly shipping or another purchase as well`,
              },
          nameNote(agreement(o.customerName), p.payerName, o.customerName),
          ...timingNotes(p.receivedAt, o.createdAt),
        ]),
      });
    }
  }

  const ranked = suggestions
    .filter((s, i, all) => all.findIndex((o) => sameSet(o.references, s.references)) === i)
    .sort((a, b) => b.confidence - a.confidence)
    .slice(0, THRESHOLDS.MAX_SUGGESTIONS);
  if (ranked.length > 0) {
    return {
      kind: "suggest",
      suggestions: ranked,
      explanation: joinExplanations([
        { zh: `有 ${ranked.length} 个候选，需要人工确认`, en: `${ranked.length} candidate(s), a person must confirm` },
        ...why,
      ]),
    };
  }
  return {
    kind: "none",
    explanation: joinExplanations([{ zh: "没有找到相符的订单", en: "no fitting order found" }, ...why]),
  };
}
