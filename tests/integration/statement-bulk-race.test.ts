// Two connections at once: the bulk path's UPDATE must wait for an order another transaction holds,
// then re-check it. PGlite has a single connection, so this suite runs on PostgreSQL and Neon only.
import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rowsOf } from "@/lib/db/client";
import { allocations, auditEvents, orders, payments } from "@/lib/db/schema";
import { CMB_HEADER, buildCsv, cmbCredit } from "../fixtures/statements/cn-exports";
import { bankMerchant, createOrder, importCmbStatement } from "../helpers/api";
import { moneyViolations } from "../helpers/money-invariants";
import { secondConnections, someoneWaitsForALock } from "../helpers/locks";
import { setupTestDatabase } from "../helpers/test-db";

const t = setupTestDatabase();

const conns = secondConnections();

describe(`bulk matching racing another writer (${process.env.TEST_DB})`, () => {
  it("an order changed while the import waits for its lock is not paid in bulk: its line goes back to the engine, and the ledger adds up", async () => {
    const m = await bankMerchant();
    const held = await createOrder(m.apiKey, { amount: 6600, channel: "bank" });
    const free = await createOrder(m.apiKey, { amount: 7700, channel: "bank" });
    const csv = buildCsv(CMB_HEADER, [
      cmbCredit({ date: "20261124", time: "10:00:00", credit: "66.00", serial: "R1", memo: `货款${held.reference}`, payer: "张三", account: "6225880123456789" }),
      cmbCredit({ date: "20261124", time: "10:01:00", credit: "77.00", serial: "R2", memo: `货款${free.reference}`, payer: "李四", account: "6225880123450000" }),
    ]);

    // Another transaction holds the order's row without changing anything the import reads.
    await conns.other.query("begin");
    await conns.other.query(`update orders set description = 'held' where reference = $1`, [held.reference]);
    const importing = importCmbStatement(m.apiKey, m.bankId, csv);
    await someoneWaitsForALock(conns.watcher, "the held order");
    // …and then closes it (the expiry sweep, say) before it lets go.
    await conns.other.query(`update orders set status = 'closed', closed_at = now(), updated_at = now() where reference = $1`, [held.reference]);
    await conns.other.query("commit");
    const res = await importing;
    expect(res.status).toBe(200);
    expect(res.json.imported).toBe(2);

    // The bulk set holds only the order it could still pay; the held one went back to the engine,
    // which decided it on its own (a closed order still takes money that arrives for it), with its
    // own audit event, and the ledger adds up.
    const [bulk] = await t.db().select().from(auditEvents).where(and(eq(auditEvents.merchantId, m.merchantId), eq(auditEvents.action, "statement.bulk_matched")));
    expect(bulk.after).toMatchObject({ payments: 1, amount: 7700 });
    const [freeRow] = await t.db().select().from(orders).where(eq(orders.reference, free.reference));
    expect(freeRow).toMatchObject({ status: "paid", paidAmount: 7700 });

    const lines = await t.db().select().from(payments).where(eq(payments.statementId, res.json.statementId));
    const lost = lines.find((p) => p.amount === 6600)!;
    const [heldRow] = await t.db().select().from(orders).where(eq(orders.reference, held.reference));
    expect(heldRow.closedAt).not.toBeNull();
    const heldAllocations = await t.db().select().from(allocations).where(eq(allocations.orderId, heldRow.id));
    expect(heldAllocations.map((a) => [a.paymentId, a.amount])).toEqual([[lost.id, 6600]]);
    const engineEvents = await t.db().select().from(auditEvents).where(and(eq(auditEvents.action, "allocation.created"), eq(auditEvents.subjectId, lost.id)));
    expect(engineEvents).toHaveLength(1);
    expect(await moneyViolations(async (text) => rowsOf<Record<string, unknown>>(await t.db().execute(sql.raw(text))))).toEqual([]);
  });
});
