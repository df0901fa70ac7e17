// `npx tsx lib/cli/bench-report.ts [--payments 1000000] [--month 2024-03] [--out /tmp/ldxp-reconciliation-bench.xlsx] [--keep]`:
// the reconciliation XLSX at scale. Seeds one merchant's month with set-based SQL (insert … select
// generate_series: orders, payments on three channels, allocations, 1 % refunds), then streams the
// workbook to a file as a download does (in one read-only snapshot) and prints the time, this
// process's CPU seconds (with the load average: the machine may be shared) and the peak RSS while
// writing. Use the configured database:
// with DATABASE_URL (PostgreSQL) the RSS is the report process alone; on embedded PGlite the
// database's own memory is in the same process and counts too.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import { finished } from "node:stream/promises";
import { parseArgs } from "node:util";
import { eq, inArray, sql } from "drizzle-orm";
import { encryptSecret } from "@/lib/crypto/secrets";
import { closeDb, getDbHandle, type Db } from "@/lib/db/client";
import { allocations, channelAccounts, merchants, orders, payments, refunds } from "@/lib/db/schema";
import { writeReconciliationXlsx } from "@/lib/services/report-xlsx";
import { getReportContext, inReportSnapshot } from "@/lib/services/reports";
import { addDays } from "@/lib/core/reports";

const { values } = parseArgs({
  options: {
    payments: { type: "string", default: "1000000" },
    month: { type: "string", default: "2024-03" },
    out: { type: "string", default: "/tmp/ldxp-reconciliation-bench.xlsx" },
    keep: { type: "boolean", default: false },
  },
});
const n = Number(values.payments);
if (!Number.isSafeInteger(n) || n < 1) throw new Error("--payments must be a positive integer");
const month = values.month!;
if (!/^\d{4}-\d{2}$/.test(month)) throw new Error("--month must be YYYY-MM");
const from = `${month}-01`;
const [year, mon] = month.split("-").map(Number);
const to = addDays(mon === 12 ? `${year + 1}-01-01` : `${year}-${String(mon + 1).padStart(2, "0")}-01`, -1);

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

async function createMerchant(db: Db) {
  const run = crypto.randomBytes(3).toString("hex").toUpperCase();
  const [m] = await db.insert(merchants).values({ name: `基准商户 ${run}` }).returning();
  return { id: m.id, run };
}

async function seed(db: Db, m: { id: string; run: string }) {
  const { run } = m;
  const accounts = await db
    .insert(channelAccounts)
    .values(
      (["alipay", "wechatpay", "bank"] as const).map((channel) => ({
        merchantId: m.id,
        channel,
        name: `bench ${channel}`,
        credentialsEnc: encryptSecret("{}"),
      })),
    )
    .returning();
  const acct = Object.fromEntries(accounts.map((a) => [a.channel, a.id]));
  // Local month start in Beijing (UTC+8): payments spread evenly over 28 days so every one is in range.
  const start = new Date(`${from}T00:00:00+08:00`).toISOString();
  const t0 = performance.now();
  await db.execute(sql`
    insert into ${orders} (merchant_id, reference, order_no, source, amount, status, paid_amount)
    select ${m.id}::uuid, ${`BN${run}`} || lpad(i::text, 8, '0'), 'BENCH-' || i,
           (array['web','douyin','taobao'])[1 + i % 3]::order_source, 100 + (i * 7919) % 100000, 'paid', 100 + (i * 7919) % 100000
    from generate_series(1::bigint, ${n}::bigint) as i where i % 20 <> 0`);
  await db.execute(sql`
    insert into ${payments} (merchant_id, channel_account_id, channel, origin, channel_transaction_id, dedupe_key, amount,
                             received_at, status, allocated_amount, match_method, confidence, match_checked_at, payer_name, memo)
    select ${m.id}::uuid,
           (array[${acct.alipay}, ${acct.wechatpay}, ${acct.bank}])[1 + i % 3]::uuid,
           (array['alipay','wechatpay','bank'])[1 + i % 3]::channel, 'notify', 'BT' || i, 'BT' || i,
           100 + (i * 7919) % 100000,
           ${start}::timestamptz + (i::float8 * 28 * 86400 / ${n}) * interval '1 second',
           (case when i % 20 = 0 then 'unmatched' else 'matched' end)::payment_status,
           case when i % 20 = 0 then 0 else 100 + (i * 7919) % 100000 end,
           case when i % 20 = 0 then null else 'reference' end, 1, now(), '付款人' || (i % 1000), '货款 ' || i
    from generate_series(1::bigint, ${n}::bigint) as i`);
  // Statistics for the join below; without them the planner takes the new rows for none.
  await db.execute(sql`analyze ${orders}`);
  await db.execute(sql`analyze ${payments}`);
  await db.execute(sql`
    insert into ${allocations} (merchant_id, payment_id, order_id, amount, method)
    select ${m.id}::uuid, p.id, o.id, p.allocated_amount, 'reference'
    from ${payments} p join ${orders} o on o.merchant_id = p.merchant_id and o.order_no = 'BENCH-' || substr(p.channel_transaction_id, 3)
    where p.merchant_id = ${m.id}::uuid and p.allocated_amount > 0`);
  await db.execute(sql`
    insert into ${refunds} (merchant_id, payment_id, channel_refund_id, amount, refunded_at)
    select ${m.id}::uuid, p.id, 'RF-' || p.channel_transaction_id, p.amount / 2, p.received_at + interval '1 day'
    from ${payments} p where p.merchant_id = ${m.id}::uuid and p.allocated_amount > 0 and substr(p.channel_transaction_id, 3)::bigint % 100 = 1`);
  // Fresh statistics, as autovacuum would have them on a live database; without them the planner
  // takes the freshly filled tables for empty.
  await db.execute(sql`analyze`);
  console.log(`seeded ${n} payments in ${((performance.now() - t0) / 1000).toFixed(1)} s (merchant ${m.id})`);
}

async function cleanup(db: Db, merchantId: string) {
  await db.delete(refunds).where(eq(refunds.merchantId, merchantId));
  await db.delete(allocations).where(eq(allocations.merchantId, merchantId));
  await db.delete(payments).where(eq(payments.merchantId, merchantId));
  await db.delete(orders).where(eq(orders.merchantId, merchantId));
  const ids = (await db.select({ id: channelAccounts.id }).from(channelAccounts).where(eq(channelAccounts.merchantId, merchantId))).map((a) => a.id);
  if (ids.length) await db.delete(channelAccounts).where(inArray(channelAccounts.id, ids));
  await db.delete(merchants).where(eq(merchants.id, merchantId));
}

const { db, driver } = await getDbHandle();
console.log(`database: ${driver}; ${n} payments in ${from} … ${to}`);
const merchant = await createMerchant(db);
const merchantId = merchant.id;
try {
  await seed(db, merchant);
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  let peakHeap = 0;
  let peakExternal = 0;
  const sampler = setInterval(() => {
    const u = process.memoryUsage();
    peak = Math.max(peak, u.rss);
    peakHeap = Math.max(peakHeap, u.heapUsed);
    peakExternal = Math.max(peakExternal, u.external + u.arrayBuffers);
  }, 25);
  const started = performance.now();
  const cpu = process.cpuUsage();
  const ctx = await getReportContext(db, merchantId, { from, to, channel: null, source: null });
  const file = fs.createWriteStream(values.out!);
  // The download's path: every pass in one read-only snapshot (none on PGlite).
  await inReportSnapshot(db, (tx) => writeReconciliationXlsx(tx, ctx, file, { generatedAt: new Date() }));
  await finished(file);
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  console.log(
    `xlsx: ${values.out} ${mb(fs.statSync(values.out!).size)} in ${seconds.toFixed(1)} s; this process's CPU ${((used.user + used.system) / 1e6).toFixed(1)} s (load average ${os.loadavg()[0].toFixed(1)})`,
  );
  console.log(`rss: ${mb(baseline)} before, peak ${mb(peak)} while writing (+${mb(peak - baseline)}); peak JS heap ${mb(peakHeap)}, buffers ${mb(peakExternal)}`);
} finally {
  if (!values.keep) await cleanup(db, merchantId);
  await closeDb();
}
