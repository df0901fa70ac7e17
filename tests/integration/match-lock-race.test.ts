// Another writer pays an order between the engine's read of the candidates and its lock on that order.
// The write happens on another connection while matching holds its transaction open, so this suite
// runs on PostgreSQL and Neon only (PGlite has a single connection).
import { and, eq, inArray } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { allocations, auditEvents, orders, type Order } from "@/lib/db/schema";
import type { DbOrTx } from "@/lib/db/client";
import { matchPayment, matchPayments } from "@/lib/services/match-payment";
import { verifyAuditChains } from "@/lib/services/audit-verify";
import { bankMerchant, createOrder } from "../helpers/api";
import { bankCredit as recordBankCredit } from "../helpers/bank-credit";
import { setupTestDatabase } from "../helpers/test-db";

// Each call of lockOrders first runs the hook of its turn (1-based), if any.
const locking = vi.hoisted(() => ({ calls: [] as string[][], hooks: new Map<number, () => Promise<void>>() }));
vi.mock("@/lib/services/order-totals", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/services/order-totals")>();
  return {
    ...real,
    lockOrders: async (tx: DbOrTx, orderIds: string[]): Promise<Order[]> => {
      locking.calls.push([...orderIds]);
      await locking.hooks.get(locking.calls.length)?.();
      return real.lockOrders(tx, orderIds);
    },
  };
});

const t = setupTestDatabase();

const bankCredit = (m: Awaited<ReturnType<typeof bankMerchant>>, p: Parameters<typeof recordBankCredit>[2]) => recordBankCredit(t.db(), m, p);

/** Three open orders of one payer: one of 300.00, and two that add up to it; a reference-less transfer of 300.00 from that payer, and a payment naming the single order. */
async function singleOrPair() {
  const m = await bankMerchant();
  const single = await createOrder(m.apiKey, { amount: 30000, customer: { name: "钱进" } });
  const part1 = await createOrder(m.apiKey, { amount: 12000, customer: { name: "钱进" } });
  const part2 = await createOrder(m.apiKey, { amount: 18000, customer: { name: "钱进" } });
  const ids = Object.fromEntries(
    (await t.db().select({ id: orders.id, reference: orders.reference }).from(orders).where(eq(orders.merchantId, m.merchantId))).map((o) => [o.reference, o.id]),
  );
  // No reference: one open order of the amount beats the pair that adds up to it (the smallest group first).
  const transfer = await bankCredit(m, { amount: 30000, memo: "货款", payerName: "钱进" });
  const elsewhere = await bankCredit(m, { amount: 30000, memo: `货款${single.reference}`, payerName: "钱进" });
  return { m, single: ids[single.reference], part1: ids[part1.reference], part2: ids[part2.reference], transfer, elsewhere };
}

/** Matches the transfer with the given lockOrders hooks armed; expects it on the pair and the single order on the other payment only. */
async function matchTransferAndCheck(s: Awaited<ReturnType<typeof singleOrPair>>, hooks: [number, () => Promise<void>][]) {
  locking.calls.length = 0;
  hooks.forEach(([turn, hook]) => locking.hooks.set(turn, hook));
  let result;
  try {
    result = await matchPayments(t.db(), { paymentIds: [s.transfer.id] });
  } finally {
    locking.hooks.clear();
  }
  expect(result.outcomes).toEqual({ [s.transfer.id]: "matched" });
  const all = [s.single, s.part1, s.part2];
  const taken = await t.db().select().from(allocations).where(inArray(allocations.orderId, all));
  expect(taken.map((a) => [a.paymentId, a.orderId, a.amount]).sort()).toEqual(
    [
      [s.elsewhere.id, s.single, 30000],
      [s.transfer.id, s.part1, 12000],
      [s.transfer.id, s.part2, 18000],
    ].sort(),
  );
  const after = await t.db().select().from(orders).where(inArray(orders.id, all));
  expect(after.map((o) => [o.id, o.status, o.paidAmount]).sort()).toEqual(
    [
      [s.single, "paid", 30000],
      [s.part1, "paid", 12000],
      [s.part2, "paid", 18000],
    ].sort(),
  );
  // One decision written for the transfer: a stale one was never stored, not even as "left unmatched".
  const trail = await t.db().select({ action: auditEvents.action }).from(auditEvents).where(and(eq(auditEvents.merchantId, s.m.merchantId), eq(auditEvents.subjectId, s.transfer.id)));
  expect(trail.map((e) => e.action).sort()).toEqual(["allocation.created", "allocation.created", "payment.matched"]);
  const [chain] = await verifyAuditChains(t.db(), { merchantId: s.m.merchantId });
  expect(chain.broken).toBeNull();
}

describe(`matching racing another writer for an order (${process.env.TEST_DB})`, () => {
  it("an order paid elsewhere just before a chunk locks it is not taken: the chunk leaves the payment out and it is decided alone on the pair", async () => {
    const s = await singleOrPair();
    await matchTransferAndCheck(s, [[1, async () => void expect(await matchPayment(t.db(), { paymentId: s.elsewhere.id })).toBe("matched")]]);
    expect(locking.calls[0]).toEqual([s.single]);
  });

  it("an order paid elsewhere just before a lone decision locks it is not taken: nothing is written and the next look matches the pair", async () => {
    const s = await singleOrPair();
    await matchTransferAndCheck(s, [
      // The chunk's lock fails (as a lock timeout would): the payment is decided alone, on the pool read before…
      [1, async () => Promise.reject(new Error("test: lock timeout"))],
      // …and just before that lone decision locks the single order, another connection pays it by its reference.
      [2, async () => void expect(await matchPayment(t.db(), { paymentId: s.elsewhere.id })).toBe("matched")],
    ]);
    expect(locking.calls.slice(0, 2)).toEqual([[s.single], [s.single]]);
  });
});
