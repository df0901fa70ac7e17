import { describe, expect, it } from "vitest";
import { formatMoney } from "@/lib/i18n/money";
import { minorDigits } from "@/lib/core/money";

const plain = (s: string) => s.replace(/\u00a0/g, " ");

describe("formatMoney", () => {
  it("keeps CNY as the app shows it everywhere: ¥ with two decimals, in both languages", () => {
    expect(formatMoney(15900, "CNY", "zh-CN")).toBe("¥159.00");
    expect(formatMoney(123456789, "CNY", "en")).toBe("¥1,234,567.89");
    expect(formatMoney(-50, null, "zh-CN")).toBe("-¥0.50");
  });

  it("formats another currency with its own symbol, never as yuan", () => {
    expect(plain(formatMoney(123456, "CHF", "zh-CN"))).toBe("CHF 1,234.56");
    expect(formatMoney(1250, "EUR", "en")).toBe("€12.50");
    expect(formatMoney(1250, "eur", "zh-CN")).toBe("€12.50");
    expect(formatMoney(1200, "USD", "zh-CN")).toBe("US$12.00");
  });

  it("takes the minor digits from the currency: JPY has none, KWD three", () => {
    expect(minorDigits("JPY")).toBe(0);
    expect(minorDigits("KWD")).toBe(3);
    expect(formatMoney(1200, "JPY", "zh-CN")).toBe("JP¥1,200");
    expect(plain(formatMoney(12345, "KWD", "en"))).toBe("KWD 12.345");
  });

  it("never shows a bare ¥ for a currency that is not CNY (JPY in English reads as yuan here)", () => {
    expect(plain(formatMoney(1200, "JPY", "en"))).toBe("JPY 1,200");
  });

  it("is exact for amounts a float would round", () => {
    expect(plain(formatMoney(900719925474099, "EUR", "en"))).toBe("€9,007,199,254,740.99");
    expect(formatMoney(29, "EUR", "en")).toBe("€0.29");
  });

  it("shows a code Intl does not know with two decimals", () => {
    expect(plain(formatMoney(100, "XX1", "en"))).toBe("XX1 1.00");
  });
});
