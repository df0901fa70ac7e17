import { describe, expect, it } from "vitest";
import { closedReferences } from "@/components/payments/closed-suggestion";
import { presetFor, sharedPreset } from "@/components/payments/ignore-reason";
import { hasActiveFilters, isReversedRange } from "@/components/payments/payment-filters";

describe("closedReferences", () => {
  it("names the suggested orders that are closed now, from the statuses the API sends", () => {
    const s = {
      references: ["A", "B"],
      orders: [
        { reference: "A", status: "pending" },
        { reference: "B", status: "closed" },
      ],
    };
    expect(closedReferences(s)).toEqual(["B"]);
  });

  it("marks nothing for open orders, or when no status came", () => {
    expect(closedReferences({ references: ["A"], orders: [{ reference: "A", status: "pending" }] })).toEqual([]);
    expect(closedReferences({ references: ["A"], orders: [{ reference: "A", status: null }] })).toEqual([]);
    expect(closedReferences({ references: ["A"] })).toEqual([]);
  });
});

describe("payments list filters", () => {
  it("counts what narrows the list, not the tab", () => {
    expect(hasActiveFilters({})).toBe(false);
    expect(hasActiveFilters({ view: "all" })).toBe(false);
    expect(hasActiveFilters({ status: "pending" })).toBe(false);
    expect(hasActiveFilters({ status: "matched" })).toBe(true);
    expect(hasActiveFilters({ q: "李娜" })).toBe(true);
    expect(hasActiveFilters({ channel: "alipay" })).toBe(true);
    expect(hasActiveFilters({ from: "2026-11-01" })).toBe(true);
    expect(hasActiveFilters({ statementId: "0b4c…" })).toBe(true);
  });

  it("finds a start after the end", () => {
    expect(isReversedRange({ from: "2026-11-30", to: "2026-11-01" })).toBe(true);
    expect(isReversedRange({ from: "2026-11-01", to: "2026-11-01" })).toBe(false);
    expect(isReversedRange({ from: "2026-11-01", to: "2026-11-30" })).toBe(false);
    expect(isReversedRange({ from: "2026-11-30" })).toBe(false);
    expect(isReversedRange({ from: "2026-11-25T10:00:00+08:00", to: "2026-11-25T09:00:00+08:00" })).toBe(true);
    expect(isReversedRange({ from: "not a date", to: "2026-11-01" })).toBe(false);
  });
});

describe("the ignore reason a memo points to", () => {
  const presets = ["银行利息", "供应商退款", "自有账户间转账", "非销售收入"];
  it("reads interest, a refund coming back and other income from the memo's non-sale word", () => {
    expect(presetFor("结息", presets)).toBe("银行利息");
    expect(presetFor("利息", presets)).toBe("银行利息");
    expect(presetFor("退款", presets)).toBe("供应商退款");
    expect(presetFor("补贴", presets)).toBe("非销售收入");
    expect(presetFor(null, presets)).toBe("");
  });

  it("for several payments, chooses a reason only when every memo points to the same one", () => {
    expect(sharedPreset(["结息", "利息", "结息"], presets)).toBe("银行利息");
    expect(sharedPreset(["结息", "退款"], presets)).toBe("");
    expect(sharedPreset(["结息", null], presets)).toBe("");
    expect(sharedPreset([], presets)).toBe("");
  });
});

describe("a channel's payout in the ignore form", () => {
  it("reads as a transfer between the shop's own accounts", () => {
    const presets = ["银行利息", "供应商退款", "自有账户间转账", "非销售收入"];
    expect(presetFor("提现", presets)).toBe("自有账户间转账");
    expect(presetFor("结算", presets)).toBe("自有账户间转账");
    expect(sharedPreset(["提现", "清算"], presets)).toBe("自有账户间转账");
  });
});
