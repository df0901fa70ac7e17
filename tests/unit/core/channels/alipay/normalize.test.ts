import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizeAlipayNotification } from "@/lib/core/channels/alipay/normalize";
import { NotificationFormatError } from "@/lib/core/channels/errors";
import { alipayPaymentNotify } from "@/tests/helpers/alipay-signer";
import { tradeStatusSync, without } from "./fixtures";

const APP_ID = "2021004100000001";
const base = { outTradeNo: "P7K2M9QX4D", appId: APP_ID, tradeNo: "2024030122001400000000000001" };

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof NotificationFormatError) return error.field;
    throw error;
  }
  throw new Error("expected a NotificationFormatError");
}

describe("normalizeAlipayNotification", () => {
  it("maps the real TRADE_SUCCESS notify", () => {
    const result = normalizeAlipayNotification(tradeStatusSync());
    expect(result).toEqual({
      eventKey: "2019081522001468450512505578:TRADE_SUCCESS::",
      refund: null,
      ignoredReason: null,
      payment: {
        kind: "payment",
        channel: "alipay",
        channelTransactionId: "2019081522001468450512505578",
        reference: "20190815155618536-564-57",
        amount: 10,
        currency: "CNY",
        receivedAt: "2019-08-15T07:56:24.000Z",
        payerName: null,
        payerAccount: "xud***@126.com",
        memo: null,
        merchantAccountId: "2019073166072302",
        sellerId: "2088531891668739",
        details: {
          trade_status: "TRADE_SUCCESS",
          receipt_amount: 10,
          buyer_pay_amount: 10,
          point_amount: 0,
          invoice_amount: 10,
          fund_bill_list: [{ amount: "0.10", fundChannel: "ALIPAYACCOUNT" }],
          notify_id: "2019081500222155624068450559358070",
          notify_time: "2019-08-15T07:56:25.000Z",
          gmt_create: "2019-08-15T07:56:22.000Z",
          buyer_id: "2088102534368455",
          buyer_logon_id: "xud***@126.com",
          seller_email: "z97-yuquerevenue@service.aliyun.com",
          auth_app_id: "2019073166072302",
          subject: "语雀空间 500人规模",
        },
      },
    });
  });

  it("converts yuan to fen exactly, never through floats", () => {
    for (const [yuan, fen] of [["0.29", 29], ["0.01", 1], ["1.1", 110], ["128.00", 12800], ["19.99", 1999], ["100000000.00", 10_000_000_000]] as const) {
      const n = normalizeAlipayNotification(alipayPaymentNotify({ ...base, totalAmount: yuan }));
      expect(n.payment?.amount, yuan).toBe(fen);
    }
  });

  it("treats TRADE_FINISHED as paid and keeps passback_params as received", () => {
    const passback = encodeURIComponent("merchant=m1&note=加急");
    const n = normalizeAlipayNotification(alipayPaymentNotify({ ...base, tradeStatus: "TRADE_FINISHED", passbackParams: passback }));
    expect(n.payment).toMatchObject({ amount: 12800, receivedAt: "2024-03-01T04:00:05.000Z" });
    expect(n.payment?.details.passback_params).toBe(passback);
    expect(n.refund).toBeNull();
    expect(n.eventKey).toBe(`${base.tradeNo}:TRADE_FINISHED::`);
  });

  it("reports a partial refund (TRADE_SUCCESS + refund_fee) with the payment", () => {
    const n = normalizeAlipayNotification(
      alipayPaymentNotify({ ...base, refundFee: "28.50", outBizNo: "R1", gmtRefund: "2024-03-02 09:15:00.320" }),
    );
    expect(n.eventKey).toBe(`${base.tradeNo}:TRADE_SUCCESS:28.50:R1`);
    expect(n.ignoredReason).toBeNull();
    expect(n.payment).toMatchObject({ kind: "payment", amount: 12800, channelTransactionId: base.tradeNo });
    expect(n.refund).toEqual({
      kind: "refund",
      channel: "alipay",
      channelTransactionId: base.tradeNo,
      channelRefundId: "R1",
      reference: "P7K2M9QX4D",
      cumulativeRefundedAmount: 2850,
      amount: null,
      refundedAt: "2024-03-02T01:15:00.320Z",
      closesPayment: false,
      details: { trade_status: "TRADE_SUCCESS", refund_fee: 2850, out_biz_no: "R1", notify_id: expect.any(String) },
    });
  });

  it("gives partial refunds without out_biz_no distinct ids by running total", () => {
    const first = normalizeAlipayNotification(alipayPaymentNotify({ ...base, refundFee: "10.00" }));
    const second = normalizeAlipayNotification(alipayPaymentNotify({ ...base, refundFee: "30.00" }));
    expect(first.refund?.channelRefundId).toBe(`${base.tradeNo}:refunded:1000`);
    expect(second.refund?.channelRefundId).toBe(`${base.tradeNo}:refunded:3000`);
    expect(first.eventKey).not.toBe(second.eventKey);
  });

  it("reports a full refund (TRADE_CLOSED + refund_fee) that closes the payment", () => {
    const n = normalizeAlipayNotification(alipayPaymentNotify({ ...base, tradeStatus: "TRADE_CLOSED", refundFee: "128.00" }));
    expect(n.eventKey).toBe(`${base.tradeNo}:TRADE_CLOSED:128.00:`);
    expect(n.payment).toMatchObject({ amount: 12800, receivedAt: "2024-03-01T04:00:05.000Z" });
    expect(n.refund).toMatchObject({
      channelRefundId: `${base.tradeNo}:full`,
      cumulativeRefundedAmount: 12800,
      refundedAt: "2024-03-02T04:00:05.320Z",
      closesPayment: true,
      details: { gmt_close: "2024-03-02T04:00:05.000Z" },
    });
  });

  it("ignores a timeout close and WAIT_BUYER_PAY", () => {
    const closed = normalizeAlipayNotification(alipayPaymentNotify({ ...base, tradeStatus: "TRADE_CLOSED" }));
    expect(closed).toEqual({
      eventKey: `${base.tradeNo}:TRADE_CLOSED::`,
      payment: null,
      refund: null,
      ignoredReason: "timeout close (TRADE_CLOSED without refund_fee)",
    });
    const zeroFee = normalizeAlipayNotification(alipayPaymentNotify({ ...base, tradeStatus: "TRADE_CLOSED", overrides: { refund_fee: "0.00" } }));
    expect(zeroFee.ignoredReason).toMatch(/timeout close/);
    const waiting = normalizeAlipayNotification(alipayPaymentNotify({ ...base, tradeStatus: "WAIT_BUYER_PAY" }));
    expect(waiting).toMatchObject({ payment: null, refund: null, ignoredReason: "WAIT_BUYER_PAY" });
  });

  it("falls back to buyer_id for the payer and keeps unparseable lists raw", () => {
    const n = normalizeAlipayNotification(
      alipayPaymentNotify({ ...base, overrides: { buyer_logon_id: undefined, fund_bill_list: "[{amount:0.10}]", voucher_detail_list: '[{"id":"v1","amount":"5.00"}]' } }),
    );
    expect(n.payment?.payerAccount).toBe("2088102177846875");
    expect(n.payment?.details.fund_bill_list).toBe("[{amount:0.10}]");
    expect(n.payment?.details.voucher_detail_list).toEqual([{ id: "v1", amount: "5.00" }]);
  });

  it("names each missing required field", () => {
    const notify = alipayPaymentNotify(base);
    for (const field of ["trade_no", "out_trade_no", "total_amount", "trade_status", "app_id", "gmt_payment"]) {
      expect(fieldOf(() => normalizeAlipayNotification(without(notify, field)))).toBe(field);
      expect(fieldOf(() => normalizeAlipayNotification({ ...notify, [field]: "" }))).toBe(field);
    }
    const refund = alipayPaymentNotify({ ...base, refundFee: "1.00" });
    expect(fieldOf(() => normalizeAlipayNotification(without(refund, "gmt_refund")))).toBe("gmt_refund");
  });

  it("names the field of bad amounts, times, statuses and currencies", () => {
    const cases: [Record<string, string>, string][] = [
      [{ total_amount: "12.345" }, "total_amount"],
      [{ total_amount: "-1.00" }, "total_amount"],
      [{ total_amount: "0.00" }, "total_amount"],
      [{ total_amount: "1e3" }, "total_amount"],
      [{ total_amount: "NaN" }, "total_amount"],
      [{ receipt_amount: "abc" }, "receipt_amount"],
      [{ refund_fee: "x" }, "refund_fee"],
      [{ refund_fee: "128.01" }, "refund_fee"],
      [{ gmt_payment: "2024-02-30 10:00:00" }, "gmt_payment"],
      [{ gmt_payment: "2024-03-01T12:00:05+08:00" }, "gmt_payment"],
      [{ notify_time: "yesterday" }, "notify_time"],
      [{ trade_status: "TRADE_PENDING" }, "trade_status"],
      [{ trans_currency: "JPY" }, "trans_currency"],
      [{ trans_currency: "XYZ1" }, "trans_currency"],
    ];
    for (const [overrides, field] of cases) {
      const params = alipayPaymentNotify({ ...base, overrides });
      expect(fieldOf(() => normalizeAlipayNotification(params)), JSON.stringify(overrides)).toBe(field);
    }
  });

  it("uses trans_currency for cross-border trades with 2 minor digits", () => {
    const n = normalizeAlipayNotification(alipayPaymentNotify({ ...base, overrides: { trans_currency: "usd" } }));
    expect(n.payment?.currency).toBe("USD");
  });

  it("on arbitrary string maps either returns or throws NotificationFormatError", () => {
    const valid = alipayPaymentNotify({ ...base, refundFee: "1.00", outBizNo: "R1" });
    const fieldNames = fc.constantFrom(...Object.keys(valid), "trans_currency", "voucher_detail_list", "__proto__", "constructor", "toString");
    const values = fc.oneof(
      fc.string(),
      fc.constantFrom("", "0.00", "1.00", "128.00", "-1", "1,000.00", "TRADE_CLOSED", "TRADE_SUCCESS", "WAIT_BUYER_PAY", "2024-03-01 12:00:05", "2024-13-01 00:00:00", "[]", "{}", "JPY", "cny"),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.oneof(fieldNames, fc.string()), values), fc.dictionary(fieldNames, values), (noise, patch) => {
        for (const params of [noise, { ...valid, ...patch }]) {
          try {
            const n = normalizeAlipayNotification(params);
            if (n.payment) {
              expect(Number.isSafeInteger(n.payment.amount) && n.payment.amount > 0).toBe(true);
              expect(n.payment.receivedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
            } else {
              expect(n.ignoredReason).toBeTruthy();
            }
          } catch (error) {
            expect(error).toBeInstanceOf(NotificationFormatError);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });
});
