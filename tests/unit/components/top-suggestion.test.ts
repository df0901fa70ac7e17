import { describe, expect, it } from "vitest";
import { describeTop, topAction, topConfidence, topIsClosed, topSuggestion } from "@/components/payments/top-suggestion";

const suggested = (orders: { reference: string; status: string | null }[], confidence = 0.915) => ({
  status: "suggested",
  suggestions: [
    { references: orders.map((o) => o.reference), confidence, orders },
    { references: ["OTHER"], confidence: 0.4, orders: [{ reference: "OTHER", status: "closed" }] },
  ],
});

describe("topSuggestion", () => {
  it("is the first suggestion, its confidence as a whole percentage and its closed orders", () => {
    expect(topSuggestion(suggested([{ reference: "A", status: "pending" }]))).toEqual({ percent: 92, references: ["A"], closed: [] });
    expect(topSuggestion(suggested([{ reference: "A", status: "pending" }, { reference: "B", status: "closed" }], 0.5))).toEqual({
      percent: 50,
      references: ["A", "B"],
      closed: ["B"],
    });
  });

  it("is null without suggestions", () => {
    expect(topSuggestion({ status: "unmatched" })).toBeNull();
    expect(topSuggestion({ status: "suggested", suggestions: [] })).toBeNull();
    expect(topConfidence({ status: "unmatched" })).toBe(0);
    expect(topIsClosed({ status: "unmatched" })).toBe(false);
  });

  it("reads only the first suggestion for confidence and closed orders", () => {
    const p = suggested([{ reference: "A", status: null }], 0.97);
    expect(topConfidence(p)).toBe(0.97);
    expect(topIsClosed(p)).toBe(false);
  });
});

describe("describeTop", () => {
  it("names confidence and references, and flags a closed order", () => {
    expect(describeTop({ percent: 92, references: ["A", "B"], closed: [] }, "订单已关闭")).toBe("92% · A, B");
    expect(describeTop({ percent: 60, references: ["A"], closed: ["A"] }, "Order closed")).toBe("60% · A · Order closed");
  });
});

describe("topAction", () => {
  it("confirms an open order's suggestion from the list", () => {
    expect(topAction(suggested([{ reference: "A", status: "pending" }]), true)).toBe("confirm");
  });

  it("sends a closed order's suggestion to the payment's page", () => {
    expect(topAction(suggested([{ reference: "A", status: "closed" }]), true)).toBe("review");
  });

  it("offers nothing to a viewer, or when no suggestion waits", () => {
    expect(topAction(suggested([{ reference: "A", status: "pending" }]), false)).toBeNull();
    expect(topAction({ status: "matched" }, true)).toBeNull();
    expect(topAction({ status: "suggested", suggestions: [] }, true)).toBeNull();
  });
});
