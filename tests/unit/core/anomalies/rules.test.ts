import { describe, expect, it } from "vitest";
import { DEFAULT_RULES, planRules, ruleMatches, shouldAlert, type AnomalyRule, type Finding } from "@/lib/core/anomalies";

function finding(over: Partial<Finding> = {}): Finding {
  return {
    kind: "amount_mismatch",
    subjectKey: "order:o1",
    fingerprint: "short:-50",
    severity: "low",
    paymentId: "p1",
    orderId: "o1",
    channel: "alipay",
    amount: 12800,
    difference: -50,
    payerName: "张三",
    writeOffAmount: 50,
    ageMinutes: 30,
    message: { zh: "…", en: "…" },
    details: {},
    ...over,
  };
}

const defaults: AnomalyRule[] = DEFAULT_RULES.map((r, i) => ({ ...r, id: `default-${i}` }));
const rule = (over: Partial<AnomalyRule>): AnomalyRule => ({ id: "r", name: "r", position: 1, enabled: true, conditions: {}, actions: {}, ...over });

describe("ruleMatches", () => {
  it("checks every stated condition", () => {
    const f = finding();
    expect(ruleMatches({}, f)).toBe(true);
    expect(ruleMatches({ kinds: ["unmatched_overdue"] }, f)).toBe(false);
    expect(ruleMatches({ channels: ["bank"] }, f)).toBe(false);
    expect(ruleMatches({ channels: ["alipay"], minAmount: 12800, maxAmount: 12800 }, f)).toBe(true);
    expect(ruleMatches({ maxAmount: 12799 }, f)).toBe(false);
    expect(ruleMatches({ minAgeMinutes: 31 }, f)).toBe(false);
    expect(ruleMatches({ maxAgeMinutes: 30 }, f)).toBe(true);
    expect(ruleMatches({ direction: "surplus" }, f)).toBe(false);
    expect(ruleMatches({ direction: "shortfall", maxDifference: 50 }, f)).toBe(true);
    expect(ruleMatches({ maxDifference: 49 }, f)).toBe(false);
    expect(ruleMatches({ minDifference: 51 }, f)).toBe(false);
    expect(ruleMatches({ payerContains: "张" }, f)).toBe(true);
    expect(ruleMatches({ payerContains: "李" }, f)).toBe(false);
    const interest = finding({ memo: "2026年第4季度结息 Interest" });
    expect(ruleMatches({ memoContains: ["利息", "结息"] }, interest)).toBe(true);
    expect(ruleMatches({ memoContains: ["INTEREST"] }, interest)).toBe(true);
    expect(ruleMatches({ memoContains: ["货款"] }, interest)).toBe(false);
    expect(ruleMatches({ memoContains: ["结息"] }, finding({ memo: null }))).toBe(false);
    expect(ruleMatches({ memoContains: ["结息"] }, finding())).toBe(false);
  });

  it("a difference condition never matches a finding without a difference", () => {
    expect(ruleMatches({ maxDifference: 100 }, finding({ difference: null }))).toBe(false);
    expect(ruleMatches({ payerContains: "x" }, finding({ payerName: null }))).toBe(false);
  });
});

describe("planRules", () => {
  it("the default rule writes off a ¥0.50 shortfall as rounding", () => {
    const plan = planRules(defaults, finding());
    expect(plan.writeOff).toEqual({ amount: 50, reason: "rounding", ruleId: "default-0", ruleName: "差额 ≤ ¥1.00 按抹零核销" });
    expect(plan.applied).toEqual([{ ruleId: "default-0", ruleName: "差额 ≤ ¥1.00 按抹零核销", actions: ["writeOff"] }]);
    expect(shouldAlert(plan)).toBe(false);
  });

  it("the default rule leaves ¥1.01, surpluses and write-offs above the limit open", () => {
    expect(planRules(defaults, finding({ difference: -101, writeOffAmount: 101 })).writeOff).toBeNull();
    expect(planRules(defaults, finding({ difference: 50, writeOffAmount: undefined })).writeOff).toBeNull();
    const tolerated = planRules(defaults, finding({ difference: -80, writeOffAmount: undefined }));
    expect(tolerated.writeOff).toBeNull();
    expect(tolerated.applied).toEqual([]);
    expect(shouldAlert(tolerated)).toBe(true);
  });

  it("signature failures get high severity and an alert by default", () => {
    const plan = planRules(defaults, finding({ kind: "signature_failures", severity: "medium", difference: null, writeOffAmount: undefined, orderId: null }));
    expect(plan).toMatchObject({ severity: "high", notify: true, writeOff: null });
  });

  it("runs in position order: actions accumulate, the first applicable write-off ends evaluation", () => {
    const rules = [
      rule({ id: "c", position: 30, actions: { assignTo: "late-user", markForRefund: true } }),
      rule({ id: "a", position: 10, actions: { raiseSeverity: "medium", assignTo: "u1" } }),
      rule({ id: "b", position: 20, actions: { writeOff: { reason: "coupon" }, notify: true } }),
    ];
    const plan = planRules(rules, finding());
    expect(plan).toMatchObject({ severity: "medium", assignTo: "u1", markForRefund: false, notify: true });
    expect(plan.writeOff).toMatchObject({ reason: "coupon", ruleId: "b" });
    expect(plan.applied.map((a) => a.ruleId)).toEqual(["a", "b"]);
    expect(shouldAlert(plan)).toBe(true);
  });

  it("skips disabled rules and never lowers severity", () => {
    const rules = [rule({ enabled: false, actions: { writeOff: { reason: "bank_fee" } } }), rule({ id: "low", actions: { raiseSeverity: "low" } })];
    const plan = planRules(rules, finding({ severity: "high" }));
    expect(plan.writeOff).toBeNull();
    expect(plan.severity).toBe("high");
  });

  it("a write-off action on a finding that is no shortfall applies the rule's other actions", () => {
    const plan = planRules([rule({ actions: { writeOff: { reason: "channel_fee" }, markForRefund: true } })], finding({ kind: "overpayment", difference: 100, writeOffAmount: undefined }));
    expect(plan.writeOff).toBeNull();
    expect(plan.markForRefund).toBe(true);
    expect(plan.applied[0].actions).toEqual(["markForRefund"]);
  });

  const unmatched = (over: Partial<Finding> = {}) =>
    finding({ kind: "unmatched_overdue", subjectKey: "payment:p1", orderId: null, difference: null, writeOffAmount: undefined, memo: "结息", ...over });

  it("the interest preset is off until the merchant turns it on; on, it ignores unmatched money whose memo says 结息 or 利息", () => {
    expect(planRules(defaults, unmatched()).ignore).toBeNull();
    const on = defaults.map((r) => ({ ...r, enabled: true }));
    const plan = planRules(on, unmatched());
    expect(plan.ignore).toEqual({ paymentId: "p1", reason: "银行利息", ruleId: "default-2", ruleName: expect.stringContaining("结息") });
    expect(shouldAlert(plan)).toBe(false);
    expect(planRules(on, unmatched({ memo: "货款 LD7K2M9QX4" })).ignore).toBeNull();
  });

  it("the payout preset is off until turned on; on, it sets aside an institution's 提现/结算 as an own-account transfer, nothing else", () => {
    const payout = unmatched({ payerName: "财付通支付科技有限公司", memo: "微信支付 T+1 结算" });
    expect(planRules(defaults, payout).ignore).toBeNull();
    const on = defaults.map((r) => ({ ...r, enabled: true }));
    expect(planRules(on, payout).ignore).toEqual({ paymentId: "p1", reason: "自有账户间转账", ruleId: "default-3", ruleName: expect.stringContaining("提现") });
    // A person's 结算 is a sale; an institution's transfer without a payout word may be a customer's.
    expect(planRules(on, unmatched({ payerName: "上海恒达贸易有限公司", memo: "结算货款" })).ignore).toBeNull();
    expect(planRules(on, unmatched({ payerName: "支付宝（中国）网络技术有限公司", memo: "转账" })).ignore).toBeNull();
    expect(ruleMatches({ payout: true }, unmatched({ payerName: "银联商务股份有限公司", memo: "POS清算款" }))).toBe(true);
    expect(ruleMatches({ payout: true }, unmatched({ payerName: "银联商务股份有限公司", memo: null }))).toBe(false);
  });

  it("ignoring applies to money that found no order only, and ends evaluation", () => {
    const rules = [
      rule({ id: "ignore", position: 10, actions: { ignorePayment: { reason: "自有账户间转账" }, assignTo: "u1" } }),
      rule({ id: "later", position: 20, actions: { raiseSeverity: "high" } }),
    ];
    const plan = planRules(rules, unmatched());
    expect(plan.ignore).toMatchObject({ reason: "自有账户间转账", ruleId: "ignore" });
    expect(plan.applied).toEqual([{ ruleId: "ignore", ruleName: "r", actions: ["assignTo", "ignorePayment"] }]);
    expect(plan.severity).toBe("low");
    for (const other of [finding(), finding({ kind: "overpayment", difference: 100, writeOffAmount: undefined }), unmatched({ paymentId: null })]) {
      const p = planRules(rules, other);
      expect(p.ignore).toBeNull();
      expect(p.applied.map((a) => a.ruleId)).toEqual(["ignore", "later"]);
    }
  });
});
