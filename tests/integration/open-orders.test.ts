import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rowsOf } from "@/lib/db/client";
import { openOrders, orders } from "@/lib/db/schema";
import { CMB_HEADER, buildCsv, cmbCredit } from "../fixtures/statements/cn-exports";
import { bankMerchant, createOrder, importCmbStatement } from "../helpers/api";
import { setupTestDatabase } from "../helpers/test-db";

const t = setupTestDatabase();

const isOpen = async (id: string) => (await t.db().select().from(openOrders).where(eq(openOrders.orderId, id))).length === 1;
const setStatus = (id: string, status: string) => t.db().execute(sql`update orders set status = ${status}::order_status where id = ${id}`);

describe(`open_orders follows the orders' status (${process.env.TEST_DB})`, () => {
  it("holds exactly the pending and partially paid orders through every kind of change", async () => {
    const m = await bankMerchant();
    const a = await createOrder(m.apiKey, { amount: 1000, channel: "bank" });
    const b = await createOrder(m.apiKey, { amount: 2000, channel: "bank" });
    const [rowA] = await t.db().select().from(orders).where(eq(orders.reference, a.reference));
    const [rowB] = await t.db().select().from(orders).where(eq(orders.reference, b.reference));
    const [entry] = await t.db().select().from(openOrders).where(eq(openOrders.orderId, rowA.id));
    expect(entry).toEqual({ orderId: rowA.id, merchantId: m.merchantId, createdAt: rowA.createdAt, payableAmount: null, amount: 1000 });

    await setStatus(rowA.id, "partially_paid");
    expect(await isOpen(rowA.id)).toBe(true);
    await setStatus(rowA.id, "paid");
    expect(await isOpen(rowA.id)).toBe(false);
    // Unmatching a payment reopens its order.
    await setStatus(rowA.id, "pending");
    expect(await isOpen(rowA.id)).toBe(true);
    // A change that keeps the order open or closed touches nothing.
    await t.db().update(orders).set({ description: "renamed" }).where(eq(orders.id, rowA.id));
    expect(await isOpen(rowA.id)).toBe(true);
    // One statement changing several orders: one leaves, one stays.
    await t.db().execute(sql`update orders set status = case when id = ${rowA.id} then 'closed'::order_status else 'partially_paid'::order_status end where id in (${rowA.id}, ${rowB.id})`);
    expect([await isOpen(rowA.id), await isOpen(rowB.id)]).toEqual([false, true]);
    await t.db().delete(orders).where(eq(orders.id, rowB.id));
    expect(await isOpen(rowB.id)).toBe(false);
  });

  it("carries an order's unique amount, and gets it back when the order reopens", async () => {
    const m = await bankMerchant();
    const c = await createOrder(m.apiKey, { amount: 3000, uniqueAmount: true });
    const payable = async () => (await t.db().select().from(openOrders).where(eq(openOrders.orderId, c.orderId))).map((r) => r.payableAmount);
    expect(await payable()).toEqual([2999]);
    await setStatus(c.orderId, "paid");
    expect(await payable()).toEqual([]);
    await setStatus(c.orderId, "pending");
    expect(await payable()).toEqual([2999]);
  });

  it("a statement import that pays an order takes it out, and paying an order rewrites its row in place (HOT): no index names its status", async () => {
    const m = await bankMerchant();
    const order = await createOrder(m.apiKey, { amount: 4200, channel: "bank" });
    const [row] = await t.db().select().from(orders).where(eq(orders.reference, order.reference));
    const csv = buildCsv(CMB_HEADER, [cmbCredit({ date: "20261124", time: "10:00:00", credit: "42.00", serial: "OO1", memo: `货款${order.reference}`, payer: "张三", account: "6225880123456789" })]);
    const res = await importCmbStatement(m.apiKey, m.bankId, csv);
    expect(res.json.matched).toBe(1);
    expect(await isOpen(row.id)).toBe(false);

    const other = await createOrder(m.apiKey, { amount: 100, channel: "bank" });
    // Counted inside a transaction that is rolled back, so the order stays as it was.
    let hot: { upd: string; hot: string } | undefined;
    await t
      .db()
      .transaction(async (tx) => {
        await tx.execute(sql`update orders set status = 'paid', paid_amount = amount, paid_at = now(), updated_at = now() where reference = ${other.reference}`);
        [hot] = rowsOf<{ upd: string; hot: string }>(
          await tx.execute(sql`select n_tup_upd::text as upd, n_tup_hot_upd::text as hot from pg_stat_xact_user_tables where relname = 'orders'`),
        );
        tx.rollback();
      })
      .catch(() => {});
    // The counters can include this connection's earlier, not yet reported, updates: all of them were HOT.
    expect(Number(hot?.upd)).toBeGreaterThanOrEqual(1);
    expect(hot?.hot).toBe(hot?.upd);
  });
});
