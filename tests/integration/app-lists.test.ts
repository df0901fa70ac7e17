import { describe, expect, it } from "vitest";
import { GET as listOrdersRoute } from "@/app/api/v1/orders/route";
import { eq } from "drizzle-orm";
import { appendAuditEvents } from "@/lib/db/queries/audit";
import { payments, users } from "@/lib/db/schema";
import { matchManually } from "@/lib/services/manual-match";
import { listChannelAccountsWithActivity } from "@/lib/services/channel-accounts";
import { listPayments, paymentFiltersFrom } from "@/lib/services/list-payments";
import { listRefunds, refundFiltersFrom } from "@/lib/services/list-refunds";
import { matchPayment } from "@/lib/services/match-payment";
import { getOrderFundTrail } from "@/lib/services/order-trail";
import { recordPayment } from "@/lib/services/payments";
import { recordRefund } from "@/lib/services/refunds";
import { getStorefrontWebhook, setStorefrontWebhook } from "@/lib/services/storefront-webhooks";
import { call, createOrder, merchantWithAlipay } from "../helpers/api";
import { setupTestDatabase } from "../helpers/test-db";

const t = setupTestDatabase();
type H = Parameters<typeof call>[0];
const listOrders = (apiKey: string, query: string) => call(listOrdersRoute as unknown as H, { method: "GET", apiKey, path: `/api/v1/orders?${query}` });

let tx = 0;
async function alipayPayment(m: Awaited<ReturnType<typeof merchantWithAlipay>>, amount: number, reference: string, payerName: string | null = null) {
  const { payment, audit } = await recordPayment(t.db(), {
    merchantId: m.merchantId,
    channelAccountId: m.accountId,
    origin: "notify",
    event: {
      kind: "payment", channel: "alipay", channelTransactionId: `2026112522001477${String(++tx).padStart(6, "0")}`, reference,
      amount, currency: "CNY", receivedAt: new Date().toISOString(), payerName, payerAccount: null,
      memo: null, merchantAccountId: m.appId, sellerId: null, details: {},
    },
  });
  // As the notify route does: the channel is the actor of a recorded payment.
  await appendAuditEvents(t.db(), m.merchantId, { type: "channel", id: m.accountId }, audit);
  await matchPayment(t.db(), { paymentId: payment.id });
  return payment;
}

describe(`list filters and search (${process.env.TEST_DB})`, () => {
  it("orders: search by reference, order number, customer or amount; channel = paid through it", async () => {
    const m = await merchantWithAlipay();
    const paid = await createOrder(m.apiKey, { amount: 12_800, orderNo: "TB-ALPHA-1", customer: { name: "张小明" } });
    const open = await createOrder(m.apiKey, { amount: 5_990, orderNo: "TB-BETA-2" });
    await alipayPayment(m, 12_800, paid.reference);
    const refs = async (query: string) => {
      const res = await listOrders(m.apiKey, query);
      expect(res.status).toBe(200);
      return res.json.data.map((o: { reference: string }) => o.reference);
    };
    expect(await refs("q=alpha")).toEqual([paid.reference]);
    expect(await refs(`q=${paid.reference.toLowerCase()}`)).toEqual([paid.reference]);
    expect(await refs("q=小明")).toEqual([paid.reference]);
    expect(await refs("q=59.90")).toEqual([open.reference]);
    expect(await refs("q=%25")).toEqual([]); // a typed % is literal, not a wildcard
    expect(await refs("channel=alipay")).toEqual([paid.reference]);
    expect(await refs("channel=wechatpay")).toEqual([]);
    expect((await listOrders(m.apiKey, "channel=cash")).status).toBe(400);
  });

  it("payments: status=pending is unmatched + suggested; search finds the payer and the amount", async () => {
    const m = await merchantWithAlipay();
    const order = await createOrder(m.apiKey, { amount: 10_000 });
    const matched = await alipayPayment(m, 10_000, order.reference, "李四");
    const stray = await alipayPayment(m, 777, "NOT-OURS-9", "王五");
    const ids = async (query: string) =>
      (await listPayments(t.db(), { merchantId: m.merchantId, ...paymentFiltersFrom(new URLSearchParams(query)), limit: 50 })).data.map((p) => p.paymentId);
    expect(await ids("status=pending")).toEqual([stray.id]);
    expect(await ids("")).toEqual([stray.id]); // the workbench's default view
    expect(new Set(await ids("view=all"))).toEqual(new Set([matched.id, stray.id]));
    expect(await ids("view=all&status=matched")).toEqual([matched.id]);
    expect(await ids("view=all&q=李四")).toEqual([matched.id]);
    expect(await ids("view=all&q=7.77")).toEqual([stray.id]);
    expect(await ids("view=all&channel=wechatpay")).toEqual([]);
    expect(() => paymentFiltersFrom(new URLSearchParams("status=lost"))).toThrow(/status/);
  });
});

describe(`order fund trail (${process.env.TEST_DB})`, () => {
  it("reads the order's and its payments' audit events with time and actor", async () => {
    const m = await merchantWithAlipay();
    const order = await createOrder(m.apiKey, { amount: 12_800 });
    const payment = await alipayPayment(m, 12_800, order.reference);
    // Another order's payment must not leak into this trail.
    const other = await createOrder(m.apiKey, { amount: 300 });
    await alipayPayment(m, 300, other.reference);

    const trail = await getOrderFundTrail(t.db(), m.merchantId, order.reference);
    expect(trail.order).toMatchObject({ reference: order.reference, status: "paid", paidAmount: 12_800 });
    expect(trail.order.payments.map((p) => p.paymentId)).toEqual([payment.id]);
    const actions = trail.events.map((e) => `${e.subjectType}:${e.action}`);
    expect(actions).toEqual(["order:order.created", "payment:payment.recorded", "payment:allocation.created", "payment:payment.matched", "order:order.status_changed"]);
    expect(trail.events.every((e) => e.subjectId === order.orderId || e.subjectId === payment.id)).toBe(true);
    expect(trail.events[0].actor).toMatchObject({ type: "api_key" });
    expect(trail.events[0].actor.name).toBeTruthy();
    expect(trail.events.at(-1)?.after).toMatchObject({ status: "paid", paidAmount: 12_800 });
    expect(trail.events[1].actor).toMatchObject({ type: "channel", id: m.accountId });
    expect(trail.events.map((e) => e.at)).toEqual([...trail.events.map((e) => e.at)].sort());

    await expect(getOrderFundTrail(t.db(), m.merchantId, "NO-SUCH-REF")).rejects.toMatchObject({ status: 404 });
    const stranger = await merchantWithAlipay();
    await expect(getOrderFundTrail(t.db(), stranger.merchantId, order.reference)).rejects.toMatchObject({ status: 404 });
  });
});

describe(`order fund trail: manual decisions (${process.env.TEST_DB})`, () => {
  it("names the user who split a payment by hand, and shows the split on each order's trail", async () => {
    const m = await merchantWithAlipay();
    const [owner] = await t.db().select().from(users).where(eq(users.merchantId, m.merchantId));
    const first = await createOrder(m.apiKey, { amount: 10_000 });
    const second = await createOrder(m.apiKey, { amount: 5_000 });
    const payment = await alipayPayment(m, 15_000, "NOT-A-REFERENCE");
    await matchManually(t.db(), {
      merchantId: m.merchantId,
      paymentId: payment.id,
      actor: { type: "user", id: owner.id },
      now: new Date(),
      allocations: [
        { reference: first.reference, amount: 10_000 },
        { reference: second.reference, amount: 5_000 },
      ],
    });
    const trail = await getOrderFundTrail(t.db(), m.merchantId, second.reference);
    expect(trail.order).toMatchObject({ status: "paid", paidAmount: 5_000 });
    const byUser = trail.events.filter((e) => e.actor.type === "user");
    expect(byUser.map((e) => e.action)).toContain("allocation.created");
    expect(byUser.every((e) => e.actor.name === owner.email)).toBe(true);
    // The payment's trail is the same on both orders: both allocations of the split are visible.
    const allocated = trail.events.filter((e) => e.action === "allocation.created").map((e) => e.after?.amount);
    expect(allocated.sort()).toEqual([10_000, 5_000].sort());
  });

  it("an order's trail keeps a payment whose allocation to it was later taken off", async () => {
    const m = await merchantWithAlipay();
    const [owner] = await t.db().select().from(users).where(eq(users.merchantId, m.merchantId));
    const first = await createOrder(m.apiKey, { amount: 10_000 });
    const second = await createOrder(m.apiKey, { amount: 5_000 });
    const payment = await alipayPayment(m, 15_000, "NOT-A-REFERENCE");
    const split = (allocations: { reference: string; amount: number }[]) =>
      matchManually(t.db(), { merchantId: m.merchantId, paymentId: payment.id, actor: { type: "user", id: owner.id }, now: new Date(), allocations });
    await split([
      { reference: first.reference, amount: 10_000 },
      { reference: second.reference, amount: 5_000 },
    ]);
    await split([{ reference: first.reference, amount: 10_000 }]);

    const trail = await getOrderFundTrail(t.db(), m.merchantId, second.reference);
    expect(trail.order.payments).toEqual([]);
    expect(trail.removedPayments).toMatchObject([{ paymentId: payment.id, amount: 15_000 }]);
    const removed = trail.events.filter((e) => e.action === "allocation.removed" && e.before?.orderId === trail.order.orderId);
    expect(removed).toHaveLength(1);
    expect(removed[0].actor.name).toBe(owner.email);
    // The order that still holds the payment lists it as allocated, not as removed.
    expect((await getOrderFundTrail(t.db(), m.merchantId, first.reference)).removedPayments).toEqual([]);
  });

  it("refunds: newest first with payment and order, filtered by channel and date, searched, keyset-paged", async () => {
    const m = await merchantWithAlipay();
    const stranger = await merchantWithAlipay();
    const order = await createOrder(m.apiKey, { amount: 9_000, orderNo: "TB-REFUND-1" });
    const payment = await alipayPayment(m, 9_000, order.reference, "赵六");
    const foreign = await alipayPayment(stranger, 9_000, "NOT-A-REFERENCE");
    const refund = (p: typeof payment, id: string, amount: number, at: Date) =>
      t.db().transaction(async (tx) => {
        const [locked] = await tx.select().from(payments).where(eq(payments.id, p.id)).for("update");
        const event = { kind: "refund" as const, channel: "alipay" as const, channelTransactionId: p.channelTransactionId, channelRefundId: id, reference: null, cumulativeRefundedAmount: null, amount, refundedAt: at.toISOString(), closesPayment: false, details: {} };
        return recordRefund(tx, { payment: locked, event, now: at });
      });
    const now = Date.now();
    expect((await refund(payment, "RF-OLD", 1_000, new Date(now - 3 * 86_400_000))).kind).toBe("recorded");
    expect((await refund(payment, "RF-NEW", 2_000, new Date(now))).kind).toBe("recorded");
    expect((await refund(foreign, "RF-FOREIGN", 500, new Date(now))).kind).toBe("recorded");

    const list = (query: string, limit = 50) => listRefunds(t.db(), { merchantId: m.merchantId, ...refundFiltersFrom(new URLSearchParams(query)), limit });
    const ids = async (query: string) => (await list(query)).data.map((r) => r.channelRefundId);
    const all = await list("");
    expect(all.data).toMatchObject([
      { channelRefundId: "RF-NEW", amount: 2_000, paymentId: payment.id, channel: "alipay", orderReference: order.reference, orderNo: "TB-REFUND-1" },
      { channelRefundId: "RF-OLD", amount: 1_000 },
    ]);
    expect(await ids("channel=bank")).toEqual([]);
    expect(await ids("q=tb-refund")).toEqual(["RF-NEW", "RF-OLD"]);
    expect(await ids("q=20.00")).toEqual(["RF-NEW"]);
    expect(await ids("q=赵六")).toEqual(["RF-NEW", "RF-OLD"]);
    const today = new Date(now + 8 * 3_600_000).toISOString().slice(0, 10);
    expect(await ids(`from=${today}`)).toEqual(["RF-NEW"]);
    const page1 = await list("", 1);
    expect(page1.data.map((r) => r.channelRefundId)).toEqual(["RF-NEW"]);
    expect(await ids(`cursor=${page1.nextCursor}`)).toEqual(["RF-OLD"]);
    expect(() => refundFiltersFrom(new URLSearchParams("from=not-a-date"))).toThrow(/from:/);
  });
});

describe(`settings reads (${process.env.TEST_DB})`, () => {
  it("a channel account shows its newest notified payment; the storefront webhook shows its URL, never the secret", async () => {
    const m = await merchantWithAlipay();
    let [account] = await listChannelAccountsWithActivity(t.db(), m.merchantId);
    expect(account).toMatchObject({ id: m.accountId, webhookUrl: `/api/webhooks/alipay/${m.accountId}`, lastPayment: null });
    const order = await createOrder(m.apiKey, { amount: 4_200 });
    const payment = await alipayPayment(m, 4_200, order.reference);
    [account] = await listChannelAccountsWithActivity(t.db(), m.merchantId);
    expect(account.lastPayment).toMatchObject({ paymentId: payment.id, amount: 4_200, status: "matched" });

    expect(await getStorefrontWebhook(t.db(), m.merchantId)).toBeNull();
    await setStorefrontWebhook(t.db(), { merchantId: m.merchantId, actor: { type: "user", id: null }, url: "https://shop.example/hook", secret: "s".repeat(20) });
    expect(await getStorefrontWebhook(t.db(), m.merchantId)).toEqual({ url: "https://shop.example/hook" });
  });
});
