import { describe, expect, it } from "vitest";
import { parseAlipayBill, parseStatement, parseWechatBill, StatementFormatError } from "@/lib/core/statements";
import { ALIPAY_SAMPLE, alipayBill, alipayTrade, toGbk } from "../../../fixtures/statements/cn-exports";
import { fixture } from "./helpers";

describe("wechat-bill", () => {
  it("the real APIv3 ALL bill: 3 SUCCESS payments of 0.01 with 微信订单号 and 商户订单号, the summary row ignored", () => {
    const r = parseStatement("wechat-bill", fixture("wechatpay-bill/wechatpay_v3_tradebill_ALL_20210128.csv"));
    expect(r.rejected).toEqual([]);
    expect(r.lines.map((l) => [l.direction, l.amount, l.currency, l.bankSerial, l.reference, l.bookedAt])).toEqual([
      ["credit", 1, "CNY", "4200000925202101284997714292", "S20210128170702357723", "2021-01-28T09:07:11.000Z"],
      ["credit", 1, "CNY", "4200000910202101282955148400", "S20210128153505214586", "2021-01-28T07:35:18.000Z"],
      ["credit", 1, "CNY", "4200000926202101281412639609", "S20210128165824499930", "2021-01-28T08:59:46.000Z"],
    ]);
    expect(r.lines[0].memo).toBe("for testing | cipher code");
    expect(r.lines[0].details).toMatchObject({ billAmount: 1, settlementAmount: 1, feeYuan: "0.00000", feeRate: "1.00%", tradeType: "NATIVE" });
    expect(r.lines[0].raw.商户号).toBe("1601959334");
  });

  it("REFUND rows are refunds with their 微信退款单号; a refund still processing is rejected", () => {
    const real = new TextDecoder().decode(fixture("wechatpay-bill/wechatpay_v3_tradebill_ALL_20210128.csv"));
    const [header, first, ...rest] = real.split("\n");
    const cells = first.split(",");
    const refund = (status: string, refundId: string) =>
      cells
        .map((c, i) => (i === 9 ? "`REFUND" : i === 14 ? `\`${refundId}` : i === 15 ? "`RF001" : i === 16 ? "`0.01" : i === 19 ? `\`${status}` : c))
        .join(",");
    const r = parseWechatBill([header, first, refund("SUCCESS", "50300000001"), refund("PROCESSING", "50300000002"), ...rest].join("\n"));
    expect(r.lines.map((l) => [l.direction, l.amount, l.bankSerial, l.refundId])).toEqual([
      ["credit", 1, "4200000925202101284997714292", null],
      ["debit", 1, "4200000925202101284997714292", "50300000001"],
      ["credit", 1, "4200000910202101282955148400", null],
      ["credit", 1, "4200000926202101281412639609", null],
    ]);
    expect(r.rejected).toEqual([{ line: 4, message: expect.stringContaining("PROCESSING") }]);
  });

  it("a 商品名称 with a comma in it (WeChat does not quote it) is read whole, not as a shifted row", () => {
    const real = new TextDecoder().decode(fixture("wechatpay-bill/wechatpay_v3_tradebill_ALL_20210128.csv"));
    const [header, first, ...rest] = real.split("\n");
    const cells = first.split(",");
    const named = cells.map((c, i) => (i === 20 ? "`T恤,白色" : c)).join(",");
    const r = parseWechatBill([header, named, ...rest].join("\n"));
    expect(r.rejected).toEqual([]);
    expect(r.lines[0]).toMatchObject({ amount: 1, bankSerial: "4200000925202101284997714292", memo: expect.stringContaining("T恤,白色") });
  });

  it("a CSV without the bill header is not a WeChat bill", () => {
    expect(() => parseWechatBill("a,b,c\n1,2,3\n")).toThrow(StatementFormatError);
  });
});

describe("alipay-bill (our GBK fixture)", () => {
  it("reads the GBK file: # comments skipped, tab padding trimmed, 交易 → credits, 退款 → a refund of the trade", () => {
    const r = parseStatement("auto", toGbk(ALIPAY_SAMPLE));
    expect(r.format).toBe("alipay-bill");
    expect(r.lines.map((l) => [l.direction, l.amount, l.bankSerial, l.reference, l.refundId])).toEqual([
      ["credit", 12800, "2024050122001468450512505578", "LD7K2M9QX4", null],
      ["credit", 8800, "2024050122001468450512505579", "WEB-0002", null],
      ["debit", 2000, "2024050122001468450512505578", "LD7K2M9QX4", "RF20240501001"],
    ]);
    expect(r.lines[0]).toMatchObject({ bookedAt: "2024-05-01T02:00:09.000Z", payerAccount: "张*(zha***@163.com)", memo: "原创连衣裙" });
    expect(r.lines[0].details).toMatchObject({ billAmount: 12800, receivedAmount: 12800, serviceFee: -77, redPacketAmount: 0 });
    expect(r.lines[1].memo).toBe("T恤, 白色");
    expect(r.rejected).toEqual([{ line: 9, message: expect.stringContaining("冻结") }]);
  });

  it("a bad amount or time rejects that row with its line number", () => {
    const text = alipayBill([
      alipayTrade({ tradeNo: "T1", outTradeNo: "A", amount: "12.345", created: "2024-05-01 10:00:00", finished: "2024-05-01 10:00:00" }),
      alipayTrade({ tradeNo: "T2", outTradeNo: "B", amount: "1.00", created: "2024-05-01 10:00:00", finished: "yesterday" }),
      alipayTrade({ tradeNo: "T3", outTradeNo: "C", amount: "1.00", created: "2024-05-01 10:00:00", finished: "2024-05-01 10:00:00" }),
    ]);
    const r = parseAlipayBill(text);
    expect(r.lines.map((l) => l.bankSerial)).toEqual(["T3"]);
    expect(r.rejected).toEqual([
      { line: 6, message: expect.stringContaining("12.345") },
      { line: 7, message: expect.stringContaining("yesterday") },
    ]);
  });
});
