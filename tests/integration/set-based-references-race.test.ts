// The set-based reference checks (drizzle/0009_set_based_references.sql) lock what a new row names, as a
// foreign key does: two connections at once, so PostgreSQL and Neon only (PGlite has one connection).
import { sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgErrorCode } from "@/lib/db/errors";
import { bankMerchant } from "../helpers/api";
import { someoneWaitsForALock } from "../helpers/locks";
import { setupTestDatabase } from "../helpers/test-db";

const t = setupTestDatabase();

let other: pg.Client;
beforeAll(async () => {
  other = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await other.connect();
});
afterAll(async () => {
  await other?.end();
});

const paymentNaming = (merchantId: string, accountId: string, key: string) => ({
  text: `insert into payments (merchant_id, channel_account_id, channel, origin, channel_transaction_id, dedupe_key, amount, received_at)
         values ($1, $2, 'bank', 'manual', $3, $3, 100, now())`,
  values: [merchantId, accountId, key],
});

async function errorOf(work: Promise<unknown>) {
  return work.then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe(`set-based references under concurrency (${process.env.TEST_DB})`, () => {
  it("an account named by an uncommitted payment cannot be deleted meanwhile, nor once that payment is committed", async () => {
    const m = await bankMerchant();
    await other.query("begin");
    const q = paymentNaming(m.merchantId, m.bankId, "RACE-1");
    await other.query(q.text, q.values);
    // The delete must wait for the payment's transaction: it gives up after its lock timeout.
    const waited = await errorOf(
      t.db().transaction(async (tx) => {
        await tx.execute(sql`set local lock_timeout = '300ms'`);
        await tx.execute(sql`delete from channel_accounts where id = ${m.bankId}`);
      }),
    );
    expect(pgErrorCode(waited)).toBe("55P03");
    await other.query("commit");
    const after = await errorOf(t.db().execute(sql`delete from channel_accounts where id = ${m.bankId}`));
    expect(pgErrorCode(after)).toBe("23503");
  });

  it("a payment naming an account that another transaction deletes waits for it, then is refused", async () => {
    const m = await bankMerchant();
    await other.query("begin");
    await other.query(`delete from channel_accounts where id = $1`, [m.bankId]);
    const inserting = errorOf(
      t.db().execute(sql`insert into payments (merchant_id, channel_account_id, channel, origin, channel_transaction_id, dedupe_key, amount, received_at)
        values (${m.merchantId}, ${m.bankId}, 'bank', 'manual', 'RACE-2', 'RACE-2', 100, now())`),
    );
    // The insert's check waits for the deleting transaction's lock on the account…
    await someoneWaitsForALock(other, "the account's lock");
    // …and, once the account is gone, finds nothing to name.
    await other.query("commit");
    const error = await inserting;
    expect(pgErrorCode(error)).toBe("23503");
    const { rows } = await other.query(`select count(*)::int as n from payments where dedupe_key = 'RACE-2'`);
    expect(rows[0].n).toBe(0);
  });
});
