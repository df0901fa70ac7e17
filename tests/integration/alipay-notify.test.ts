import { describe, expect, it } from "vitest";
import { count, eq } from "drizzle-orm";
import { POST as alipayNotify } from "@/app/api/webhooks/[channel]/[channelAccountId]/route";
import { GET as getOrder } from "@/app/api/v1/orders/[reference]/route";
import { GET as getPayment } from "@/app/api/v1/payments/[paymentId]/route";
import { allocations, auditEvents, payments, refunds, rejectedNotifications, webhookEvents } from "@/lib/db/schema";
import { verifyAuditChains } from "@/lib/services/audit-verify";
import { alipayPaymentNotify, generateAlipayKeyPair, signAlipayParams, toFormBody } from "../helpers/alipay-signer";
import { call, createOrder, merchantWithAlipay } from "../helpers/api";
import { setupTestDatabase } from "../helpers/test-db";

const t = setupTestDatabase();
type H = Parameters<typeof call>[0];

const post = (accountId: string, form: string) =>
  call(alipayNotify as unknown as H, {
    path: `/api/webhooks/alipay/${accountId}`,
    params: { channel: "alipay", channelAccountId: accountId },
    rawBody: form,
    headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
  });

const order = (apiKey: string, reference: string) =>
  call(getOrder as unknown as H, { method: "GET", apiKey, params: { reference } });

async function paymentCount(accountId: string) {
  const [row] = await t.db().select({ n: count() }).from(payments).where(eq(payments.channelAccountId, accountId));
  return row.n;
}

describe(`Alipay notify → order paid (${process.env.TEST_DB})`, () => {
  it("a signed notify flips its order to paid through the real route in under a second", async () => {
    const m = await merchantWithAlipay();
    const created = await createOrder(m.apiKey, { amount: 12800 });
    expect(created.status).toBe("pending");
    expect(created.channelParams.alipay.out_trade_no).toBe(created.reference);
    const form = toFormBody(
      signAlipayParams(alipayPaymentNotify({ outTradeNo: created.reference, appId: m.appId, totalAmount: "128.00" }), m.keys.privateKeyPem),
    );
    const started = performance.now();
    const res = await post(m.accountId, form);
    const after = await order(m.apiKey, created.reference);
    const elapsed = performance.now() - started;
    expect(res.status).toBe(200);
    expect(res.text).toBe("success");
    expect(after.json.status).toBe("paid");
    expect(after.json.paidAmount).toBe(12800);
    expect(after.json.payments).toHaveLength(1);
    expect(after.json.payments[0]).toMatchObject({ channel: "alipay", amount: 12800, allocatedAmount: 12800, matchMethod: "reference" });
    expect(elapsed).toBeLessThan(1000);

    const payment = await call(getPayment as unknown as H, {
      method: "GET",
      apiKey: m.apiKey,
      params: { paymentId: after.json.payments[0].paymentId },
    });
    expect(payment.status).toBe(200);
    expect(payment.json).toMatchObject({ status: "matched", matchMethod: "reference", confidence: 1, amount: 12800 });
    expect(payment.json.allocations).toEqual([expect.objectContaining({ reference: created.reference, amount: 12800 })]);
    expect(payment.json.explanation).toContain(created.reference);
  });

  it("lookups are case-insensitive", async () => {
    const m = await merchantWithAlipay();
    const created = await createOrder(m.apiKey);
    const res = await order(m.apiKey, created.reference.toLowerCase());
    expect(res.status).toBe(200);
    expect(res.json.reference).toBe(created.reference);
  });

  it.each([
    ["amount edited after signing", (p: Record<string, string>) => ({ ...p, total_amount: "1.28" })],
    ["signature removed", (p: Record<string, string>) => Object.fromEntries(Object.entries(p).filter(([k]) => k !== "sign"))],
    ["reference edited", (p: Record<string, string>) => ({ ...p, out_trade_no: `${p.out_trade_no}X` })],
  ])("a tampered notify (%s) gets 401 and leaves no payment", async (_name, tamper) => {
    const m = await merchantWithAlipay();
    const created = await createOrder(m.apiKey);
    const signed = signAlipayParams(alipayPaymentNotify({ outTradeNo: created.reference, appId: m.appId }), m.keys.privateKeyPem);
    const res = await post(m.accountId, toFormBody(tamper(signed)));
    expect(res.status).toBe(401);
    expect(res.text).toBe("fail");
    expect(await paymentCount(m.accountId)).toBe(0);
    expect((await order(m.apiKey, created.reference)).json.status).toBe("pending");
    const rejected = await t.db().select().from(rejectedNotifications).where(eq(rejectedNotifications.channelAccountId, m.accountId));
    expect(rejected).toHaveLength(1);
  });

  it("a notify signed with the wrong key gets 401 and leaves no payment", async () => {
    const m = await merchantWithAlipay();
    const created = await createOrder(m.apiKey);
    const other = generateAlipayKeyPair();
    const form = toFormBody(signAlipayParams(alipayPaymentNotify({ outTradeNo: created.reference, appId: m.appId }), other.privateKeyPem));
    const res = await post(m.accountId, form);
    expect(res.status).toBe(401);
    expect(await paymentCount(m.accountId)).toBe(0);
  });

  it("a correctly signed notify for another app_id is refused", async () => {
    const m = await merchantWithAlipay();
    const created = await createOrder(m.apiKey);
    const form = toFormBody(signAlipayParams(alipayPaymentNotify({ outTradeNo: created.reference, appId: "2099000000000001" }), m.keys.privateKeyPem));
    expect((await post(m.accountId, form)).status).toBe(401);
    expect(await paymentCount(m.accountId)).toBe(0);
  });

  it("an unknown channel account is 404 and garbage bodies never cause a 500", async () => {
    const m = await merchantWithAlipay();
    expect((await post("00000000-0000-0000-0000-000000000000", "a=b")).status).toBe(404);
    expect((await post("not-a-uuid", "a=b")).status).toBe(404);
    for (const body of ["", "%%%", "sign=abc&sign=def", "trade_no=1", "\u0000\uffff"]) {
      const res = await post(m.accountId, body);
      expect([400, 401]).toContain(res.status);
      expect(res.text).toBe("fail");
    }
    expect(await paymentCount(m.accountId)).toBe(0);
  });

  it("the same notify sent 10 times concurrently records exactly one payment and one allocation", async () => {
    const m = await merchantWithAlipay();
    const created = await createOrder(m.apiKey, { amount: 5990 });
    const form = toFormBody(
      signAlipayParams(alipayPaymentNotify({ outTradeNo: created.reference, appId: m.appId, totalAmount: "59.90" }), m.keys.privateKeyPem),
    );
    const results = await Promise.all(Array.from({ length: 10 }, () => post(m.accountId, form)));
    expect(results.map((r) => r.text)).toEqual(Array(10).fill("success"));
    expect(await paymentCount(m.accountId)).toBe(1);
    const [p] = await t.db().select().from(payments).where(eq(payments.channelAccountId, m.accountId));
    const allocs = await t.db().select().from(allocations).where(eq(allocations.paymentId, p.id));
    expect(allocs).toHaveLength(1);
    const events = await t.db().select().from(webhookEvents).where(eq(webhookEvents.channelAccountId, m.accountId));
    expect(events).toHaveLength(1);
    const after = await order(m.apiKey, created.reference);
    expect(after.json).toMatchObject({ status: "paid", paidAmount: 5990 });
  });

  it("distinct notifies for one merchant sent concurrently leave one intact audit chain, linked before their acks", async () => {
    const m = await merchantWithAlipay();
    const created = await Promise.all(Array.from({ length: 12 }, (_, i) => createOrder(m.apiKey, { amount: 1000 + i })));
    const forms = created.map((o, i) =>
      toFormBody(signAlipayParams(alipayPaymentNotify({ outTradeNo: o.reference, appId: m.appId, totalAmount: ((1000 + i) / 100).toFixed(2) }), m.keys.privateKeyPem)),
    );
    const results = await Promise.all(forms.map((f) => post(m.accountId, f)));
    expect(results.map((r) => r.text)).toEqual(Array(12).fill("success"));
    const [report] = await verifyAuditChains(t.db(), { merchantId: m.merchantId });
    expect(report).toMatchObject({ unchained: 0, broken: null });
    const rows = await t.db().select().from(auditEvents).where(eq(auditEvents.merchantId, m.merchantId)).orderBy(auditEvents.chainSeq);
    expect(rows.map((r) => r.chainSeq)).toEqual(rows.map((_, i) => i + 1));
    expect(rows.filter((r) => r.action === "payment.recorded")).toHaveLength(12);
    expect(rows.filter((r) => r.action === "payment.matched")).toHaveLength(12);
    for (const o of created) expect((await order(m.apiKey, o.reference)).json.status).toBe("paid");
  });

  it("two distinct payments for one order racing in are both recorded and the order's totals add up", async () => {
    const m = await merchantWithAlipay();
    const created = await createOrder(m.apiKey, { amount: 3000 });
    const forms = ["2024000000000000000000000001", "2024000000000000000000000002"].map((tradeNo) =>
      toFormBody(signAlipayParams(alipayPaymentNotify({ outTradeNo: created.reference, appId: m.appId, totalAmount: "30.00", tradeNo }), m.keys.privateKeyPem)),
    );
    const results = await Promise.all(forms.map((f) => post(m.accountId, f)));
    expect(results.map((r) => r.text)).toEqual(["success", "success"]);
    const recorded = await t.db().select().from(payments).where(eq(payments.channelAccountId, m.accountId));
    expect(recorded).toHaveLength(2);
    expect(recorded.every((p) => p.matchCheckedAt !== null)).toBe(true);
    const allocs = await t.db().select().from(allocations).where(eq(allocations.merchantId, m.merchantId));
    const after = await order(m.apiKey, created.reference);
    expect(after.json.paidAmount).toBe(allocs.reduce((s, a) => s + a.amount, 0));
    expect(after.json.paidAmount).toBeGreaterThanOrEqual(3000);
    expect(recorded.reduce((s, p) => s + p.allocatedAmount, 0)).toBe(after.json.paidAmount);
    expect((await verifyAuditChains(t.db(), { merchantId: m.merchantId }))[0]).toMatchObject({ unchained: 0, broken: null });
  });

  it("a short payment leaves the order partially paid; a larger one makes it overpaid", async () => {
    const m = await merchantWithAlipay();
    const short = await createOrder(m.apiKey, { amount: 10000 });
    const over = await createOrder(m.apiKey, { amount: 10000 });
    await post(m.accountId, toFormBody(signAlipayParams(alipayPaymentNotify({ outTradeNo: short.reference, appId: m.appId, totalAmount: "60.00" }), m.keys.privateKeyPem)));
    await post(m.accountId, toFormBody(signAlipayParams(alipayPaymentNotify({ outTradeNo: over.reference, appId: m.appId, totalAmount: "150.00" }), m.keys.privateKeyPem)));
    expect((await order(m.apiKey, short.reference)).json).toMatchObject({ status: "partially_paid", paidAmount: 6000 });
    expect((await order(m.apiKey, over.reference)).json).toMatchObject({ status: "overpaid", paidAmount: 15000 });
  });

  it("partial refund and refund-close notifies move the order to partially_refunded then refunded", async () => {
    const m = await merchantWithAlipay();
    const created = await createOrder(m.apiKey, { amount: 20000 });
    const base = { outTradeNo: created.reference, appId: m.appId, totalAmount: "200.00", tradeNo: "2024030122001400000000000001" };
    const send = (extra: Partial<Parameters<typeof alipayPaymentNotify>[0]>) =>
      post(m.accountId, toFormBody(signAlipayParams(alipayPaymentNotify({ ...base, ...extra }), m.keys.privateKeyPem)));
    expect((await send({})).text).toBe("success");
    expect((await send({ refundFee: "50.00", outBizNo: "RF-1" })).text).toBe("success");
    let after = await order(m.apiKey, created.reference);
    expect(after.json).toMatchObject({ status: "partially_refunded", paidAmount: 20000, refundedAmount: 5000 });
    // Alipay's retry of the same refund notify changes nothing.
    expect((await send({ refundFee: "50.00", outBizNo: "RF-1" })).text).toBe("success");
    expect((await send({ tradeStatus: "TRADE_CLOSED", refundFee: "200.00", outBizNo: "RF-2" })).text).toBe("success");
    after = await order(m.apiKey, created.reference);
    expect(after.json).toMatchObject({ status: "refunded", refundedAmount: 20000 });
    const [p] = await t.db().select().from(payments).where(eq(payments.channelAccountId, m.accountId));
    const rows = await t.db().select().from(refunds).where(eq(refunds.paymentId, p.id));
    expect(rows.map((r) => r.amount).sort((a, b) => a - b)).toEqual([5000, 15000]);
    expect(p.refundedAmount).toBe(20000);
    expect(await paymentCount(m.accountId)).toBe(1);
  });

  it("a refund notify arriving before the payment notify still ends with one payment and a refunded order", async () => {
    const m = await merchantWithAlipay();
    const created = await createOrder(m.apiKey, { amount: 3000 });
    const base = { outTradeNo: created.reference, appId: m.appId, totalAmount: "30.00" };
    await post(m.accountId, toFormBody(signAlipayParams(alipayPaymentNotify({ ...base, tradeStatus: "TRADE_CLOSED", refundFee: "30.00" }), m.keys.privateKeyPem)));
    await post(m.accountId, toFormBody(signAlipayParams(alipayPaymentNotify(base), m.keys.privateKeyPem)));
    expect(await paymentCount(m.accountId)).toBe(1);
    expect((await order(m.apiKey, created.reference)).json).toMatchObject({ status: "refunded", paidAmount: 3000, refundedAmount: 3000 });
  });

  it("a timeout close and a notify for an unknown reference are acknowledged without matching", async () => {
    const m = await merchantWithAlipay();
    const created = await createOrder(m.apiKey);
    const close = await post(m.accountId, toFormBody(signAlipayParams(alipayPaymentNotify({ outTradeNo: created.reference, appId: m.appId, tradeStatus: "TRADE_CLOSED" }), m.keys.privateKeyPem)));
    expect(close.text).toBe("success");
    expect(await paymentCount(m.accountId)).toBe(1 - 1);
    const stray = await post(m.accountId, toFormBody(signAlipayParams(alipayPaymentNotify({ outTradeNo: "NOT-OURS-123", appId: m.appId }), m.keys.privateKeyPem)));
    expect(stray.text).toBe("success");
    const [p] = await t.db().select().from(payments).where(eq(payments.channelAccountId, m.accountId));
    expect(p).toMatchObject({ status: "unmatched", allocatedAmount: 0 });
    expect(p.matchCheckedAt).not.toBeNull();
  });

  it("another merchant cannot read the order or the payment (404)", async () => {
    const a = await merchantWithAlipay();
    const b = await merchantWithAlipay();
    const created = await createOrder(a.apiKey);
    await post(a.accountId, toFormBody(signAlipayParams(alipayPaymentNotify({ outTradeNo: created.reference, appId: a.appId }), a.keys.privateKeyPem)));
    const mine = await order(a.apiKey, created.reference);
    expect((await order(b.apiKey, created.reference)).status).toBe(404);
    const theirs = await call(getPayment as unknown as H, { method: "GET", apiKey: b.apiKey, params: { paymentId: mine.json.payments[0].paymentId } });
    expect(theirs.status).toBe(404);
    expect(theirs.json.error.code).toBe("not_found");
  });
});
