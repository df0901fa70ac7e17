import { describe, expect, it } from "vitest";
import { amountIn, timingNote } from "@/lib/core/matching/explain";

describe("amountIn", () => {
  it("writes yuan exactly as explanations always have (golden outputs depend on it)", () => {
    expect(amountIn(1280, "CNY")).toBe("¥12.80");
    expect(amountIn(123456, "CNY")).toBe("¥1234.56");
    expect(amountIn(5, "CNY")).toBe("¥0.05");
  });

  it("writes another currency with its code and its own minor digits, never as ¥", () => {
    expect(amountIn(1280, "USD")).toBe("USD 12.80");
    expect(amountIn(1200, "JPY")).toBe("JPY 1,200");
    expect(amountIn(123456789, "EUR")).toBe("EUR 1,234,567.89");
    expect(amountIn(5, "GBP")).toBe("GBP 0.05");
    expect(amountIn(-50, "USD")).toBe("-USD 0.50");
    expect(amountIn(1280, "usd")).toBe("USD 12.80");
  });
});

describe("timingNote", () => {
  it("counts days in the singular for one day in English", () => {
    expect(timingNote(1, true).en).toBe("the money arrived 1 day before the order was created");
    expect(timingNote(1, false).en).toBe("the money arrived 1 day after the order was created");
    expect(timingNote(21, true).en).toBe("the money arrived 21 days before the order was created");
    expect(timingNote(1, true).zh).toBe("款项比订单创建早 1 天");
  });
});
