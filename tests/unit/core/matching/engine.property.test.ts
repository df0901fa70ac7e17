import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decideMatch } from "@/lib/core/matching/engine";
import type { CandidateOrder } from "@/lib/core/matching/types";
import { bankFeeRule, context, order, payment, T0, typoOf } from "@/tests/fixtures/matching/engine-fixtures";
import { referenceArb } from "@/tests/unit/core/reference/arbitraries";

const NAMES = ["张三", "李四", "王五", "上海恒达贸易有限公司", "恒达贸易", null];
const AMOUNTS = [1990, 5900, 9900, 12800, 3000, 7000];

const orderArb = fc
  .record({
    reference: referenceArb(10),
    amount: fc.constantFrom(...AMOUNTS),
    paidFraction: fc.constantFrom(0, 0, 0, 0.5, 1),
    name: fc.constantFrom(...NAMES),
    ageDays: fc.integer({ min: 0, max: 20 }),
  })
  .map(({ reference, amount, paidFraction, name, ageDays }) => {
    const paid = Math.floor(amount * paidFraction);
    return order({
      reference,
      amount,
      openAmount: amount - paid,
      status: paid === 0 ? "pending" : paid < amount ? "partially_paid" : "paid",
      customerName: name,
      createdAt: new Date(T0.getTime() + ageDays * 86_400_000),
    });
  });

const scenarioArb = fc
  .record({
    orders: fc.uniqueArray(orderArb, { minLength: 1, maxLength: 8, selector: (o) => o.reference }),
    foreign: referenceArb(10),
    memoKind: fc.constantFrom("none", "ref", "two", "foreign", "typo", "number"),
    pick: fc.nat(),
    amount: fc.oneof(fc.constantFrom(...AMOUNTS, 10000, 19800), fc.integer({ min: 1, max: 50000 })),
    payer: fc.constantFrom(...NAMES),
    withRule: fc.boolean(),
  })
  .map((s) => {
    const target = s.orders[s.pick % s.orders.length];
    const second = s.orders[(s.pick + 1) % s.orders.length];
    const memo = {
      none: "货款",
      ref: `付款 ${target.reference}`,
      two: `${target.reference},${second.reference}`,
      foreign: s.foreign,
      typo: `货款${typoOf(target.reference)}`,
      number: "货款4549880175",
    }[s.memoKind];
    return { ...s, memo };
  });

const ids = (orders: CandidateOrder[]) => new Set(orders.map((o) => o.id));

describe("matching engine properties", () => {
  it("allocations never exceed the payment, go only to the merchant's orders, and are positive", () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const p = payment({ amount: s.amount, memo: s.memo, payerName: s.payer });
        const r = decideMatch(p, context(s.orders, { toleranceRules: s.withRule ? [bankFeeRule] : [] }));
        if (r.kind !== "match") return;
        const total = r.allocations.reduce((sum, a) => sum + a.amount, 0);
        expect(total).toBeLessThanOrEqual(p.amount);
        for (const a of r.allocations) {
          expect(ids(s.orders).has(a.orderId)).toBe(true);
          expect(a.amount).toBeGreaterThan(0);
        }
        for (const w of r.writeOffs) expect(r.allocations.some((a) => a.orderId === w.orderId)).toBe(true);
        if (s.memoKind === "foreign" || s.memoKind === "number") expect(["reference", "reference_in_memo", "multi_reference"]).not.toContain(r.method);
      }),
      { numRuns: 500 },
    );
  });

  it("never matches on amount and payer when the payer name is missing or differs", () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const r = decideMatch(payment({ amount: s.amount, memo: "货款", payerName: "陌生人" }), context(s.orders));
        expect(r.kind === "match" && r.method.startsWith("amount_payer")).toBe(false);
        const anonymous = decideMatch(payment({ amount: s.amount, memo: "", payerName: null }), context(s.orders));
        expect(anonymous.kind === "match").toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it("is deterministic and does not depend on the order candidates arrive in", () => {
    fc.assert(
      fc.property(scenarioArb, fc.nat(), (s, seed) => {
        const p = payment({ id: "p", amount: s.amount, memo: s.memo, payerName: s.payer });
        const first = decideMatch(p, context(s.orders));
        expect(decideMatch(p, context(s.orders))).toEqual(first);
        const shuffled = [...s.orders].sort((a, b) => ((a.id.charCodeAt(3) * 31 + seed) % 17) - ((b.id.charCodeAt(3) * 31 + seed) % 17));
        expect(decideMatch(p, context(shuffled))).toEqual(first);
      }),
      { numRuns: 300 },
    );
  });

  it("orders of other customers that share only the amount never change a match, however many there are", () => {
    fc.assert(
      fc.property(scenarioArb, fc.integer({ min: 1, max: 60 }), fc.boolean(), (s, crowd, paidTwins) => {
        const p = payment({ id: "p", amount: s.amount, memo: s.memo, payerName: s.payer });
        const alone = decideMatch(p, context(s.orders));
        const strangers = Array.from({ length: crowd }, (_, i) =>
          order({
            id: `stranger-${i}`,
            amount: s.amount,
            customerName: `路人${i}号`,
            createdAt: new Date(T0.getTime() + (i % 20) * 86_400_000),
            ...(paidTwins && i % 3 === 0 ? { status: "paid", openAmount: 0 } : {}),
          }),
        );
        const crowded = decideMatch(p, context([...s.orders, ...strangers]));
        if (alone.kind === "match") expect(crowded).toEqual(alone);
        // Nor do they ever become a match themselves: amount alone is never enough.
        if (crowded.kind === "match") expect(crowded.allocations.every((a) => !a.orderId.startsWith("stranger-"))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
