import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { iteratePlatformOrders, parsePlatformOrders, PlatformExportFormatError } from "@/lib/core/orders/platform-export";

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
  it("accounts for every line: a sub-order row repeating the amount (or blank) is skipped, another amount is rejected naming the first line", () => {
    const text = "主订单编号,订单应付金额\n1000000001,179.00\n1000000001,179.00\n1000000001,\n1000000001,99.00\n1000000002,10.00\n";
    const { orders, rejected, skipped } = parsePlatformOrders(text, "douyin");
    expect(orders.map((o) => [o.lineNo, o.platformOrderId, o.amount])).toEqual([
      [2, "1000000001", 17900],
      [6, "1000000002", 1000],
    ]);
    expect(skipped).toEqual([3, 4]);
    expect(rejected).toEqual([
      { line: 5, message: "order id 1000000001: 订单应付金额 99.00 differs from 179.00 on line 2, which was imported: the lines of one order repeat its amount, so this line is not imported" },
    ]);
  });

  it("refuses an id a workbook held as a rounded number, or that Excel wrote in scientific form, saying the column must be text", () => {
    const text = "订单编号,总金额\n6928374655102940000,1.00\n6928374655102940000,2.00\n12345678,3.00\n6.92837E+18,4.00\n";
    const items = [...iteratePlatformOrders([text], "taobao", { roundedNumbers: new Map([[2, [0]], [3, [0]], [4, [1]]]) })];
    expect(items).toEqual([
      { rejected: { line: 2, message: expect.stringMatching(/^订单编号: 6928374655102940000 is a number in the workbook, which Excel keeps to 15 digits, so the order id is lost.*must be text: in Excel, format the column as 文本 \/ Text/) } },
      { rejected: { line: 3, message: expect.stringMatching(/^订单编号: 6928374655102940000 is a number in the workbook/) } },
      // Only the id column matters: a rounded number elsewhere on a line is not the order's id.
      { order: expect.objectContaining({ platformOrderId: "12345678", amount: 300 }) },
      { rejected: { line: 5, message: expect.stringMatching(/^订单编号: "6\.92837E\+18" is a number Excel shortened.*文本 \/ Text/) } },
    ]);
  });
});
