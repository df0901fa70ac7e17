import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { GET as listRoute } from "@/app/api/v1/anomalies/route";
import { POST as resolveRoute } from "@/app/api/v1/anomalies/[anomalyId]/resolve/route";
import { POST as sweepRoute } from "@/app/api/v1/jobs/anomaly-sweep/route";
import { GET as getOrder } from "@/app/api/v1/orders/[reference]/route";
import { POST as matchRoute } from "@/app/api/v1/payments/[paymentId]/match/route";
import { POST as unmatchRoute } from "@/app/api/v1/payments/[paymentId]/unmatch/route";
import { GET as getRules, PUT as putRules } from "@/app/api/v1/rules/route";
import { POST as webhookRoute } from "@/app/api/webhooks/[channel]/[channelAccountId]/route";
import { auditEvents, payments } from "@/lib/db/schema";
import { runAnomalySweep } from "@/lib/services/anomaly-sweep";
import { alipayPaymentNotify, signAlipayParams, toFormBody, type AlipayNotifyOptions } from "../helpers/alipay-signer";
import { call, createOrder, merchantWithAlipay } from "../helpers/api";
import { setupTestDatabase } from "../helpers/test-db";

const t = setupTestDatabase();
type H = Parameters<typeof call>[0];
type M = Awaited<ReturnType<typeof merchantWithAlipay>>;
const sweep = async (k: string) => (await call(sweepRoute as unknown as H, { apiKey: k })).json as { opened: number; resolved: number };
const list = async (k: string, q: Record<string, string> = {}) =>
  (await call(listRoute as unknown as H, { method: "GET", apiKey: k, path: `/api/v1/anomalies?${new URLSearchParams(q)}` })).json.data as Record<string, unknown>[];
const orderOf = async (k: string, reference: string) => (await call(getOrder as unknown as H, { method: "GET", apiKey: k, params: { reference } })).json;
async function notify(m: M, o: Omit<AlipayNotifyOptions, "appId">) {
  const form = toFormBody(signAlipayParams(alipayPaymentNotify({ appId: m.appId, ...o }), m.keys.privateKeyPem));
  const res = await call(webhookRoute as unknown as H, {
    params: { channel: "alipay", channelAccountId: m.accountId },
    rawBody: form,
    headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
  });
  expect(res.text).toBe("success");
}
const paymentByTrade = async (tradeNo: string) => (await t.db().select().from(payments).where(eq(payments.channelTransactionId, tradeNo)))[0];

describe(`anomalies follow their cause through later changes (${process.env.TEST_DB})`, () => {
  it("a shortfall completed by a second payment resolves the amount anomaly", async () => {
    const m = await merchantWithAlipay();
    const order = await createOrder(m.apiKey, { amount: 10000 });
    await notify(m, { outTradeNo: order.reference, totalAmount: "60.00", tradeNo: "2026000000000000000000000001" });
    expect(await sweep(m.apiKey)).toEqual({ opened: 1, resolved: 0 });
    // The audit trail keeps the message in both languages, for whichever the reader uses.
    const [opened] = await t.db().select().from(auditEvents).where(and(eq(auditEvents.merchantId, m.merchantId), eq(auditEvents.action, "anomaly.opened")));
    expect(opened.after).toMatchObject({ message: { zh: expect.stringContaining("短少"), en: expect.stringContaining("short") } });
    await notify(m, { outTradeNo: order.reference, totalAmount: "40.00", tradeNo: "2026000000000000000000000002" });
    expect((await orderOf(m.apiKey, order.reference)).status).toBe("paid");
    const s = await sweep(m.apiKey);
    expect(s).toEqual({ opened: 0, resolved: 1 });
  });

  it("a shortfall a merchant rule wrote off stays settled: the next sweep opens nothing", async () => {
    const m = await merchantWithAlipay();
    const rules = (await call(getRules as unknown as H, { method: "GET", apiKey: m.apiKey })).json.data;
    const put = await call(putRules as unknown as H, {
      method: "PUT",
      apiKey: m.apiKey,
      body: { rules: [{ name: "≤ ¥10 coupon", conditions: { kinds: ["amount_mismatch"], direction: "shortfall", maxDifference: 1000 }, actions: { writeOff: { reason: "coupon" } } }, ...rules] },
    });
    expect(put.status).toBe(200);
    const order = await createOrder(m.apiKey, { amount: 12800 });
    await notify(m, { outTradeNo: order.reference, totalAmount: "123.00" });
    expect(await sweep(m.apiKey)).toEqual({ opened: 1, resolved: 1 });
    expect((await orderOf(m.apiKey, order.reference)).status).toBe("paid");
    const s = await sweep(m.apiKey);
    expect(s).toEqual({ opened: 0, resolved: 0 });
  });

  it("an overpayment whose surplus is refunded resolves, and opens no amount anomaly in its place", async () => {
    const m = await merchantWithAlipay();
    const order = await createOrder(m.apiKey, { amount: 10000 });
    const tradeNo = "2026000000000000000000000003";
    await notify(m, { outTradeNo: order.reference, totalAmount: "150.00", tradeNo });
    expect((await orderOf(m.apiKey, order.reference)).status).toBe("overpaid");
    expect(await sweep(m.apiKey)).toEqual({ opened: 1, resolved: 0 });
    await notify(m, { outTradeNo: order.reference, totalAmount: "150.00", tradeNo, refundFee: "50.00", outBizNo: "RF-1" });
    expect((await orderOf(m.apiKey, order.reference)).status).toBe("paid");
    const s = await sweep(m.apiKey);
    expect(await list(m.apiKey, { status: "open" })).toEqual([]);
  });

  it("unmatched money refunded whole is no longer overdue", async () => {
    const m = await merchantWithAlipay();
    const tradeNo = "2026000000000000000000000004";
    await notify(m, { outTradeNo: "NOSUCHREF1", totalAmount: "88.00", tradeNo });
    const p = await paymentByTrade(tradeNo);
    expect(await sweep(m.apiKey)).toEqual({ opened: 1, resolved: 0 });
    await notify(m, { outTradeNo: "NOSUCHREF1", totalAmount: "88.00", tradeNo, refundFee: "88.00", outBizNo: "RF-2", tradeStatus: "TRADE_CLOSED" });
    const after = await paymentByTrade(tradeNo);
    const s = await sweep(m.apiKey);
    expect(s.resolved).toBe(1);
  });

  it("money a person resolved, matched and then unmatched again is flagged anew", async () => {
    const m = await merchantWithAlipay();
    const tradeNo = "2026000000000000000000000005";
    await notify(m, { outTradeNo: "NOSUCHREF2", totalAmount: "66.00", tradeNo });
    const p = await paymentByTrade(tradeNo);
    expect(await sweep(m.apiKey)).toEqual({ opened: 1, resolved: 0 });
    const [a] = await list(m.apiKey, { status: "open" });
    expect((await call(resolveRoute as unknown as H, { apiKey: m.apiKey, params: { anomalyId: a.anomalyId as string }, body: { note: "客户说明天补单" } })).status).toBe(200);
    const order = await createOrder(m.apiKey, { amount: 6600 });
    expect((await call(matchRoute as unknown as H, { apiKey: m.apiKey, params: { paymentId: p.id }, body: { allocations: [{ reference: order.reference, amount: 6600 }] } })).status).toBe(200);
    await sweep(m.apiKey);
    expect((await call(unmatchRoute as unknown as H, { apiKey: m.apiKey, params: { paymentId: p.id } })).json.status).toBe("unmatched");
    const s = await sweep(m.apiKey);
    expect(s.opened).toBe(1);
  });

  it("a merchant with more pending payments and written-off orders than one statement can bind still sweeps", async () => {
    const m = await merchantWithAlipay();
    // 70,000 recent unmatched payments (none overdue yet) and 70,000 orders with a unique amount's tail written off.
    await t.db().execute(sql`insert into payments (merchant_id, channel_account_id, channel, origin, channel_transaction_id, dedupe_key, amount, received_at, status)
      select ${m.merchantId}::uuid, ${m.accountId}::uuid, 'alipay', 'manual', 'BIG-' || g, 'BIG-' || g, 100 + g, now(), 'unmatched' from generate_series(1, 70000) g`);
    await t.db().execute(sql`insert into orders (merchant_id, reference, order_no, source, amount, status, paid_amount, written_off_amount, paid_at)
      select ${m.merchantId}::uuid, 'ZZBIG' || g, 'N' || g, 'web', 10000, 'paid', 9999, 1, now() from generate_series(1, 70000) g`);
    expect(await runAnomalySweep(t.db(), { merchantId: m.merchantId })).toEqual({ opened: 0, resolved: 0 });
  }, 120_000);

  it("a rule's write-off taken back by an unmatch: the shortfall matched again by hand is flagged and written off again", async () => {
    const m = await merchantWithAlipay();
    const order = await createOrder(m.apiKey, { amount: 12800 });
    const tradeNo = "2026000000000000000000000008";
    await notify(m, { outTradeNo: order.reference, totalAmount: "127.50", tradeNo });
    expect(await sweep(m.apiKey)).toEqual({ opened: 1, resolved: 1 });
    expect((await orderOf(m.apiKey, order.reference)).status).toBe("paid");
    const p = await paymentByTrade(tradeNo);
    expect((await call(unmatchRoute as unknown as H, { apiKey: m.apiKey, params: { paymentId: p.id } })).status).toBe(200);
    expect((await call(matchRoute as unknown as H, { apiKey: m.apiKey, params: { paymentId: p.id }, body: { allocations: [{ reference: order.reference, amount: 12750 }] } })).status).toBe(200);
    expect(await orderOf(m.apiKey, order.reference)).toMatchObject({ status: "partially_paid", writtenOffAmount: 0 });
    // The default rule writes the 50 fen off again, as it did the first time.
    expect(await sweep(m.apiKey)).toEqual({ opened: 1, resolved: 1 });
    expect(await orderOf(m.apiKey, order.reference)).toMatchObject({ status: "paid", writtenOffAmount: 50 });
    expect(await sweep(m.apiKey)).toEqual({ opened: 0, resolved: 0 });
  });

  it("a merchant coupon Alipay states is no amount anomaly", async () => {
    const m = await merchantWithAlipay();
    const order = await createOrder(m.apiKey, { amount: 12800 });
    await notify(m, { outTradeNo: order.reference, totalAmount: "128.00", overrides: { receipt_amount: "108.00", buyer_pay_amount: "108.00", invoice_amount: "108.00" } });
    expect((await orderOf(m.apiKey, order.reference)).status).toBe("paid");
    expect(await sweep(m.apiKey)).toEqual({ opened: 0, resolved: 0 });
  });

  it("a shortfall written off by a rule is released when the customer sends the rest: the books never show both", async () => {
    const m = await merchantWithAlipay();
    const order = await createOrder(m.apiKey, { amount: 12800 });
    await notify(m, { outTradeNo: order.reference, totalAmount: "127.50", tradeNo: "2026000000000000000000000011" });
    expect(await sweep(m.apiKey)).toEqual({ opened: 1, resolved: 1 });
    expect(await orderOf(m.apiKey, order.reference)).toMatchObject({ status: "paid", paidAmount: 12750, writtenOffAmount: 50 });

    await notify(m, { outTradeNo: order.reference, totalAmount: "0.50", tradeNo: "2026000000000000000000000012" });
    const paid = await orderOf(m.apiKey, order.reference);
    expect(paid).toMatchObject({ status: "paid", paidAmount: 12800, writtenOffAmount: 0, writeOffs: [] });
    const trail = await t.db().select().from(auditEvents).where(and(eq(auditEvents.merchantId, m.merchantId), eq(auditEvents.action, "order.write_off_released")));
    expect(trail).toHaveLength(1);
    expect(trail[0]).toMatchObject({ subjectId: paid.orderId, after: { released: 50, writtenOffAmount: 0 } });
    // Nothing is left to flag: no shortfall, no surplus.
    expect(await sweep(m.apiKey)).toEqual({ opened: 0, resolved: 0 });
    expect(await list(m.apiKey, { status: "open" })).toEqual([]);
  });
});
