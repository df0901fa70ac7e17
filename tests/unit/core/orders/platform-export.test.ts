import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parsePlatformOrders, PlatformExportFormatError } from "@/lib/core/orders/platform-export";

describe("platform order exports", () => {
  it("maps columns by name, whatever their order", () => {
    const text = "订单状态,总金额,订单编号\n交易成功,88.00,=\"1234567890123456789\"\n";
    const { orders, rejected } = parsePlatformOrders(text, "taobao");
    expect(rejected).toEqual([]);
    expect(orders).toEqual([expect.objectContaining({ platformOrderId: "1234567890123456789", amount: 8800, closed: false })]);
  });

  it("rejects a zero or negative order amount, naming the line and the column", () => {
    const text = "订单编号,总金额\n1000000001,0\n1000000002,-1.00\n1000000003,0.01\n";
    const { orders, rejected } = parsePlatformOrders(text, "taobao");
    expect(orders.map((o) => [o.platformOrderId, o.amount])).toEqual([["1000000003", 1]]);
    expect(rejected).toEqual([
      { line: 2, message: '总金额: "0" is not a positive amount (an order must ask for money)' },
      { line: 3, message: '总金额: "-1.00" is not a positive amount (an order must ask for money)' },
    ]);
  });

  it("never throws anything but PlatformExportFormatError, and amounts are integers", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.constantFrom("taobao", "douyin"), (body, format) => {
        try {
          const r = parsePlatformOrders(`订单编号,总金额,主订单编号,订单应付金额\n${body}`, format as "taobao" | "douyin");
          for (const o of r.orders) expect(Number.isSafeInteger(o.amount) && o.amount > 0).toBe(true);
        } catch (err) {
          expect(err).toBeInstanceOf(PlatformExportFormatError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
