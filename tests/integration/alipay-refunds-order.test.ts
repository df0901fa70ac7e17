import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { POST as importRoute } from "@/app/api/v1/statements/route";
import { POST as webhookRoute } from "@/app/api/webhooks/[channel]/[channelAccountId]/route";
import { payments, refunds } from "@/lib/db/schema";
import { alipayBill, alipayRefund, alipayTrade, toGbk } from "../fixtures/statements/cn-exports";
import { alipayPaymentNotify, signAlipayParams, toFormBody } from "../helpers/alipay-signer";
import { BASE, call, createOrder, merchantWithAlipay } from "../helpers/api";
import { setupTestDatabase } from "../helpers/test-db";

const t = setupTestDatabase();
type H = Parameters<typeof call>[0];
type M = Awaited<ReturnType<typeof merchantWithAlipay>>;
const post = (m: M, p: Record<string, string>) =>
  call(webhookRoute as unknown as H, {
    params: { channel: "alipay", channelAccountId: m.accountId },
    rawBody: toFormBody(signAlipayParams(p, m.keys.privateKeyPem)),
    headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
  });
async function upload(apiKey: string, accountId: string, body: Uint8Array) {
  const request = new Request(`${BASE}/api/v1/statements?channelAccountId=${accountId}`, { method: "POST", headers: { authorization: `Bearer ${apiKey}`, "content-type": "text/csv" }, body: Buffer.from(body) });
  const res = await (importRoute as unknown as H)(request, { params: Promise.resolve({}) });
  return { status: res.status, json: JSON.parse(await res.text()) };
}

// Alipay reports a refund as the payment's running total (refund_fee) and retries a notify for a day: the refunds
// arrive out of order, and the bill repeats them under its own ids. Each must count once, at its own amount.
describe(`Alipay refunds out of order and in the bill (${process.env.TEST_DB})`, () => {
  it("a later refund's notify overtaking an earlier one's, then the bill: the money counts once", async () => {
    const m = await merchantWithAlipay();
    const o = await createOrder(m.apiKey, { amount: 10000 });
    const tradeNo = "2024050122001468450500000001";
    const base = { outTradeNo: o.reference, appId: m.appId, totalAmount: "100.00", tradeNo, gmtPayment: "2024-05-01 12:00:05" };
    expect((await post(m, alipayPaymentNotify(base))).text).toBe("success");
    // B (cumulative 50) overtakes A (cumulative 30)
    expect((await post(m, alipayPaymentNotify({ ...base, refundFee: "50.00", outBizNo: "RF-B", gmtRefund: "2024-05-01 15:00:00" }))).text).toBe("success");
    expect((await post(m, alipayPaymentNotify({ ...base, refundFee: "30.00", outBizNo: "RF-A", gmtRefund: "2024-05-01 14:00:00" }))).text).toBe("success");
    const [p] = await t.db().select().from(payments).where(eq(payments.channelTransactionId, tradeNo));
    const bill = alipayBill([
      alipayTrade({ tradeNo, outTradeNo: o.reference, amount: "100.00", created: "2024-05-01 12:00:00", finished: "2024-05-01 12:00:05" }),
      alipayRefund({ tradeNo, outTradeNo: o.reference, amount: "30.00", finished: "2024-05-01 14:00:00", batchNo: "RF-A" }),
      alipayRefund({ tradeNo, outTradeNo: o.reference, amount: "20.00", finished: "2024-05-01 15:00:00", batchNo: "RF-B" }),
    ]);
    expect((await upload(m.apiKey, m.accountId, toGbk(bill))).status).toBe(200);
    const [p2] = await t.db().select().from(payments).where(eq(payments.id, p.id));
    expect(p2.refundedAmount).toBe(5000);
  });

  it("the bill's later refund first, the earlier refund's notify retried after it: each at its own amount", async () => {
    const m = await merchantWithAlipay();
    const o = await createOrder(m.apiKey, { amount: 10000 });
    const tradeNo = "2024050122001468450500000002";
    const base = { outTradeNo: o.reference, appId: m.appId, totalAmount: "100.00", tradeNo, gmtPayment: "2024-05-01 12:00:05" };
    expect((await post(m, alipayPaymentNotify(base))).text).toBe("success");
    const trade = alipayTrade({ tradeNo, outTradeNo: o.reference, amount: "100.00", created: "2024-05-01 12:00:00", finished: "2024-05-01 12:00:05" });
    const r1 = await upload(m.apiKey, m.accountId, toGbk(alipayBill([trade, alipayRefund({ tradeNo, outTradeNo: o.reference, amount: "20.00", finished: "2024-05-02 15:00:00", batchNo: "RF-B" })])));
    expect(r1.status).toBe(200);
    expect((await post(m, alipayPaymentNotify({ ...base, refundFee: "30.00", outBizNo: "RF-A", gmtRefund: "2024-05-01 14:00:00" }))).text).toBe("success");
    await upload(m.apiKey, m.accountId, toGbk(alipayBill([trade, alipayRefund({ tradeNo, outTradeNo: o.reference, amount: "30.00", finished: "2024-05-01 14:00:00", batchNo: "RF-A" })])));
    const [p2] = await t.db().select().from(payments).where(eq(payments.channelTransactionId, tradeNo));
    expect(p2.refundedAmount).toBe(5000);
    const rows = await t.db().select().from(refunds).where(eq(refunds.paymentId, p2.id));
    expect(rows.map((r) => [r.channelRefundId, r.amount]).sort()).toEqual([["RF-A", 3000], ["RF-B", 2000]]);
  });

  it("a notify without out_biz_no, then the bill's line for the same refund under its batch number: counted once", async () => {
    const m = await merchantWithAlipay();
    const o = await createOrder(m.apiKey, { amount: 10000 });
    const tradeNo = "2024050122001468450500000003";
    const base = { outTradeNo: o.reference, appId: m.appId, totalAmount: "100.00", tradeNo, gmtPayment: "2024-05-01 12:00:05" };
    await post(m, alipayPaymentNotify(base));
    await post(m, alipayPaymentNotify({ ...base, refundFee: "30.00", gmtRefund: "2024-05-01 14:00:00" }));
    const trade = alipayTrade({ tradeNo, outTradeNo: o.reference, amount: "100.00", created: "2024-05-01 12:00:00", finished: "2024-05-01 12:00:05" });
    await upload(m.apiKey, m.accountId, toGbk(alipayBill([trade, alipayRefund({ tradeNo, outTradeNo: o.reference, amount: "30.00", finished: "2024-05-01 14:00:00", batchNo: "RF-A" })])));
    const [p2] = await t.db().select().from(payments).where(eq(payments.channelTransactionId, tradeNo));
    expect(p2.refundedAmount).toBe(3000);
  });
});
