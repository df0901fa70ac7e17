// `npx tsx lib/cli/bench-bulk.ts [--sizes 100000,300000,1000000] [--json out.json]`: bulk statement matching.
// For each size N on PostgreSQL (DATABASE_URL, default the local server's `ldxp_bench` database, created
// afresh): N open orders with real check-charactered references, then a CMB statement of N credits whose
// 用途 carries one reference each, imported through importStatement (parse, record, match, mark the
// orders paid, audit). In the same run, on the same server, the hand-written baseline of the matching
// issue: COPY of the lines (reference already in a column) + one INSERT … SELECT joining them to the
// orders by reference + one UPDATE of the orders' status, on a table with fillfactor 70.
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { and, count, eq, sql } from "drizzle-orm";
import pg from "pg";
import { generateReference } from "@/lib/core/reference";
import { closeDb, getDbHandle, rowsOf, type Db } from "@/lib/db/client";
import { orders } from "@/lib/db/schema";
import { createChannelAccount } from "@/lib/services/channel-accounts";
import { signup } from "@/lib/services/signup";
import { importStatement } from "@/lib/services/statements";
import { freshDatabase } from "./bench/common";

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "100000,300000,1000000" },
    json: { type: "string" },
    database: { type: "string", default: "ldxp_bench" },
  },
});
const sizes = values.sizes!.split(",").map(Number);
if (sizes.some((n) => !Number.isSafeInteger(n) || n < 1)) throw new Error("--sizes: positive integers, comma separated");

const seconds = (ms: number) => Number((ms / 1000).toFixed(2));

/**
 * N distinct references that no order in the database has yet, as checkout would hand them out. The
 * run's earlier sizes leave their orders behind, and a million random references meet one of them
 * now and then (orders.reference is unique across merchants).
 */
async function references(db: Db, n: number): Promise<string[]> {
  const fresh = new Set<string>();
  for (;;) {
    while (fresh.size < n) fresh.add(generateReference((k) => crypto.randomBytes(k)));
    // References are letters and digits only: the array literal needs no quoting.
    const taken = rowsOf<{ reference: string }>(
      await db.execute(sql`select reference from ${orders} where reference = any(${`{${[...fresh].join(",")}}`}::text[])`),
    );
    if (!taken.length) return [...fresh];
    for (const t of taken) fresh.delete(t.reference);
  }
}

async function insertOrders(db: Db, merchantId: string, refs: string[], amounts: number[]) {
  const createdAt = new Date(Date.now() - 86_400_000).toISOString();
  for (let i = 0; i < refs.length; i += 20_000) {
    const rows = refs.slice(i, i + 20_000).map((reference, j) => ({ reference, order_no: `BULK-${i + j}`, amount: amounts[i + j] }));
    await db.execute(sql`
      insert into ${orders} (merchant_id, reference, order_no, source, amount, status, created_at, updated_at)
      select ${merchantId}::uuid, reference, order_no, 'web', amount, 'pending', ${createdAt}::timestamptz, ${createdAt}::timestamptz
      from json_to_recordset(${JSON.stringify(rows)}::json) as x(reference text, order_no text, amount bigint)`);
  }
  await db.execute(sql`analyze ${orders}`);
}

const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, "0")}`;

/** A compact CMB export: the columns the parser maps, one credit per order. */
function cmbStatement(refs: string[], amounts: number[]): Buffer {
  const rows = ["交易日期,交易时间,借方金额,贷方金额,流水号,收(付)方名称,收(付)方帐号,用途"];
  refs.forEach((ref, i) => {
    rows.push(`20261124,${String(8 + (i % 12)).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}:00,,${yuan(amounts[i])},S${String(i).padStart(9, "0")},付款人${i % 997},62220000${String(i).padStart(8, "0")},货款${ref}`);
  });
  return Buffer.from(rows.join("\r\n") + "\r\n", "utf8");
}

async function ours(db: Db, n: number) {
  const session = await signup(db, { merchantName: `批量基准 ${n}`, email: `bulk-${n}-${crypto.randomBytes(3).toString("hex")}@example.cn`, password: "benchmark password" });
  const merchantId = session.merchantId;
  const account = await createChannelAccount(db, {
    merchantId,
    actor: { type: "system", id: null },
    channel: "bank",
    name: "招商银行 对公户",
    credentials: { bankName: "招商银行", accountNo: "755900000000001" },
  });
  const refs = await references(db, n);
  const amounts = refs.map((_, i) => 100 + ((i * 7919) % 500_000));
  await insertOrders(db, merchantId, refs, amounts);
  const bytes = cmbStatement(refs, amounts);
  const started = performance.now();
  const result = await importStatement(db, {
    merchantId,
    channelAccountId: account.id,
    format: "cmb-csv",
    bytes,
    actor: { type: "system", id: null },
    now: new Date(),
  });
  const ms = performance.now() - started;
  const [paid] = await db.select({ n: count() }).from(orders).where(and(eq(orders.merchantId, merchantId), eq(orders.status, "paid")));
  if (result.imported !== n || result.matched !== n || paid.n !== n) {
    throw new Error(`ours(${n}): imported ${result.imported}, matched ${result.matched}, orders paid ${paid.n}`);
  }
  return { ms, refs, amounts, fileMb: bytes.length / 1024 / 1024, merchantId, accountId: account.id, statementId: result.statementId };
}

/**
 * The schema's floor: one INSERT … SELECT of N payment rows (every column the import writes) into the
 * real payments table, with its indexes and triggers, rolled back. No parsing, no matching: what
 * recording the lines costs at the least on this schema, to set beside the baseline's bare table.
 */
async function schemaFloor(url: string, n: number, ids: { merchantId: string; accountId: string; statementId: string }) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query("begin");
  const started = performance.now();
  await client.query(
    `insert into payments (merchant_id, channel_account_id, channel, origin, channel_transaction_id, dedupe_key, amount, currency, received_at,
       payer_name, payer_account_enc, payer_account_masked, memo, statement_id, details, status, allocated_amount, match_method, confidence,
       match_checked_at)
     select $1, $2, 'bank', 'statement', 'F' || i, 'floor:' || i, 100 + i, 'CNY', now(), '付款人' || (i % 997),
       'v1.00000000.' || repeat('x', 80) || '.' || repeat('y', 16) || '.' || repeat('z', 30), '622****' || lpad((i % 10000)::text, 4, '0'),
       '货款' || i, $3, jsonb_build_object('statementLine', i, 'bookedDate', '2026-11-24',
         'raw', jsonb_build_array('20261124', '10:00:00', '1.00', 'F' || i, '付款人' || (i % 997), '622****' || lpad((i % 10000)::text, 4, '0'), '货款' || i)),
       'matched', 100 + i, 'reference_in_memo', 1, now()
     from generate_series(1, $4::int) as i`,
    [ids.merchantId, ids.accountId, ids.statementId, n],
  );
  const ms = performance.now() - started;
  await client.query("rollback");
  await client.end();
  return { ms };
}

/**
 * The floor of the recording proposed for bulk-matched lines (BENCHMARKS.md §3): the CMB file itself
 * COPYed as text lines into a staging table, sealed once as a whole (payer names, accounts and memos
 * then live only in it), each line parsed in SQL and joined to its order by the reference in its
 * memo into a narrow per-statement table (line, order, amount, serial, time), and the orders marked
 * paid (HOT, with their open_orders rows removed by the trigger) — on the real orders table, for a
 * merchant of its own with N fresh orders, then rolled back. No payments or allocations rows, no
 * deduplication against earlier imports, no audit event, slot totals or storefront events: what the
 * job would cost at the least if lines were kept that way and payment rows built when read.
 */
async function narrowFloor(db: Db, url: string, n: number) {
  const merchant = await signup(db, { merchantName: `批量基准 窄表 ${n}`, email: `bulk-narrow-${n}-${crypto.randomBytes(3).toString("hex")}@example.cn`, password: "benchmark password" });
  const refs = await references(db, n);
  const amounts = refs.map((_, i) => 100 + ((i * 7919) % 500_000));
  await insertOrders(db, merchant.merchantId, refs, amounts);
  const bytes = cmbStatement(refs, amounts);
  const file = path.join(os.tmpdir(), `ldxp-bulk-narrow-${process.pid}.csv`);
  fs.writeFileSync(file, bytes);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`drop table if exists narrow_stage`);
  await client.query(`create unlogged table narrow_stage (line text)`);
  const started = performance.now();
  execFileSync("psql", [url, "-q", "-v", "ON_ERROR_STOP=1", "-c", `\\copy narrow_stage from '${file}' with (format text, delimiter E'\\x01')`]);
  const key = crypto.randomBytes(32);
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", key, iv);
  const sealed = Buffer.concat([iv, cipher.update(bytes), cipher.final(), cipher.getAuthTag()]);
  await client.query("begin");
  await client.query("set local jit = off; set local work_mem = '64MB'");
  await client.query(`create temp table narrow_file (sealed bytea not null) on commit drop`);
  await client.query(`insert into narrow_file values ($1)`, [sealed]);
  await client.query(`create temp table narrow_matches (line_no int primary key, order_id uuid not null, amount bigint not null, serial text not null, received_at timestamptz not null) on commit drop`);
  const matched = await client.query(
    `insert into narrow_matches
     select l.line_no, o.id, l.amount, l.serial, l.received_at
     from (select line_no, split_part(line, ',', 5) as serial, round(split_part(line, ',', 4)::numeric * 100)::bigint as amount,
             to_timestamp(split_part(line, ',', 1) || ' ' || split_part(line, ',', 2), 'YYYYMMDD HH24:MI:SS') at time zone 'Asia/Shanghai' as received_at,
             substring(split_part(line, ',', 8) from '[0-9A-Z]{10}') as reference
           from (select row_number() over () as line_no, line from narrow_stage) x where line_no > 1) l
     join orders o on o.reference = l.reference and o.merchant_id = $1 and o.amount = l.amount and o.status = 'pending' and o.paid_amount = 0`,
    [merchant.merchantId],
  );
  const paid = await client.query(
    `update orders o set status = 'paid', paid_amount = m.amount, paid_at = now(), updated_at = now() from narrow_matches m where o.id = m.order_id`,
  );
  const ms = performance.now() - started;
  await client.query("rollback");
  await client.query(`drop table narrow_stage`);
  await client.end();
  fs.rmSync(file, { force: true });
  if (matched.rowCount !== n || paid.rowCount !== n) throw new Error(`narrow floor(${n}): matched ${matched.rowCount}, paid ${paid.rowCount}`);
  return { ms };
}

/** The least work the job can do: COPY the lines, one INSERT … SELECT join, one UPDATE. */
async function baseline(url: string, refs: string[], amounts: number[]) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`drop table if exists base_orders, base_lines, base_payments`);
  await client.query(`create table base_orders (id bigserial primary key, reference text not null unique, amount bigint not null, status text not null default 'pending', paid_amount bigint not null default 0) with (fillfactor = 70)`);
  await client.query(`create table base_lines (serial text not null, amount bigint not null, reference text)`);
  await client.query(`create table base_payments (id bigserial primary key, serial text not null unique, order_id bigint not null references base_orders(id), amount bigint not null)`);
  for (let i = 0; i < refs.length; i += 50_000) {
    await client.query(`insert into base_orders (reference, amount) select * from unnest($1::text[], $2::bigint[])`, [refs.slice(i, i + 50_000), amounts.slice(i, i + 50_000)]);
  }
  await client.query(`analyze base_orders`);
  const file = path.join(os.tmpdir(), `ldxp-bulk-baseline-${process.pid}.csv`);
  fs.writeFileSync(file, refs.map((r, i) => `S${i},${amounts[i]},${r}`).join("\n") + "\n");
  await client.end();
  const started = performance.now();
  execFileSync("psql", [url, "-q", "-v", "ON_ERROR_STOP=1", "-c", `\\copy base_lines from '${file}' csv`]);
  const after = new pg.Client({ connectionString: url });
  await after.connect();
  await after.query(`insert into base_payments (serial, order_id, amount) select l.serial, o.id, l.amount from base_lines l join base_orders o on o.reference = l.reference`);
  await after.query(`update base_orders o set status = 'paid', paid_amount = p.amount from base_payments p where p.order_id = o.id`);
  const ms = performance.now() - started;
  await after.query(`drop table base_payments, base_lines, base_orders`);
  await after.end();
  fs.rmSync(file, { force: true });
  return { ms };
}

async function main() {
  const url = process.env.DATABASE_URL ?? (await freshDatabase(values.database!));
  process.env.DATABASE_URL = url;
  process.env.LOG_LEVEL ??= "silent";
  const { db, driver } = await getDbHandle();
  console.log(`database: ${driver}; node ${process.version}; ${os.cpus().length} cores`);
  const results = [];
  for (const n of sizes) {
    const mine = await ours(db, n);
    const base = await baseline(url, mine.refs, mine.amounts);
    const floor = await schemaFloor(url, n, mine);
    const narrow = await narrowFloor(db, url, n);
    const row = {
      lines: n,
      fileMb: Number(mine.fileMb.toFixed(1)),
      oursS: seconds(mine.ms),
      baselineS: seconds(base.ms),
      ratio: Number((mine.ms / base.ms).toFixed(2)),
      linesPerS: Math.round(n / (mine.ms / 1000)),
      schemaFloorS: seconds(floor.ms),
      narrowFloorS: seconds(narrow.ms),
    };
    results.push(row);
    console.log(
      `${String(n).padStart(8)} lines (${row.fileMb} MB): ours ${row.oursS} s, baseline ${row.baselineS} s, ratio ${row.ratio}×, ${row.linesPerS} lines/s; payments INSERT … SELECT alone ${row.schemaFloorS} s; narrow recording floor ${row.narrowFloorS} s (${(row.narrowFloorS / row.baselineS).toFixed(2)}×)`,
    );
  }
  if (values.json) fs.writeFileSync(values.json, JSON.stringify({ driver, results }, null, 2));
  await closeDb();
}

await main();
