import { describe, expect, it } from "vitest";
import { normalizeAlipayNotification, parseAlipayForm, verifyAlipaySignature } from "@/lib/core/channels";
import { alipayPaymentNotify, generateAlipayKeyPair, signAlipayParams, toFormBody } from "@/tests/helpers/alipay-signer";

describe("Alipay notify: raw body → parse → verify → normalize", () => {
  const keys = generateAlipayKeyPair();

  it("accepts a signed body with Chinese text, spaces and an encoded passback_params", async () => {
    const passback = encodeURIComponent("merchant=m1&memo=加急+100%");
    const notify = alipayPaymentNotify({ outTradeNo: "P7K2M9QX4D", appId: "2021004100000001", totalAmount: "0.29", passbackParams: passback });
    const body = toFormBody(signAlipayParams(notify, keys.privateKeyPem));
    expect(body).toContain("notify_time=2024-03-01+12%3A00%3A06");

    const params = parseAlipayForm(body);
    expect(await verifyAlipaySignature(params, keys.publicKeyPem)).toBe(true);
    const n = normalizeAlipayNotification(params);
    expect(n.payment).toMatchObject({ amount: 29, reference: "P7K2M9QX4D", merchantAccountId: "2021004100000001" });
    expect(n.payment?.details).toMatchObject({ passback_params: passback, subject: "年度会员 高级版" });
  });

  it("fails verification when the body is decoded twice (the SDK default that breaks passback_params)", async () => {
    const notify = alipayPaymentNotify({ outTradeNo: "P7K2M9QX4D", appId: "2021004100000001", passbackParams: "a%3D1" });
    const params = parseAlipayForm(toFormBody(signAlipayParams(notify, keys.privateKeyPem)));
    const twice = { ...params, passback_params: decodeURIComponent(params.passback_params) };
    expect(await verifyAlipaySignature(twice, keys.publicKeyPem)).toBe(false);
  });

  it("verifies many notifies concurrently with one cached key", async () => {
    const bodies = Array.from({ length: 20 }, (_, i) =>
      toFormBody(signAlipayParams(alipayPaymentNotify({ outTradeNo: `P${i}K2M9QX4D`, appId: "2021004100000001" }), keys.privateKeyPem)),
    );
    const results = await Promise.all(bodies.map((b) => verifyAlipaySignature(parseAlipayForm(b), keys.publicKeyPem)));
    expect(results.every(Boolean)).toBe(true);
  });
});
