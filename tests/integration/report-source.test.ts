import { PassThrough } from "node:stream";
import ExcelJS from "exceljs";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { buildReconciliationReport, channelLabel, sourceLabel, zonedRange, type ReportAllocationRow } from "@/lib/core/reports";
import type { DbOrTx } from "@/lib/db/client";
import { merchants, payments } from "@/lib/db/schema";
import { seedMerchantPayments } from "@/lib/cli/bench/seed-payments";
import { allocationBatches, collect, paymentBatches, refundBatches, loadOpenAnomalies, writeOffBuckets, REPORT_BATCH_SIZE, type ReportQuery } from "@/lib/services/report-source";
import { getReportContext, summarizeReconciliation, type ReportContext } from "@/lib/services/reports";
import { writeReconciliationXlsx } from "@/lib/services/report-xlsx";
import { setupTestDatabase } from "../helpers/test-db";
import { seedMarch } from "../fixtures/reports/seed";

const t = setupTestDatabase();
// Escaped characters, a control character XML cannot hold, a CJK character and one outside the BMP.
const SPECIAL = `CMB<&>"'\u0001尾😀`;
let seeded: Awaited<ReturnType<typeof seedMarch>>;

beforeAll(async () => {
  seeded = await seedMarch(t.db());
  // The two March bank payments at the same microsecond as the first March payment, so pages split a
  // tie; one of them carries text XML must escape.
  await t.db().execute(sql`update ${payments} set received_at = (select min(received_at) from ${payments}
      where merchant_id = ${seeded.m.merchantId}::uuid and received_at >= '2024-02-29T16:00:00Z')
    where merchant_id = ${seeded.m.merchantId}::uuid and channel = 'bank' and received_at > '2024-03-01'`);
  await t.db().execute(sql`update ${payments} set channel_transaction_id = ${SPECIAL}
    where merchant_id = ${seeded.m.merchantId}::uuid and channel_transaction_id = 'CMB20240312001'`);
}, 60_000);

const FILTERS = [
  { channel: null, source: null },
  { channel: "alipay", source: null },
  { channel: "bank", source: null },
  { channel: null, source: "douyin" },
  { channel: null, source: "web" },
];
const query = (f: { channel: string | null; source: string | null }, from = "2024-03-01", to = "2024-03-31", timeZone = "Asia/Shanghai"): ReportQuery => ({
  merchantId: seeded.m.merchantId,
  currency: "CNY",
  ...zonedRange(from, to, timeZone),
  ...f,
});
const allocationKey = (a: ReportAllocationRow) => `${a.paymentId}/${a.orderReference}/${a.amount}/${a.receivedAt.toISOString()}/${a.paymentSource}`;

// The report's snapshot is a read-only transaction: the cursor path runs inside one.
const inTransaction = <T>(fn: (tx: DbOrTx) => Promise<T>) =>
  t.db().transaction(fn, { isolationLevel: "repeatable read", accessMode: "read only" });

// The workbook as a download writes it: every pass in the report's snapshot.
async function xlsxWorkbook(ctx: ReportContext) {
  const chunks: Buffer[] = [];
  const out = new PassThrough();
  out.on("data", (c: Buffer) => chunks.push(c));
  await inTransaction((tx) => writeReconciliationXlsx(tx, ctx, out, { generatedAt: new Date() }));
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
  return wb;
}

describe(`report source readers (${process.env.TEST_DB})`, () => {
  it("ties at one instant are on the first March instant, and the XLSX written in bulk escapes text", async () => {
    const q = query({ channel: null, source: null });
    const rows = await collect(paymentBatches(t.db(), q));
    expect(rows.filter((p) => p.receivedAt.getTime() === rows[0].receivedAt.getTime())).toHaveLength(3);
    const ctx = await getReportContext(t.db(), seeded.m.merchantId, { from: "2024-03-01", to: "2024-03-31", channel: null, source: null });
    const wb = await xlsxWorkbook(ctx);
    const texts: unknown[] = [];
    wb.getWorksheet("异常")!.eachRow((row) => texts.push(row.getCell(5).value));
    expect(texts).toContain(`CMB<&>"'尾😀`);
  });

  it("a month of several batches goes into the XLSX once and in order, its rows numbered without a gap, under a 合计 of them all", async () => {
    const { merchantId } = await seedMerchantPayments(t.db(), { merchantName: "分批商户", prefix: "XB", start: "2024-02-29T16:00:00Z", days: 28, count: 12_000 });
    const ctx = await getReportContext(t.db(), merchantId, { from: "2024-03-01", to: "2024-03-31", channel: null, source: null });
    const expected = await inTransaction((tx) => collect(allocationBatches(tx, ctx.query)));
    expect(expected.length).toBeGreaterThan(2 * REPORT_BATCH_SIZE);
    const rows: ExcelJS.Row[] = [];
    (await xlsxWorkbook(ctx)).getWorksheet("匹配明细")!.eachRow((row) => rows.push(row));
    expect(rows.map((r) => r.number)).toEqual(rows.map((_, i) => i + 1));
    expect(rows.slice(1, -1).map((r) => r.getCell(14).value)).toEqual(expected.map((a) => a.paymentId));
    // Text cells of every row come through whole (each batch is encoded row by row into one buffer).
    expect(rows.slice(1, -1).map((r) => `${r.getCell(2).value}|${r.getCell(7).value}`)).toEqual(
      expected.map((a) => `${channelLabel(a.channel)}|${sourceLabel(a.orderSource)}`),
    );
    const total = rows.at(-1)!;
    expect(total.getCell(1).value).toBe("合计");
    expect(total.getCell(9).formula).toBe(`SUM(I2:I${expected.length + 1})`);
    expect(Math.round(Number(total.getCell(9).result) * 100)).toBe(expected.reduce((sum, a) => sum + a.amount, 0));
  }, 120_000);

  it("pages of any size, outside and inside a transaction (cursor), return the same rows in the same order for every filter", async () => {
    for (const f of FILTERS) {
      const q = query(f);
      const whole = (await collect(allocationBatches(t.db(), q, { batchSize: 1000 }))).map(allocationKey);
      const viaCursor = await inTransaction(async (tx) => (await collect(allocationBatches(tx, q, { batchSize: 2 }))).map(allocationKey));
      expect(viaCursor, JSON.stringify(f)).toEqual(whole);
      const payments = (await collect(paymentBatches(t.db(), q, 1000))).map((p) => p.paymentId);
      for (const size of [1, 2, 3]) {
        expect((await collect(allocationBatches(t.db(), q, { batchSize: size }))).map(allocationKey)).toEqual(whole);
        expect((await collect(paymentBatches(t.db(), q, size))).map((p) => p.paymentId)).toEqual(payments);
        expect((await collect(refundBatches(t.db(), q, size))).map((r) => r.refundId)).toEqual((await collect(refundBatches(t.db(), q))).map((r) => r.refundId));
      }
      if (f.channel) expect(whole.length === 0 || (await collect(allocationBatches(t.db(), q))).every((a) => a.channel === f.channel)).toBe(true);
      if (f.source) expect((await collect(allocationBatches(t.db(), q))).every((a) => a.paymentSource === f.source)).toBe(true);
    }
  });

  it("unallocated-only and mismatched-only reads are the full reads filtered, at any page size", async () => {
    const q = query({ channel: null, source: null });
    const all = await collect(paymentBatches(t.db(), q));
    const unallocated = all.filter((p) => p.amount > p.allocatedAmount).map((p) => p.paymentId);
    expect(unallocated.length).toBeGreaterThan(0);
    const mismatched = (await collect(allocationBatches(t.db(), q)))
      .filter((a) => a.orderStatus === "partially_paid" || a.orderStatus === "overpaid")
      .map(allocationKey);
    expect(mismatched.length).toBeGreaterThan(0);
    for (const size of [1, 2, 1000]) {
      expect((await collect(paymentBatches(t.db(), q, size, { unallocatedOnly: true }))).map((p) => p.paymentId)).toEqual(unallocated);
      expect((await collect(allocationBatches(t.db(), q, { mismatchedOrdersOnly: true, batchSize: size }))).map(allocationKey)).toEqual(mismatched);
    }
  });

  it("the summary summed by the database equals the pure builder's over the rows, for every filter and across zones", async () => {
    const zones = ["Asia/Shanghai", "UTC", "America/New_York", "Asia/Kathmandu"];
    for (const timeZone of zones) {
      await t.db().update(merchants).set({ timezone: timeZone }).where(sql`${merchants.id} = ${seeded.m.merchantId}::uuid`);
      for (const f of FILTERS) {
        for (const [from, to] of [
          ["2024-03-01", "2024-03-31"],
          ["2024-02-29", "2024-03-01"],
          ["2024-03-31", "2024-04-01"],
        ]) {
          const ctx = await getReportContext(t.db(), seeded.m.merchantId, { from, to, ...f });
          const rows = {
            payments: await collect(paymentBatches(t.db(), ctx.query)),
            allocations: await collect(allocationBatches(t.db(), ctx.query)),
            refunds: await collect(refundBatches(t.db(), ctx.query)),
            anomalies: await loadOpenAnomalies(t.db(), ctx.query),
            writeOffs: await writeOffBuckets(t.db(), ctx.query),
          };
          const built = buildReconciliationReport({ params: ctx.params, currency: "CNY", ...rows });
          const summary = await summarizeReconciliation(t.db(), ctx);
          const label = `${timeZone} ${from}..${to} ${JSON.stringify(f)}`;
          expect(summary, label).toEqual({ channels: built.channels, totals: built.totals, daily: built.daily, writeOffs: built.writeOffs, otherCurrencies: [] });
        }
      }
    }
    await t.db().update(merchants).set({ timezone: "Asia/Shanghai" }).where(sql`${merchants.id} = ${seeded.m.merchantId}::uuid`);
  });
});
