import { asc, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { merchantOrdersWithReferences } from "@/lib/db/queries/orders";
import { orders } from "@/lib/db/schema";
import { bankMerchant } from "../helpers/api";
import { explainPlan, insertOrdersDirectly, planNodes } from "../helpers/stale-plans";
import { setupTestDatabase } from "../helpers/test-db";

const t = setupTestDatabase();

describe(`the merchant's orders by reference (${process.env.TEST_DB})`, () => {
  it("are read through the unique reference index even when the statistics say the merchant has no orders, and only the merchant's", async () => {
    const m = await bankMerchant();
    const other = await bankMerchant();
    // Statistics from before the merchant's orders arrived, as after a large order import not analysed yet.
    await t.db().execute(sql`analyze orders`);
    const refs = await insertOrdersDirectly(t.db(), m.merchantId, 3000, "STALE");
    const [foreign] = await insertOrdersDirectly(t.db(), other.merchantId, 1, "FOREIGN");
    const named = [refs[0], refs[1500], refs[2999], foreign, "ABCDEFGHJK"];

    const query = t.db().select().from(orders).where(merchantOrdersWithReferences(m.merchantId, named)).orderBy(asc(orders.id)).for("update");
    const indexes = planNodes(await explainPlan(t.db(), query)).flatMap((n) => (n["Index Name"] ? [n["Index Name"]] : []));
    expect(indexes).toEqual(["orders_reference_key"]);

    const found = await query;
    expect(found.map((o) => o.reference).sort()).toEqual([refs[0], refs[1500], refs[2999]].sort());
    // The merchant's id in any case spelling is the same merchant.
    const upper = await t.db().select().from(orders).where(merchantOrdersWithReferences(m.merchantId.toUpperCase(), named));
    expect(upper).toHaveLength(3);
  });
});
