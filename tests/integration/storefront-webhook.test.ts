import http from "node:http";
import type { AddressInfo } from "node:net";
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InngestTestEngine } from "@inngest/test";
import { POST as matchRoute } from "@/app/api/v1/payments/[paymentId]/match/route";
import { POST as unmatchRoute } from "@/app/api/v1/payments/[paymentId]/unmatch/route";
import { POST as notify } from "@/app/api/webhooks/[channel]/[channelAccountId]/route";
import { GET as deliveriesRoute } from "@/app/api/v1/settings/storefront-webhook/deliveries/route";
import { POST as setWebhook } from "@/app/api/v1/settings/storefront-webhook/route";
import { verifyLdxpSignature } from "@/lib/core/webhooks/signature";
import { orders, payments, storefrontWebhooks, webhookDeliveries } from "@/lib/db/schema";
import { deliverWebhooksFn } from "@/lib/jobs/functions/deliver-webhooks";
import { closeExpiredOrders } from "@/lib/services/recovery";
import { deliverDueWebhooks, enqueueOrderEvents } from "@/lib/services/storefront-webhooks";
import { alipayPaymentNotify, signAlipayParams, toFormBody } from "../helpers/alipay-signer";
import { bankMerchant, call, createOrder, importCmbStatement, merchantWithAlipay, payWithAlipay } from "../helpers/api";
import { buildCsv, CMB_HEADER, cmbCredit } from "../fixtures/statements/cn-exports";
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

/** A storefront whose answer is chosen per path (200 unless told otherwise), recording what it received. */
function storefronts() {
  const received: { path: string; body: string; status: number }[] = [];
  const statusOf = new Map<string, number>();
  /** Bodies the storefront refuses (422) whatever the path answers otherwise. */
  const refuses = new Set<string>();
  let delayMs = 0;
  const server = http.createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    const path = req.url ?? "/";
    if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
    const status = [...refuses].some((needle) => body.includes(needle)) ? 422 : (statusOf.get(path) ?? 200);
    received.push({ path, body, status });
    res.writeHead(status).end();
  });
  return {
    server,
    received,
    statusOf,
    refuses,
    setDelay: (ms: number) => void (delayMs = ms),
    at: (path: string) => received.filter((r) => r.path === path),
  };
}

const hub = storefronts();
let hubBase = "";
beforeAll(async () => {
  await new Promise<void>((resolve) => hub.server.listen(0, "127.0.0.1", resolve));
  hubBase = `http://127.0.0.1:${(hub.server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => hub.server.close(() => resolve())));

async function merchantAt(path: string) {
  const m = await merchantWithAlipay();
  expect((await call(setWebhook as unknown as H, { apiKey: m.apiKey, body: { url: `${hubBase}${path}`, secret: SECRET } })).status).toBe(200);
  return m;
}

/** An order of `amount` fen paid through a signed Alipay notify. */
async function paidOrder(m: Awaited<ReturnType<typeof merchantWithAlipay>>, amount = 8800) {
  const order = await createOrder(m.apiKey, { amount });
  expect((await payWithAlipay(m, order.reference, (amount / 100).toFixed(2))).text).toBe("success");
  return order;
}

const rowsOf = (merchantId: string) =>
  t.db().select().from(webhookDeliveries).where(eq(webhookDeliveries.merchantId, merchantId)).orderBy(asc(webhookDeliveries.createdAt));
/** The merchant's order events in the order the storefront should apply them. */
async function orderEvents(merchantId: string) {
  const rows = (await rowsOf(merchantId)).filter((r) => r.type.startsWith("order."));
  return rows.map((r) => r.payload as { id: string; type: string; sequence: number; data: { status: string; orderId: string } }).sort((a, b) => a.sequence - b.sequence);
}

describe(`storefront order events: every status change (${process.env.TEST_DB})`, () => {
  it("paid → unmatched → matched again queues paid, pending, paid: three ids, sequences 1-3, the last says paid", async () => {
    const m = await merchantAt("/b1-repeat");
    const order = await paidOrder(m);
    const [payment] = await t.db().select().from(payments).where(eq(payments.merchantId, m.merchantId));
    const unmatched = await call(unmatchRoute as unknown as H, { apiKey: m.apiKey, params: { paymentId: payment.id } });
    expect(unmatched.status).toBe(200);
    const matched = await call(matchRoute as unknown as H, { apiKey: m.apiKey, params: { paymentId: payment.id }, body: { allocations: [{ reference: order.reference, amount: 8800 }] } });
    expect(matched.status).toBe(200);

    const events = await orderEvents(m.merchantId);
    expect(events.map((e) => [e.type, e.sequence, e.data.status])).toEqual([
      ["order.paid", 1, "paid"],
      ["order.pending", 2, "pending"],
      ["order.paid", 3, "paid"],
    ]);
    expect(new Set(events.map((e) => e.id)).size).toBe(3);

    // The same notify again is acknowledged and changes nothing: no fourth event.
    expect((await payWithAlipay(m, order.reference, "88.00")).text).toBe("success");
    expect(await orderEvents(m.merchantId)).toHaveLength(3);

    await deliverDueWebhooks(t.db(), { now: new Date(Date.now() + 1000) });
    const sent = hub.at("/b1-repeat").map((r) => JSON.parse(r.body));
    expect(sent).toHaveLength(3);
    const latest = sent.reduce((a, b) => (b.sequence > a.sequence ? b : a));
    expect(latest).toMatchObject({ type: "order.paid", sequence: 3, data: { status: "paid" } });
  });

  it("an order the sweep closes on expiry is posted as order.closed", async () => {
    const m = await merchantAt("/closed-on-expiry");
    const order = await createOrder(m.apiKey, { amount: 8800, expiresAt: new Date(Date.now() + 60_000).toISOString() });
    expect(await closeExpiredOrders(t.db(), new Date(Date.now() + 120_000))).toBeGreaterThanOrEqual(1);
    const events = await orderEvents(m.merchantId);
    expect(events.map((e) => [e.type, e.sequence, e.data.orderId])).toEqual([["order.closed", 1, order.orderId]]);
  });

  it("a bank statement paying the order again (a bulk match) is a third event, not a repeat of the first", async () => {
    const m = await bankMerchant();
    expect((await call(setWebhook as unknown as H, { apiKey: m.apiKey, body: { url: `${hubBase}/b1-bulk`, secret: SECRET } })).status).toBe(200);
    const order = await paidOrder(m);
    const [payment] = await t.db().select().from(payments).where(eq(payments.merchantId, m.merchantId));
    expect((await call(unmatchRoute as unknown as H, { apiKey: m.apiKey, params: { paymentId: payment.id } })).status).toBe(200);
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10).replaceAll("-", "");
    const csv = buildCsv(CMB_HEADER, [cmbCredit({ date: today, time: "09:30:00", credit: "88.00", serial: "SFBULK0001", memo: order.reference, payer: "李四", account: "6225880100000002" })]);
    const imported = await importCmbStatement(m.apiKey, m.bankId, csv);
    expect(imported.json).toMatchObject({ imported: 1, matched: 1 });
    expect((await orderEvents(m.merchantId)).map((e) => [e.type, e.sequence])).toEqual([
      ["order.paid", 1],
      ["order.pending", 2],
      ["order.paid", 3],
    ]);
  });

  it("the same change queued twice (a retried job) is one event", async () => {
    const m = await merchantAt("/b1-idempotent");
    const order = await paidOrder(m);
    const [row] = await t.db().select().from(orders).where(eq(orders.reference, order.reference));
    await t.db().transaction((tx) => enqueueOrderEvents(tx, m.merchantId, [{ orderId: row.id, status: "paid" }], new Date()));
    await t.db().transaction((tx) => enqueueOrderEvents(tx, m.merchantId, [{ orderId: row.id, status: "paid" }, { orderId: row.id, status: "paid" }], new Date()));
    expect((await orderEvents(m.merchantId)).map((e) => [e.type, e.sequence])).toEqual([["order.paid", 1]]);
  });

  it("concurrent status flips of one order each get their own event, in sequence, the last one the order's state", async () => {
    const m = await merchantAt("/b1-race");
    const order = await createOrder(m.apiKey, { amount: 500 });
    const [row] = await t.db().select().from(orders).where(eq(orders.reference, order.reference));
    const flips = 8;
    await Promise.all(
      Array.from({ length: flips }, () =>
        t.db().transaction(async (tx) => {
          const [o] = await tx.select().from(orders).where(eq(orders.id, row.id)).for("update");
          const status = o.status === "paid" ? "pending" : "paid";
          await tx.update(orders).set({ status, paidAmount: status === "paid" ? o.amount : 0 }).where(eq(orders.id, o.id));
          await enqueueOrderEvents(tx, m.merchantId, [{ orderId: o.id, status }], new Date());
        }),
      ),
    );
    const events = await orderEvents(m.merchantId);
    expect(events.map((e) => e.sequence)).toEqual(Array.from({ length: flips }, (_, i) => i + 1));
    expect(events.map((e) => e.data.status)).toEqual(Array.from({ length: flips }, (_, i) => (i % 2 === 0 ? "paid" : "pending")));
    const [final] = await t.db().select().from(orders).where(eq(orders.id, row.id));
    expect(events.at(-1)!.data.status).toBe(final.status);
  });
});

describe(`storefront delivery never gives up, and stays bounded (${process.env.TEST_DB})`, () => {
  it("a failing endpoint is retried past 20 attempts with the backoff capped at 6 h, flagged as failing, and delivered once it answers", async () => {
    hub.statusOf.set("/b2-down", 503);
    const m = await merchantAt("/b2-down");
    await paidOrder(m);
    let now = new Date(Date.now() + 1000);
    const gaps: number[] = [];
    for (let i = 0; i < 25; i++) {
      await deliverDueWebhooks(t.db(), { now });
      const [row] = await rowsOf(m.merchantId);
      expect(row.status).toBe("pending");
      gaps.push(row.nextAttemptAt.getTime() - now.getTime());
      now = row.nextAttemptAt;
    }
    const [row] = await rowsOf(m.merchantId);
    expect(row).toMatchObject({ status: "pending", attempts: 25, lastError: "HTTP 503" });
    expect(Math.max(...gaps)).toBe(6 * 3_600_000);
    expect(gaps.slice(-5)).toEqual(Array(5).fill(6 * 3_600_000));
    const log = await call(deliveriesRoute as unknown as H, { method: "GET", apiKey: m.apiKey });
    expect(log.json.data).toEqual([expect.objectContaining({ status: "pending", attempts: 25, lastError: "HTTP 503", failing: true })]);

    hub.statusOf.set("/b2-down", 200);
    expect(await deliverDueWebhooks(t.db(), { now })).toMatchObject({ delivered: 1 });
    const after = await call(deliveriesRoute as unknown as H, { method: "GET", apiKey: m.apiKey });
    expect(after.json.data).toEqual([expect.objectContaining({ status: "delivered", attempts: 26, failing: false })]);
  });

  it("a run tries a failing endpoint once and defers its other events; other merchants are still served", async () => {
    hub.statusOf.set("/b2-flood", 500);
    const flood = await merchantAt("/b2-flood");
    for (let i = 0; i < 12; i++) await paidOrder(flood, 100 + i);
    const fine = await merchantAt("/b2-fine");
    await paidOrder(fine);
    const now = new Date(Date.now() + 1000);
    await deliverDueWebhooks(t.db(), { now });
    expect(hub.at("/b2-flood")).toHaveLength(1);
    expect(hub.at("/b2-fine")).toHaveLength(1);
    const rows = await rowsOf(flood.merchantId);
    expect(rows.filter((r) => r.attempts === 1)).toHaveLength(1);
    expect(rows.every((r) => r.status === "pending" && r.nextAttemptAt > now)).toBe(true);
    // They wait for the failed event's retry (10 s), just before it, not for the sweep's lease.
    const probe = rows.find((r) => r.attempts === 1)!;
    expect(probe.nextAttemptAt.getTime()).toBe(now.getTime() + 10_000);
    expect(rows.filter((r) => r !== probe).every((r) => r.nextAttemptAt.getTime() === now.getTime() + 9_999)).toBe(true);
    // A second run at the same moment has nothing of theirs to do.
    await deliverDueWebhooks(t.db(), { now });
    expect(hub.at("/b2-flood")).toHaveLength(1);

    // Fixed: the next probe succeeds and the backlog goes out.
    hub.statusOf.set("/b2-flood", 200);
    const later = new Date(Math.max(...rows.map((r) => r.nextAttemptAt.getTime())));
    await deliverDueWebhooks(t.db(), { now: later });
    await deliverDueWebhooks(t.db(), { now: later });
    expect((await rowsOf(flood.merchantId)).map((r) => r.status)).toEqual(Array(12).fill("delivered"));
    expect(new Set(hub.at("/b2-flood").filter((r) => r.status === 200).map((r) => JSON.parse(r.body).id)).size).toBe(12);
  });

  it("an endpoint fixed mid-backoff gets its later events pulled forward once one retry succeeds", async () => {
    hub.statusOf.set("/b2-recover", 500);
    const m = await merchantAt("/b2-recover");
    await paidOrder(m, 300);
    const t0 = new Date(Date.now() + 1000);
    for (let i = 0, now = t0; i < 6; i++) {
      await deliverDueWebhooks(t.db(), { now });
      now = (await rowsOf(m.merchantId))[0].nextAttemptAt;
    }
    await paidOrder(m, 400);
    const [first, second] = await rowsOf(m.merchantId);
    // The newer event fails on its own at once; the older one is due first.
    const tNew = new Date(Date.now() + 2000);
    await deliverDueWebhooks(t.db(), { now: tNew });
    hub.statusOf.set("/b2-recover", 200);
    const rows = await rowsOf(m.merchantId);
    const earliest = new Date(Math.min(...rows.map((r) => r.nextAttemptAt.getTime())));
    await deliverDueWebhooks(t.db(), { now: earliest });
    await deliverDueWebhooks(t.db(), { now: earliest });
    expect((await rowsOf(m.merchantId)).map((r) => [r.id, r.status])).toEqual([
      [first.id, "delivered"],
      [second.id, "delivered"],
    ]);
  });

  it("an event the storefront keeps refusing does not hold back the endpoint's other events", async () => {
    const m = await merchantAt("/b2-poison");
    const poison = await paidOrder(m, 900);
    const others = [await paidOrder(m, 901), await paidOrder(m, 902)];
    hub.refuses.add(poison.reference);
    // The oldest event is refused: the run leaves the endpoint and the others wait.
    await deliverDueWebhooks(t.db(), { now: new Date(Date.now() + 1000) });
    expect(hub.at("/b2-poison")).toHaveLength(1);
    const rows = await rowsOf(m.merchantId);
    // When they are due again, the others go first.
    await deliverDueWebhooks(t.db(), { now: new Date(Math.max(...rows.map((r) => r.nextAttemptAt.getTime()))) });
    const byRef = new Map((await rowsOf(m.merchantId)).map((r) => [(r.payload as { data: { reference: string } }).data.reference, r]));
    expect(others.map((o) => byRef.get(o.reference)!.status)).toEqual(["delivered", "delivered"]);
    expect(byRef.get(poison.reference)).toMatchObject({ status: "pending", lastError: "HTTP 422" });
    hub.refuses.delete(poison.reference);
  });

  it("changing the endpoint sends the waiting events on the next run, not hours later", async () => {
    hub.statusOf.set("/b2-old", 404);
    const m = await merchantAt("/b2-old");
    await paidOrder(m);
    let now = new Date(Date.now() + 1000);
    for (let i = 0; i < 14; i++) {
      await deliverDueWebhooks(t.db(), { now });
      now = (await rowsOf(m.merchantId))[0].nextAttemptAt;
    }
    expect((await rowsOf(m.merchantId))[0].nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 3_600_000);
    expect((await call(setWebhook as unknown as H, { apiKey: m.apiKey, body: { url: `${hubBase}/b2-new`, secret: SECRET } })).status).toBe(200);
    await deliverDueWebhooks(t.db(), { now: new Date(Date.now() + 1000) });
    expect(hub.at("/b2-new")).toHaveLength(1);
    expect((await rowsOf(m.merchantId))[0]).toMatchObject({ status: "delivered" });
  });

  it("an event an older version gave up on (failed) is delivered again", async () => {
    const m = await merchantAt("/b2-legacy");
    await paidOrder(m);
    await t.db().update(webhookDeliveries).set({ status: "failed", attempts: 20, lastError: "HTTP 500" }).where(eq(webhookDeliveries.merchantId, m.merchantId));
    await deliverDueWebhooks(t.db(), { now: new Date(Date.now() + 1000) });
    expect((await rowsOf(m.merchantId))[0]).toMatchObject({ status: "delivered", attempts: 21 });
  });

  it("two sweeps running at once send each event once", async () => {
    const m = await merchantAt("/b2-overlap");
    for (let i = 0; i < 3; i++) await paidOrder(m, 700 + i);
    hub.setDelay(150);
    try {
      const now = new Date(Date.now() + 1000);
      await Promise.all([deliverDueWebhooks(t.db(), { now }), deliverDueWebhooks(t.db(), { now })]);
    } finally {
      hub.setDelay(0);
    }
    expect(hub.at("/b2-overlap")).toHaveLength(3);
    expect((await rowsOf(m.merchantId)).map((r) => r.status)).toEqual(["delivered", "delivered", "delivered"]);
  });
});

describe(`storefront webhook targets (${process.env.TEST_DB})`, () => {
  /** Runs `fn` as a deployment that does not allow private targets (the default), restoring the suite's setting after. */
  async function asPublicDeployment<T>(fn: () => Promise<T>): Promise<T> {
    const before = process.env.LDXP_WEBHOOK_ALLOW_PRIVATE;
    process.env.LDXP_WEBHOOK_ALLOW_PRIVATE = "0";
    try {
      return await fn();
    } finally {
      process.env.LDXP_WEBHOOK_ALLOW_PRIVATE = before;
    }
  }

  it("a URL into our own network (metadata, localhost, a private address) is refused and changes nothing", async () => {
    const m = await merchantWithAlipay();
    await asPublicDeployment(async () => {
      for (const target of ["http://169.254.169.254/latest/meta-data/", "http://localhost:5432/", "http://10.0.0.8/hooks", "http://[::1]:3000/x"]) {
        const res = await call(setWebhook as unknown as H, { apiKey: m.apiKey, body: { url: target, secret: SECRET } });
        expect(res.status, target).toBe(400);
        expect(res.json.error.code).toBe("invalid_field");
      }
    });
    expect((await call(deliveriesRoute as unknown as H, { method: "GET", apiKey: m.apiKey })).status).toBe(200);
    const [hook] = await t.db().select().from(storefrontWebhooks).where(eq(storefrontWebhooks.merchantId, m.merchantId));
    expect(hook).toBeUndefined();
  });

  it("an endpoint that is (or turns) private is not sent to, and a redirect is not followed", async () => {
    const inside = await merchantAt("/private-now");
    await paidOrder(inside);
    const before = hub.at("/private-now").length;
    await asPublicDeployment(() => deliverDueWebhooks(t.db(), { now: new Date(Date.now() + 1000) }));
    expect(hub.at("/private-now")).toHaveLength(before);
    const [row] = await rowsOf(inside.merchantId);
    expect(row).toMatchObject({ status: "pending", deliveredAt: null });
    expect(row.lastError).toContain("private address");

    const moved = await merchantAt("/moved");
    hub.statusOf.set("/moved", 302);
    await paidOrder(moved);
    await deliverDueWebhooks(t.db(), { now: new Date(Date.now() + 1000) });
    const [redirected] = await rowsOf(moved.merchantId);
    expect(redirected.lastError).toBe("HTTP 302 (redirects are not followed)");
    expect(redirected.deliveredAt).toBeNull();
  });
});
