import { describe, expect, it } from "vitest";
import { orderEventId, orderEventIds, sameOrderState } from "@/lib/core/webhooks/order-events";

const ORDER = "0b6f5a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b";
const OTHER = "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a";

describe("order event ids", () => {
  it("number an order's events: stable, one per change, never an older id's shape", () => {
    expect(orderEventId(ORDER, 1)).toBe("evt_0b6f5a3e1c2d4e5f8a9b0c1d2e3f4a5b_1");
    expect(orderEventId(ORDER, 1)).toBe(orderEventId(ORDER, 1));
    expect(orderEventId(ORDER, 3)).not.toBe(orderEventId(ORDER, 1));
    expect(orderEventId(ORDER, 1)).not.toBe(orderEventId(OTHER, 1));
    // Ids from before sequences named the state (…_paid_8800_0): a sequence is never one of them.
    expect(orderEventId(ORDER, 1)).toMatch(/_\d+$/);
  });

  it("lists the ids of a window of sequences per order", () => {
    expect(orderEventIds([ORDER, OTHER], 5, 2)).toEqual([orderEventId(ORDER, 5), orderEventId(ORDER, 6), orderEventId(OTHER, 5), orderEventId(OTHER, 6)]);
    expect(orderEventIds([], 1, 4)).toEqual([]);
  });
});

describe("sameOrderState", () => {
  const paid = { status: "paid", paidAmount: 8800, refundedAmount: 0 };

  it("is the same change seen again only when status and amounts all agree", () => {
    expect(sameOrderState({ ...paid, orderId: ORDER, reference: "LD1" }, paid)).toBe(true);
    expect(sameOrderState({ ...paid, status: "pending", paidAmount: 0 }, paid)).toBe(false);
    expect(sameOrderState({ ...paid, refundedAmount: 100 }, paid)).toBe(false);
    expect(sameOrderState({ ...paid, paidAmount: 8700 }, paid)).toBe(false);
  });

  it("never matches data that is not an order", () => {
    expect(sameOrderState(null, paid)).toBe(false);
    expect(sameOrderState(undefined, paid)).toBe(false);
    expect(sameOrderState("paid", paid)).toBe(false);
  });
});
