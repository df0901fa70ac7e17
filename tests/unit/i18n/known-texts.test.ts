import { describe, expect, it } from "vitest";
import { DEFAULT_RULES } from "@/lib/core/anomalies/rules";
import { localizeKnown } from "@/lib/i18n/known-texts";
import { MESSAGES } from "@/lib/i18n/messages";

describe("texts the product wrote into the data", () => {
  it("name the preset anomaly rules in the order they are seeded", () => {
    expect(MESSAGES["zh-CN"].payments.defaultRuleNames).toEqual(DEFAULT_RULES.map((r) => r.name));
    expect(MESSAGES.en.payments.defaultRuleNames).toHaveLength(DEFAULT_RULES.length);
  });

  it("read in the reader's language while they are still exactly a preset", () => {
    expect(localizeKnown("差额 ≤ ¥1.00 按抹零核销", "en")).toBe("Shortfall ≤ ¥1.00: write off as rounding");
    expect(localizeKnown("差额 ≤ ¥1.00 按抹零核销", "zh-CN")).toBe("差额 ≤ ¥1.00 按抹零核销");
    // A reason chosen from the English presets reads in Chinese for a Chinese colleague, and back.
    expect(localizeKnown("Bank interest", "zh-CN")).toBe("银行利息");
    expect(localizeKnown("银行利息", "en")).toBe("Bank interest");
    // Anything a person typed stays as typed.
    expect(localizeKnown("差额 ≤ ¥2.00 按抹零核销", "en")).toBe("差额 ≤ ¥2.00 按抹零核销");
    expect(localizeKnown("客户重复付款，已线下退回", "en")).toBe("客户重复付款，已线下退回");
  });
});
