import { describe, expect, it } from "vitest";
import { GET as getRules, PUT as putRules } from "@/app/api/v1/settings/tolerance-rules/route";
import { POST as notify } from "@/app/api/webhooks/[channel]/[channelAccountId]/route";
import { GET as getOrder } from "@/app/api/v1/orders/[reference]/route";
import { alipayPaymentNotify, signAlipayParams, toFormBody } from "../helpers/alipay-signer";
import { call, createOrder, merchantWithAlipay } from "../helpers/api";
import { setupTestDatabase } from "../helpers/test-db";

setupTestDatabase();
type H = Parameters<typeof call>[0];
const h = (f: unknown) => f as H;

describe(`tolerance rules (${process.env.TEST_DB})`, () => {
  it("a merchant's tolerance lets a short payment settle its order; without it the order stays partially paid", async () => {
    const m = await merchantWithAlipay();
    const bad = await call(h(putRules), { method: "PUT", apiKey: m.apiKey, body: { rules: [{ name: "x", cause: "bank_fee" }] } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toContain("maxShortfallFen");
    const before = await createOrder(m.apiKey, { amount: 10000 });
    const send = (reference: string, total: string) =>
      call(h(notify), {
        params: { channel: "alipay", channelAccountId: m.accountId },
        rawBody: toFormBody(signAlipayParams(alipayPaymentNotify({ outTradeNo: reference, appId: m.appId, totalAmount: total }), m.keys.privateKeyPem)),
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
    await send(before.reference, "99.00");
    const order = (reference: string) => call(h(getOrder), { method: "GET", apiKey: m.apiKey, params: { reference } });
    expect((await order(before.reference)).json.status).toBe("partially_paid");

    const put = await call(h(putRules), {
      method: "PUT",
      apiKey: m.apiKey,
      body: { rules: [{ name: "手续费 ≤ ¥2", channels: ["alipay"], maxShortfallFen: 200, cause: "channel_fee" }] },
    });
    expect(put.status).toBe(200);
    expect((await call(h(getRules), { method: "GET", apiKey: m.apiKey })).json.data).toEqual([
      expect.objectContaining({ name: "手续费 ≤ ¥2", maxShortfallFen: 200, cause: "channel_fee", channels: ["alipay"] }),
    ]);
    const after = await createOrder(m.apiKey, { amount: 10000 });
    await send(after.reference, "99.00");
    expect((await order(after.reference)).json).toMatchObject({ status: "paid", paidAmount: 9900 });
  });
});
