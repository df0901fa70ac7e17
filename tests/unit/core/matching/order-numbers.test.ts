import { describe, expect, it } from "vitest";
import { readMemo } from "@/lib/core/matching/memo-signals";
import { orderNumberKey, orderNumberTokens } from "@/lib/core/matching/order-numbers";

describe("order number keys", () => {
  it("fold width, case and separators, so the ways a number is written agree", () => {
    for (const written of ["DY-13-000248", "dy13000248", "ＤＹ－１３－０００２４８", "DY 13 000248"]) expect(orderNumberKey(written)).toBe("DY13000248");
  });

  it("are null for numbers too short or without a digit to name an order", () => {
    expect(orderNumberKey("12345")).toBeNull();
    expect(orderNumberKey("PAYMENT")).toBeNull();
    expect(orderNumberKey(null)).toBeNull();
    expect(orderNumberKey("123456")).toBe("123456");
  });
});

describe("order number tokens in a memo", () => {
  it("finds printed numbers next to Chinese text and punctuation, keeping spaced groups apart", () => {
    expect(orderNumberTokens("订单号：DY-13-000248，谢谢")).toEqual(["DY13000248"]);
    expect(orderNumberTokens("淘宝3712345678901234567货款")).toEqual(["3712345678901234567"]);
    expect(orderNumberTokens("订单 123456 789012")).toEqual(["123456", "789012"]);
    expect(orderNumberTokens("2026/1101/0012、TB-1-000002")).toEqual(["202611010012", "TB1000002"]);
  });

  it("reads no amount or date as an order number (1280.00 is not order 128000, 2026.11.25 not 20261125)", () => {
    expect(orderNumberTokens("货款1280.00")).toEqual([]);
    expect(orderNumberTokens("货款 1,280.00 元")).toEqual([]);
    expect(orderNumberTokens("2026.11.25货款")).toEqual([]);
    expect(orderNumberTokens("2026-11-25 订单DY-13-000248")).toEqual(["DY13000248"]);
    // A dotted number that is neither (an order printed with dots) still is one.
    expect(orderNumberTokens("订单 2026.1101.0012")).toEqual(["202611010012"]);
  });

  it("ignores words and short numbers, and stops at ten tokens", () => {
    expect(orderNumberTokens("payment for goods 2026")).toEqual([]);
    expect(orderNumberTokens(Array.from({ length: 20 }, (_, i) => `A${100000 + i}`).join(" "))).toHaveLength(10);
  });

  it("are read with the rest of the memo, the reference field included when it is not one of our references", () => {
    expect(readMemo("WEB-2026-0042", "货款").orderNumbers).toEqual(["WEB20260042"]);
  });
});
