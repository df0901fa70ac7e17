import { describe, expect, it } from "vitest";
import { closedReferences } from "@/components/payments/closed-suggestion";
import { hasActiveFilters, isReversedRange } from "@/components/payments/payment-filters";

describe("closedReferences", () => {
  it("reads the engine's closed-order note from the explanation", () => {
    const s = {
      references: ["LD7K2M9QX4"],
      explanation: "order DY-1 (LD7K2M9QX4); amount equals the full amount of an order closed before it was paid (it expired, say); payer name matches",
    };
    expect(closedReferences(s)).toEqual(["LD7K2M9QX4"]);
  });

  it("marks nothing for an open order's suggestion", () => {
    expect(closedReferences({ references: ["A"], explanation: "order DY-1 (A); amount equals the order's open amount" })).toEqual([]);
  });

  it("prefers the orders' statuses when the API sends them", () => {
    const s = {
      references: ["A", "B"],
      explanation: "amount equals the full amount of an order closed before it was paid",
      orders: [
        { reference: "A", status: "pending" },
        { reference: "B", status: "closed" },
      ],
    };
    expect(closedReferences(s)).toEqual(["B"]);
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
