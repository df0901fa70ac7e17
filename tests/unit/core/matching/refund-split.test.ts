import { describe, expect, it } from "vitest";
import { afterRefund, spreadRefund } from "@/lib/core/matching/refund-split";

describe("spreadRefund", () => {
  const rooms = [
    { orderId: "A", room: 6000 },
    { orderId: "B", room: 4000 },
  ];

  it("gives back money no order holds first, then the order paid most that holds all of the rest", () => {
    expect(spreadRefund(3000, 5000, rooms)).toEqual([{ orderId: null, amount: 3000 }]);
    expect(spreadRefund(7000, 5000, rooms)).toEqual([
      { orderId: null, amount: 5000 },
      { orderId: "A", amount: 2000 },
    ]);
    expect(spreadRefund(4000, 0, rooms)).toEqual([{ orderId: "A", amount: 4000 }]);
  });

  it("spreads what no order holds alone, so none gets back more than it was paid", () => {
    expect(spreadRefund(7000, 0, rooms)).toEqual([
      { orderId: "A", amount: 6000 },
      { orderId: "B", amount: 1000 },
    ]);
    expect(spreadRefund(12000, 0, rooms)).toEqual([
      { orderId: "A", amount: 6000 },
      { orderId: "B", amount: 4000 },
      { orderId: null, amount: 2000 },
    ]);
    expect(spreadRefund(500, 0, [])).toEqual([{ orderId: null, amount: 500 }]);
  });

  it("the parts always add up to the refund, and what is left is what they did not take", () => {
    for (const amount of [1, 999, 4000, 6001, 10000, 15000]) {
      for (const unclaimed of [0, 1, 2500]) {
        const parts = spreadRefund(amount, unclaimed, rooms);
        expect(parts.reduce((s, p) => s + p.amount, 0)).toBe(amount);
        const after = afterRefund(unclaimed, rooms, parts);
        expect(after.unclaimed + after.rooms.reduce((s, r) => s + Math.max(0, r.room), 0)).toBe(Math.max(0, unclaimed + 10000 - amount));
      }
    }
  });
});
