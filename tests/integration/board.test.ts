import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { payments } from "@/lib/db/schema";
import { getBoard } from "@/lib/services/board";
import { runAnomalySweep } from "@/lib/services/anomalies";
import { matchPayment } from "@/lib/services/match-payment";
import { recordPayment } from "@/lib/services/payments";
import { recordRefund } from "@/lib/services/refunds";
import { bankMerchant, createOrder, importCmbStatement, merchantWithAlipay } from "../helpers/api";
import { buildCsv, CMB_HEADER, cmbCredit } from "../fixtures/statements/cn-exports";
import { setupTestDatabase } from "../helpers/test-db";

const t = setupTestDatabase();

describe(`board figures (${process.env.TEST_DB})`, () => {
  it("counts pending money and open anomalies by severity", async () => {
    const m = await merchantWithAlipay();
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    const { payment } = await recordPayment(t.db(), {
      merchantId: m.merchantId,
      channelAccountId: m.accountId,
      origin: "notify",
      event: {
        kind: "payment", channel: "alipay", channelTransactionId: "2026112522001499990001", reference: "NOT-OURS-1",
        amount: 4321, currency: "CNY", receivedAt: twoDaysAgo.toISOString(), payerName: null, payerAccount: null,
        memo: null, merchantAccountId: m.appId, sellerId: null, details: {},
      },
    });
    await matchPayment(t.db(), { paymentId: payment.id });
    let board = await getBoard(t.db(), m.merchantId);
    expect(board.pending).toEqual({ count: 1, amount: 4321, otherCurrencies: [] });
    expect(board.anomalies.open).toBe(0);
    await runAnomalySweep(t.db(), { merchantId: m.merchantId, now: new Date() });
    board = await getBoard(t.db(), m.merchantId);
    expect(board.anomalies.open).toBeGreaterThanOrEqual(1);
    expect(board.anomalies.open).toBe(board.anomalies.high + board.anomalies.medium + board.anomalies.low);
  });

  it("recent payments carry their currency and the orders they went to; a memo-matched transfer names its order", async () => {
    const m = await bankMerchant();
    const order = await createOrder(m.apiKey, { amount: 28900 });
    const csv = buildCsv(CMB_HEADER, [cmbCredit({ date: "20261120", time: "10:00:00", credit: "289.00", serial: `BRD${Date.now()}`, memo: `货款${order.reference}`, payer: "张三", account: "6214830000001234" })]);
    expect((await importCmbStatement(m.apiKey, m.bankId, csv)).json.matched).toBe(1);
    const board = await getBoard(t.db(), m.merchantId);
    expect(board.recentPayments).toMatchObject([{ amount: 28900, currency: "CNY", reference: null, orderReferences: [order.reference] }]);
    expect(board.recentOrders[0]).toMatchObject({ reference: order.reference, currency: "CNY" });
  });
});

describe(`board periods and fund chart (${process.env.TEST_DB})`, () => {
  it("sums receipts per channel for today, 7 and 30 Shanghai days, with daily net and the match rate", async () => {
    const m = await merchantWithAlipay();
    const order = await createOrder(m.apiKey, { amount: 10_000 });
    // 2026-11-25 10:00 Shanghai; Shanghai days start at 16:00Z the day before.
    const now = new Date("2026-11-25T02:00:00Z");
    const pay = async (n: number, at: string, amount: number, reference: string) => {
      const { payment } = await recordPayment(t.db(), {
        merchantId: m.merchantId,
        channelAccountId: m.accountId,
        origin: "notify",
        event: {
          kind: "payment", channel: "alipay", channelTransactionId: `20261125220014${String(n).padStart(8, "0")}`, reference,
          amount, currency: "CNY", receivedAt: at, payerName: null, payerAccount: null,
          memo: null, merchantAccountId: m.appId, sellerId: null, details: {},
        },
      });
      await matchPayment(t.db(), { paymentId: payment.id });
    };
    await pay(1, "2026-11-24T16:00:00Z", 10_000, order.reference); // today 00:00 Shanghai, matches the order
    await pay(2, "2026-11-24T15:59:59Z", 2_000, "NOT-OURS-A"); // yesterday 23:59:59 Shanghai
    await pay(3, "2026-11-18T16:00:00Z", 3_000, "NOT-OURS-B"); // first day of the 7-day window
    await pay(4, "2026-11-18T15:59:00Z", 4_000, "NOT-OURS-C"); // the day before it: 30-day only
    await pay(5, "2026-10-26T15:00:00Z", 5_000, "NOT-OURS-D"); // 31 days back: outside every period
    await pay(6, "2027-01-05T02:00:00Z", 6_000, "NOT-OURS-E"); // dated weeks ahead (a typo): in no period

    const board = await getBoard(t.db(), m.merchantId, now);
    expect(board.today.totals).toEqual({ count: 1, grossAmount: 10_000, refundedAmount: 0, netAmount: 10_000 });
    expect(board.periods.today.totals.netAmount).toBe(10_000);
    expect(board.periods["7d"]).toMatchObject({ fromDate: "2026-11-19", toDate: "2026-11-25", from: "2026-11-18T16:00:00.000Z" });
    expect(board.periods["7d"].totals).toEqual({ count: 3, grossAmount: 15_000, refundedAmount: 0, netAmount: 15_000 });
    expect(board.periods["30d"].totals.count).toBe(4);
    expect(board.periods["30d"].channels).toEqual([{ channel: "alipay", count: 4, grossAmount: 19_000, refundedAmount: 0, netAmount: 19_000 }]);
    expect(board.periods["7d"].matchRate).toEqual({ matched: 1, total: 3, rate: 1 / 3 });
    expect(board.periods.today.matchRate.rate).toBe(1);
    expect(board.daily.days).toHaveLength(30);
    expect(board.daily.days.at(-1)).toBe("2026-11-25");
    const alipay = board.daily.series.find((s) => s.channel === "alipay")!;
    expect(alipay.values.at(-1)).toBe(10_000);
    expect(alipay.values.at(-2)).toBe(2_000);
    expect(alipay.values.at(-7)).toBe(3_000);
    expect(alipay.values.at(-8)).toBe(4_000);
    expect(alipay.values.reduce((a, b) => a + b, 0)).toBe(19_000);
  });
});

describe(`board currencies (${process.env.TEST_DB})`, () => {
  it("adds up the merchant's currency only and lists receipts and pending money in other currencies apart", async () => {
    const m = await merchantWithAlipay();
    const order = await createOrder(m.apiKey, { amount: 10_000 });
    const now = new Date("2026-11-25T02:00:00Z");
    const pay = async (n: number, amount: number, currency: string, reference: string) => {
      const { payment } = await recordPayment(t.db(), {
        merchantId: m.merchantId,
        channelAccountId: m.accountId,
        origin: "notify",
        event: {
          kind: "payment", channel: "alipay", channelTransactionId: `20261125220099${String(n).padStart(8, "0")}`, reference,
          amount, currency, receivedAt: "2026-11-25T01:00:00Z", payerName: null, payerAccount: null,
          memo: null, merchantAccountId: m.appId, sellerId: null, details: {},
        },
      });
      await matchPayment(t.db(), { paymentId: payment.id });
    };
    await pay(1, 10_000, "CNY", order.reference);
    await pay(2, 2_500, "USD", "NOT-OURS-USD-1");
    await pay(3, 1_500, "USD", "NOT-OURS-USD-2");
    await pay(4, 900, "EUR", "NOT-OURS-EUR-1");
    await pay(5, 700, "CNY", "NOT-OURS-CNY-1");

    const board = await getBoard(t.db(), m.merchantId, now);
    expect(board.currency).toBe("CNY");
    // Yuan and dollars are never one figure: the totals, channels and chart are the merchant's currency.
    expect(board.today.totals).toEqual({ count: 2, grossAmount: 10_700, refundedAmount: 0, netAmount: 10_700 });
    expect(board.periods.today.channels).toEqual([{ channel: "alipay", count: 2, grossAmount: 10_700, refundedAmount: 0, netAmount: 10_700 }]);
    expect(board.periods.today.otherCurrencies).toEqual([
      { currency: "EUR", count: 1, grossAmount: 900, refundedAmount: 0, netAmount: 900 },
      { currency: "USD", count: 2, grossAmount: 4_000, refundedAmount: 0, netAmount: 4_000 },
    ]);
    expect(board.daily.series).toEqual([{ channel: "alipay", values: expect.any(Array) }]);
    expect(board.daily.series[0].values.at(-1)).toBe(10_700);
    // The match rate counts payments, whatever their currency.
    expect(board.periods.today.matchRate).toEqual({ matched: 1, total: 5, rate: 1 / 5 });
    // Every pending payment is counted; the money is summed per currency.
    expect(board.pending).toEqual({
      count: 4,
      amount: 700,
      otherCurrencies: [
        { currency: "EUR", count: 1, amount: 900 },
        { currency: "USD", count: 2, amount: 4_000 },
      ],
    });
  });
});

describe(`board refunds by when the money went back (${process.env.TEST_DB})`, () => {
  it("a refund made today of a payment received days ago counts today, as the report does; the day it arrived keeps its receipt", async () => {
    const m = await merchantWithAlipay();
    const now = new Date("2026-11-25T02:00:00Z"); // 10:00 Shanghai
    const { payment } = await recordPayment(t.db(), {
      merchantId: m.merchantId,
      channelAccountId: m.accountId,
      origin: "notify",
      event: {
        kind: "payment", channel: "alipay", channelTransactionId: "2026112022001400000777", reference: "NOT-OURS-REFUNDED",
        amount: 8_000, currency: "CNY", receivedAt: "2026-11-21T02:00:00Z", payerName: null, payerAccount: null,
        memo: null, merchantAccountId: m.appId, sellerId: null, details: {},
      },
    });
    const [locked] = await t.db().select().from(payments).where(eq(payments.id, payment.id));
    const refund = await t.db().transaction((tx) =>
      recordRefund(tx, {
        payment: locked,
        now,
        event: {
          kind: "refund", channel: "alipay", channelTransactionId: locked.channelTransactionId, channelRefundId: "RF-BOARD-1", reference: null,
          cumulativeRefundedAmount: null, amount: 3_000, refundedAt: "2026-11-25T01:00:00Z", closesPayment: false, details: {},
        },
      }),
    );
    expect(refund.kind).toBe("recorded");

    const board = await getBoard(t.db(), m.merchantId, now);
    expect(board.periods.today.totals).toEqual({ count: 0, grossAmount: 0, refundedAmount: 3_000, netAmount: -3_000 });
    expect(board.periods["7d"].totals).toEqual({ count: 1, grossAmount: 8_000, refundedAmount: 3_000, netAmount: 5_000 });
    const alipay = board.daily.series.find((x) => x.channel === "alipay")!;
    expect(alipay.values.at(-5)).toBe(8_000); // 2026-11-21, the day it arrived, untouched by the later refund
    expect(alipay.values.at(-1)).toBe(-3_000); // today, the day the money went back
  });
});
