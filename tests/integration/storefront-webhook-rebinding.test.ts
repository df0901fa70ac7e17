// A merchant's storefront URL names a host we resolve ourselves. A name whose DNS answer changes between
// our check and the connection (DNS rebinding) must not reach our own network, and the delivery log the
// merchant reads must not tell them which internal address a name resolved to.
import dns from "node:dns";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { asc, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { GET as deliveriesRoute } from "@/app/api/v1/settings/storefront-webhook/deliveries/route";
import { POST as setWebhook } from "@/app/api/v1/settings/storefront-webhook/route";
import { webhookDeliveries } from "@/lib/db/schema";
import { deliverDueWebhooks } from "@/lib/services/storefront-webhooks";
import { call, createOrder, merchantWithAlipay, payWithAlipay } from "../helpers/api";
import { setupTestDatabase } from "../helpers/test-db";

const t = setupTestDatabase();
type H = Parameters<typeof call>[0];
const SECRET = "whsec_storefront_0123456789";
/** TEST-NET-1: public as far as the blocklist goes, and nothing listens there. */
const PUBLIC = "192.0.2.10";

/** The "internal" service a rebinding name points at: it records every request that reaches it. */
const received: { request: string; host?: string }[] = [];
const internal = http.createServer((req, res) => {
  received.push({ request: `${req.method} ${req.url}`, host: req.headers.host });
  res.writeHead(200).end();
});
let port = 0;
beforeAll(async () => {
  await new Promise<void>((resolve) => internal.listen(0, "127.0.0.1", resolve));
  port = (internal.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => internal.close(() => resolve())));
afterEach(() => vi.restoreAllMocks());

/**
 * Answers lookups of `host` (through both of node's resolvers, whichever the code under test uses) with
 * `answers[n]` on the n-th lookup, the last one from then on; other names resolve as usual.
 */
function fakeDns(host: string, answers: string[][]) {
  let n = 0;
  const next = () => answers[Math.min(n++, answers.length - 1)].map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  const realPromise = dns.promises.lookup.bind(dns.promises);
  const realCallback = dns.lookup.bind(dns);
  vi.spyOn(dns.promises, "lookup").mockImplementation((async (name: string, options?: dns.LookupOptions) => {
    if (name !== host) return realPromise(name, options ?? {});
    const found = next();
    return options?.all ? found : found[0];
  }) as typeof dns.promises.lookup);
  vi.spyOn(dns, "lookup").mockImplementation(((name: string, options: unknown, callback?: unknown) => {
    const cb = (typeof options === "function" ? options : callback) as (err: Error | null, address: unknown, family?: number) => void;
    const opts = (typeof options === "object" && options ? options : {}) as dns.LookupOptions;
    if (name !== host) return realCallback(name, opts, cb as never);
    const found = next();
    queueMicrotask(() => (opts.all ? cb(null, found) : cb(null, found[0].address, found[0].family)));
  }) as typeof dns.lookup);
  return { lookups: () => n };
}

/** Runs `fn` as a deployment that does not allow private targets (the default). */
async function asPublicDeployment<T>(fn: () => Promise<T>): Promise<T> {
  const before = process.env.LDXP_WEBHOOK_ALLOW_PRIVATE;
  process.env.LDXP_WEBHOOK_ALLOW_PRIVATE = "0";
  try {
    return await fn();
  } finally {
    process.env.LDXP_WEBHOOK_ALLOW_PRIVATE = before;
  }
}

/** A merchant whose storefront webhook is `http://<host>:<internal port>/hooks`, with one paid order queued. */
async function merchantWithEvent(host: string) {
  const m = await merchantWithAlipay();
  const set = await asPublicDeployment(() => call(setWebhook as unknown as H, { apiKey: m.apiKey, body: { url: `http://${host}:${port}/hooks`, secret: SECRET } }));
  expect(set.status, set.text).toBe(200);
  const order = await createOrder(m.apiKey, { amount: 8800 });
  expect((await payWithAlipay(m, order.reference, "88.00")).text).toBe("success");
  return m;
}

const rowsOf = (merchantId: string) => t.db().select().from(webhookDeliveries).where(eq(webhookDeliveries.merchantId, merchantId)).orderBy(asc(webhookDeliveries.createdAt));

describe(`storefront webhooks and DNS rebinding (${process.env.TEST_DB})`, () => {
  it("a name that answers a public address first and an internal one after never reaches the internal address", async () => {
    const host = "rebind.storefront.test";
    const m = await merchantWithEvent(host);
    fakeDns(host, [[PUBLIC], ["127.0.0.1"]]);
    await asPublicDeployment(() => deliverDueWebhooks(t.db(), { now: new Date(Date.now() + 1000) }));
    expect(received).toEqual([]);
    const [row] = await rowsOf(m.merchantId);
    expect(row).toMatchObject({ status: "pending", deliveredAt: null });
  });

  it("a name that resolves inside is not sent to, and the merchant's log names the host but not the address", async () => {
    const host = "db.internal.storefront.test";
    const m = await merchantWithEvent(host);
    fakeDns(host, [["10.20.30.40"]]);
    await asPublicDeployment(() => deliverDueWebhooks(t.db(), { now: new Date(Date.now() + 1000) }));
    expect(received).toEqual([]);
    const log = await call(deliveriesRoute as unknown as H, { method: "GET", apiKey: m.apiKey });
    const [entry] = log.json.data as { status: string; lastError: string }[];
    expect(entry.status).toBe("pending");
    expect(entry.lastError).toContain(host);
    expect(entry.lastError).toContain("not an allowed target");
    expect(entry.lastError).not.toContain("10.20.30.40");
  });

  // Last: the one test here whose endpoint answers.
  it("with private targets allowed, the name is resolved once and the request goes to that address under the name", async () => {
    const host = "shop.storefront.test";
    const m = await merchantWithEvent(host);
    const lookups = fakeDns(host, [["127.0.0.1"]]);
    await deliverDueWebhooks(t.db(), { now: new Date(Date.now() + 1000) });
    expect(received.splice(0)).toEqual([{ request: "POST /hooks", host: `${host}:${port}` }]);
    expect(lookups.lookups()).toBe(1);
    const [row] = await rowsOf(m.merchantId);
    expect(row.status).toBe("delivered");
  });
});

