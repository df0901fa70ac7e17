import crypto from "node:crypto";
import { asc, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { generateReference } from "@/lib/core/reference";
import { rowsOf } from "@/lib/db/client";
import { merchantOrdersWithReferences } from "@/lib/db/queries/orders";
import { orders } from "@/lib/db/schema";
import { bankMerchant } from "../helpers/api";
import { setupTestDatabase } from "../helpers/test-db";

const t = setupTestDatabase();

type PlanNode = { "Index Name"?: string; Plans?: PlanNode[] };
const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

async function insertOrders(merchantId: string, n: number, prefix: string): Promise<string[]> {
  const refs = Array.from({ length: n }, () => generateReference((k) => crypto.randomBytes(k)));
  const rows = refs.map((reference, i) => ({ reference, order_no: `${prefix}-${i}`, amount: 1000 + i }));
  await t.db().execute(sql`
    insert into orders (merchant_id, reference, order_no, source, amount, status)
    select ${merchantId}::uuid, reference, order_no, 'web', amount, 'pending'
    from json_to_recordset(${JSON.stringify(rows)}::json) as x(reference text, order_no text, amount bigint)`);
  return refs;
}

describe(`the merchant's orders by reference (${process.env.TEST_DB})`, () => {
  it("are read through the unique reference index even when the statistics say the merchant has no orders, and only the merchant's", async () => {
    const m = await bankMerchant();
    const other = await bankMerchant();
    // Statistics from before the merchant's orders arrived, as after a large order import not analysed yet.
    await t.db().execute(sql`analyze orders`);
    const refs = await insertOrders(m.merchantId, 3000, "STALE");
    const [foreign] = await insertOrders(other.merchantId, 1, "FOREIGN");
    const named = [refs[0], refs[1500], refs[2999], foreign, "ABCDEFGHJK"];

    const query = t.db().select().from(orders).where(merchantOrdersWithReferences(m.merchantId, named)).orderBy(asc(orders.id)).for("update");
    const [{ "QUERY PLAN": plan }] = rowsOf<{ "QUERY PLAN": unknown }>(await t.db().execute(sql`explain (format json) ${query}`));
    const root = (typeof plan === "string" ? JSON.parse(plan) : plan) as { Plan: PlanNode }[];
    const indexes = nodes(root[0].Plan).flatMap((n) => (n["Index Name"] ? [n["Index Name"]] : []));
    expect(indexes).toEqual(["orders_reference_key"]);

    const found = await query;
    expect(found.map((o) => o.reference).sort()).toEqual([refs[0], refs[1500], refs[2999]].sort());
    // The merchant's id in any case spelling is the same merchant.
    const upper = await t.db().select().from(orders).where(merchantOrdersWithReferences(m.merchantId.toUpperCase(), named));
    expect(upper).toHaveLength(3);
  });
});
