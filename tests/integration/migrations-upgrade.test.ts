import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { auditHash, type AuditRecord } from "@/lib/core/audit/chain";
import { readConfig } from "@/lib/config/env";
import { openDatabase, rowsOf, type DbHandle } from "@/lib/db/client";
import { DatabaseLockedError } from "@/lib/db/lock";
import { appendAuditEvents, SYSTEM } from "@/lib/db/queries/audit";
import { verifyAuditChains } from "@/lib/services/audit-verify";

// A merchant's database written by the release before the board's slot totals and the audit chain's
// chain_seq (migrations 0000–0002), then upgraded with every migration since: its audit chain, hashed in
// id order back then, still verifies, new events link after it, and the board's totals hold what its
// payments hold. Both releases' migrations go through the app's own openDatabase on each project's driver.
const mode = process.env.TEST_DB ?? "pglite";
const FIRST_RELEASE_MIGRATIONS = 3;
const ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** drizzle/ as the earlier release shipped it: its first migrations and a journal listing only those. */
function earlierMigrations(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ldxp-migrations-"));
  const journal = JSON.parse(fs.readFileSync("drizzle/meta/_journal.json", "utf8")) as { entries: { tag: string }[] };
  journal.entries = journal.entries.slice(0, FIRST_RELEASE_MIGRATIONS);
  fs.mkdirSync(path.join(dir, "meta"));
  fs.writeFileSync(path.join(dir, "meta", "_journal.json"), JSON.stringify(journal));
  for (const e of journal.entries) fs.copyFileSync(path.join("drizzle", `${e.tag}.sql`), path.join(dir, `${e.tag}.sql`));
  return dir;
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** This project's kind of database, empty: a PGlite directory (it must outlive one open) or a new PostgreSQL database. */
async function emptyDatabaseConfig() {
  if (mode === "pglite") {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ldxp-upgrade-"));
    cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
    return readConfig({ ...process.env, DATABASE_URL: "", PGLITE_DIR: dir, LDXP_DATA_DIR: dir });
  }
  const name = `ldxp_upgrade_${crypto.randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  cleanups.push(async () => {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  });
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return readConfig({
    ...process.env,
    DATABASE_URL: url.toString(),
    DATABASE_DRIVER: mode === "neon" ? "neon" : "postgres",
    NEON_WS_PROXY: mode === "neon" ? inject("neonProxy") : "",
  });
}

async function opened(handle: Promise<DbHandle>) {
  const h = await handle;
  cleanups.push(() => h.close());
  return h;
}

describe("upgrading a database from the first release's schema", () => {
  it("keeps the audit chain verifiable, links new events after it and backfills the board's slot totals and the open orders", async () => {
    const config = await emptyDatabaseConfig();
    const earlier = await openDatabase(config, earlierMigrations());
    const db = earlier.db;

    const merchantId = crypto.randomUUID();
    const accountId = crypto.randomUUID();
    await db.execute(sql`insert into merchants (id, name) values (${merchantId}, '升级商户')`);
    await db.execute(sql`insert into channel_accounts (id, merchant_id, channel, name, credentials_enc) values (${accountId}, ${merchantId}, 'alipay', 'a', 'sealed')`);
    // Payments across slots and statuses, two in one 15-minute slot, one partly refunded.
    await db.execute(sql`
      insert into payments (merchant_id, channel_account_id, channel, origin, channel_transaction_id, dedupe_key, amount, received_at, status, allocated_amount, refunded_amount)
      values (${merchantId}, ${accountId}, 'alipay', 'notify', 'T1', 'T1', 12800, '2026-11-20T01:02:00Z', 'matched', 12800, 0),
             (${merchantId}, ${accountId}, 'alipay', 'notify', 'T2', 'T2', 500, '2026-11-20T01:14:59Z', 'matched', 500, 200),
             (${merchantId}, ${accountId}, 'alipay', 'notify', 'T3', 'T3', 999, '2026-11-20T01:15:00Z', 'unmatched', 0, 0),
             (${merchantId}, ${accountId}, 'alipay', 'notify', 'T4', 'T4', 7, '2026-11-21T16:00:00Z', 'ignored', 0, 0)`);
    // Orders open and settled: the upgrade lists the open ones for reference-less matching.
    await db.execute(sql`
      insert into orders (merchant_id, reference, order_no, source, amount, status, paid_amount)
      values (${merchantId}, 'UPGRADE001', 'U-1', 'web', 1000, 'pending', 0),
             (${merchantId}, 'UPGRADE002', 'U-2', 'web', 1000, 'partially_paid', 400),
             (${merchantId}, 'UPGRADE003', 'U-3', 'web', 1000, 'paid', 1000)`);
    // The first release chained events in id order, holding the merchant lock.
    let prev: string | null = null;
    for (let i = 1; i <= 5; i++) {
      const record: AuditRecord = {
        merchantId,
        actorType: "system",
        actorId: null,
        action: "payment.recorded",
        subjectType: "payment",
        subjectId: `T${i}`,
        before: null,
        after: { amount: i * 100, note: "首版" },
        createdAt: new Date(Date.UTC(2026, 10, 20, 1, i)).toISOString(),
      };
      const hash = await auditHash(prev, record);
      await db.execute(sql`
        insert into audit_events (merchant_id, actor_type, actor_id, action, subject_type, subject_id, before, after, prev_hash, hash, created_at)
        values (${merchantId}, 'system', null, ${record.action}, 'payment', ${record.subjectId}, null, ${JSON.stringify(record.after)}::jsonb, ${prev}, ${hash}, ${record.createdAt})`);
      prev = hash;
    }

    await earlier.close();
    const { db: upgraded } = await opened(openDatabase(config));

    const [before] = await verifyAuditChains(upgraded, { merchantId });
    expect(before).toMatchObject({ events: 5, unchained: 0, broken: null });
    await upgraded.transaction((tx) => appendAuditEvents(tx, merchantId, SYSTEM, [{ action: "payment.ignored", subjectType: "payment", subjectId: "T4" }]));
    const [after] = await verifyAuditChains(upgraded, { merchantId });
    expect(after).toMatchObject({ events: 6, unchained: 0, broken: null });

    const totals = rowsOf<{ slot: string; status: string; count: string; gross: string; refunded: string }>(
      await upgraded.execute(sql`
        select to_char(slot_start at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as slot, status::text, sum(count)::text as count,
               sum(gross_amount)::text as gross, sum(refunded_amount)::text as refunded
        from payment_slot_totals where merchant_id = ${merchantId} group by 1, 2 order by 1, 2`),
    ).map((r) => [r.slot, r.status, Number(r.count), Number(r.gross), Number(r.refunded)]);
    expect(totals).toEqual([
      ["2026-11-20 01:00", "matched", 2, 13300, 200],
      ["2026-11-20 01:15", "unmatched", 1, 999, 0],
      ["2026-11-21 16:00", "ignored", 1, 7, 0],
    ]);

    // Filled in by 0008 from the orders open then, their full amounts by 0013.
    const open = rowsOf<{ reference: string; same_amount: boolean }>(
      await upgraded.execute(
        sql`select o.reference, oo.amount = o.amount as same_amount from open_orders oo join orders o on o.id = oo.order_id where oo.merchant_id = ${merchantId} order by 1`,
      ),
    );
    expect(open).toEqual([
      { reference: "UPGRADE001", same_amount: true },
      { reference: "UPGRADE002", same_amount: true },
    ]);
  });
});

describe("two instances starting on one database", () => {
  it("migrate one at a time on a shared server: both open, the schema applied once; PGlite's directory is one process's", async () => {
    const config = await emptyDatabaseConfig();
    if (mode === "pglite") {
      // An embedded database belongs to one process: with its directory held by another live process (the
      // test runner's own parent stands in for it), an open is refused rather than migrating beside it.
      const dir = config.pgliteDir;
      const lockFile = `${dir.replace(/[\\/]+$/, "")}.lock`;
      fs.writeFileSync(lockFile, String(process.ppid));
      await expect(openDatabase(config)).rejects.toThrow(DatabaseLockedError);
      fs.rmSync(lockFile, { force: true });
      return;
    }
    const [a, b] = await Promise.all([openDatabase(config), openDatabase(config)]);
    try {
      const applied = rowsOf<{ n: string }>(await a.db.execute(sql`select count(*)::text as n from drizzle.__drizzle_migrations`));
      const journal = JSON.parse(fs.readFileSync("drizzle/meta/_journal.json", "utf8")) as { entries: unknown[] };
      expect(Number(applied[0].n)).toBe(journal.entries.length);
      expect(rowsOf(await b.db.execute(sql`select 1 as ok from payment_slot_totals limit 1`))).toEqual([]);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
