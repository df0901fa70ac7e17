import { describe, expect, it } from "vitest";
import { count, eq, inArray } from "drizzle-orm";
import { anomalies, orders, payments, users } from "@/lib/db/schema";
import { runAnomalySweep } from "@/lib/services/anomaly-sweep";
import { getBoard } from "@/lib/services/board";
import { DEMO_LOGIN, seedDemo } from "@/lib/services/demo-seed";
import { checkCredentials } from "@/lib/services/users";
import { setupTestDatabase } from "../helpers/test-db";

const t = setupTestDatabase();

describe(`demo seed (${process.env.TEST_DB})`, () => {
  it("seeds a demo merchant whose login works, through the real services, once", async () => {
    const first = await seedDemo(t.db());
    expect(first.created).toBe(true);
    const again = await seedDemo(t.db());
    expect(again.created).toBe(false);
    const user = await checkCredentials(t.db(), DEMO_LOGIN);
    expect(user).not.toBeNull();
    const [o] = await t.db().select({ n: count() }).from(orders).where(eq(orders.merchantId, user!.merchantId));
    expect(o.n).toBe(26);
    const paid = await t.db().select().from(orders).where(eq(orders.status, "paid"));
    expect(paid.length).toBe(19);
    // DEMO-0025 asked a unique amount; a transfer of it with no reference paid it, the 1 fen tail written off.
    const unique = paid.find((p) => p.orderNo === "DEMO-0025")!;
    expect(unique).toMatchObject({ amount: 36800, payableAmount: 36799, paidAmount: 36799, writtenOffAmount: 1 });
    const [byAmount] = await t.db().select().from(payments).where(eq(payments.amount, 36799));
    expect(byAmount).toMatchObject({ status: "matched", matchMethod: "unique_amount" });
    const waiting = await t.db().select().from(payments).where(inArray(payments.status, ["unmatched", "suggested"]));
    expect(waiting.map((p) => [p.channelTransactionId, p.status, p.suggestions.map((s) => s.method)]).sort()).toEqual([
      // Less than each of its payer's three open orders: suggested as a part payment of each.
      ["K-UNPLACED-1", "suggested", ["amount_payer_partial", "amount_payer_partial", "amount_payer_partial"]],
      ["K-UNPLACED-2", "unmatched", []],
      ["K-INTEREST-1", "unmatched", []],
      // Alipay's payout to the bank: the shop's own money, matched to nothing.
      ["K-PAYOUT-1", "unmatched", []],
    ].sort());
    // DEMO-0026 was paid ¥10 short by a transfer naming it: partly paid, and the sweep opens an amount mismatch for 异常.
    const [short] = await t.db().select().from(orders).where(eq(orders.orderNo, "DEMO-0026"));
    expect(short).toMatchObject({ status: "partially_paid", amount: 29900, paidAmount: 28900 });
    await runAnomalySweep(t.db(), { merchantId: user!.merchantId });
    const open = await t.db().select().from(anomalies).where(eq(anomalies.merchantId, user!.merchantId));
    const interest = waiting.find((p) => p.channelTransactionId === "K-INTEREST-1")!;
    expect(open.map((a) => [a.kind, a.orderId ?? a.paymentId, a.status]).sort()).toEqual(
      [
        ["amount_mismatch", short.id, "open"],
        ["unmatched_overdue", interest.id, "open"],
      ].sort(),
    );
    const board = await getBoard(t.db(), user!.merchantId);
    expect(board.pending).toEqual({ count: 4, amount: 15900 + 4990 + 321 + 104_650, otherCurrencies: [] });
    expect(board.recentOrders).toHaveLength(10);
  });

  it("five wrong passwords lock the account; the right one then still fails until the lock ends", async () => {
    const [u] = await t.db().select().from(users).where(eq(users.email, DEMO_LOGIN.email));
    const now = new Date();
    for (let i = 0; i < 5; i++) expect(await checkCredentials(t.db(), { email: DEMO_LOGIN.email, password: "wrong" }, now)).toBeNull();
    expect(await checkCredentials(t.db(), DEMO_LOGIN, now)).toBeNull();
    const later = new Date(now.getTime() + 16 * 60_000);
    expect(await checkCredentials(t.db(), DEMO_LOGIN, later)).toMatchObject({ id: u.id });
  });
});
