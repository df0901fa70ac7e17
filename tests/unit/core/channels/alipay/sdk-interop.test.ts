import { AlipaySdk } from "alipay-sdk";
import { describe, expect, it } from "vitest";
import { parseAlipayForm, verifyAlipaySignature } from "@/lib/core/channels/alipay";
import { alipayPaymentNotify, generateAlipayKeyPair, signAlipayParams, toFormBody } from "@/tests/helpers/alipay-signer";
import { tradeStatusSync, tradeStatusSyncKeyPem } from "./fixtures";

// The official Node SDK's checkNotifySign (raw = true: values exactly as form-decoded once) is the reference verifier.
const sdkFor = (alipayPublicKey: string) => new AlipaySdk({ appId: "2021000000000000", privateKey: generateAlipayKeyPair().privateKeyPem, alipayPublicKey });

describe("Alipay verification agrees with alipay-sdk checkNotifySign", () => {
  const keys = generateAlipayKeyPair();
  const sdk = sdkFor(keys.publicKeyPem);

  it("a notify we sign and accept is accepted by the SDK, including a percent-encoded passback_params", async () => {
    const params = signAlipayParams(alipayPaymentNotify({ outTradeNo: "LD7K2M9QX4", appId: "2021000000000000", passbackParams: "shop%3Dldxp%26a%3Db" }), keys.privateKeyPem);
    const received = parseAlipayForm(toFormBody(params));
    expect(await verifyAlipaySignature(received, keys.publicKeyPem)).toBe(true);
    expect(sdk.checkNotifySign({ ...received }, true)).toBe(true);
  });

  it("a tampered notify is refused by both", async () => {
    const params = { ...signAlipayParams(alipayPaymentNotify({ outTradeNo: "LD7K2M9QX4", appId: "2021000000000000" }), keys.privateKeyPem), total_amount: "1.28" };
    expect(await verifyAlipaySignature(params, keys.publicKeyPem)).toBe(false);
    expect(sdk.checkNotifySign({ ...params }, true)).toBe(false);
  });

  it("the real notify the SDK's own tests accept is accepted by us", async () => {
    const real = tradeStatusSync();
    expect(sdkFor(tradeStatusSyncKeyPem()).checkNotifySign({ ...real }, true)).toBe(true);
    expect(await verifyAlipaySignature(real, tradeStatusSyncKeyPem())).toBe(true);
  });
});
