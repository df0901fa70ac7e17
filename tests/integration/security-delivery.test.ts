import { and, count, eq, sum } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { POST as webhookRoute } from "@/app/api/webhooks/[channel]/[channelAccountId]/route";
import { allocations, orders, payments, webhookEvents } from "@/lib/db/schema";
import { alipayPaymentNotify, signAlipayParams, toFormBody } from "../helpers/alipay-signer";
import { call, createOrder, merchantWithAlipay } from "../helpers/api";
import { setupTestDatabase } from "../helpers/test-db";

const t = setupTestDatabase();
type H = Parameters<typeof call>[0];

const N = Number(process.env.LDXP_DELIVERY_COUNT ?? 200);
const WAVE = 40;

/** A small seeded PRNG (mulberry32) so a failing order of deliveries can be replayed. */
function seeded(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

async function inWaves<T>(items: T[], size: number, run: (item: T) => Promise<void>) {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(run));
}

describe(`at-least-once delivery becomes exactly-once effect (${process.env.TEST_DB}, N=${N})`, () => {
  it("N signed notifies, each delivered 2–3 times concurrently in waves, yield exactly N payments, allocations and paid orders", async () => {
    const m = await merchantWithAlipay();
    const amounts = Array.from({ length: N }, (_, i) => 100 + ((i * 7919) % 99_900));
    const created: { reference: string; amount: number }[] = [];
    await inWaves(
      amounts.map((amount, i) => ({ amount, i })),
      WAVE,
      async ({ amount, i }) => {
        const order = await createOrder(m.apiKey, { orderNo: `DLV-${i}`, amount });
        created[i] = { reference: order.reference, amount };
      },
    );

    const seed = Number(process.env.LDXP_DELIVERY_SEED ?? Date.now() % 2 ** 31);
    const random = seeded(seed);
    const forms = created.map(({ reference, amount }) =>
      toFormBody(
        signAlipayParams(
          alipayPaymentNotify({ outTradeNo: reference, appId: m.appId, totalAmount: (amount / 100).toFixed(2) }),
          m.keys.privateKeyPem,
        ),
      ),
    );
    const deliveries = forms.flatMap((form) => Array.from({ length: random() < 0.5 ? 2 : 3 }, () => form));
    for (let i = deliveries.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [deliveries[i], deliveries[j]] = [deliveries[j], deliveries[i]];
    }
    const answers: string[] = [];
    await inWaves(deliveries, WAVE, async (form) => {
      const res = await call(webhookRoute as unknown as H, {
        path: `/api/webhooks/alipay/${m.accountId}`,
        params: { channel: "alipay", channelAccountId: m.accountId },
        rawBody: form,
        headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
      });
      answers.push(`${res.status} ${res.text}`);
    });
    expect(new Set(answers), `seed ${seed}`).toEqual(new Set(["200 success"]));

    const db = t.db();
    const [p] = await db.select({ n: count(), total: sum(payments.amount), allocated: sum(payments.allocatedAmount) }).from(payments).where(eq(payments.merchantId, m.merchantId));
    const [a] = await db.select({ n: count(), total: sum(allocations.amount) }).from(allocations).where(eq(allocations.merchantId, m.merchantId));
    const [paid] = await db.select({ n: count(), total: sum(orders.paidAmount) }).from(orders).where(and(eq(orders.merchantId, m.merchantId), eq(orders.status, "paid")));
    const [events] = await db.select({ n: count() }).from(webhookEvents).where(eq(webhookEvents.channelAccountId, m.accountId));
    const expectedTotal = amounts.reduce((x, y) => x + y, 0);
    expect({ payments: p.n, allocations: a.n, paidOrders: paid.n, webhookEvents: events.n }, `seed ${seed}`).toEqual({
      payments: N,
      allocations: N,
      paidOrders: N,
      webhookEvents: N,
    });
    expect(Number(p.total)).toBe(expectedTotal);
    expect(Number(a.total)).toBe(Number(p.total));
    expect(Number(p.allocated)).toBe(Number(p.total));
    expect(Number(paid.total)).toBe(expectedTotal);
  // The on-demand run (npm run test:long, N=10,000) takes minutes: the budget grows with N.
  }, Math.max(120_000, N * 200));
});
