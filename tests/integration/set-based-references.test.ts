// The references of payments and allocations are checked by statement-level triggers instead of foreign
// keys (drizzle/0009_set_based_references.sql): every guarantee the foreign keys gave must still hold.
import crypto from "node:crypto";
import { count, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { pgErrorCode } from "@/lib/db/errors";
import { allocations, orders, payments } from "@/lib/db/schema";
import { CMB_HEADER, buildCsv, cmbCredit } from "../fixtures/statements/cn-exports";
import { bankMerchant, createOrder, importCmbStatement } from "../helpers/api";
import { setupTestDatabase } from "../helpers/test-db";

const t = setupTestDatabase();

/** Runs a statement that must break the named reference: SQLSTATE 23503 under the former constraint's name. */
async function refused(statement: ReturnType<typeof sql>, constraint: string) {
  let error: unknown;
  await t
    .db()
    .execute(statement)
    .catch((e: unknown) => (error = e));
  expect(pgErrorCode(error)).toBe("23503");
  expect(String((error as { cause?: unknown }).cause ?? error)).toContain(constraint);
}

const insertPayment = (p: { merchantId: string; accountId: string; statementId?: string | null; key: string }) => sql`
  insert into payments (merchant_id, channel_account_id, channel, origin, channel_transaction_id, dedupe_key, amount, received_at, statement_id)
  values (${p.merchantId}, ${p.accountId}, 'bank', 'manual', ${p.key}, ${p.key}, 100, now(), ${p.statementId ?? null})`;

let m: Awaited<ReturnType<typeof bankMerchant>>;
let other: Awaited<ReturnType<typeof bankMerchant>>;
let paid: { paymentId: string; orderId: string; statementId: string };
let paymentCount: number;

beforeAll(async () => {
  m = await bankMerchant();
  other = await bankMerchant();
  const order = await createOrder(m.apiKey, { amount: 5100, channel: "bank" });
  const csv = buildCsv(CMB_HEADER, [
    cmbCredit({ date: "20261124", time: "09:00:00", credit: "51.00", serial: "REF-1", memo: `货款${order.reference}`, payer: "张三", account: "6225880123456789" }),
  ]);
  const res = await importCmbStatement(m.apiKey, m.bankId, csv);
  expect(res.json.matched).toBe(1);
  const [allocation] = await t.db().select().from(allocations).where(eq(allocations.merchantId, m.merchantId));
  paid = { paymentId: allocation.paymentId, orderId: allocation.orderId, statementId: res.json.statementId };
  [{ n: paymentCount }] = await t.db().select({ n: count() }).from(payments);
});

describe(`references of payments and allocations (${process.env.TEST_DB})`, () => {
  it("a payment must name an account of its own merchant and an existing statement; a refused one writes nothing", async () => {
    await refused(insertPayment({ merchantId: m.merchantId, accountId: other.bankId, key: "X-1" }), "payments_channel_account_merchant_fk");
    await refused(insertPayment({ merchantId: m.merchantId, accountId: crypto.randomUUID(), key: "X-2" }), "payments_channel_account_merchant_fk");
    await refused(
      insertPayment({ merchantId: m.merchantId, accountId: m.bankId, statementId: crypto.randomUUID(), key: "X-3" }),
      "payments_statement_id_statements_id_fk",
    );
    // One bad row spoils the whole statement, as a foreign key would.
    await refused(
      sql`insert into payments (merchant_id, channel_account_id, channel, origin, channel_transaction_id, dedupe_key, amount, received_at)
          values (${m.merchantId}, ${m.bankId}, 'bank', 'manual', 'X-4', 'X-4', 100, now()),
                 (${m.merchantId}, ${other.bankId}, 'bank', 'manual', 'X-5', 'X-5', 100, now())`,
      "payments_channel_account_merchant_fk",
    );
    const [{ n }] = await t.db().select({ n: count() }).from(payments);
    expect(n).toBe(paymentCount);
    // The rightful ones go in.
    await t.db().execute(insertPayment({ merchantId: other.merchantId, accountId: other.bankId, statementId: null, key: "OK-1" }));
    await t.db().execute(insertPayment({ merchantId: m.merchantId, accountId: m.bankId, statementId: paid.statementId, key: "OK-2" }));
    await t.db().execute(sql`delete from payments where dedupe_key in ('OK-1', 'OK-2')`);
  });

  it("an allocation must name an existing payment and order", async () => {
    const allocate = (paymentId: string, orderId: string) => sql`
      insert into allocations (merchant_id, payment_id, order_id, amount, method) values (${m.merchantId}, ${paymentId}, ${orderId}, 1, 'manual')`;
    await refused(allocate(crypto.randomUUID(), paid.orderId), "allocations_payment_id_payments_id_fk");
    await refused(allocate(paid.paymentId, crypto.randomUUID()), "allocations_order_id_orders_id_fk");
    const [{ n }] = await t.db().select({ n: count() }).from(allocations).where(eq(allocations.paymentId, paid.paymentId));
    expect(n).toBe(1);
  });

  it("a named order, payment, statement or account cannot be deleted or truncated away; an unnamed one can", async () => {
    await refused(sql`delete from orders where id = ${paid.orderId}`, "allocations_order_id_orders_id_fk");
    await refused(sql`delete from payments where id = ${paid.paymentId}`, "allocations_payment_id_payments_id_fk");
    await refused(sql`delete from statements where id = ${paid.statementId}`, "payments_statement_id_statements_id_fk");
    await refused(sql`truncate statements`, "payments_statement_id_statements_id_fk");
    // An account that only payments name (no statement was imported into it).
    await t.db().execute(insertPayment({ merchantId: other.merchantId, accountId: other.bankId, key: "NAMED-1" }));
    await refused(sql`delete from channel_accounts where id = ${other.bankId}`, "payments_channel_account_merchant_fk");
    await t.db().execute(sql`delete from payments where dedupe_key = 'NAMED-1'`);

    const unpaid = await createOrder(m.apiKey, { amount: 100, channel: "bank" });
    await t.db().delete(orders).where(eq(orders.reference, unpaid.reference));
    expect(await t.db().select().from(orders).where(eq(orders.reference, unpaid.reference))).toEqual([]);
    expect(await t.db().select().from(orders).where(eq(orders.id, paid.orderId))).toHaveLength(1);
  });

  it("the keys a reference holds never change; other columns do", async () => {
    await refused(sql`update payments set statement_id = null where id = ${paid.paymentId}`, "payments_channel_account_merchant_fk");
    await refused(sql`update payments set channel_account_id = ${other.bankId}, merchant_id = ${other.merchantId} where id = ${paid.paymentId}`, "payments_channel_account_merchant_fk");
    // Writing a key's own value back is no change.
    await t.db().execute(sql`update allocations set order_id = order_id, payment_id = payment_id where payment_id = ${paid.paymentId}`);
    const spare = await createOrder(m.apiKey, { amount: 100, channel: "bank" });
    const [spareRow] = await t.db().select().from(orders).where(eq(orders.reference, spare.reference));
    await refused(sql`update allocations set order_id = ${spareRow.id} where payment_id = ${paid.paymentId}`, "allocations_payment_id_payments_id_fk");
    await refused(sql`update orders set id = ${crypto.randomUUID()} where id = ${paid.orderId}`, "allocations_order_id_orders_id_fk");
    await refused(sql`update channel_accounts set merchant_id = ${other.merchantId} where id = ${m.bankId}`, "payments_channel_account_merchant_fk");
    await t.db().update(payments).set({ memo: "checked" }).where(eq(payments.id, paid.paymentId));
    const [row] = await t.db().select().from(payments).where(eq(payments.id, paid.paymentId));
    expect(row.memo).toBe("checked");
  });
});
