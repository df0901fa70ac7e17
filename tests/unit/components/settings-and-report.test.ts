import { describe, expect, it } from "vitest";
import { ruleClauses } from "@/components/audit/changes";
import { fileNameFromDisposition } from "@/components/ui/download";
import { MESSAGES, type Locale } from "@/lib/i18n/messages";

const describeRule = (clauses: Record<string, unknown>, locale: Locale) => ruleClauses(clauses, { messages: MESSAGES[locale], locale, timeZone: "Asia/Shanghai" });

describe("describeRule", () => {
  const conditions = { kinds: ["amount_mismatch", "overpayment"], channels: ["alipay", "bank"], maxAmount: 10000 };

  it("punctuates lists and clauses the Chinese way", () => {
    expect(describeRule(conditions, "zh-CN")).toBe("类型为 金额不符、超额支付；渠道为 支付宝、银行转账；金额 ≤ ¥100.00");
  });

  it("names memo words and the reason a payment is ignored for", () => {
    const interest = { conditions: { kinds: ["unmatched_overdue"], memoContains: ["结息", "利息"] }, actions: { ignorePayment: { reason: "银行利息" } } };
    expect(describeRule(interest.conditions, "zh-CN")).toBe("类型为 长时间未匹配；附言包含 结息、利息");
    expect(describeRule(interest.actions, "zh-CN")).toBe("忽略收款，理由 银行利息");
    // The preset reason reads in the reader's language; a reason a person typed would stay as typed.
    expect(describeRule(interest.actions, "en")).toBe("ignore the payment as Bank interest");
  });

  it("names a payout condition in a word", () => {
    expect(describeRule({ kinds: ["unmatched_overdue"], payout: true }, "zh-CN")).toBe("类型为 长时间未匹配；渠道提现/结算到账");
    expect(describeRule({ payout: true }, "en")).toBe("a channel's payout");
  });

  it("says a direction by itself, and a rule that silences the alert", () => {
    expect(describeRule({ kinds: ["amount_mismatch"], direction: "shortfall", maxDifference: 100 }, "zh-CN")).toBe("类型为 金额不符；少付；差额 ≤ ¥1.00");
    expect(describeRule({ raiseSeverity: "high", notify: false, markForRefund: false }, "zh-CN")).toBe("级别提升为 高；不发送通知");
    expect(describeRule({ notify: false }, "en")).toBe("no notification");
    expect(describeRule({}, "en")).toBe("");
  });

  it("punctuates lists and clauses the English way", () => {
    const text = describeRule(conditions, "en");
    expect(text).not.toMatch(/[、；]/);
    expect(text).toMatch(/, /);
    expect(text.split("; ")).toHaveLength(3);
  });
});

describe("fileNameFromDisposition", () => {
  it("takes the RFC 5987 Chinese name before the ASCII fallback", () => {
    const header = `attachment; filename="reconciliation-2026-11-01_2026-11-30.xlsx"; filename*=UTF-8''${encodeURIComponent("对账报告_2026-11-01_2026-11-30.xlsx")}`;
    expect(fileNameFromDisposition(header)).toBe("对账报告_2026-11-01_2026-11-30.xlsx");
  });

  it("falls back to the plain name, and to null without one", () => {
    expect(fileNameFromDisposition('attachment; filename="vouchers.csv"')).toBe("vouchers.csv");
    expect(fileNameFromDisposition("attachment; filename=plain.csv")).toBe("plain.csv");
    expect(fileNameFromDisposition("attachment")).toBeNull();
    expect(fileNameFromDisposition(null)).toBeNull();
  });
});
