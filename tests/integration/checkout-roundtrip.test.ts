// Done-when of issue #3: for every channel, the exact parameters the checkout hands out are put into that
// channel's own notification (signed like the channel signs it) and the order comes back paid.
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { POST as createChannelAccount } from "@/app/api/v1/channel-accounts/route";
import { GET as getOrder } from "@/app/api/v1/orders/[reference]/route";
import { POST as statementsRoute } from "@/app/api/v1/statements/route";
import { POST as webhookRoute } from "@/app/api/webhooks/[channel]/[channelAccountId]/route";
import { payments } from "@/lib/db/schema";
import { buildCsv, CMB_HEADER, cmbCredit, toGbk } from "../fixtures/statements/cn-exports";
import { alipayPaymentNotify, signAlipayParams, toFormBody } from "../helpers/alipay-signer";
import { BASE, call, createOrder, merchantWithAlipay } from "../helpers/api";
import { douyinPaymentMsg, signDouyinCallback } from "../helpers/douyin-signer";
import { genericEvent, genericSignatureHeader } from "../helpers/generic-signer";
import { makePaypalCertificate, paypalCaptureCompleted, signPaypal } from "../helpers/paypal-signer";
import { checkoutSession, generateWebhookSecret, stripeEvent, stripeSignatureHeader } from "../helpers/stripe-signer";
import { makeUnionpayChain, signUnionpayFields, unionpayConsumeNotify, unionpayFormBody } from "../helpers/unionpay-signer";
import { encryptWechatpayResource, generateApiV3Key, generateWechatpayKeyPair, signWechatpay, wechatpayEnvelope, wechatpayTransaction } from "../helpers/wechatpay-signer";
import { setupTestDatabase } from "../helpers/test-db";

const t = setupTestDatabase();
type H = Parameters<typeof call>[0];
type Params = Record<string, unknown> & { channelAccountId: string };
type Delivery = { rawBody: string; headers: Record<string, string> };

const wx = { mchId: "1900000109", keyId: "PUB_KEY_ID_0119000001092026112500000002", keys: generateWechatpayKeyPair(), apiV3Key: generateApiV3Key() };
const stripeSecret = generateWebhookSecret();
const dy = { appId: "tt07e3715e98c9aac1", token: "ldxp-douyin-roundtrip-token" };
const genericSecret = "ldxp-roundtrip-secret-0123456789";
const upMerId = "777290058110049";
const ppWebhookId = "5JH86294D6297924H";
let up: ReturnType<typeof makeUnionpayChain>;
let pp: ReturnType<typeof makePaypalCertificate>;
let m: Awaited<ReturnType<typeof merchantWithAlipay>>;

const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, "0")}`;
const str = (v: unknown) => {
  if (typeof v !== "string" || !v) throw new Error(`checkout handed out no string here: ${JSON.stringify(v)}`);
  return v;
};

/** Each channel's notification, built only from what the checkout returned for that channel. */
const notifications: Record<string, (p: Params, amount: number) => Delivery> = {
  alipay: (p, amount) => ({
    rawBody: toFormBody(
      signAlipayParams(
        alipayPaymentNotify({ outTradeNo: str(p.out_trade_no), passbackParams: str(p.passback_params), appId: m.appId, totalAmount: yuan(amount) }),
        m.keys.privateKeyPem,
      ),
    ),
    headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
  }),
  wechatpay: (p, amount) => {
    const tx = wechatpayTransaction({ mchId: wx.mchId, outTradeNo: str(p.out_trade_no), total: amount, overrides: { attach: str(p.attach) } });
    const rawBody = wechatpayEnvelope("TRANSACTION.SUCCESS", encryptWechatpayResource(wx.apiV3Key, JSON.stringify(tx), "transaction"));
    return { rawBody, headers: signWechatpay(rawBody, wx.keys.privateKeyPem, wx.keyId) };
  },
  unionpay: (p, amount) => ({
    rawBody: unionpayFormBody(
      signUnionpayFields(unionpayConsumeNotify({ merId: upMerId, orderId: str(p.orderId), txnAmt: String(amount), overrides: { reqReserved: str(p.reqReserved) } }), up.leaf),
    ),
    headers: { "content-type": "application/x-www-form-urlencoded" },
  }),
  douyin: (p, amount) => ({
    rawBody: signDouyinCallback(dy.token, "payment", douyinPaymentMsg({ appId: dy.appId, cpOrderno: str(p.cp_orderno), totalAmount: amount, overrides: { cp_extra: str(p.cp_extra) } })),
    headers: { "content-type": "application/json" },
  }),
  stripe: (p, amount) => {
    const session = { ...checkoutSession({ reference: str(p.client_reference_id), amountTotal: amount }), metadata: p.metadata };
    const rawBody = stripeEvent("checkout.session.completed", session);
    return { rawBody, headers: { "content-type": "application/json", "stripe-signature": stripeSignatureHeader(rawBody, stripeSecret) } };
  },
  paypal: (p, amount) => {
    const event = JSON.parse(paypalCaptureCompleted({ reference: str(p.custom_id), value: yuan(amount), currency: "CNY" }));
    event.resource.invoice_id = str(p.invoice_id);
    const rawBody = JSON.stringify(event);
    return { rawBody, headers: signPaypal(rawBody, ppWebhookId, pp.keyPem) };
  },
  other: (p, amount) => {
    const rawBody = genericEvent({ transactionId: `PX-${str(p.reference)}`, reference: str(p.reference), amount });
    return { rawBody, headers: { "content-type": "application/json", "x-ldxp-signature": genericSignatureHeader(rawBody, genericSecret) } };
  },
};

/** Where each channel carries the passthrough field back, as stored on the payment's raw notification. */
const passthrough: Record<string, (p: Params) => [string, unknown]> = {
  alipay: (p) => ["passback_params", p.passback_params],
  wechatpay: (p) => ["attach", p.attach],
  unionpay: (p) => ["reqReserved", p.reqReserved],
  douyin: (p) => ["cp_extra", p.cp_extra],
  stripe: (p) => ["metadata", p.metadata],
  paypal: (p) => ["invoice_id", p.invoice_id],
};

const orderOf = (reference: string) => call(getOrder as unknown as H, { method: "GET", apiKey: m.apiKey, params: { reference } });

beforeAll(async () => {
  up = makeUnionpayChain();
  pp = makePaypalCertificate();
  m = await merchantWithAlipay();
  const accounts: [string, Record<string, unknown>][] = [
    ["wechatpay", { mchId: wx.mchId, apiV3Key: wx.apiV3Key, platformPublicKey: wx.keys.publicKeyPem, platformPublicKeyId: wx.keyId }],
    ["unionpay", { merId: upMerId, rootCertificate: up.root.certPem, intermediateCertificate: up.intermediate.certPem }],
    ["douyin", dy],
    ["stripe", { webhookSecret: stripeSecret }],
    ["paypal", { webhookId: ppWebhookId, certificate: pp.certPem }],
    ["other", { secret: genericSecret }],
    ["bank", { bankName: "招商银行", accountNo: "755912345610101", accountName: "链动小铺（上海）有限公司" }],
  ];
  for (const [channel, credentials] of accounts) {
    const res = await call(createChannelAccount as unknown as H, { apiKey: m.apiKey, body: { channel, name: `${channel} 账户`, credentials } });
    if (res.status !== 201) throw new Error(`${channel}: ${res.text}`);
  }
});

describe(`checkout parameters come back in each channel's notification and pay the order (${process.env.TEST_DB})`, () => {
  it("one checkout hands out parameters for every channel the merchant has", async () => {
    const order = await createOrder(m.apiKey, { amount: 100 });
    expect(Object.keys(order.channelParams).sort()).toEqual(["alipay", "bank", "douyin", "other", "paypal", "stripe", "unionpay", "wechatpay"]);
  });

  it.each(Object.keys(notifications))("%s", async (channel) => {
    const amount = 12_345 + channel.length;
    const order = await createOrder(m.apiKey, { amount });
    const params = order.channelParams[channel] as Params;
    const accountId = params.channelAccountId;
    if (typeof params.notify_url === "string") expect(params.notify_url).toBe(`${BASE}/api/webhooks/${channel}/${accountId}`);
    const d = notifications[channel](params, amount);
    const res = await call(webhookRoute as unknown as H, {
      path: `/api/webhooks/${channel}/${accountId}`,
      params: { channel, channelAccountId: accountId },
      rawBody: d.rawBody,
      headers: d.headers,
    });
    expect(res.status).toBeLessThan(300);
    const after = await orderOf(order.reference);
    expect(after.json).toMatchObject({ status: "paid", paidAmount: amount });
    expect(after.json.payments).toEqual([expect.objectContaining({ channel, amount, matchMethod: "reference" })]);
    const field = passthrough[channel]?.(params);
    if (field) {
      const [payment] = await t.db().select().from(payments).where(eq(payments.channelAccountId, accountId));
      expect(payment.details[field[0]]).toEqual(field[1]);
    }
  });

  it("bank: a CMB statement whose 用途 is the memo the checkout handed out pays the order", async () => {
    const amount = 880_000;
    const order = await createOrder(m.apiKey, { amount, channel: "bank" });
    const bank = order.channelParams.bank as Params;
    expect(bank).toMatchObject({ bankName: "招商银行", accountNo: "755912345610101", accountName: "链动小铺（上海）有限公司", memo: order.reference });
    const csv = buildCsv(CMB_HEADER, [
      cmbCredit({ date: "20261125", time: "10:23:45", credit: "8,800.00", serial: "K7700000001", memo: str(bank.memo), payer: "张三贸易有限公司", account: "6225880123456789" }),
    ]);
    const request = new Request(`${BASE}/api/v1/statements?${new URLSearchParams({ channelAccountId: bank.channelAccountId, format: "cmb-csv" })}`, {
      method: "POST",
      headers: { authorization: `Bearer ${m.apiKey}`, "content-type": "text/csv" },
      body: Buffer.from(toGbk(csv)),
    });
    const res = await (statementsRoute as unknown as H)(request, { params: Promise.resolve({}) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ imported: 1, matched: 1 });
    const after = await orderOf(order.reference);
    expect(after.json).toMatchObject({ status: "paid", paidAmount: amount });
    expect(after.json.payments).toEqual([expect.objectContaining({ channel: "bank", channelTransactionId: "K7700000001" })]);
  });
});
