// The ledger's money invariants as SQL over the whole database, shared by the model-based property
// test (tests/integration/security-invariants.test.ts) and the crash test (tests/e2e/crash.spec.ts),
// which runs them on a database a killed server left behind.

/** Runs one SQL text and returns its rows (node-postgres, PGlite or drizzle's execute, adapted by the caller). */
export type RowQuery = (text: string) => Promise<Record<string, unknown>[]>;

const CHECKS: { name: string; sql: string }[] = [
  {
    // Allocations add up to the payment's allocated amount, and never to more than the payment.
    name: "payment",
    sql: `select p.id, p.amount, p.allocated_amount, coalesce(sum(a.amount), 0)::bigint as allocated
      from payments p left join allocations a on a.payment_id = p.id
      group by p.id
      having coalesce(sum(a.amount), 0) <> p.allocated_amount or coalesce(sum(a.amount), 0) > p.amount`,
  },
  {
    // An order's paid amount is its allocations; its refunded amount is its refunds.
    name: "order",
    sql: `select o.id, o.paid_amount, o.refunded_amount,
        (select coalesce(sum(a.amount), 0) from allocations a where a.order_id = o.id)::bigint as allocated,
        (select coalesce(sum(r.amount), 0) from refunds r where r.order_id = o.id)::bigint as refunded
      from orders o
      where o.paid_amount <> (select coalesce(sum(a.amount), 0) from allocations a where a.order_id = o.id)
         or o.refunded_amount <> (select coalesce(sum(r.amount), 0) from refunds r where r.order_id = o.id)`,
  },
  {
    name: "crossMerchant",
    sql: `select a.id from allocations a join payments p on p.id = a.payment_id join orders o on o.id = a.order_id
      where a.merchant_id <> p.merchant_id or a.merchant_id <> o.merchant_id`,
  },
];

/** Every invariant; returns the violations found (empty when all hold). */
export async function moneyViolations(query: RowQuery): Promise<unknown[]> {
  const found: unknown[] = [];
  for (const check of CHECKS) found.push(...(await query(check.sql)).map((row) => ({ [check.name]: row })));
  return found;
}
