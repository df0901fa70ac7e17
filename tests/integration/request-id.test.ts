import { describe, expect, it } from "vitest";
import { GET as listOrders } from "@/app/api/v1/orders/route";
import { POST as webhookRoute } from "@/app/api/webhooks/[channel]/[channelAccountId]/route";
import { alipayPaymentNotify, signAlipayParams, toFormBody } from "../helpers/alipay-signer";
import { call, createOrder, merchantWithAlipay } from "../helpers/api";
import { captureLogLines } from "../helpers/log-capture";
import { setupTestDatabase } from "../helpers/test-db";

setupTestDatabase();
type H = Parameters<typeof call>[0];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe(`request ids (${process.env.TEST_DB})`, () => {
  it("an API response echoes a sane incoming x-request-id, replaces a malformed one, and its access line carries it", async () => {
    const m = await merchantWithAlipay();
    const { result, lines } = await captureLogLines(async () => [
      await call(listOrders as unknown as H, { method: "GET", apiKey: m.apiKey, path: "/api/v1/orders", headers: { "x-request-id": "shop-7f3a.1" } }),
      await call(listOrders as unknown as H, { method: "GET", apiKey: m.apiKey, path: "/api/v1/orders", headers: { "x-request-id": '"}{ forged "level":"fatal"' + "x".repeat(200) } }),
      await call(listOrders as unknown as H, { method: "GET", apiKey: "ldxp_wrong", path: "/api/v1/orders" }),
    ]);
    const [given, forged, refused] = result;
    expect(given.status).toBe(200);
    expect(given.headers.get("x-request-id")).toBe("shop-7f3a.1");
    expect(forged.headers.get("x-request-id")).toMatch(UUID);
    expect(refused.status).toBe(401);
    expect(refused.headers.get("x-request-id")).toMatch(UUID);
    expect(refused.headers.get("x-request-id")).not.toBe(forged.headers.get("x-request-id"));
    const access = lines.filter((l) => l.msg === "request");
    expect(access.map((l) => [l.requestId, l.status, l.path, l.method])).toEqual([
      ["shop-7f3a.1", 200, "/api/v1/orders", "GET"],
      [forged.headers.get("x-request-id"), 200, "/api/v1/orders", "GET"],
      [refused.headers.get("x-request-id"), 401, "/api/v1/orders", "GET"],
    ]);
    expect(JSON.stringify(lines)).not.toContain(m.apiKey);
  });

  it("a line logged deep inside a request (a rejected notification) carries that request's id", async () => {
    const m = await merchantWithAlipay();
    const order = await createOrder(m.apiKey);
    const params = signAlipayParams(alipayPaymentNotify({ outTradeNo: order.reference, appId: m.appId, totalAmount: "128.00" }), m.keys.privateKeyPem);
    const tampered = toFormBody({ ...params, total_amount: "1.00" });
    const { result: res, lines } = await captureLogLines(() =>
      call(webhookRoute as unknown as H, {
        path: `/api/webhooks/alipay/${m.accountId}`,
        params: { channel: "alipay", channelAccountId: m.accountId },
        rawBody: tampered,
        headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
      }),
    );
    const requestId = res.headers.get("x-request-id");
    expect(requestId).toMatch(UUID);
    const rejected = lines.find((l) => l.msg === "notification rejected");
    expect(rejected).toMatchObject({ level: "warn", requestId, channel: "alipay", channelAccountId: m.accountId });
    expect(lines.find((l) => l.msg === "request")).toMatchObject({ requestId, path: `/api/webhooks/alipay/${m.accountId}` });
  });
});
