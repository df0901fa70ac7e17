import { count, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as getOrder } from "@/app/api/v1/orders/[reference]/route";
import { POST as createChannelAccountRoute } from "@/app/api/v1/channel-accounts/route";
import { POST as signupRoute } from "@/app/api/v1/signup/route";
import { POST as webhookRoute } from "@/app/api/webhooks/[channel]/[channelAccountId]/route";
import { payments, refunds, rejectedNotifications, webhookEvents } from "@/lib/db/schema";
import { call, createOrder, merchantWithAlipay } from "../../helpers/api";
import { douyinPaymentMsg, douyinRefundMsg, signDouyinCallback } from "../../helpers/douyin-signer";
import { genericEvent, genericSignatureHeader } from "../../helpers/generic-signer";
import { makePaypalCertificate, paypalCaptureCompleted, signPaypal } from "../../helpers/paypal-signer";
import { checkoutSession, generateWebhookSecret, stripeEvent, stripeSignatureHeader } from "../../helpers/stripe-signer";
import { makeUnionpayChain, signUnionpayFields, unionpayConsumeNotify, unionpayFormBody, type TestCertificate } from "../../helpers/unionpay-signer";
import {
  encryptWechatpayResource,
  generateApiV3Key,
  generateWechatpayKeyPair,
  signWechatpay,
  wechatpayEnvelope,
  wechatpayRefund,
  wechatpayTransaction,
} from "../../helpers/wechatpay-signer";
import { setupTestDatabase } from "../../helpers/test-db";

const t = setupTestDatabase();
type H = Parameters<typeof call>[0];
type Delivery = { rawBody: string; headers: Record<string, string> };
let counter = 0;

/** Signs up a merchant and creates one channel account through the public API. */
async function merchantWith(channel: string, credentials: Record<string, unknown>) {
  const n = `${Date.now().toString(36)}${++counter}`;
  const signup = await call(signupRoute as unknown as H, {
    body: { merchantName: `链动小铺 ${n}`, email: `ch-${n}@example.cn`, password: "correct horse battery" },
  });
  if (signup.status !== 201) throw new Error(`signup failed: ${signup.text}`);
  const account = await call(createChannelAccountRoute as unknown as H, { apiKey: signup.json.apiKey, body: { channel, name: `${channel} 账户`, credentials } });
  return { apiKey: signup.json.apiKey as string, account };
}

const post = (channel: string, accountId: string, d: Delivery) =>
  call(webhookRoute as unknown as H, { path: `/api/webhooks/${channel}/${accountId}`, params: { channel, channelAccountId: accountId }, rawBody: d.rawBody, headers: d.headers });
const orderOf = (apiKey: string, reference: string) => call(getOrder as unknown as H, { method: "GET", apiKey, params: { reference } });
const rows = async (table: typeof payments | typeof webhookEvents | typeof rejectedNotifications, accountId: string) => {
  const [row] = await t.db().select({ n: count() }).from(table).where(eq(table.channelAccountId, accountId));
  return row.n;
};

/** One channel's test kit: credentials, a signed payment for an order, and the ways a delivery can go wrong. */
interface Kit {
  channel: string;
  credentials: () => Record<string, unknown>;
  payment: (reference: string, amount: number) => Delivery;
  tamper: (d: Delivery) => Delivery;
  unsigned: (d: Delivery) => Delivery;
  wrongKey: (reference: string, amount: number) => Delivery;
  stale?: (reference: string, amount: number) => Delivery;
  ack: { status: number; body: string | null };
  rejectBody: (text: string) => void;
}

const json = { "content-type": "application/json" };
const withoutHeader = (d: Delivery, name: string) => ({ ...d, headers: Object.fromEntries(Object.entries(d.headers).filter(([k]) => k !== name)) });
const nowSeconds = () => Math.floor(Date.now() / 1000);

const wx = { mchId: "1900000109", keyId: "PUB_KEY_ID_0119000001092026112500000001", keys: generateWechatpayKeyPair(), other: generateWechatpayKeyPair(), apiV3Key: generateApiV3Key() };
const wxPayment = (reference: string, amount: number, signer = wx.keys.privateKeyPem, ts = nowSeconds()) => {
  const tx = wechatpayTransaction({ mchId: wx.mchId, outTradeNo: reference, total: amount });
  const rawBody = wechatpayEnvelope("TRANSACTION.SUCCESS", encryptWechatpayResource(wx.apiV3Key, JSON.stringify(tx), "transaction"));
  return { rawBody, headers: signWechatpay(rawBody, signer, wx.keyId, ts) };
};

const stripeSecret = generateWebhookSecret();
const stripePayment = (reference: string, amount: number, secret = stripeSecret, ts = nowSeconds()) => {
  const rawBody = stripeEvent("checkout.session.completed", checkoutSession({ reference, amountTotal: amount }));
  return { rawBody, headers: { ...json, "stripe-signature": stripeSignatureHeader(rawBody, secret, ts) } };
};

const dy = { appId: "tt07e3715e98c9aac0", token: "ldxp-douyin-token-7f3a" };
const douyinPayment = (reference: string, amount: number, token = dy.token) => ({
  rawBody: signDouyinCallback(token, "payment", douyinPaymentMsg({ appId: dy.appId, cpOrderno: reference, totalAmount: amount })),
  headers: json,
});

const genericSecret = "ldxp-generic-secret-0123456789";
const genericPayment = (reference: string, amount: number, secret = genericSecret, ts = nowSeconds()) => {
  const rawBody = genericEvent({ transactionId: `PX-${reference}`, reference, amount });
  return { rawBody, headers: { ...json, "x-ldxp-signature": genericSignatureHeader(rawBody, secret, ts) } };
};

let up: ReturnType<typeof makeUnionpayChain>;
let rogueUp: ReturnType<typeof makeUnionpayChain>;
const upMerId = "777290058110048";
const unionpayPayment = (reference: string, amount: number, leaf = up.leaf) => ({
  rawBody: unionpayFormBody(signUnionpayFields(unionpayConsumeNotify({ merId: upMerId, orderId: reference, txnAmt: String(amount) }), leaf)),
  headers: { "content-type": "application/x-www-form-urlencoded" },
});

let pp: TestCertificate;
let rogueCert: TestCertificate;
const ppWebhookId = "4JH86294D6297924G";
const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, "0")}`;
const paypalPayment = (reference: string, amount: number, key = pp.keyPem) => {
  const rawBody = paypalCaptureCompleted({ reference, value: yuan(amount), currency: "CNY" });
  return { rawBody, headers: signPaypal(rawBody, ppWebhookId, key) };
};

beforeAll(() => {
  up = makeUnionpayChain();
  rogueUp = makeUnionpayChain();
  pp = makePaypalCertificate();
  rogueCert = makePaypalCertificate();
});

const kits: Kit[] = [
  {
    channel: "wechatpay",
    credentials: () => ({ mchId: wx.mchId, apiV3Key: wx.apiV3Key, platformPublicKey: wx.keys.publicKeyPem, platformPublicKeyId: wx.keyId }),
    payment: (r, a) => wxPayment(r, a),
    tamper: (d) => ({ ...d, rawBody: d.rawBody.replace("支付成功", "支付失败") }),
    unsigned: (d) => withoutHeader(d, "wechatpay-signature"),
    wrongKey: (r, a) => wxPayment(r, a, wx.other.privateKeyPem),
    stale: (r, a) => wxPayment(r, a, wx.keys.privateKeyPem, nowSeconds() - 600),
    ack: { status: 204, body: "" },
    rejectBody: (text) => expect(JSON.parse(text)).toEqual({ code: "FAIL", message: "失败" }),
  },
  {
    channel: "stripe",
    credentials: () => ({ webhookSecret: stripeSecret }),
    payment: (r, a) => stripePayment(r, a),
    tamper: (d) => ({ ...d, rawBody: d.rawBody.replace(/"amount_total":\d+/, '"amount_total":1') }),
    unsigned: (d) => withoutHeader(d, "stripe-signature"),
    wrongKey: (r, a) => stripePayment(r, a, generateWebhookSecret()),
    stale: (r, a) => stripePayment(r, a, stripeSecret, nowSeconds() - 301),
    ack: { status: 200, body: null },
    rejectBody: () => {},
  },
  {
    channel: "douyin",
    credentials: () => dy,
    payment: (r, a) => douyinPayment(r, a),
    tamper: (d) => ({ ...d, rawBody: d.rawBody.replace(/\\"total_amount\\":\d+/, '\\"total_amount\\":1') }),
    unsigned: (d) => ({ ...d, rawBody: JSON.stringify({ ...JSON.parse(d.rawBody), msg_signature: undefined }) }),
    wrongKey: (r, a) => douyinPayment(r, a, "another-token"),
    ack: { status: 200, body: '{"err_no":0,"err_tips":"success"}' },
    rejectBody: (text) => expect(text).not.toBe('{"err_no":0,"err_tips":"success"}'),
  },
  {
    channel: "other",
    credentials: () => ({ secret: genericSecret }),
    payment: (r, a) => genericPayment(r, a),
    tamper: (d) => ({ ...d, rawBody: d.rawBody.replace(/"amount":\d+/, '"amount":1') }),
    unsigned: (d) => withoutHeader(d, "x-ldxp-signature"),
    wrongKey: (r, a) => genericPayment(r, a, "another-secret-0123456789"),
    stale: (r, a) => genericPayment(r, a, genericSecret, nowSeconds() - 301),
    ack: { status: 200, body: '{"received":true}' },
    rejectBody: () => {},
  },
  {
    channel: "unionpay",
    credentials: () => ({ merId: upMerId, rootCertificate: up.root.certPem, intermediateCertificate: up.intermediate.certPem }),
    payment: (r, a) => unionpayPayment(r, a),
    tamper: (d) => ({ ...d, rawBody: d.rawBody.replace(/txnAmt=\d+/, "txnAmt=1") }),
    unsigned: (d) => ({ ...d, rawBody: d.rawBody.replace(/(^|&)signature=[^&]*/, "") }),
    wrongKey: (r, a) => unionpayPayment(r, a, rogueUp.leaf),
    ack: { status: 200, body: "ok" },
    rejectBody: (text) => expect(text).toBe("fail"),
  },
  {
    channel: "paypal",
    credentials: () => ({ webhookId: ppWebhookId, certificate: pp.certPem }),
    payment: (r, a) => paypalPayment(r, a),
    tamper: (d) => ({ ...d, rawBody: d.rawBody.replace(/"value":"[\d.]+"/, '"value":"0.01"') }),
    unsigned: (d) => withoutHeader(d, "paypal-transmission-sig"),
    wrongKey: (r, a) => paypalPayment(r, a, rogueCert.keyPem),
    ack: { status: 200, body: null },
    rejectBody: () => {},
  },
];

describe.each(kits)(`$channel webhook through the real route (${process.env.TEST_DB})`, (kit) => {
  async function setup(amount = 12800) {
    const m = await merchantWith(kit.channel, kit.credentials());
    expect(m.account.status).toBe(201);
    expect(m.account.json.webhookUrl).toBe(`/api/webhooks/${kit.channel}/${m.account.json.id}`);
    const order = await createOrder(m.apiKey, { amount });
    return { apiKey: m.apiKey, accountId: m.account.json.id as string, reference: order.reference as string };
  }

  async function expectRejected(accountId: string, reference: string, apiKey: string, d: Delivery) {
    const res = await post(kit.channel, accountId, d);
    expect(res.status).toBe(401);
    kit.rejectBody(res.text);
    expect(await rows(payments, accountId)).toBe(0);
    expect(await rows(webhookEvents, accountId)).toBe(0);
    expect(await rows(rejectedNotifications, accountId)).toBe(1);
    expect((await orderOf(apiKey, reference)).json.status).toBe("pending");
  }

  it("a valid notification is acknowledged, recorded and matches the checkout order", async () => {
    const s = await setup(12800);
    const res = await post(kit.channel, s.accountId, kit.payment(s.reference, 12800));
    expect(res.status).toBe(kit.ack.status);
    if (kit.ack.body !== null) expect(res.text).toBe(kit.ack.body);
    const order = await orderOf(s.apiKey, s.reference);
    expect(order.json).toMatchObject({ status: "paid", paidAmount: 12800 });
    expect(order.json.payments).toEqual([expect.objectContaining({ channel: kit.channel, amount: 12800, matchMethod: "reference" })]);
  });

  it("the same delivery twice is acknowledged twice and records one payment", async () => {
    const s = await setup(5990);
    const delivery = kit.payment(s.reference, 5990);
    const [a, b] = [await post(kit.channel, s.accountId, delivery), await post(kit.channel, s.accountId, delivery)];
    expect([a.status, b.status]).toEqual([kit.ack.status, kit.ack.status]);
    expect(await rows(payments, s.accountId)).toBe(1);
    expect(await rows(webhookEvents, s.accountId)).toBe(1);
    expect((await orderOf(s.apiKey, s.reference)).json).toMatchObject({ status: "paid", paidAmount: 5990 });
  });

  it("a tampered body is refused with nothing recorded but a rejected_notifications row", async () => {
    const s = await setup();
    await expectRejected(s.accountId, s.reference, s.apiKey, kit.tamper(kit.payment(s.reference, 12800)));
  });

  it("a delivery without its signature is refused", async () => {
    const s = await setup();
    await expectRejected(s.accountId, s.reference, s.apiKey, kit.unsigned(kit.payment(s.reference, 12800)));
  });

  it("a delivery signed with the wrong key is refused", async () => {
    const s = await setup();
    await expectRejected(s.accountId, s.reference, s.apiKey, kit.wrongKey(s.reference, 12800));
  });

  // Douyin, UnionPay and PayPal document no freshness window, so only channels with one get this case.
  if (kit.stale) {
    const stale = kit.stale;
    it("a stale timestamp is refused", async () => {
      const s = await setup();
      await expectRejected(s.accountId, s.reference, s.apiKey, stale(s.reference, 12800));
    });
  }
});

describe(`refunds through the real route (${process.env.TEST_DB})`, () => {
  it("WeChat Pay REFUND.SUCCESS after the payment makes the order partially refunded, once", async () => {
    const kit = kits[0];
    const m = await merchantWith("wechatpay", kit.credentials());
    const accountId = m.account.json.id as string;
    const order = await createOrder(m.apiKey, { amount: 12800 });
    const tx = wechatpayTransaction({ mchId: wx.mchId, outTradeNo: order.reference, total: 12800 });
    const payBody = wechatpayEnvelope("TRANSACTION.SUCCESS", encryptWechatpayResource(wx.apiV3Key, JSON.stringify(tx), "transaction"));
    expect((await post("wechatpay", accountId, { rawBody: payBody, headers: signWechatpay(payBody, wx.keys.privateKeyPem, wx.keyId) })).status).toBe(204);
    const refund = wechatpayRefund({ mchId: wx.mchId, outTradeNo: order.reference, transactionId: tx.transaction_id, total: 12800, refund: 2800 });
    const refundBody = wechatpayEnvelope("REFUND.SUCCESS", encryptWechatpayResource(wx.apiV3Key, JSON.stringify(refund), "refund"));
    const delivery = { rawBody: refundBody, headers: signWechatpay(refundBody, wx.keys.privateKeyPem, wx.keyId) };
    expect((await post("wechatpay", accountId, delivery)).status).toBe(204);
    expect((await post("wechatpay", accountId, delivery)).status).toBe(204);
    expect((await orderOf(m.apiKey, order.reference)).json).toMatchObject({ status: "partially_refunded", paidAmount: 12800, refundedAmount: 2800 });
    expect(await rows(payments, accountId)).toBe(1);
  });

  it("Stripe charge.refunded (cumulative) refunds the PaymentIntent recorded by checkout.session.completed", async () => {
    const m = await merchantWith("stripe", { webhookSecret: stripeSecret });
    const accountId = m.account.json.id as string;
    const order = await createOrder(m.apiKey, { amount: 10000 });
    const paid = stripeEvent("checkout.session.completed", checkoutSession({ reference: order.reference, amountTotal: 10000, paymentIntent: "pi_refund_1" }));
    await post("stripe", accountId, { rawBody: paid, headers: { "stripe-signature": stripeSignatureHeader(paid, stripeSecret) } });
    for (const [refunded, full] of [[4000, false], [4000, false], [10000, true]] as const) {
      const body = stripeEvent("charge.refunded", { id: "ch_1", amount: 10000, amount_refunded: refunded, refunded: full, currency: "cny", payment_intent: "pi_refund_1", metadata: {}, created: 1_795_000_000 });
      expect((await post("stripe", accountId, { rawBody: body, headers: { "stripe-signature": stripeSignatureHeader(body, stripeSecret) } })).status).toBe(200);
    }
    expect((await orderOf(m.apiKey, order.reference)).json).toMatchObject({ status: "refunded", refundedAmount: 10000 });
    const [p] = await t.db().select().from(payments).where(eq(payments.channelAccountId, accountId));
    const recorded = await t.db().select().from(refunds).where(eq(refunds.paymentId, p.id));
    expect(recorded.map((r) => r.amount).sort((a, b) => a - b)).toEqual([4000, 6000]);
  });

  it("Stripe payment_intent.succeeded before checkout.session.completed: the session's reference is added to the payment and its order is paid", async () => {
    const m = await merchantWith("stripe", { webhookSecret: stripeSecret });
    const order = await createOrder(m.apiKey, { amount: 12800 });
    const checkoutParams = order.channelParams?.stripe as { payment_intent_data?: { metadata?: Record<string, string> } } | undefined;
    expect(checkoutParams?.payment_intent_data?.metadata).toMatchObject({ reference: order.reference });
    // An integration that set only the session's metadata: the PaymentIntent's event carries none.
    const intent = stripeEvent("payment_intent.succeeded", { id: "pi_late_ref", amount: 12800, amount_received: 12800, currency: "cny", metadata: {} });
    const first = await post("stripe", m.account.json.id, { rawBody: intent, headers: { ...json, "stripe-signature": stripeSignatureHeader(intent, stripeSecret) } });
    expect(first.status).toBe(200);
    const [recorded] = await t.db().select().from(payments).where(eq(payments.channelAccountId, m.account.json.id));
    expect(recorded).toMatchObject({ reference: null, status: "unmatched" });

    const session = stripeEvent("checkout.session.completed", checkoutSession({ reference: order.reference, amountTotal: 12800, paymentIntent: "pi_late_ref" }));
    expect((await post("stripe", m.account.json.id, { rawBody: session, headers: { ...json, "stripe-signature": stripeSignatureHeader(session, stripeSecret) } })).status).toBe(200);
    await expect.poll(async () => (await orderOf(m.apiKey, order.reference)).json.status, { timeout: 10_000 }).toBe("paid");
    const [after] = await t.db().select().from(payments).where(eq(payments.channelAccountId, m.account.json.id));
    expect(after).toMatchObject({ id: recorded.id, reference: order.reference, status: "matched" });
    expect(await rows(payments, m.account.json.id)).toBe(1);
  });

  it("generic refund.succeeded records the refund", async () => {
    const m = await merchantWith("other", { secret: genericSecret });
    const accountId = m.account.json.id as string;
    const order = await createOrder(m.apiKey, { amount: 5000 });
    for (const body of [
      genericEvent({ transactionId: "PX-R1", reference: order.reference, amount: 5000 }),
      genericEvent({ transactionId: "PX-R1", reference: order.reference, amount: 5000, refund: { refundId: "RF-1", refundAmount: 5000 } }),
    ]) {
      expect((await post("other", accountId, { rawBody: body, headers: { "x-ldxp-signature": genericSignatureHeader(body, genericSecret) } })).status).toBe(200);
    }
    expect((await orderOf(m.apiKey, order.reference)).json).toMatchObject({ status: "refunded", refundedAmount: 5000 });
  });
});

describe(`channel account credentials are import-checked (${process.env.TEST_DB})`, () => {
  it.each([
    ["wechatpay", "credentials.platformPublicKey", () => ({ mchId: "1", apiV3Key: wx.apiV3Key, platformPublicKey: "-----BEGIN PUBLIC KEY-----\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n-----END PUBLIC KEY-----", platformPublicKeyId: wx.keyId })],
    ["wechatpay", "credentials.platformPublicKeyId", () => ({ mchId: "1", apiV3Key: wx.apiV3Key, platformPublicKey: wx.keys.publicKeyPem, platformPublicKeyId: "0119000001" })],
    ["wechatpay", "credentials.platformCertificates", () => ({ mchId: "1", apiV3Key: wx.apiV3Key, platformCertificates: [{ serial: "ABCDEF", pem: pp.certPem }] })],
    ["unionpay", "credentials.intermediateCertificate", () => ({ merId: upMerId, rootCertificate: rogueUp.root.certPem, intermediateCertificate: up.intermediate.certPem })],
    ["unionpay", "credentials.rootCertificate", () => ({ merId: upMerId, rootCertificate: "not a certificate but long enough to pass the length check", intermediateCertificate: up.intermediate.certPem })],
    ["paypal", "credentials.certificate", () => ({ webhookId: ppWebhookId, certificate: wx.keys.publicKeyPem })],
  ])("%s: a bad key is a 400 naming %s", async (channel, field, credentials) => {
    const m = await merchantWith(channel, credentials());
    expect(m.account.status).toBe(400);
    expect(m.account.json.error.message).toContain(field);
  });

  it("WeChat Pay accepts platform certificates alone (legacy merchants)", async () => {
    const m = await merchantWith("wechatpay", { mchId: "1", apiV3Key: wx.apiV3Key, platformCertificates: JSON.stringify([{ serial: new (await import("node:crypto")).X509Certificate(pp.certPem).serialNumber, pem: pp.certPem }]) });
    expect(m.account.status).toBe(201);
  });

  it("a Douyin refund-only notification is refused until its payment exists, then recorded once", async () => {
    const m = await merchantWith("douyin", dy);
    const order = await createOrder(m.apiKey, { amount: 6000 });
    const orderId = `DY${Date.now()}`;
    const refundBody = (refundNo: string) => ({
      rawBody: signDouyinCallback(dy.token, "refund", douyinRefundMsg({ appId: dy.appId, orderId, refundAmount: 1500, refundNo })),
      headers: { "content-type": "application/json" },
    });
    const early = await post("douyin", m.account.json.id, refundBody("RF-EARLY"));
    expect(early.text).not.toBe('{"err_no":0,"err_tips":"success"}');
    expect(await rows(webhookEvents, m.account.json.id)).toBe(0);
    const paid = {
      rawBody: signDouyinCallback(dy.token, "payment", douyinPaymentMsg({ appId: dy.appId, cpOrderno: order.reference, totalAmount: 6000, orderId })),
      headers: { "content-type": "application/json" },
    };
    expect(JSON.parse((await post("douyin", m.account.json.id, paid)).text)).toEqual({ err_no: 0, err_tips: "success" });
    for (let i = 0; i < 2; i++) {
      expect(JSON.parse((await post("douyin", m.account.json.id, refundBody("RF-EARLY"))).text)).toEqual({ err_no: 0, err_tips: "success" });
    }
    expect((await orderOf(m.apiKey, order.reference)).json).toMatchObject({ status: "partially_refunded", refundedAmount: 1500 });
  });
});

describe(`the webhook route's own answers (${process.env.TEST_DB})`, () => {
  const route = webhookRoute as unknown as (request: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
  const send = (channel: string, accountId: string, body: BodyInit, headers: Record<string, string> = {}) =>
    route(new Request(`http://127.0.0.1/api/webhooks/${channel}/${accountId}`, { method: "POST", body, headers, duplex: "half" } as RequestInit), {
      params: Promise.resolve({ channel, channelAccountId: accountId }),
    });

  it("an unknown channel is a 404; a body above 256 KB is a 413 whether announced or streamed, and records nothing", async () => {
    const m = await merchantWithAlipay();
    expect((await send("nochannel", m.accountId, "x=1")).status).toBe(404);
    const big = "a".repeat(300 * 1024);
    expect((await send("alipay", m.accountId, big, { "content-type": "application/x-www-form-urlencoded" })).status).toBe(413);
    let chunks = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (chunks++ === 400) return controller.close();
        controller.enqueue(new TextEncoder().encode("a".repeat(1024)));
      },
    });
    expect((await send("alipay", m.accountId, stream, { "content-type": "application/x-www-form-urlencoded" })).status).toBe(413);
    expect(chunks).toBeLessThan(300);
    expect(await rows(webhookEvents, m.accountId)).toBe(0);
    expect(await rows(rejectedNotifications, m.accountId)).toBe(0);
  });
});
