import Pay from "wechatpay-node-v3";
import { beforeAll, describe, expect, it } from "vitest";
import { wechatpayAdapter, type WechatpayCredentials } from "@/lib/core/channels/wechatpay";
import { makeCertificate, type TestCertificate } from "@/tests/helpers/unionpay-signer";
import {
  encryptWechatpayResource,
  generateApiV3Key,
  generateWechatpayKeyPair,
  signWechatpay,
  wechatpayEnvelope,
  wechatpayRefund,
  wechatpayTransaction,
} from "@/tests/helpers/wechatpay-signer";

const MCH = "1900000109";
const KEY_ID = "PUB_KEY_ID_0119000001092026112500000001";
const keys = generateWechatpayKeyPair();
const apiV3Key = generateApiV3Key();
const credentials: WechatpayCredentials = { mchId: MCH, apiV3Key, platformPublicKey: keys.publicKeyPem, platformPublicKeyId: KEY_ID };

function paymentBody(overrides: Record<string, unknown> = {}, total = 12800) {
  const tx = wechatpayTransaction({ mchId: MCH, outTradeNo: "LD7K2M9QX4", total, transactionId: "4200002345202611250000000001", overrides });
  return wechatpayEnvelope("TRANSACTION.SUCCESS", encryptWechatpayResource(apiV3Key, JSON.stringify(tx), "transaction"));
}

const receive = (rawBody: string, headers: Record<string, string>, now = new Date(), creds = credentials) =>
  wechatpayAdapter.receive({ rawBody, headers, credentials: creds, now });

describe("WeChat Pay v3 adapter (public-key mode)", () => {
  it("verifies, decrypts and normalises a TRANSACTION.SUCCESS callback", async () => {
    const body = paymentBody();
    const result = await receive(body, signWechatpay(body, keys.privateKeyPem, KEY_ID));
    expect(result.kind).toBe("accepted");
    if (result.kind !== "accepted") return;
    expect(result.notification).toMatchObject({ eventKey: "TRANSACTION.SUCCESS:4200002345202611250000000001", refund: null, ignoredReason: null });
    expect(result.notification.payment).toMatchObject({
      channel: "wechatpay",
      channelTransactionId: "4200002345202611250000000001",
      reference: "LD7K2M9QX4",
      amount: 12800,
      currency: "CNY",
      receivedAt: "2026-11-25T02:00:05.000Z",
      payerAccount: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
      merchantAccountId: MCH,
    });
    expect(result.notification.payment?.details).toMatchObject({
      attach: "shop=ldxp",
      payer_total: 12700,
      promotion_detail: [expect.objectContaining({ coupon_id: "109519", amount: 100, merchant_contribute: 100 })],
    });
  });

  it("rejects a body changed after signing", async () => {
    const body = paymentBody();
    const headers = signWechatpay(body, keys.privateKeyPem, KEY_ID);
    expect(await receive(body.replace('"summary":"支付成功"', '"summary":"支付成功 "'), headers)).toMatchObject({ kind: "rejected", status: 401, reason: "bad signature" });
  });

  it("rejects a signature made with another key", async () => {
    const body = paymentBody();
    expect(await receive(body, signWechatpay(body, generateWechatpayKeyPair().privateKeyPem, KEY_ID))).toMatchObject({ kind: "rejected", status: 401 });
  });

  it("accepts timestamps up to 299 s away and rejects 300 s, either direction", async () => {
    const body = paymentBody();
    const ts = 1_795_000_000;
    const headers = signWechatpay(body, keys.privateKeyPem, KEY_ID, ts);
    expect((await receive(body, headers, new Date((ts + 299) * 1000))).kind).toBe("accepted");
    expect((await receive(body, headers, new Date((ts - 299) * 1000))).kind).toBe("accepted");
    expect(await receive(body, headers, new Date((ts + 300) * 1000))).toMatchObject({ kind: "rejected", status: 401 });
    expect(await receive(body, headers, new Date((ts - 300) * 1000))).toMatchObject({ kind: "rejected", status: 401 });
  });

  it.each(["wechatpay-timestamp", "wechatpay-nonce", "wechatpay-signature", "wechatpay-serial"])("rejects a callback without %s", async (header) => {
    const body = paymentBody();
    const headers: Record<string, string> = signWechatpay(body, keys.privateKeyPem, KEY_ID);
    delete headers[header];
    expect(await receive(body, headers)).toMatchObject({ kind: "rejected", status: 401 });
  });

  it("rejects a public key id other than the configured one and WeChat's SIGNTEST probes", async () => {
    const body = paymentBody();
    expect(await receive(body, signWechatpay(body, keys.privateKeyPem, "PUB_KEY_ID_0119000001092026112500000002"))).toMatchObject({ kind: "rejected", status: 401 });
    const probe = { ...signWechatpay(body, keys.privateKeyPem, KEY_ID), "wechatpay-signature": "WECHATPAY/SIGNTEST/ABCDEFG==" };
    expect(await receive(body, probe)).toMatchObject({ kind: "rejected", status: 401 });
  });

  it("rejects a correctly signed callback for another mchid", async () => {
    const body = paymentBody({ mchid: "1900000999" });
    expect(await receive(body, signWechatpay(body, keys.privateKeyPem, KEY_ID))).toMatchObject({ kind: "rejected", status: 401 });
  });

  it("answers 400 when the resource does not decrypt with our APIv3 key", async () => {
    const tx = wechatpayTransaction({ mchId: MCH, outTradeNo: "LD7K2M9QX4", total: 100 });
    const body = wechatpayEnvelope("TRANSACTION.SUCCESS", encryptWechatpayResource(generateApiV3Key(), JSON.stringify(tx), "transaction"));
    expect(await receive(body, signWechatpay(body, keys.privateKeyPem, KEY_ID))).toMatchObject({ kind: "rejected", status: 400 });
  });

  it("turns REFUND.SUCCESS into a refund of amount.refund tied to the trade, and ignores ABNORMAL/CLOSED", async () => {
    const refund = wechatpayRefund({ mchId: MCH, outTradeNo: "LD7K2M9QX4", transactionId: "4200002345202611250000000001", total: 12800, refund: 3000, refundId: "50000000382019052709732678859" });
    const body = wechatpayEnvelope("REFUND.SUCCESS", encryptWechatpayResource(apiV3Key, JSON.stringify(refund), "refund"));
    const result = await receive(body, signWechatpay(body, keys.privateKeyPem, KEY_ID));
    if (result.kind !== "accepted") throw new Error(JSON.stringify(result));
    expect(result.notification.eventKey).toBe("REFUND.SUCCESS:50000000382019052709732678859");
    expect(result.notification.refund).toMatchObject({
      channelTransactionId: "4200002345202611250000000001",
      channelRefundId: "50000000382019052709732678859",
      amount: 3000,
      cumulativeRefundedAmount: null,
      refundedAt: "2026-11-26T01:00:00.000Z",
      closesPayment: false,
    });
    expect(result.notification.payment).toMatchObject({ channelTransactionId: "4200002345202611250000000001", amount: 12800, reference: "LD7K2M9QX4" });

    for (const [eventType, status] of [["REFUND.ABNORMAL", "ABNORMAL"], ["REFUND.CLOSED", "CLOSED"]]) {
      const other = wechatpayRefund({ mchId: MCH, outTradeNo: "LD7K2M9QX4", transactionId: "4200002345202611250000000001", total: 12800, refund: 3000, status });
      const otherBody = wechatpayEnvelope(eventType, encryptWechatpayResource(apiV3Key, JSON.stringify(other), "refund"));
      const ignored = await receive(otherBody, signWechatpay(otherBody, keys.privateKeyPem, KEY_ID));
      if (ignored.kind !== "accepted") throw new Error(JSON.stringify(ignored));
      expect(ignored.notification).toMatchObject({ payment: null, refund: null, ignoredReason: expect.stringContaining(eventType) });
    }
  });

  it("acknowledges with an empty 204 and fails with the FAIL JSON", () => {
    expect(wechatpayAdapter.ack()).toMatchObject({ status: 204, body: "" });
    expect(JSON.parse(wechatpayAdapter.reject(401).body)).toEqual({ code: "FAIL", message: "失败" });
    expect(wechatpayAdapter.retryLater().status).toBe(500);
  });
});

describe("WeChat Pay v3 adapter (platform certificate mode)", () => {
  let platform: TestCertificate;
  let serial: string;
  let certCredentials: WechatpayCredentials;

  beforeAll(async () => {
    platform = makeCertificate({ subject: "/C=CN/O=Tenpay.com/CN=Tenpay.com Root CA", days: 30, serial: "0x5157F09EFDC096DE15EBE78A47057A2D4FA1A6A2" });
    serial = "5157F09EFDC096DE15EBE78A47057A2D4FA1A6A2";
    // JSON text, as an operator would paste it; migrating merchants keep the public key beside the certificates.
    certCredentials = { ...credentials, platformCertificates: JSON.stringify([{ serial: serial.toLowerCase(), pem: platform.certPem }]) };
  });

  it("picks the platform certificate by Wechatpay-Serial and still accepts the public key", async () => {
    const body = paymentBody();
    expect((await receive(body, signWechatpay(body, platform.keyPem, serial), new Date(), certCredentials)).kind).toBe("accepted");
    expect((await receive(body, signWechatpay(body, keys.privateKeyPem, KEY_ID), new Date(), certCredentials)).kind).toBe("accepted");
    // The certificate's key does not verify under the public key id, nor the reverse.
    expect((await receive(body, signWechatpay(body, platform.keyPem, KEY_ID), new Date(), certCredentials)).kind).toBe("rejected");
    expect((await receive(body, signWechatpay(body, keys.privateKeyPem, serial), new Date(), certCredentials)).kind).toBe("rejected");
  });

  it("rejects an unknown serial and an expired platform certificate", async () => {
    const body = paymentBody();
    expect(await receive(body, signWechatpay(body, platform.keyPem, "7132D72A03E93CDDF8C03BBD1F37EEDF11111111"), new Date(), certCredentials)).toMatchObject({
      kind: "rejected",
      reason: expect.stringContaining("unknown platform certificate"),
    });
    const later = new Date(Date.now() + 40 * 86_400_000);
    const headers = signWechatpay(body, platform.keyPem, serial, Math.floor(later.getTime() / 1000));
    expect(await receive(body, headers, later, certCredentials)).toMatchObject({ kind: "rejected", reason: expect.stringContaining("not valid") });
  });
});

describe("interop with wechatpay-node-v3", () => {
  const sdkStatics = Pay as unknown as { certificates: Record<string, string> };
  const pay = new Pay({ appid: "wxd678efh567hg6787", mchid: MCH, publicKey: Buffer.from(keys.publicKeyPem), privateKey: Buffer.from(keys.privateKeyPem), serial_no: "unused", key: apiV3Key });

  it("our verifier accepts a callback signed by the SDK's sha256WithRsa", async () => {
    const body = paymentBody();
    const headers = signWechatpay(body, keys.privateKeyPem, KEY_ID);
    const sdkSignature = pay.sha256WithRsa(`${headers["wechatpay-timestamp"]}\n${headers["wechatpay-nonce"]}\n${body}\n`);
    expect((await receive(body, { ...headers, "wechatpay-signature": sdkSignature })).kind).toBe("accepted");
  });

  it("the SDK verifies and decrypts what our test signer produces, and refuses a tampered body", async () => {
    sdkStatics.certificates[KEY_ID] = keys.publicKeyPem;
    const tx = wechatpayTransaction({ mchId: MCH, outTradeNo: "LD7K2M9QX4", total: 12800 });
    const resource = encryptWechatpayResource(apiV3Key, JSON.stringify(tx), "transaction");
    const body = wechatpayEnvelope("TRANSACTION.SUCCESS", resource);
    const h = signWechatpay(body, keys.privateKeyPem, KEY_ID);
    const params = { timestamp: h["wechatpay-timestamp"], nonce: h["wechatpay-nonce"], serial: KEY_ID, signature: h["wechatpay-signature"], apiSecret: apiV3Key };
    expect(await pay.verifySign({ ...params, body })).toBe(true);
    expect(await pay.verifySign({ ...params, body: body.replace("支付成功", "支付失败") })).toBe(false);
    expect(pay.decipher_gcm(resource.ciphertext, resource.associated_data, resource.nonce, apiV3Key)).toEqual(tx);
    expect((await receive(body, h)).kind).toBe("accepted");
  });
});
