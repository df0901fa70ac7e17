import { describe, expect, it } from "vitest";
import { MAX_TAIL_FEN, payableCandidates, payableRange, pickPayableAmount } from "@/lib/core/checkout/unique-amount";
import { decideMatch } from "@/lib/core/matching/engine";
import type { MatchResult } from "@/lib/core/matching/types";
import { context, order, payment, T0 } from "@/tests/fixtures/matching/engine-fixtures";

const DAY = 86_400_000;
function asMatch(r: MatchResult) {
  if (r.kind !== "match") throw new Error(`expected a match, got ${r.kind}: ${r.explanation.en}`);
  return r;
}
function asSuggest(r: MatchResult) {
  if (r.kind !== "suggest") throw new Error(`expected suggestions, got ${r.kind}: ${r.explanation.en}`);
  return r;
}

describe("picking a unique amount", () => {
  it("takes the smallest free tail", () => {
    expect(pickPayableAmount(10000, [])).toBe(9999);
    expect(pickPayableAmount(10000, [9999, 9998, 9996])).toBe(9997);
  });

  it("offers tails of 1 to 99 fen, never the whole amount", () => {
    expect(payableCandidates(10000)).toHaveLength(MAX_TAIL_FEN);
    expect(payableRange(10000)).toEqual({ lowest: 9901, highest: 9999 });
    expect(payableCandidates(3)).toEqual([2, 1]);
    expect(payableRange(1)).toBeNull();
  });

  it("answers null when every tail is taken", () => {
    expect(pickPayableAmount(10000, payableCandidates(10000))).toBeNull();
    expect(pickPayableAmount(2, [1])).toBeNull();
  });
});

describe("no reference: the unique amount checkout asked for", () => {
  const asked = (extra: Partial<Parameters<typeof order>[0]> = {}) => order({ amount: 10000, payableAmount: 9997, customerName: "张三", ...extra });

  it("matches its order by the amount alone and writes off the tail as the unique-amount discount", () => {
    const o = asked();
    const other = order({ amount: 10000, customerName: "李四" });
    const r = asMatch(decideMatch(payment({ amount: 9997, payerName: null }), context([o, other])));
    expect(r).toMatchObject({ method: "unique_amount", confidence: 0.93, allocations: [{ orderId: o.id, amount: 9997 }], amountMismatch: null });
    expect(r.writeOffs).toEqual([{ orderId: o.id, amount: 3, cause: "unique_amount", source: "checkout" }]);
    expect(r.explanation.zh).toContain("唯一应付金额");
    expect(r.explanation.en).toContain("unique amount");
  });

  it("is surer when the payer's name agrees", () => {
    const r = asMatch(decideMatch(payment({ amount: 9997, payerName: "张三" }), context([asked()])));
    expect(r.confidence).toBe(0.97);
  });

  it("a payer with another name only gets a suggestion", () => {
    const o = asked();
    const r = asSuggest(decideMatch(payment({ amount: 9997, payerName: "王五" }), context([o])));
    expect(r.suggestions[0]).toMatchObject({ references: [o.reference], method: "unique_amount", allocations: [{ reference: o.reference, amount: 9997 }] });
  });

  it("another open order asking exactly this amount makes it a suggestion, both shown", () => {
    const o = asked();
    const full = order({ amount: 9997, customerName: "赵六" });
    const r = asSuggest(decideMatch(payment({ amount: 9997, payerName: null }), context([o, full])));
    expect(r.suggestions.map((s) => s.references[0]).sort()).toEqual([o.reference, full.reference].sort());
  });

  it("two open orders holding the same unique amount (one reopened) are never chosen between", () => {
    const a = asked();
    const b = asked({ customerName: "李四" });
    const r = decideMatch(payment({ amount: 9997, payerName: null }), context([a, b]));
    expect(r.kind).toBe("suggest");
  });

  it("money booked more than a day before the order existed is no match: its amount was not asked yet", () => {
    const o = asked({ createdAt: new Date(T0.getTime() + 3 * DAY) });
    expect(decideMatch(payment({ amount: 9997, payerName: null }), context([o])).kind).not.toBe("match");
    expect(decideMatch(payment({ amount: 9997, payerName: null }), context([asked({ createdAt: new Date(T0.getTime() + 3 * 3600_000) })])).kind).toBe("match");
  });

  it("an order already partly paid no longer asks its unique amount", () => {
    const o = asked({ openAmount: 6000, status: "partially_paid" });
    expect(decideMatch(payment({ amount: 9997, payerName: null }), context([o])).kind).toBe("none");
  });

  it("a memo naming an identifier of no order holds it back", () => {
    const o = asked();
    const r = asSuggest(decideMatch(payment({ amount: 9997, payerName: null, memo: "合同号 2026112077" }), context([o])));
    expect(r.suggestions[0].references).toEqual([o.reference]);
  });

  it("a rejected suggestion is not matched again", () => {
    const o = asked();
    const r = decideMatch(payment({ amount: 9997, payerName: null, rejected: [[o.reference]] }), context([o]));
    expect(r.kind).toBe("none");
  });

  it("the full amount still pays the order, with no write-off", () => {
    const o = asked();
    const r = asMatch(decideMatch(payment({ amount: 10000, payerName: "张三" }), context([o])));
    expect(r).toMatchObject({ method: "amount_payer", writeOffs: [], amountMismatch: null });
  });

  it("the reference in the memo with the unique amount settles the order, the tail written off", () => {
    const o = asked();
    const r = asMatch(decideMatch(payment({ amount: 9997, memo: `货款 ${o.reference}` }), context([o])));
    expect(r).toMatchObject({ method: "reference_in_memo", amountMismatch: null });
    expect(r.writeOffs).toEqual([{ orderId: o.id, amount: 3, cause: "unique_amount", source: "checkout" }]);
  });

  it("an expired order's unique amount, paid late by its customer, is suggested for it (never matched)", () => {
    const closed = asked({ status: "closed" });
    const r = asSuggest(decideMatch(payment({ amount: 9997, payerName: "张三" }), context([closed])));
    expect(r.suggestions[0]).toMatchObject({ references: [closed.reference], allocations: [{ reference: closed.reference, amount: 9997 }] });
    expect(r.suggestions[0].confidence).toBeLessThanOrEqual(0.75);
  });

  it("a new order given the amount an expired order of the payer asked before is not matched over it", () => {
    const closed = asked({ status: "closed", createdAt: new Date(T0.getTime() - 2 * DAY) });
    const fresh = asked({ customerName: null });
    const r = asSuggest(decideMatch(payment({ amount: 9997, payerName: "张三" }), context([closed, fresh])));
    expect(r.suggestions.map((s) => s.references[0]).sort()).toEqual([closed.reference, fresh.reference].sort());
    // Without the expired order the new one is matched by its unique amount.
    expect(asMatch(decideMatch(payment({ amount: 9997, payerName: "张三" }), context([fresh]))).method).toBe("unique_amount");
  });

  it("the payer's paid order that asked the amount before keeps a nameless new order given it since from being matched: a second transfer?", () => {
    const paid = asked({ status: "paid", openAmount: 0, createdAt: new Date(T0.getTime() - 2 * DAY) });
    const fresh = asked({ customerName: null });
    const r = asSuggest(decideMatch(payment({ amount: 9997, payerName: "张三" }), context([paid, fresh])));
    expect(r.suggestions.map((s) => s.references)).toEqual([[fresh.reference]]);
    expect(r.explanation.zh).toContain("重复付款");
    // The new order is the payer's own: it was asked of them, it is matched.
    const own = asked();
    expect(asMatch(decideMatch(payment({ amount: 9997, payerName: "张三" }), context([paid, own]))).allocations[0].orderId).toBe(own.id);
  });
});
