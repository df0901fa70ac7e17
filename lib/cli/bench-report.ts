// `npx tsx lib/cli/bench-report.ts [--payments 1000000] [--month 2024-03] [--out /tmp/ldxp-reconciliation-bench.xlsx] [--keep] [--merchant <id>]`:
// the reconciliation XLSX at scale. Seeds one merchant's month with set-based SQL (insert … select
// generate_series: orders, payments on three channels, allocations, 1 % refunds), then streams the
// workbook to a file as a download does (in one read-only snapshot) and prints the time, this
// process's CPU seconds (with the load average: the machine may be shared) and the peak RSS while
// writing. Use the configured database:
// with DATABASE_URL (PostgreSQL) the RSS is the report process alone; on embedded PGlite the
// database's own memory is in the same process and counts too.
import fs from "node:fs";
import os from "node:os";
import { finished } from "node:stream/promises";
import { parseArgs } from "node:util";
import { eq, inArray, sql } from "drizzle-orm";
import { closeDb, getDbHandle, rowsOf, type Db } from "@/lib/db/client";
import { allocations, channelAccounts, merchants, orders, payments, refunds } from "@/lib/db/schema";
import { writeReconciliationXlsx } from "@/lib/services/report-xlsx";
import { getReportContext, inReportSnapshot } from "@/lib/services/reports";
import { addDays } from "@/lib/core/reports";
import { seedMerchantPayments } from "./bench/seed-payments";

const { values } = parseArgs({
  options: {
    payments: { type: "string", default: "1000000" },
    month: { type: "string", default: "2024-03" },
    out: { type: "string", default: "/tmp/ldxp-reconciliation-bench.xlsx" },
    keep: { type: "boolean", default: false },
    // Reuses the month a previous `--keep` run seeded (it printed the merchant), to profile without re-seeding.
    merchant: { type: "string" },
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

async function seed(db: Db) {
  const t0 = performance.now();
  // Local month start in Beijing (UTC+8): payments spread evenly over 28 days so every one is in range.
  const start = new Date(`${from}T00:00:00+08:00`).toISOString();
  const { merchantId } = await seedMerchantPayments(db, { merchantName: "基准商户", prefix: "BT", start, days: 28, count: n, withRefunds: true });
  console.log(`seeded ${n} payments in ${((performance.now() - t0) / 1000).toFixed(1)} s (merchant ${merchantId})`);
  return merchantId;
}

/**
 * The same-run baseline: PostgreSQL's own COPY writes the month's matched details (the report's
 * largest sheet: every allocation with its payment and order) as CSV to a server-side file. It is
 * the least work a report of those rows can be — no client, no workbook — so ours over it is the
 * price of reading the rows out and writing a styled XLSX.
 */
async function copyBaseline(db: Db, merchantId: string) {
  const fromUtc = new Date(`${from}T00:00:00+08:00`).toISOString();
  const toUtc = new Date(new Date(`${to}T00:00:00+08:00`).getTime() + 86_400_000).toISOString();
  const file = `/tmp/ldxp-report-baseline-${process.pid}.csv`;
  // COPY takes no parameters; every value here is a uuid or an ISO instant this script made.
  if (!/^[0-9a-f-]{36}$/.test(merchantId)) throw new Error("unexpected merchant id");
  const started = performance.now();
  await db.execute(
    sql.raw(`copy (
      select p.received_at, p.channel, p.channel_transaction_id, p.amount, p.payer_name, o.reference, o.order_no, o.amount, a.amount, a.method
      from payments p join allocations a on a.payment_id = p.id join orders o on o.id = a.order_id
      where p.merchant_id = '${merchantId}' and p.received_at >= '${fromUtc}' and p.received_at < '${toUtc}'
      order by p.received_at, p.id
    ) to '${file}' with (format csv, header)`),
  );
  const seconds = (performance.now() - started) / 1000;
  const size = await db.execute(sql`select (pg_stat_file(${file})).size as size`);
  await db.execute(sql.raw(`copy (select 1) to '${file}'`));
  console.log(`baseline: COPY of the matched details to CSV on the server, ${mb(Number(rowsOf<{ size: string }>(size)[0].size))} in ${seconds.toFixed(3)} s`);
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
if (values.merchant !== undefined && !/^[0-9a-f-]{36}$/.test(values.merchant)) throw new Error("--merchant must be a merchant id");
const merchantId = values.merchant ?? (await seed(db));
try {
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
  if (driver !== "pglite") await copyBaseline(db, merchantId);
} finally {
  if (values.keep) console.log(`kept: rerun with --merchant ${merchantId}`);
  else await cleanup(db, merchantId);
  await closeDb();
}
