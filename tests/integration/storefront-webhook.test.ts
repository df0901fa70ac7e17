import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InngestTestEngine } from "@inngest/test";
import { POST as notify } from "@/app/api/webhooks/[channel]/[channelAccountId]/route";
import { GET as deliveriesRoute } from "@/app/api/v1/settings/storefront-webhook/deliveries/route";
import { POST as setWebhook } from "@/app/api/v1/settings/storefront-webhook/route";
import { verifyLdxpSignature } from "@/lib/core/webhooks/signature";
import { deliverWebhooksFn } from "@/lib/jobs/functions/deliver-webhooks";
import { deliverDueWebhooks } from "@/lib/services/storefront-webhooks";
import { alipayPaymentNotify, signAlipayParams, toFormBody } from "../helpers/alipay-signer";
import { call, createOrder, merchantWithAlipay } from "../helpers/api";
import { setupTestDatabase } from "../helpers/test-db";

const t = setupTestDatabase();
type H = Parameters<typeof call>[0];
const SECRET = "whsec_storefront_0123456789";

/** A storefront that fails the first `failures` deliveries, then accepts. */
function storefront(failures: number) {
  const received: { headers: http.IncomingHttpHeaders; body: string; status: number }[] = [];
  let left = failures;
  const server = http.createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    const status = left-- > 0 ? 500 : 200;
    received.push({ headers: req.headers, body, status });
    res.writeHead(status).end();
  });
  return { server, received };
}

const sf = storefront(2);
let url = "";
beforeAll(async () => {
  await new Promise<void>((resolve) => sf.server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(sf.server.address() as AddressInfo).port}/hooks/ldxp`;
});
afterAll(() => new Promise<void>((resolve) => sf.server.close(() => resolve())));

describe(`storefront notification (${process.env.TEST_DB})`, () => {
  it("order.paid reaches the storefront signed, after two 500s, across a restart, exactly one event id", async () => {
    const m = await merchantWithAlipay();
    const bad = await call(setWebhook as unknown as H, { apiKey: m.apiKey, body: { url: "ftp://x", secret: SECRET } });
    expect(bad.status).toBe(400);
    expect((await call(setWebhook as unknown as H, { apiKey: m.apiKey, body: { url, secret: SECRET } })).status).toBe(200);
    const order = await createOrder(m.apiKey, { amount: 8800 });
    const form = toFormBody(signAlipayParams(alipayPaymentNotify({ outTradeNo: order.reference, appId: m.appId, totalAmount: "88.00" }), m.keys.privateKeyPem));
    const res = await call(notify as unknown as H, { params: { channel: "alipay", channelAccountId: m.accountId }, rawBody: form, headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(res.text).toBe("success");

    const t0 = new Date();
    expect(await deliverDueWebhooks(t.db(), { now: t0 })).toEqual({ attempted: 1, delivered: 0 });
    // Not due yet: backoff holds the retry back.
    expect((await deliverDueWebhooks(t.db(), { now: new Date(t0.getTime() + 1000) })).attempted).toBe(0);
    expect((await deliverDueWebhooks(t.db(), { now: new Date(t0.getTime() + 11_000) })).delivered).toBe(0);
    // "Restart": nothing in memory survives, the next run only has the rows. The Inngest function runs it.
    const run = await new InngestTestEngine({ function: deliverWebhooksFn }).execute();
    expect(run.error).toBeUndefined();
    expect(await deliverDueWebhooks(t.db(), { now: new Date(t0.getTime() + 60_000) })).toEqual({ attempted: 1, delivered: 1 });

    expect(sf.received.map((r) => r.status)).toEqual([500, 500, 200]);
    const ids = new Set(sf.received.map((r) => JSON.parse(r.body).id));
    expect(ids.size).toBe(1);
    const last = sf.received[2];
    const event = JSON.parse(last.body);
    expect(event).toMatchObject({ type: "order.paid", data: { reference: order.reference, status: "paid", paidAmount: 8800 } });
    const header = String(last.headers["x-ldxp-signature"]);
    const ts = Number(/t=(\d+)/.exec(header)![1]);
    expect(await verifyLdxpSignature(SECRET, header, last.body, ts)).toBe(true);
    expect(await verifyLdxpSignature("wrong-secret-000000", header, last.body, ts)).toBe(false);

    const log = await call(deliveriesRoute as unknown as H, { method: "GET", apiKey: m.apiKey });
    expect(log.json.data).toEqual([expect.objectContaining({ type: "order.paid", status: "delivered", attempts: 3 })]);
    // Delivered events are not sent again.
    expect((await deliverDueWebhooks(t.db(), { now: new Date(t0.getTime() + 3_600_000) })).attempted).toBe(0);
  });
});
