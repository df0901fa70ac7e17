import { describe, expect, it } from "vitest";
import { decideMatch } from "@/lib/core/matching/engine";
import type { MatchResult } from "@/lib/core/matching/types";
import { computeCheckSymbol } from "@/lib/core/reference";
import { bankFeeRule, context, nextReference, order, payment, T0, typoOf } from "@/tests/fixtures/matching/engine-fixtures";

const DAY = 86_400_000;
function asMatch(r: MatchResult) {
  if (r.kind !== "match") throw new Error(`expected a match, got ${r.kind}: ${r.explanation.en}`);
  return r;
}

describe("exact references", () => {
  it("the echoed reference field settles the order; explanation in both languages", () => {
    const o = order({ amount: 4200 });
    const r = asMatch(decideMatch(payment({ amount: 4200, reference: o.reference, channel: "alipay" }), context([o])));
    expect(r).toMatchObject({ method: "reference", confidence: 1, allocations: [{ orderId: o.id, amount: 4200 }], writeOffs: [], amountMismatch: null });
    expect(r.explanation.en).toContain(o.reference);
    expect(r.explanation.zh).toContain("订单号");
  });

  it("a reference in the memo, in lower case and in groups, is found", () => {
    const o = order();
    const grouped = o.reference.toLowerCase().replace(/(.{4})/g, "$1 ").trim();
    const r = asMatch(decideMatch(payment({ memo: `付款 ${grouped}` }), context([o])));
    expect(r.method).toBe("reference_in_memo");
  });

  it("split payments: each part with the reference goes to the order, which stays partly open", () => {
    const o = order({ amount: 30000, openAmount: 12000, status: "partially_paid" });
    const r = asMatch(decideMatch(payment({ amount: 8000, memo: `${o.reference} 第2笔` }), context([o])));
    expect(r.allocations).toEqual([{ orderId: o.id, reference: o.reference, amount: 8000 }]);
    expect(r.amountMismatch).toMatchObject({ kind: "short", expected: 12000, received: 8000, difference: -4000 });
  });

  it("merged: one transfer naming two references fills both open amounts", () => {
    const a = order({ amount: 1990 });
    const b = order({ amount: 5900, customerName: "李四" });
    const r = asMatch(decideMatch(payment({ amount: 7890, memo: `${a.reference},${b.reference}` }), context([a, b])));
    expect(r.method).toBe("multi_reference");
    expect(r.allocations.map((x) => x.amount)).toEqual([1990, 5900]);
    expect(r.amountMismatch).toBeNull();
  });

  it("never matches a reference the merchant does not have (another merchant's)", () => {
    const foreign = nextReference();
    const mine = order({ amount: 9900, customerName: "王五" });
    const r = decideMatch(payment({ amount: 9900, memo: foreign, payerName: "赵六" }), context([mine]));
    expect(r.kind).toBe("none");
    expect(r.explanation.en).toContain(foreign);
  });
});

describe("amounts that differ", () => {
  it("short beyond any rule: the payment matches, the order stays partially paid, the gap is flagged", () => {
    const o = order({ amount: 10000 });
    const r = asMatch(decideMatch(payment({ amount: 9880, memo: `汇款 ${o.reference}` }), context([o])));
    expect(r.writeOffs).toEqual([]);
    expect(r.amountMismatch).toEqual({ kind: "short", expected: 10000, received: 9880, difference: -120, references: [o.reference] });
    expect(r.explanation.zh).toContain("少");
  });

  it("short within the merchant's bank-fee rule: written off as a bank fee", () => {
    const o = order({ amount: 10000 });
    const r = asMatch(decideMatch(payment({ amount: 9880, memo: `汇款 ${o.reference}` }), context([o], { toleranceRules: [bankFeeRule] })));
    expect(r.writeOffs).toEqual([{ orderId: o.id, amount: 120, cause: "bank_fee", source: "rule", rule: "银行手续费" }]);
    expect(r.amountMismatch).toBeNull();
    expect(r.explanation.en).toContain("tolerance rule");
  });

  it("the rule is per channel: an Alipay shortfall is not a bank fee", () => {
    const o = order({ amount: 10000 });
    const r = asMatch(decideMatch(payment({ amount: 9880, channel: "alipay", reference: o.reference }), context([o], { toleranceRules: [bankFeeRule] })));
    expect(r.writeOffs).toEqual([]);
  });

  it("a discount the channel states is written off with its causes instead of a tolerance", () => {
    const o = order({ amount: 10000 });
    const details = { amount: { total: 10000, payer_total: 8500 }, promotion_detail: [{ amount: 1500, merchant_contribute: 1000, wechatpay_contribute: 500 }] };
    const r = asMatch(decideMatch(payment({ amount: 8500, channel: "wechatpay", reference: o.reference, details }), context([o])));
    expect(r.writeOffs).toEqual([
      { orderId: o.id, amount: 1000, cause: "coupon", source: "channel" },
      { orderId: o.id, amount: 500, cause: "platform_subsidy", source: "channel" },
    ]);
    expect(r.amountMismatch).toBeNull();
  });

  it("overpaid: the whole payment goes to the order and the surplus is flagged", () => {
    const o = order({ amount: 5000 });
    const r = asMatch(decideMatch(payment({ amount: 10000, memo: o.reference }), context([o])));
    expect(r.allocations[0].amount).toBe(10000);
    expect(r.amountMismatch).toMatchObject({ kind: "over", difference: 5000 });
  });
});

describe("damaged references", () => {
  it("a typo one character away, exact amount, same payer → typo_reference", () => {
    const o = order({ amount: 25900 });
    const r = asMatch(decideMatch(payment({ amount: 25900, memo: `货款${typoOf(o.reference)}` }), context([o])));
    expect(r.method).toBe("typo_reference");
    expect(r.confidence).toBeGreaterThan(0.9);
    expect(r.explanation.zh).toContain("笔误");
  });

  it("a typo of an expired (closed, unpaid) order's reference with its full amount matches it, as the reference itself would", () => {
    const o = order({ amount: 25900, status: "closed" });
    const exact = asMatch(decideMatch(payment({ amount: 25900, memo: `货款${o.reference}` }), context([o])));
    const typo = asMatch(decideMatch(payment({ amount: 25900, memo: `货款${typoOf(o.reference)}` }), context([o])));
    expect(exact.allocations).toEqual([{ orderId: o.id, reference: o.reference, amount: 25900 }]);
    expect(typo).toMatchObject({ method: "typo_reference", allocations: exact.allocations });
  });

  it("a typo with a different amount is only a suggestion", () => {
    const o = order({ amount: 25900 });
    const r = decideMatch(payment({ amount: 20000, memo: `货款${typoOf(o.reference)}` }), context([o]));
    expect(r.kind).toBe("suggest");
    if (r.kind === "suggest") expect(r.suggestions[0]).toMatchObject({ references: [o.reference], method: "typo_reference" });
  });

  it("a typo in a reference that is mostly digits: its digits are the reference's, not a document number", () => {
    const body = "K12345678";
    const o = order({ amount: 25900, reference: body + computeCheckSymbol(body) });
    const r = asMatch(decideMatch(payment({ amount: 25900, memo: `货款${typoOf(o.reference, 0)}` }), context([o])));
    expect(r.method).toBe("typo_reference");
    expect(r.explanation.en).not.toContain("identifier");
    // A damaged token nobody's reference repairs still blocks, once, as the token it is.
    const stray = decideMatch(payment({ amount: 25900, memo: `货款M12345678Q` }), context([order({ amount: 25900 })]));
    expect(stray.kind).toBe("suggest");
    expect(stray.explanation.en).toContain("identifier M12345678Q that points");
  });

  it("a reference with one character left out or one too many, exact amount, same payer → typo_reference", () => {
    const o = order({ amount: 25900 });
    const short = `${o.reference.slice(0, 4)}${o.reference.slice(5)}`;
    const dropped = asMatch(decideMatch(payment({ amount: 25900, memo: `货款 ${short.toLowerCase()}` }), context([o])));
    expect(dropped).toMatchObject({ method: "typo_reference", allocations: [{ orderId: o.id }] });
    expect(dropped.explanation.en).toContain(`memo token ${short} is reference ${o.reference} with one character left out`);
    const long = `${o.reference.slice(0, 6)}${o.reference[6]}${o.reference.slice(6)}`;
    const doubled = asMatch(decideMatch(payment({ amount: 25900, memo: `${long} 订单付款` }), context([o])));
    expect(doubled).toMatchObject({ method: "typo_reference", allocations: [{ orderId: o.id }] });
    expect(doubled.explanation.zh).toContain("多了一个字符");
    // Whatever symbol is added or left out where: an added one leaves two windows of reference length,
    // which pass the check now and then by chance and are then not taken for references of their own.
    for (let i = 0; i <= o.reference.length; i++) {
      for (const symbol of "0123456789ABCDEFGHJKMNPQRSTVWXYZ") {
        const typed = o.reference.slice(0, i) + symbol + o.reference.slice(i);
        // (added first or last, the reference itself stands in the token: found as it is)
        expect(decideMatch(payment({ amount: 25900, memo: `货款${typed}` }), context([o])), typed).toMatchObject({
          kind: "match",
          method: typed.includes(o.reference) ? "reference_in_memo" : "typo_reference",
          allocations: [{ orderId: o.id }],
        });
      }
      if (i === o.reference.length) continue;
      const left = o.reference.slice(0, i) + o.reference.slice(i + 1);
      expect(decideMatch(payment({ amount: 25900, memo: `货款${left}` }), context([o])), left).toMatchObject({ kind: "match", method: "typo_reference" });
    }
    // A short or long token that repairs to none of the orders is no evidence either way.
    const other = order({ amount: 25900 });
    const plain = asMatch(decideMatch(payment({ amount: 25900, memo: `货款 ${short}` }), context([other])));
    expect(plain.method).toBe("amount_payer");
  });

  it("a typo from a payer that contradicts the customer is only a suggestion", () => {
    const o = order({ amount: 25900, customerName: "王芳" });
    expect(decideMatch(payment({ amount: 25900, payerName: "刘强", memo: typoOf(o.reference) }), context([o])).kind).toBe("suggest");
  });
});

describe("no reference: amount and payer", () => {
  it("one open order of this payer with this amount → amount_payer", () => {
    const o = order({ amount: 15900 });
    const other = order({ amount: 15900, customerName: "李四" });
    const r = asMatch(decideMatch(payment({ amount: 15900, memo: "货款" }), context([o, other])));
    expect(r).toMatchObject({ method: "amount_payer", allocations: [{ orderId: o.id }] });
    expect(r.confidence).toBeGreaterThanOrEqual(0.85);
    expect(r.explanation.en).toMatch(/payer name equals/);
  });

  it("at a popular price, other customers' orders of the amount change nothing but whether they are suggested", () => {
    const strangers = (n: number, twins = 0) =>
      Array.from({ length: n + twins }, (_, i) =>
        order({ amount: 9900, customerName: `路人${i}`, createdAt: new Date(T0.getTime() - i * 60_000), ...(i < twins ? { status: "paid", openAmount: 0 } : {}) }),
      );
    const mine = order({ amount: 9900 });
    const crowd = strangers(300, 20);
    const matched = asMatch(decideMatch(payment({ amount: 9900 }), context([...crowd, mine])));
    expect(matched).toMatchObject({ method: "amount_payer", allocations: [{ orderId: mine.id }] });
    expect(matched.explanation).toEqual(asMatch(decideMatch(payment({ amount: 9900 }), context([mine]))).explanation);

    // Two of the payer's own: both suggested, the crowd is not, and the reason names only the two.
    const again = order({ amount: 9900, createdAt: new Date(T0.getTime() + DAY) });
    const crowded = decideMatch(payment({ amount: 9900 }), context([...crowd, mine, again]));
    const alone = decideMatch(payment({ amount: 9900 }), context([mine, again]));
    expect(crowded).toEqual(alone);
    expect(crowded.kind).toBe("suggest");

    // A few strangers (at most MAX_AMOUNT_ONLY) are still worth a look, the oldest order first.
    const few = strangers(3);
    const r = decideMatch(payment({ amount: 9900, payerName: "王五" }), context(few));
    expect(r.kind === "suggest" && r.suggestions.map((x) => x.references[0])).toEqual(few.map((o) => o.reference).reverse());
    expect(decideMatch(payment({ amount: 9900, payerName: "王五" }), context(strangers(4))).kind).toBe("none");
  });

  it("money booked weeks before its order was recorded: a payer name agreeing in full still matches, saying so; a partial agreement is only suggested", () => {
    const weeksEarlier = new Date(T0.getTime() - 21 * DAY);
    const o = order({ amount: 15900 });
    const other = order({ amount: 15900, customerName: "李四" });
    const r = asMatch(decideMatch(payment({ amount: 15900, receivedAt: weeksEarlier }), context([o, other])));
    expect(r).toMatchObject({ method: "amount_payer", allocations: [{ orderId: o.id }] });
    expect(r.explanation.en).toContain("the money arrived 21 days before the order was created");
    expect(r.explanation.zh).toContain("款项比订单创建早 21 天");

    const company = order({ amount: 128800, customerName: "恒达贸易" });
    expect(asMatch(decideMatch(payment({ amount: 128800, payerName: "上海恒达贸易有限公司" }), context([company]))).method).toBe("amount_payer");
    const early = decideMatch(payment({ amount: 128800, payerName: "上海恒达贸易有限公司", receivedAt: weeksEarlier }), context([company]));
    expect(early.kind).toBe("suggest");
    expect(early.kind === "suggest" && early.suggestions[0].explanation.en).toContain("21 days before the order was created");
    // Timing within the usual days is not worth a word.
    expect(asMatch(decideMatch(payment({ amount: 15900 }), context([o]))).explanation.en).not.toContain("the money arrived");
  });

  it("never on amount alone: a different or missing payer name is not enough", () => {
    const o = order({ amount: 15900, customerName: "李四" });
    expect(decideMatch(payment({ amount: 15900 }), context([o])).kind).toBe("suggest");
    expect(decideMatch(payment({ amount: 15900, payerName: null }), context([o])).kind).not.toBe("match");
  });

  it("two open orders of the same payer and amount → suggestion, never a guess", () => {
    const a = order({ amount: 9900 });
    const b = order({ amount: 9900, createdAt: new Date(T0.getTime() + DAY) });
    const r = decideMatch(payment({ amount: 9900 }), context([a, b]));
    expect(r.kind).toBe("suggest");
    if (r.kind === "suggest") expect(r.suggestions.map((s) => s.references[0]).sort()).toEqual([a.reference, b.reference].sort());
  });

  it("a twin order already paid makes it a possible duplicate payment, not a match, whichever sorts first", () => {
    for (const [paidId, openId] of [["order-a", "order-b"], ["order-b", "order-a"]]) {
      const paid = order({ id: paidId, amount: 9900, status: "paid", openAmount: 0 });
      const open = order({ id: openId, amount: 9900 });
      const r = decideMatch(payment({ amount: 9900 }), context([paid, open]));
      expect(r.kind).toBe("suggest");
      expect(r.explanation.en).toContain(`order ${paid.reference} of this payer with this amount is already (partly) paid: possibly a duplicate`);
      expect(r.explanation.en).not.toContain("fit equally well");
    }
  });

  it("a customer who buys the same thing every few weeks: their order paid long before is a past purchase, not a twin", () => {
    const weekAgo = (weeks: number) => new Date(T0.getTime() - weeks * 7 * DAY);
    const lastMonth = order({ amount: 128800, customerName: "恒达贸易", status: "paid", openAmount: 0, createdAt: weekAgo(4) });
    const current = order({ amount: 128800, customerName: "恒达贸易" });
    const r = asMatch(decideMatch(payment({ amount: 128800, payerName: "上海恒达贸易有限公司" }), context([lastMonth, current])));
    expect(r).toMatchObject({ method: "amount_payer", allocations: [{ orderId: current.id, amount: 128800 }] });
    expect(r.explanation.en).toContain(`order ${lastMonth.reference} of this payer with this amount, placed 14+ days earlier, is paid: a past purchase`);
    expect(r.explanation.zh).toContain("以往的购买");

    // Within two weeks of the open order, or of the money, it is still a possible duplicate payment.
    const recent = order({ amount: 128800, customerName: "恒达贸易", status: "paid", openAmount: 0, createdAt: new Date(T0.getTime() - 10 * DAY) });
    expect(decideMatch(payment({ amount: 128800, payerName: "上海恒达贸易有限公司" }), context([recent, current])).kind).toBe("suggest");
    const early = payment({ amount: 128800, payerName: "上海恒达贸易有限公司", receivedAt: new Date(T0.getTime() - 20 * DAY) });
    expect(decideMatch(early, context([lastMonth, current])).kind).toBe("suggest");
    // One still being paid in parts is not settled: the money may be its rest.
    const partly = order({ amount: 128800, customerName: "恒达贸易", status: "partially_paid", openAmount: 28800, createdAt: weekAgo(4) });
    expect(decideMatch(payment({ amount: 128800, payerName: "上海恒达贸易有限公司" }), context([partly, current])).kind).toBe("suggest");
  });

  it("a customer who ordered again after the first order was paid: the paid one is a past purchase, even days apart", () => {
    const HOUR = 3_600_000;
    const current = order({ amount: 19900, createdAt: T0 });
    const paidEarlier = order({ amount: 19900, status: "paid", openAmount: 0, createdAt: new Date(T0.getTime() - 3 * DAY), paidAt: new Date(T0.getTime() - 2 * DAY) });
    const r = asMatch(decideMatch(payment({ amount: 19900 }), context([paidEarlier, current])));
    expect(r).toMatchObject({ method: "amount_payer", allocations: [{ orderId: current.id, amount: 19900 }] });
    expect(r.explanation.en).toContain(`order ${paidEarlier.reference} of this payer with this amount was paid before this order was placed: a past purchase`);
    expect(r.explanation.zh).toContain("在本订单下单前已付清");

    // Paid only after the open order was placed (both settled from one statement, or a second transfer for the
    // first order while the second waited): possibly a duplicate payment, suggested.
    const paidLater = { ...paidEarlier, paidAt: new Date(T0.getTime() + HOUR) };
    const later = decideMatch(payment({ amount: 19900 }), context([paidLater, current]));
    expect(later.kind).toBe("suggest");
    expect(later.explanation.en).toContain("possibly a duplicate payment");
    // A twin with no payment time, or one still being paid in parts, stands in the way as before.
    expect(decideMatch(payment({ amount: 19900 }), context([{ ...paidEarlier, paidAt: null }, current])).kind).toBe("suggest");
    const partly = { ...paidEarlier, status: "partially_paid", openAmount: 9900 };
    expect(decideMatch(payment({ amount: 19900 }), context([partly, current])).kind).toBe("suggest");
    // Two open orders of the payer with the amount are still two: the past purchase settles nothing between them.
    const another = order({ amount: 19900, createdAt: new Date(T0.getTime() + HOUR) });
    expect(decideMatch(payment({ amount: 19900 }), context([paidEarlier, current, another])).kind).toBe("suggest");
  });

  it("another customer's paid order of the amount is no past purchase of this payer: the explanation names only the payer's own", () => {
    const current = order({ amount: 19900, createdAt: T0 });
    const strangers = [
      order({ amount: 19900, customerName: "李四", status: "paid", openAmount: 0, createdAt: new Date(T0.getTime() - 20 * DAY), paidAt: new Date(T0.getTime() - 19 * DAY) }),
      order({ amount: 19900, customerName: "王五", status: "paid", openAmount: 0, createdAt: new Date(T0.getTime() - 3 * DAY), paidAt: new Date(T0.getTime() - 2 * DAY) }),
    ];
    const r = asMatch(decideMatch(payment({ amount: 19900 }), context([...strangers, current])));
    expect(r).toMatchObject({ method: "amount_payer", allocations: [{ orderId: current.id, amount: 19900 }] });
    for (const s of strangers) expect(r.explanation.en).not.toContain(s.reference);
    expect(r.explanation.en).toContain("no other order of this payer with this amount in the window");

    // Beside the payer's own past purchase, only that one is named.
    const own = order({ amount: 19900, status: "paid", openAmount: 0, createdAt: new Date(T0.getTime() - 3 * DAY), paidAt: new Date(T0.getTime() - 2 * DAY) });
    const withOwn = asMatch(decideMatch(payment({ amount: 19900 }), context([...strangers, own, current])));
    expect(withOwn.explanation.en).toContain(`order ${own.reference} of this payer with this amount was paid before this order was placed: a past purchase`);
    for (const s of strangers) expect(withOwn.explanation.en).not.toContain(s.reference);
  });

  it("a twin order being paid in parts still makes the payer's orders of this amount ambiguous", () => {
    const partly = order({ amount: 9900, status: "partially_paid", openAmount: 4000 });
    const open = order({ amount: 9900 });
    expect(decideMatch(payment({ amount: 9900 }), context([partly, open])).kind).toBe("suggest");
  });

  it("a memo naming someone else's reference or document number blocks the amount match", () => {
    const o = order({ amount: 19900 });
    expect(decideMatch(payment({ amount: 19900, memo: nextReference() }), context([o])).kind).toBe("suggest");
    expect(decideMatch(payment({ amount: 19900, memo: "货款4549880175" }), context([o])).kind).toBe("suggest");
    expect(decideMatch(payment({ amount: 19900, memo: "利息" }), context([o])).kind).toBe("suggest");
    // A phone number is not a document number.
    expect(decideMatch(payment({ amount: 19900, memo: "13800138000 货款" }), context([o])).kind).toBe("match");
  });

  it("company names agree once place and suffix are removed, but not across cities", () => {
    const o = order({ amount: 128800, customerName: "恒达贸易" });
    expect(asMatch(decideMatch(payment({ amount: 128800, payerName: "上海恒达贸易有限公司" }), context([o]))).explanation.en).toContain("legal suffix");
    const sh = order({ amount: 128800, customerName: "上海恒达贸易有限公司" });
    expect(decideMatch(payment({ amount: 128800, payerName: "杭州恒达贸易有限公司" }), context([sh])).kind).not.toBe("match");
  });

  it("a learned alias identifies the payer", () => {
    const o = order({ amount: 5900, customerName: "张三" });
    expect(decideMatch(payment({ amount: 5900, payerName: "张三妈妈" }), context([o])).kind).not.toBe("match");
    const r = asMatch(decideMatch(payment({ amount: 5900, payerName: "张三妈妈" }), context([o], { aliasNames: ["张三"] })));
    expect(r.explanation.en).toContain("confirmed before");
  });

  it("a tolerated shortfall can match on payer when the name is exact, with the write-off", () => {
    const o = order({ amount: 10000 });
    const r = asMatch(decideMatch(payment({ amount: 9900 }), context([o], { toleranceRules: [bankFeeRule] })));
    expect(r.writeOffs).toEqual([{ orderId: o.id, amount: 100, cause: "bank_fee", source: "rule", rule: "银行手续费" }]);
  });

  it("an order closed unpaid (expired) is suggested for its customer's late transfer of its amount, never matched", () => {
    const expired = order({ amount: 15900, status: "closed", createdAt: new Date(T0.getTime() - 3 * DAY) });
    const r = decideMatch(payment({ amount: 15900, memo: "货款" }), context([expired]));
    expect(r.kind).toBe("suggest");
    if (r.kind !== "suggest") return;
    expect(r.suggestions).toEqual([expect.objectContaining({ references: [expired.reference], method: "amount_payer", allocations: [{ reference: expired.reference, amount: 15900 }] })]);
    expect(r.suggestions[0].confidence).toBeLessThanOrEqual(0.75);
    expect(r.suggestions[0].explanation.en).toContain("closed before it was paid");
    expect(r.suggestions[0].explanation.zh).toContain("已关闭");
  });

  it("a closed order is not suggested on its amount alone, nor for a different amount", () => {
    const expired = order({ amount: 15900, status: "closed" });
    expect(decideMatch(payment({ amount: 15900, payerName: "李四" }), context([expired])).kind).toBe("none");
    expect(decideMatch(payment({ amount: 15800 }), context([expired])).kind).toBe("none");
  });

  it("the customer's open order of the amount still matches beside their closed one (ordered again after it expired)", () => {
    const expired = order({ amount: 15900, status: "closed", createdAt: new Date(T0.getTime() - 2 * DAY) });
    const again = order({ amount: 15900 });
    for (const ctx of [context([expired, again]), context([again, expired])]) {
      const r = asMatch(decideMatch(payment({ amount: 15900 }), ctx));
      expect(r).toMatchObject({ method: "amount_payer", allocations: [{ orderId: again.id, amount: 15900 }] });
    }
  });

  it("beside an open order that cannot be chosen alone, the closed one ranks last", () => {
    const expired = order({ amount: 9900, status: "closed" });
    const a = order({ amount: 9900 });
    const b = order({ amount: 9900 });
    const r = decideMatch(payment({ amount: 9900 }), context([expired, a, b]));
    expect(r.kind).toBe("suggest");
    if (r.kind === "suggest") expect(r.suggestions.at(-1)?.references).toEqual([expired.reference]);
  });

  it("less than the open amount of the payer's order (a deposit): suggested as a part payment, never matched", () => {
    const o = order({ amount: 159000, createdAt: new Date(T0.getTime() - DAY) });
    const later = order({ amount: 89900 });
    const stranger = order({ amount: 159000, customerName: "李四" });
    const r = decideMatch(payment({ amount: 50000, memo: "定金" }), context([later, stranger, o]));
    expect(r.kind).toBe("suggest");
    if (r.kind !== "suggest") return;
    // Oldest first; another customer's order is not suggested.
    expect(r.suggestions.map((s) => s.references[0])).toEqual([o.reference, later.reference]);
    expect(r.suggestions[0]).toMatchObject({ method: "amount_payer_partial", confidence: 0.5, allocations: [{ reference: o.reference, amount: 50000 }] });
    expect(r.suggestions[0].explanation.en).toContain("possibly a deposit or an instalment");
    expect(r.suggestions[0].explanation.zh).toContain("定金");
  });

  it("more than the open amount of the payer's order: suggested for its open amount, the rest left on the payment", () => {
    const o = order({ amount: 15900 });
    const r = decideMatch(payment({ amount: 16900 }), context([o]));
    expect(r.kind).toBe("suggest");
    if (r.kind !== "suggest") return;
    expect(r.suggestions).toEqual([
      expect.objectContaining({ method: "amount_payer_over", confidence: 0.5, allocations: [{ reference: o.reference, amount: 15900 }] }),
    ]);
    expect(r.suggestions[0].explanation.en).toContain("more than the open amount ¥159.00 by ¥10.00");
  });

  it("of many open orders of the payer for more, the three oldest are suggested as its part payment", () => {
    const orders = Array.from({ length: 5 }, (_, i) => order({ amount: 100000 + i, createdAt: new Date(T0.getTime() - i * DAY) }));
    const r = decideMatch(payment({ amount: 50000 }), context(orders));
    expect(r.kind === "suggest" && r.suggestions.map((s) => s.references[0])).toEqual([orders[4], orders[3], orders[2]].map((o) => o.reference));
  });

  it("a part payment is not suggested when something fits the amount, when the memo points elsewhere, or without the payer's name", () => {
    const big = order({ amount: 159000 });
    const exact = order({ amount: 50000, customerName: "王五" });
    const r = decideMatch(payment({ amount: 50000, payerName: "王五" }), context([big, exact]));
    expect(r.kind).toBe("match");
    expect(decideMatch(payment({ amount: 50000, memo: "利息" }), context([big])).kind).toBe("none");
    expect(decideMatch(payment({ amount: 50000, payerName: "赵六" }), context([big])).kind).toBe("none");
    expect(decideMatch(payment({ amount: 50000, payerName: null }), context([big])).kind).toBe("none");
  });

  it("a transfer from a payment institution says so: it may be a payout or a customer's transfer through it", () => {
    const r = decideMatch(payment({ amount: 1234567, payerName: "支付宝（中国）网络技术有限公司", memo: "支付宝转账" }), context([order({ amount: 9900 })]));
    expect(r.kind).toBe("none");
    expect(r.explanation.en).toContain("is a payment institution, not a customer: possibly a channel's settlement (payout)");
    expect(r.explanation.zh).toContain("支付机构");
  });

  it("a channel's payout (an institution paying 提现, 结算…) is the shop's own money: never matched, even to an order of its amount", () => {
    const o = order({ amount: 1234567, customerName: "王五" });
    for (const [payerName, memo] of [
      ["支付宝（中国）网络技术有限公司", "提现"],
      ["财付通支付科技有限公司", "微信支付T+1结算"],
      ["银联商务股份有限公司", "POS清算款"],
    ]) {
      const r = decideMatch(payment({ amount: 1234567, payerName, memo }), context([o]));
      expect(r.kind, memo).toBe("none");
      expect(r.explanation.en).toContain("a channel's payout of the merchant's own money");
      expect(r.explanation.zh).toContain("提现/结算到账");
      expect(r.explanation.en).not.toContain("possibly a channel's settlement");
    }
    // A customer settling an invoice writes 结算 too: that is a sale.
    const invoice = order({ amount: 50000, customerName: "上海恒达贸易有限公司" });
    expect(decideMatch(payment({ amount: 50000, payerName: "上海恒达贸易有限公司", memo: "结算货款" }), context([invoice])).kind).toBe("match");
  });

  it("rejected suggestions are not made again", () => {
    const o = order({ amount: 7700, customerName: "李四" });
    const r = decideMatch(payment({ amount: 7700, rejected: [[o.reference]] }), context([o]));
    expect(r.kind).toBe("none");
  });
});

describe("no reference: the sum of the same payer's open orders", () => {
  it("exactly one group adds up → amount_payer_sum", () => {
    const a = order({ amount: 3000 });
    const b = order({ amount: 7000 });
    const c = order({ amount: 4500 });
    const stranger = order({ amount: 6000, customerName: "李四" });
    const r = asMatch(decideMatch(payment({ amount: 10000 }), context([a, b, c, stranger])));
    expect(r.method).toBe("amount_payer_sum");
    expect(r.allocations.map((x) => x.orderId).sort()).toEqual([a.id, b.id].sort());
  });

  it("prefers the smallest group", () => {
    // 6500 + 3500 and 1000 + 2000 + 3000 + 4000 both make 10000.
    const pair = [order({ amount: 6500 }), order({ amount: 3500 })];
    const four = [1000, 2000, 3000, 4000].map((amount) => order({ amount }));
    const r = asMatch(decideMatch(payment({ amount: 10000 }), context([...four, ...pair])));
    expect(r.allocations.map((x) => x.orderId).sort()).toEqual(pair.map((o) => o.id).sort());
  });

  it("interchangeable groups (same amounts) → suggestions", () => {
    const orders = [0, 1, 2].map((d) => order({ amount: 5000, createdAt: new Date(T0.getTime() + d * DAY) }));
    const r = decideMatch(payment({ amount: 10000, receivedAt: new Date(T0.getTime() + 3 * DAY) }), context(orders));
    expect(r.kind).toBe("suggest");
    expect(r.explanation.en).toContain("cannot be told apart");
  });

  it("different groups of the same size: the oldest orders win", () => {
    const old = [order({ amount: 3000 }), order({ amount: 7000 })];
    const newer = [4000, 6000].map((amount) => order({ amount, createdAt: new Date(T0.getTime() + DAY) }));
    const r = asMatch(decideMatch(payment({ amount: 10000, receivedAt: new Date(T0.getTime() + 2 * DAY) }), context([...old, ...newer])));
    expect(r.allocations.map((x) => x.orderId).sort()).toEqual(old.map((o) => o.id).sort());
    expect(r.confidence).toBeLessThan(0.88);
  });
});

describe("order numbers in the memo", () => {
  const byNumber = (p: Partial<Parameters<typeof order>[0]> = {}) => order({ orderNo: "DY-13-000248", amount: 9900, ...p });

  it("the shop's order number, with the amount and the payer agreeing, settles the order", () => {
    const o = byNumber();
    const r = asMatch(decideMatch(payment({ amount: 9900, memo: "订单号 dy13000248" }), context([o])));
    expect(r).toMatchObject({ method: "order_no_in_memo", confidence: 0.97, allocations: [{ orderId: o.id, amount: 9900 }], amountMismatch: null });
    expect(r.explanation.zh).toContain("DY-13-000248");
    expect(r.explanation.en).toContain("order number");
  });

  it("an amount that differs is settled and signalled as with a reference", () => {
    const o = byNumber();
    const r = asMatch(decideMatch(payment({ amount: 5000, memo: "DY-13-000248 定金" }), context([o])));
    expect(r.confidence).toBe(0.9);
    expect(r.amountMismatch).toMatchObject({ kind: "short", expected: 9900, received: 5000 });
  });

  it("a payer who is not the customer only gets a suggestion: one mistyped digit names the neighbouring order", () => {
    const neighbour = byNumber({ customerName: "李四" });
    const r = decideMatch(payment({ amount: 9900, memo: "DY-13-000248", payerName: "王五" }), context([neighbour]));
    expect(r.kind).toBe("suggest");
    if (r.kind === "suggest") expect(r.suggestions[0]).toMatchObject({ references: [neighbour.reference], method: "order_no_in_memo", confidence: 0.85 });
  });

  it("a number two sources share is never chosen between", () => {
    const douyin = byNumber();
    const taobao = byNumber({ id: "taobao-order" });
    const r = decideMatch(payment({ amount: 9900, memo: "DY-13-000248" }), context([douyin, taobao]));
    expect(r.kind).toBe("suggest");
    expect(r.explanation.en).toContain("belongs to 2 orders");
  });

  it("several numbers take the payment when it equals their open amounts together, the payer being one customer", () => {
    const own = byNumber();
    const friend = order({ orderNo: "TB-13-000011", amount: 5900, customerName: "李四" });
    const r = asMatch(decideMatch(payment({ amount: 15800, memo: "DY-13-000248、TB-13-000011" }), context([own, friend])));
    expect(r.method).toBe("order_no_in_memo");
    expect(r.allocations.map((a) => [a.orderId, a.amount])).toEqual(expect.arrayContaining([[own.id, 9900], [friend.id, 5900]]));
    const off = decideMatch(payment({ amount: 15000, memo: "DY-13-000248、TB-13-000011" }), context([own, friend]));
    expect(off.kind).toBe("suggest");
  });

  it("an order already paid is only suggested, as a possible duplicate payment", () => {
    const paid = byNumber({ status: "paid", openAmount: 0, paidAt: T0 });
    const r = decideMatch(payment({ amount: 9900, memo: "DY-13-000248" }), context([paid]));
    expect(r.kind).toBe("suggest");
    if (r.kind === "suggest") expect(r.suggestions[0].explanation.en).toContain("possibly a duplicate payment");
  });

  it("a memo naming an order by number stops amount and payer from choosing another", () => {
    const named = byNumber({ amount: 5000, customerName: "李四" });
    const other = order({ orderNo: "WEB-1", amount: 9900 });
    expect(asMatch(decideMatch(payment({ amount: 9900, memo: "货款" }), context([named, other]))).method).toBe("amount_payer");
    const r = decideMatch(payment({ amount: 9900, memo: "DY-13-000248" }), context([named, other]));
    expect(r.kind).toBe("suggest");
  });

  it("a rejected order number is not matched again, and a reference still comes first", () => {
    const o = byNumber();
    expect(decideMatch(payment({ amount: 9900, memo: "DY-13-000248", rejected: [[o.reference]] }), context([o])).kind).not.toBe("match");
    const referenced = order({ amount: 9900 });
    const r = asMatch(decideMatch(payment({ amount: 9900, memo: `DY-13-000248 ${referenced.reference}` }), context([o, referenced])));
    expect(r).toMatchObject({ method: "reference_in_memo", allocations: [{ orderId: referenced.id }] });
  });

  it("an order number and a word saying it is not a sale: only suggested", () => {
    const o = byNumber();
    expect(decideMatch(payment({ amount: 9900, memo: "DY-13-000248 退款" }), context([o])).kind).toBe("suggest");
  });
});

describe("currencies", () => {
  it("a reference naming an order in another currency is not matched: the amounts do not compare", () => {
    const o = order({ amount: 9900 });
    const r = decideMatch(payment({ amount: 9900, currency: "EUR", memo: o.reference }), context([o]));
    expect(r.kind).toBe("none");
    expect(r.explanation.en).toContain("the currencies differ");
    expect(r.explanation.zh).toContain("币种不同");
  });

  it("amount and payer only ever choose an order of the payment's currency", () => {
    const cny = order({ amount: 9900 });
    expect(decideMatch(payment({ amount: 9900, currency: "USD" }), context([cny])).kind).toBe("none");
    const usd = order({ amount: 9900, currency: "USD" });
    expect(asMatch(decideMatch(payment({ amount: 9900, currency: "USD" }), context([cny, usd]))).allocations).toEqual([{ orderId: usd.id, reference: usd.reference, amount: 9900 }]);
  });

  it("order numbers and mistyped references of another currency's orders are passed over", () => {
    const o = order({ amount: 9900, orderNo: "DY-13-000248" });
    expect(decideMatch(payment({ amount: 9900, currency: "HKD", memo: "DY-13-000248" }), context([o])).kind).toBe("none");
    expect(decideMatch(payment({ amount: 9900, currency: "HKD", memo: typoOf(o.reference) }), context([o])).kind).toBe("none");
  });
});

describe("a bank's stated charges", () => {
  it("a transfer booked net of the charges the bank states settles its order, the charges written off as the bank's fee", () => {
    const o = order({ amount: 10000 });
    const r = asMatch(decideMatch(payment({ amount: 9800, memo: o.reference, details: { instructedAmount: 10000, bankCharges: 200 } }), context([o])));
    expect(r.writeOffs).toEqual([{ orderId: o.id, amount: 200, cause: "bank_fee", source: "channel" }]);
    expect(r.amountMismatch).toBeNull();
    // Charges that do not add up to the gap state nothing: the shortfall is flagged.
    const off = asMatch(decideMatch(payment({ amount: 9800, memo: o.reference, details: { instructedAmount: 10000, bankCharges: 150 } }), context([o])));
    expect(off.writeOffs).toEqual([]);
    expect(off.amountMismatch).toMatchObject({ kind: "short", difference: -200 });
  });
});

describe("explanations in the payment's currency", () => {
  it("a dollar part payment reads in dollars, never as ¥", () => {
    const o = order({ amount: 1500, currency: "USD" });
    const r = decideMatch(payment({ amount: 1280, currency: "USD" }), context([o]));
    expect(r.kind).toBe("suggest");
    if (r.kind !== "suggest") return;
    expect(r.suggestions[0].method).toBe("amount_payer_partial");
    expect(r.suggestions[0].explanation.en).toContain("amount USD 12.80 is less than the open amount USD 15.00");
    expect(r.suggestions[0].explanation.zh).toContain("金额 USD 12.80 少于未付金额 USD 15.00");
    expect(r.suggestions[0].explanation.en).not.toContain("¥");
  });

  it("yen have no minor unit: 1200 yen is JPY 1,200, not ¥12.00", () => {
    const o = order({ amount: 1000, currency: "JPY" });
    const r = decideMatch(payment({ amount: 1200, currency: "JPY" }), context([o]));
    expect(r.kind === "suggest" && r.suggestions[0].explanation.en).toContain("amount JPY 1,200 is more than the open amount JPY 1,000 by JPY 200");
  });

  it("the orders a dollar payment adds up to are listed in dollars", () => {
    const a = order({ amount: 1000, currency: "USD", createdAt: new Date(T0.getTime() - 3600_000) });
    const b = order({ amount: 500, currency: "USD" });
    const r = asMatch(decideMatch(payment({ amount: 1500, currency: "USD" }), context([a, b])));
    expect(r.method).toBe("amount_payer_sum");
    expect(r.explanation.en).toContain(`${a.reference} USD 10.00, ${b.reference} USD 5.00`);
  });

  it("a dollar payment by reference, short or over, says by how much in dollars", () => {
    const o = order({ amount: 1500, currency: "USD" });
    const short = asMatch(decideMatch(payment({ amount: 1280, currency: "USD", reference: o.reference }), context([o])));
    expect(short.explanation.en).toContain("USD 2.20 less than the open amount");
    expect(short.explanation.en).toContain("USD 2.20 short, the order stays partly open");
    expect(short.explanation.zh).not.toContain("¥");
    const over = asMatch(decideMatch(payment({ amount: 1600, currency: "USD", reference: o.reference }), context([o])));
    expect(over.explanation.en).toContain("USD 1.00 more than");
    expect(over.explanation.en).not.toContain("¥");
  });

  it("yuan explanations stay as they were", () => {
    const o = order({ amount: 1500 });
    const r = decideMatch(payment({ amount: 1280 }), context([o]));
    expect(r.kind === "suggest" && r.suggestions[0].explanation.en).toContain("amount ¥12.80 is less than the open amount ¥15.00");
  });

  it("money a day and a half before its order: '1 day before', in the singular", () => {
    const o = order({ amount: 1500 });
    const r = decideMatch(payment({ amount: 1280, receivedAt: new Date(T0.getTime() - 1.5 * DAY) }), context([o]));
    expect(r.kind === "suggest" && r.suggestions[0].explanation.en).toContain("the money arrived 1 day before the order was created");
  });
});
