import { count, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { GET as getOrder } from "@/app/api/v1/orders/[reference]/route";
import { POST as pushRoute } from "@/app/api/v1/orders/push/route";
import { POST as storefrontWebhookRoute } from "@/app/api/v1/settings/storefront-webhook/route";
import { auditEvents, orders } from "@/lib/db/schema";
import { call, merchantWithAlipay, payWithAlipay } from "../helpers/api";
import { genericSignatureHeader } from "../helpers/generic-signer";
import { setupTestDatabase } from "../helpers/test-db";

const t = setupTestDatabase();
type H = Parameters<typeof call>[0];
const secret = "pos-shared-secret-7d2f9a1c";

async function setup(withWebhook = true) {
  const m = await merchantWithAlipay();
  if (withWebhook) {
    const res = await call(storefrontWebhookRoute as unknown as H, { apiKey: m.apiKey, body: { url: "https://shop.example.cn/ldxp", secret } });
    expect(res.status).toBe(200);
  }
  return m;
}

const push = (merchantId: string, rawBody: string, opts: { key?: string; skewSeconds?: number; signature?: string | null } = {}) => {
  const headers: Record<string, string> = { "content-type": "application/json", "x-ldxp-merchant": merchantId };
  const signature = opts.signature === undefined ? genericSignatureHeader(rawBody, opts.key ?? secret, Math.floor(Date.now() / 1000) + (opts.skewSeconds ?? 0)) : opts.signature;
  if (signature !== null) headers["x-ldxp-signature"] = signature;
  return call(pushRoute as unknown as H, { path: "/api/v1/orders/push", rawBody, headers });
};

const orderCount = async (merchantId: string) => (await t.db().select({ n: count() }).from(orders).where(eq(orders.merchantId, merchantId)))[0].n;
const body = (o: Record<string, unknown> = {}) =>
  JSON.stringify({ orderNo: "POS-0001-20261125-0042", source: "pos", amount: 3_650, customer: { name: "王五" }, expiresAt: "2036-11-26T12:00:00+08:00", ...o });

describe(`POST /api/v1/orders/push (${process.env.TEST_DB})`, () => {
  it("a signed push creates the order with a reference and channel params; the same push again returns it", async () => {
    const m = await setup();
    const first = await push(m.merchantId, body());
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ orderNo: "POS-0001-20261125-0042", amount: 3_650, currency: "CNY", status: "pending", expiresAt: "2036-11-26T04:00:00.000Z" });
    expect(first.json.channelParams.alipay).toMatchObject({ out_trade_no: first.json.reference });
    const again = await push(m.merchantId, body());
    expect(again.status).toBe(200);
    expect(again.json.reference).toBe(first.json.reference);
    expect(await orderCount(m.merchantId)).toBe(1);
    const [row] = await t.db().select().from(orders).where(eq(orders.merchantId, m.merchantId));
    expect(row).toMatchObject({ source: "pos", customerName: "王五" });
    const audit = await t.db().select().from(auditEvents).where(eq(auditEvents.merchantId, m.merchantId));
    expect(audit.filter((a) => a.action === "order.created").map((a) => [a.actorType, a.actorId])).toEqual([["system", "order_push"]]);
  });

  it("the pushed order is paid by the channel echoing the params it was handed", async () => {
    const m = await setup();
    const pushed = (await push(m.merchantId, body({ source: "miniprogram", orderNo: "MP-77", amount: 990 }))).json;
    const res = await payWithAlipay(m, pushed.channelParams.alipay.out_trade_no, "9.90");
    expect(res.text).toBe("success");
    expect((await call(getOrder as unknown as H, { method: "GET", apiKey: m.apiKey, params: { reference: pushed.reference } })).json).toMatchObject({ status: "paid", paidAmount: 990 });
  });

  it.each([
    ["a stale timestamp", { skewSeconds: -301 }],
    ["a timestamp from the future", { skewSeconds: 330 }],
    ["the wrong secret", { key: "some-other-secret-123456" }],
    ["no signature", { signature: null }],
    ["a malformed signature", { signature: "v1=abc" }],
  ])("%s is a 401 that writes nothing", async (_name, opts) => {
    const m = await setup();
    const res = await push(m.merchantId, body(), opts);
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe("unauthorized");
    expect(await orderCount(m.merchantId)).toBe(0);
  });

  it("a tampered body, another merchant's id, or a merchant without a storefront secret is a 401", async () => {
    const m = await setup();
    const signed = body();
    const headers = { "content-type": "application/json", "x-ldxp-merchant": m.merchantId, "x-ldxp-signature": genericSignatureHeader(signed, secret) };
    const tampered = await call(pushRoute as unknown as H, { rawBody: signed.replace("3650", "1"), headers });
    expect(tampered.status).toBe(401);
    const other = await setup(false);
    expect((await push(other.merchantId, body())).status).toBe(401);
    expect((await push("not-a-uuid", body())).status).toBe(401);
    expect((await orderCount(m.merchantId)) + (await orderCount(other.merchantId))).toBe(0);
  });

  it.each([
    ["amount", { amount: 36.5 }],
    ["amount", { amount: "3650" }],
    ["source", { source: "web" }],
    ["orderNo", { orderNo: "" }],
    ["expiresAt", { expiresAt: "tomorrow" }],
  ])("a signed body with a bad %s is a 400 naming it, nothing written", async (field, override) => {
    const m = await setup();
    const res = await push(m.merchantId, body(override));
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: "invalid_field", message: expect.stringContaining(field) });
    expect(await orderCount(m.merchantId)).toBe(0);
  });

  it("the same orderNo pushed again with another amount is a 409", async () => {
    const m = await setup();
    expect((await push(m.merchantId, body())).status).toBe(201);
    const res = await push(m.merchantId, body({ amount: 3_651 }));
    expect(res.status).toBe(409);
    expect(await orderCount(m.merchantId)).toBe(1);
  });
});
