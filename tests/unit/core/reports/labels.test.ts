import { describe, expect, it } from "vitest";
import type { MatchMethod } from "@/lib/core/matching/types";
import { matchMethodLabel } from "@/lib/core/reports/labels";
import { MESSAGES } from "@/lib/i18n/messages";

// Keyed by the union, so a method added to the engine fails type-checking here until it is listed.
const EVERY_METHOD: Record<MatchMethod, true> = {
  reference: true,
  reference_in_memo: true,
  multi_reference: true,
  typo_reference: true,
  order_no_in_memo: true,
  amount_payer: true,
  amount_payer_sum: true,
  amount_payer_partial: true,
  amount_payer_over: true,
  unique_amount: true,
  manual: true,
};

describe("report match-method labels", () => {
  it("names every method the engine can record in Chinese, never by its code", () => {
    for (const method of Object.keys(EVERY_METHOD)) {
      const label = matchMethodLabel(method);
      expect(label, method).not.toBe(method);
      expect(label, method).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it("labels the methods added after the first report", () => {
    expect(matchMethodLabel("order_no_in_memo")).toBe("附言中的订单号");
    expect(matchMethodLabel("unique_amount")).toBe("唯一金额");
    expect(matchMethodLabel("typo_reference")).toBe("参考号纠错");
  });

  it("covers every method the app's screens name", () => {
    for (const method of Object.keys(MESSAGES["zh-CN"].payments.methods)) expect(matchMethodLabel(method), method).not.toBe(method);
  });

  it("keeps an unknown code and leaves an empty method blank", () => {
    expect(matchMethodLabel("future_method")).toBe("future_method");
    expect(matchMethodLabel(null)).toBe("");
  });
});
