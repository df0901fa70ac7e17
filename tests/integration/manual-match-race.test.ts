// Two connections at once: a person moves a payment from one order to another while another writer
// holds the first order and then wants the second. PGlite has a single connection, so this suite runs
// on PostgreSQL and Neon only.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { POST as matchRoute } from "@/app/api/v1/payments/[paymentId]/match/route";
import { allocations, orders } from "@/lib/db/schema";
import { CMB_HEADER, buildCsv, cmbCredit } from "../fixtures/statements/cn-exports";
import { bankMerchant, call, createOrder, importCmbStatement } from "../helpers/api";
import { secondConnections, someoneWaitsForALock } from "../helpers/locks";
import { setupTestDatabase } from "../helpers/test-db";

const t = setupTestDatabase();
type H = Parameters<typeof call>[0];

const conns = secondConnections();

describe(`manual match racing another writer (${process.env.TEST_DB})`, () => {
  it("moving a payment to another order takes the old and the new order's locks in one go: no deadlock, both writers finish", async () => {
    const m = await bankMerchant();
    // Every writer locks orders in id order; the payment moves from the first order in that order to the second.
    const created = [await createOrder(m.apiKey, { amount: 5500, channel: "bank" }), await createOrder(m.apiKey, { amount: 5500, channel: "bank" })];
    const rows = await t.db().select({ id: orders.id, reference: orders.reference }).from(orders).where(eq(orders.merchantId, m.merchantId));
    const [from, to] = rows.sort((a, b) => (a.id < b.id ? -1 : 1)).map((r) => created.find((c) => c.reference === r.reference)!);
    const csv = buildCsv(CMB_HEADER, [
      cmbCredit({ date: "20261124", time: "10:00:00", credit: "55.00", serial: "MM1", memo: `货款${from.reference}`, payer: "张三", account: "6225880123456789" }),
    ]);
    const imported = await importCmbStatement(m.apiKey, m.bankId, csv);
    expect(imported.status).toBe(200);
    const [fromRow] = await t.db().select().from(orders).where(eq(orders.reference, from.reference));
    const [line] = await t.db().select().from(allocations).where(eq(allocations.orderId, fromRow.id));

    // Another writer, locking in id order too, holds the old order…
    await conns.other.query("begin");
    await conns.other.query(`update orders set description = 'held' where reference = $1`, [from.reference]);
    const moving = call(matchRoute as unknown as H, { apiKey: m.apiKey, params: { paymentId: line.paymentId }, body: { allocations: [{ reference: to.reference, amount: 5500 }] } });
    await someoneWaitsForALock(conns.watcher, "the held order");
    // …and then wants the new one. Had the move locked the new order before the old, each would wait for the other
    // until PostgreSQL broke the deadlock by failing one of them.
    await conns.other.query(`update orders set description = 'held too' where reference = $1`, [to.reference]);
    await conns.other.query("commit");

    const res = await moving;
    expect(res.status).toBe(200);
    expect(res.json.allocations.map((a: { reference: string }) => a.reference)).toEqual([to.reference]);
    const after = await t.db().select().from(orders).where(eq(orders.merchantId, m.merchantId));
    expect(Object.fromEntries(after.map((o) => [o.reference, [o.status, o.description]]))).toEqual({
      [from.reference]: ["pending", "held"],
      [to.reference]: ["paid", "held too"],
    });
  });
});
