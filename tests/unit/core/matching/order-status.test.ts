import { describe, expect, it } from "vitest";
import { deriveOrderStatus } from "@/lib/core/matching/order-status";

describe("deriveOrderStatus", () => {
  it("follows the money paid: nothing, part, all, more; a closed order with nothing paid stays closed", () => {
    expect(deriveOrderStatus({ amount: 10000, allocated: 0, refunded: 0 })).toBe("pending");
    expect(deriveOrderStatus({ amount: 10000, allocated: 0, refunded: 0, closed: true })).toBe("closed");
    expect(deriveOrderStatus({ amount: 10000, allocated: 4000, refunded: 0 })).toBe("partially_paid");
    expect(deriveOrderStatus({ amount: 10000, allocated: 9900, refunded: 0, writtenOff: 100 })).toBe("paid");
    expect(deriveOrderStatus({ amount: 10000, allocated: 10000, refunded: 0, closed: true })).toBe("paid");
    expect(deriveOrderStatus({ amount: 10000, allocated: 20000, refunded: 0 })).toBe("overpaid");
  });

  it("a refund of goods leaves the order partly or wholly refunded", () => {
    expect(deriveOrderStatus({ amount: 10000, allocated: 10000, refunded: 3000 })).toBe("partially_refunded");
    expect(deriveOrderStatus({ amount: 10000, allocated: 10000, refunded: 10000 })).toBe("refunded");
    expect(deriveOrderStatus({ amount: 10000, allocated: 4000, refunded: 4000 })).toBe("refunded");
  });

  it("a refund of a surplus (a customer who paid twice) leaves the order paid, or overpaid while some surplus is left", () => {
    expect(deriveOrderStatus({ amount: 10000, allocated: 20000, refunded: 10000 })).toBe("paid");
    expect(deriveOrderStatus({ amount: 10000, allocated: 20000, refunded: 4000 })).toBe("overpaid");
    expect(deriveOrderStatus({ amount: 10000, allocated: 20000, refunded: 12000 })).toBe("partially_refunded");
    expect(deriveOrderStatus({ amount: 10000, allocated: 9900, refunded: 0, writtenOff: 100 })).toBe("paid");
  });
});
