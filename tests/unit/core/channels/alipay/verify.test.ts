import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signedContent, verifyAlipaySignature } from "@/lib/core/channels/alipay/verify";
import { KeyFormatError, importRsaPublicKey } from "@/lib/core/crypto/pem";
import { alipayPaymentNotify, generateAlipayKeyPair, signAlipayParams } from "@/tests/helpers/alipay-signer";
import { servicemarketKeyPem, servicemarketNotify, tradeStatusSync, tradeStatusSyncKeyB64, tradeStatusSyncKeyPem, without } from "./fixtures";

describe("signedContent", () => {
  it("reproduces the content Alipay signed for the real payment notify", () => {
    expect(signedContent(tradeStatusSync(), { includeSignType: false })).toBe(
      "app_id=2019073166072302&auth_app_id=2019073166072302&buyer_id=2088102534368455&buyer_logon_id=xud***@126.com" +
        "&buyer_pay_amount=0.10&charset=utf-8&fund_bill_list=[{\"amount\":\"0.10\",\"fundChannel\":\"ALIPAYACCOUNT\"}]" +
        "&gmt_create=2019-08-15 15:56:22&gmt_payment=2019-08-15 15:56:24&invoice_amount=0.10" +
        "&notify_id=2019081500222155624068450559358070&notify_time=2019-08-15 15:56:25&notify_type=trade_status_sync" +
        "&out_trade_no=20190815155618536-564-57&point_amount=0.00&receipt_amount=0.10" +
        "&seller_email=z97-yuquerevenue@service.aliyun.com&seller_id=2088531891668739&subject=语雀空间 500人规模" +
        "&total_amount=0.10&trade_no=2019081522001468450512505578&trade_status=TRADE_SUCCESS&version=1.0",
    );
  });

  it("keeps sign_type only when asked, never sign, and sorts by code unit", () => {
    const params = { b: "2", sign: "x", sign_type: "RSA2", B: "1", a_b: "3", a: "" };
    expect(signedContent(params, { includeSignType: false })).toBe("B=1&a=&a_b=3&b=2");
    expect(signedContent(params, { includeSignType: true })).toBe("B=1&a=&a_b=3&b=2&sign_type=RSA2");
  });
});

describe("verifyAlipaySignature on real Alipay signatures", () => {
  it("verifies the payment notify with the PEM key", async () => {
    expect(await verifyAlipaySignature(tradeStatusSync(), tradeStatusSyncKeyPem())).toBe(true);
  });

  it("verifies the payment notify with the bare base64 key from Alipay's console", async () => {
    expect(await verifyAlipaySignature(tradeStatusSync(), tradeStatusSyncKeyB64())).toBe(true);
  });

  it("verifies with an already imported CryptoKey", async () => {
    const key = await importRsaPublicKey(tradeStatusSyncKeyPem());
    expect(await verifyAlipaySignature(tradeStatusSync(), key)).toBe(true);
  });

  it("verifies the servicemarket notify, whose signature covers sign_type", async () => {
    const params = servicemarketNotify();
    expect(await verifyAlipaySignature(params, servicemarketKeyPem())).toBe(true);
    expect(await verifyAlipaySignature(without(params, "sign_type"), servicemarketKeyPem())).toBe(false);
  });

  it("rejects a tampered amount", async () => {
    const params = { ...tradeStatusSync(), total_amount: "0.11" };
    expect(await verifyAlipaySignature(params, tradeStatusSyncKeyPem())).toBe(false);
  });

  it("rejects an added field", async () => {
    const params = { ...tradeStatusSync(), refund_fee: "0.10" };
    expect(await verifyAlipaySignature(params, tradeStatusSyncKeyPem())).toBe(false);
  });

  it("rejects the wrong key", async () => {
    expect(await verifyAlipaySignature(tradeStatusSync(), servicemarketKeyPem())).toBe(false);
    expect(await verifyAlipaySignature(servicemarketNotify(), tradeStatusSyncKeyPem())).toBe(false);
  });

  it("rejects a missing, empty or non-base64 sign", async () => {
    expect(await verifyAlipaySignature(without(tradeStatusSync(), "sign"), tradeStatusSyncKeyPem())).toBe(false);
    expect(await verifyAlipaySignature({ ...tradeStatusSync(), sign: "" }, tradeStatusSyncKeyPem())).toBe(false);
    expect(await verifyAlipaySignature({ ...tradeStatusSync(), sign: "not base64!" }, tradeStatusSyncKeyPem())).toBe(false);
    expect(await verifyAlipaySignature({ ...tradeStatusSync(), sign: "AAAA" }, tradeStatusSyncKeyPem())).toBe(false);
  });

  it("rejects sign_type RSA (SHA1withRSA) and unknown types even if the signature would match", async () => {
    expect(await verifyAlipaySignature({ ...tradeStatusSync(), sign_type: "RSA" }, tradeStatusSyncKeyPem())).toBe(false);
    expect(await verifyAlipaySignature({ ...tradeStatusSync(), sign_type: "rsa2" }, tradeStatusSyncKeyPem())).toBe(false);
  });

  it("throws KeyFormatError for a garbage key instead of reporting a forgery", async () => {
    await expect(verifyAlipaySignature(tradeStatusSync(), "not a key")).rejects.toBeInstanceOf(KeyFormatError);
    await expect(verifyAlipaySignature(tradeStatusSync(), "not a key")).rejects.toBeInstanceOf(KeyFormatError);
  });

  it("throws KeyFormatError for a CryptoKey bound to another hash", async () => {
    const sha1Key = await importRsaPublicKey(tradeStatusSyncKeyPem(), "SHA-1");
    await expect(verifyAlipaySignature(tradeStatusSync(), sha1Key)).rejects.toBeInstanceOf(KeyFormatError);
  });
});

describe("verifyAlipaySignature on locally signed notifies", () => {
  const keys = generateAlipayKeyPair();
  const other = generateAlipayKeyPair();
  const notify = alipayPaymentNotify({ outTradeNo: "P7K2M9QX4D", appId: "2021000000000001", passbackParams: "a%3D1%26b%3D%E4%B8%AD" });

  it("accepts a notify signed like a payment notify and like a servicemarket notify", async () => {
    expect(await verifyAlipaySignature(signAlipayParams(notify, keys.privateKeyPem), keys.publicKeyPem)).toBe(true);
    const v2 = signAlipayParams(notify, keys.privateKeyPem, { includeSignType: true });
    expect(await verifyAlipaySignature(v2, keys.publicKeyPem)).toBe(true);
  });

  it("rejects every single-field change and another key", async () => {
    const signed = signAlipayParams(notify, keys.privateKeyPem);
    expect(await verifyAlipaySignature(signed, other.publicKeyPem)).toBe(false);
    for (const field of Object.keys(notify)) {
      expect(await verifyAlipaySignature({ ...signed, [field]: `${signed[field]}x` }, keys.publicKeyPem), field).toBe(false);
    }
  });

  it("rejects a non-RSA key with KeyFormatError", async () => {
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ type: "spki", format: "pem" }).toString();
    await expect(verifyAlipaySignature(notify, ec)).rejects.toBeInstanceOf(KeyFormatError);
  });
});
