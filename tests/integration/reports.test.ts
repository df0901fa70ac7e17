import ExcelJS from "exceljs";
import iconv from "iconv-lite";
import JSZip from "jszip";
import { PDFParse } from "pdf-parse";
import { and, eq, gte, lt, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as reconciliationRoute } from "@/app/api/v1/reports/reconciliation/route";
import { GET as vouchersRoute } from "@/app/api/v1/reports/vouchers/route";
import { KINGDEE_COLUMNS, parseCsv, UTF8_BOM, YONYOU_COLUMNS, zonedRange } from "@/lib/core/reports";
import { allocationBatches, collect, paymentBatches, refundBatches } from "@/lib/services/report-source";
import { allocations, merchants, payments, refunds } from "@/lib/db/schema";
import { recordPayment } from "@/lib/services/payments";
import { createOrder, merchantWithAlipay } from "../helpers/api";
import { setupTestDatabase } from "../helpers/test-db";
import { notify, seedMarch } from "../fixtures/reports/seed";

const t = setupTestDatabase();
const RANGE = "from=2024-03-01&to=2024-03-31";
// 2024-03-01 00:00 to 2024-04-01 00:00 Beijing time, written independently of the code under test.
const START = new Date("2024-02-29T16:00:00Z");
const END = new Date("2024-03-31T16:00:00Z");

type Route = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
async function get(route: unknown, path: string, apiKey: string) {
  const res = await (route as Route)(new Request(`http://127.0.0.1:3000${path}`, { headers: { authorization: `Bearer ${apiKey}` } }), {
    params: Promise.resolve({}),
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, bytes, text: () => bytes.toString("utf8"), json: () => JSON.parse(bytes.toString("utf8")) };
}
const report = (query: string, apiKey: string) => get(reconciliationRoute, `/api/v1/reports/reconciliation?${query}`, apiKey);

/** The figures straight from SQL, as an auditor would sum them. */
async function sqlSums(merchantId: string) {
  const db = t.db();
  const inRange = and(eq(payments.merchantId, merchantId), gte(payments.receivedAt, START), lt(payments.receivedAt, END));
  const perChannel = await db
    .select({ channel: payments.channel, count: sql<number>`count(*)::int`, gross: sql<number>`sum(${payments.amount})::bigint` })
    .from(payments)
    .where(inRange)
    .groupBy(payments.channel);
  const [matched] = await db
    .select({ sum: sql<number>`coalesce(sum(${allocations.amount}), 0)::bigint`, n: sql<number>`count(*)::int` })
    .from(allocations)
    .innerJoin(payments, eq(payments.id, allocations.paymentId))
    .where(inRange);
  const [refunded] = await db
    .select({ sum: sql<number>`coalesce(sum(${refunds.amount}), 0)::bigint`, n: sql<number>`count(*)::int` })
    .from(refunds)
    .where(and(eq(refunds.merchantId, merchantId), gte(refunds.refundedAt, START), lt(refunds.refundedAt, END)));
  const gross = perChannel.reduce((s, c) => s + Number(c.gross), 0);
  return {
    perChannel: Object.fromEntries(perChannel.map((c) => [c.channel, { count: c.count, gross: Number(c.gross) }])),
    count: perChannel.reduce((s, c) => s + c.count, 0),
    gross,
    matched: Number(matched.sum),
    allocationCount: matched.n,
    refunded: Number(refunded.sum),
    refundCount: refunded.n,
  };
}

let seeded: Awaited<ReturnType<typeof seedMarch>>;
let other: Awaited<ReturnType<typeof merchantWithAlipay>>;

beforeAll(async () => {
  seeded = await seedMarch(t.db());
  other = await merchantWithAlipay();
  const theirs = await createOrder(other.apiKey, { amount: 77700 });
  await notify(other, { outTradeNo: theirs.reference, totalAmount: "777.00", gmtPayment: "2024-03-08 10:00:00" });
}, 60_000);

describe(`reconciliation report (${process.env.TEST_DB})`, () => {
  it("JSON figures equal the SQL sums and reconcile", async () => {
    const res = await report(RANGE, seeded.m.apiKey);
    expect(res.status).toBe(200);
    const r = res.json();
    const s = await sqlSums(seeded.m.merchantId);
    expect(r).toMatchObject({ from: "2024-03-01", to: "2024-03-31", currency: "CNY", timeZone: "Asia/Shanghai" });
    expect(r.totals).toEqual({
      count: s.count,
      grossAmount: s.gross,
      refundCount: s.refundCount,
      refundedAmount: s.refunded,
      netAmount: s.gross - s.refunded,
      matchedAmount: s.matched,
      unmatchedAmount: s.gross - s.matched,
      // No order of this month was settled short (report-write-offs.test.ts has those).
      writtenOffAmount: 0,
    });
    expect(r.writeOffs).toEqual([]);
    // The same figures by hand: 8 payments, refunds of ¥20.00 (March) and ¥88.00 (February payment refunded in March).
    expect(r.totals).toMatchObject({ count: 8, grossAmount: 152590, refundedAmount: 10800, matchedAmount: 59790, unmatchedAmount: 92800 });
    for (const c of r.channels) expect({ count: c.count, gross: c.grossAmount }).toEqual(s.perChannel[c.channel]);
    expect(r.channels.map((c: { channel: string }) => c.channel)).toEqual(["alipay", "bank"]);
    expect(r.matched).toHaveLength(s.allocationCount);
    expect(r.matched.reduce((a: number, m: { allocatedAmount: number }) => a + m.allocatedAmount, 0)).toBe(s.matched);
    const sumDaily = (k: string) => r.daily.reduce((a: number, d: Record<string, number>) => a + d[k], 0);
    expect(sumDaily("netAmount")).toBe(r.totals.netAmount);
    expect(r.daily[0]).toMatchObject({ date: "2024-03-01", channel: "alipay", grossAmount: 12800 });
    expect(r.daily.find((d: { date: string }) => d.date === "2024-03-02")).toMatchObject({ channel: "alipay", grossAmount: 0, netAmount: -8800 });
    const kinds = r.exceptions.map((e: { kind: string }) => e.kind);
    // Payments with unallocated money in time order, then orders paid the wrong amount, then open anomalies.
    expect(kinds).toEqual(["unmatched", "suggested", "unmatched", "amount_mismatch", "amount_mismatch", "unmatched_overdue"]);
    expect(r.exceptions.find((e: { kind: string }) => e.kind === "suggested").message).toContain(seeded.orders.o3.reference);
    expect(r.exceptions.filter((e: { origin: string }) => e.origin === "payment").reduce((a: number, e: { unallocatedAmount: number }) => a + e.unallocatedAmount, 0)).toBe(
      r.totals.unmatchedAmount,
    );
    expect(r.exceptions.filter((e: { kind: string }) => e.kind === "amount_mismatch")).toHaveLength(2);
    expect(r.matched[0]).toMatchObject({ orderReference: seeded.orders.o1.reference, receivedAt: "2024-03-01T00:00:05+08:00", matchMethod: "reference" });
  });

  it("filters by channel and by order source", async () => {
    const bank = (await report(`${RANGE}&channel=bank`, seeded.m.apiKey)).json();
    expect(bank.totals).toMatchObject({ count: 2, grossAmount: 80000, matchedAmount: 0, refundedAmount: 0 });
    const douyin = (await report(`${RANGE}&source=douyin`, seeded.m.apiKey)).json();
    expect(douyin.totals).toMatchObject({ count: 2, grossAmount: 5990 + 15000, refundedAmount: 2000, matchedAmount: 20990 });
    expect(douyin.matched.map((m: { orderSource: string }) => m.orderSource)).toEqual(["douyin", "douyin"]);
  });

  it("XLSX opens with exceljs and every total equals the JSON report", async () => {
    const json = (await report(RANGE, seeded.m.apiKey)).json();
    const res = await report(`${RANGE}&format=xlsx`, seeded.m.apiKey);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("spreadsheetml");
    expect(res.headers.get("content-disposition")).toContain(`filename*=UTF-8''${encodeURIComponent("对账报告_2024-03-01_2024-03-31.xlsx")}`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.bytes as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(["汇总", "匹配明细", "异常", "资金流"]);
    // A formula cell's cached result (exceljs's `value` getter hides a zero result), else its value.
    const fen = (cell: ExcelJS.Cell) => {
      const n = cell.type === ExcelJS.ValueType.Formula ? Number(cell.result) : Number(cell.value);
      expect(Number.isFinite(n)).toBe(true);
      return Math.round(n * 100);
    };
    const rowsOf = (ws: ExcelJS.Worksheet) => {
      const out: ExcelJS.Row[] = [];
      ws.eachRow((row) => out.push(row));
      return out;
    };

    const summary = wb.getWorksheet("汇总")!;
    const header = rowsOf(summary).find((r) => r.getCell(1).value === "渠道")!;
    expect(summary.views[0]).toMatchObject({ state: "frozen", ySplit: header.number });
    const totalRow = rowsOf(summary).find((r) => r.getCell(1).value === "合计")!;
    expect(totalRow.getCell(2).formula).toMatch(/^SUM\(B\d+:B\d+\)$/);
    expect(totalRow.getCell(2).result).toBe(json.totals.count);
    expect([3, 5, 6, 7, 8].map((c) => fen(totalRow.getCell(c)))).toEqual([
      json.totals.grossAmount,
      json.totals.refundedAmount,
      json.totals.netAmount,
      json.totals.matchedAmount,
      json.totals.unmatchedAmount,
    ]);
    expect(totalRow.getCell(3).numFmt).toBe('"¥"#,##0.00');
    const s = await sqlSums(seeded.m.merchantId);
    expect([fen(totalRow.getCell(3)), fen(totalRow.getCell(5)), fen(totalRow.getCell(7))]).toEqual([s.gross, s.refunded, s.matched]);
    const figures = (f: Record<string, number>) => [f.count, f.grossAmount, f.refundCount, f.refundedAmount, f.netAmount, f.matchedAmount, f.unmatchedAmount];
    const sheetFigures = (r: ExcelJS.Row, from: number) => [0, 1, 2, 3, 4, 5, 6].map((i) => ([0, 2].includes(i) ? Number(r.getCell(from + i).value) : fen(r.getCell(from + i))));
    for (const c of json.channels) {
      const row = rowsOf(summary).find((r) => r.getCell(1).value === { alipay: "支付宝", bank: "银行转账" }[c.channel as string])!;
      expect(sheetFigures(row, 2)).toEqual(figures(c));
    }
    const alipayRow = rowsOf(summary).find((r) => r.getCell(1).value === "支付宝")!;
    // Money is stored as the exact yuan number, formatted as ¥.
    expect(alipayRow.getCell(3).value).toBe(json.channels[0].grossAmount / 100);
    const checks = rowsOf(summary).filter((r) => String(r.getCell(1).value).startsWith("校验"));
    expect(checks).toHaveLength(6);
    for (const c of checks) expect(fen(c.getCell(2))).toBe(0);

    const matched = rowsOf(wb.getWorksheet("匹配明细")!);
    expect(matched[0].getCell(1).value).toBe("收款时间");
    expect(matched).toHaveLength(json.matched.length + 2);
    expect(fen(matched.at(-1)!.getCell(9))).toBe(json.totals.matchedAmount);
    expect(matched[1].getCell(5).value).toBe(json.matched[0].orderReference);
    expect((matched[1].getCell(1).value as Date).toISOString()).toBe("2024-03-01T00:00:05.000Z");

    const exceptions = rowsOf(wb.getWorksheet("异常")!);
    expect(exceptions).toHaveLength(json.exceptions.length + 2);
    expect(fen(exceptions.at(-1)!.getCell(8))).toBe(json.totals.unmatchedAmount);

    const daily = rowsOf(wb.getWorksheet("资金流")!);
    expect(daily).toHaveLength(json.daily.length + 2);
    json.daily.forEach((d: Record<string, number>, i: number) => expect(sheetFigures(daily[i + 1], 3)).toEqual(figures(d)));
    expect((daily[1].getCell(1).value as Date).toISOString().slice(0, 10)).toBe(json.daily[0].date);
    expect(fen(daily.at(-1)!.getCell(7))).toBe(json.totals.netAmount);
    expect(wb.getWorksheet("资金流")!.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
  });

  it("PDF carries the Chinese text, the parameters and page numbers", async () => {
    const res = await report(`${RANGE}&format=pdf`, seeded.m.apiKey);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.bytes.subarray(0, 5).toString()).toBe("%PDF-");
    const parser = new PDFParse({ data: new Uint8Array(res.bytes) });
    const { text, total } = await parser.getText();
    await parser.destroy();
    expect(text).toContain("对账报告");
    expect(text).toContain("支付宝");
    expect(text).toContain("银行转账");
    expect(text).toContain("2024-03-01 至 2024-03-31");
    expect(text).toContain("1,525.90");
    expect(text).toContain(`第 1 / ${total} 页`);
    expect(total).toBeGreaterThanOrEqual(3);
  });

  it("CSV: a zip of four BOM-prefixed sections that round-trip, and one section streamed alike", async () => {
    const json = (await report(RANGE, seeded.m.apiKey)).json();
    const res = await report(`${RANGE}&format=csv`, seeded.m.apiKey);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/zip");
    const zip = await JSZip.loadAsync(res.bytes);
    expect(Object.keys(zip.files).sort()).toEqual(["匹配明细.csv", "异常.csv", "汇总.csv", "资金流.csv"].sort());
    const files: Record<string, string> = {};
    for (const name of Object.keys(zip.files)) {
      const bytes = await zip.file(name)!.async("uint8array");
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      files[name] = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
      expect(files[name].startsWith(UTF8_BOM)).toBe(true);
    }
    const summary = parseCsv(files["汇总.csv"]);
    const totals = summary.find((r) => r[0] === "合计")!;
    expect(totals.slice(1)).toEqual(
      [json.totals.count, json.totals.grossAmount, json.totals.refundCount, json.totals.refundedAmount, json.totals.netAmount, json.totals.matchedAmount, json.totals.unmatchedAmount, json.totals.writtenOffAmount].map(
        (v, i) => ([0, 2].includes(i) ? String(v) : (v / 100).toFixed(2)),
      ),
    );
    const matched = parseCsv(files["匹配明细.csv"]);
    expect(matched).toHaveLength(json.matched.length + 1);
    expect(matched.slice(1).reduce((s, r) => s + Math.round(Number(r[8]) * 100), 0)).toBe(json.totals.matchedAmount);

    const single = await report(`${RANGE}&format=csv&section=matched`, seeded.m.apiKey);
    expect(single.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(single.headers.get("content-disposition")).toContain(encodeURIComponent("对账报告_2024-03-01_2024-03-31_匹配明细.csv"));
    expect(new TextDecoder("utf-8", { ignoreBOM: true }).decode(single.bytes)).toBe(files["匹配明细.csv"]);
    const exceptions = await report(`${RANGE}&format=csv&section=exceptions`, seeded.m.apiKey);
    expect(new TextDecoder("utf-8", { ignoreBOM: true }).decode(exceptions.bytes)).toBe(files["异常.csv"]);
    const daily = await report(`${RANGE}&format=csv&section=daily`, seeded.m.apiKey);
    expect(new TextDecoder("utf-8", { ignoreBOM: true }).decode(daily.bytes)).toBe(files["资金流.csv"]);
  });

  it("voucher exports balance per voucher and in total, in both layouts and encodings", async () => {
    const json = (await report(RANGE, seeded.m.apiKey)).json();
    const kd = await get(vouchersRoute, `/api/v1/reports/vouchers?${RANGE}&format=kingdee`, seeded.m.apiKey);
    expect(kd.status).toBe(200);
    expect(kd.headers.get("content-disposition")).toContain(encodeURIComponent("记账凭证_金蝶_2024-03-01_2024-03-31.csv"));
    const rows = parseCsv(kd.text());
    expect(rows[0]).toEqual([...KINGDEE_COLUMNS]);
    const col = (n: string) => rows[0].indexOf(n);
    const byVoucher = new Map<string, { d: number; c: number }>();
    for (const r of rows.slice(1)) {
      const key = `${r[col("会计期间")]}-${r[col("凭证号")]}`;
      const v = byVoucher.get(key) ?? { d: 0, c: 0 };
      v.d += Math.round(Number(r[col("借方")]) * 100);
      v.c += Math.round(Number(r[col("贷方")]) * 100);
      byVoucher.set(key, v);
    }
    expect(byVoucher.size).toBe(json.daily.length);
    for (const v of byVoucher.values()) expect(v.d).toBe(v.c);
    const debits = [...byVoucher.values()].reduce((s, v) => s + v.d, 0);
    expect(debits).toBe(json.totals.grossAmount + json.totals.refundedAmount);

    const yy = await get(vouchersRoute, `/api/v1/reports/vouchers?${RANGE}&format=yonyou&encoding=gbk`, seeded.m.apiKey);
    expect(yy.headers.get("content-type")).toBe("text/csv; charset=gbk");
    const yRows = parseCsv(iconv.decode(yy.bytes, "gbk"));
    expect(yRows[0]).toEqual([...YONYOU_COLUMNS]);
    const d = yRows.slice(1).reduce((s, r) => s + Math.round(Number(r[7]) * 100), 0);
    const c = yRows.slice(1).reduce((s, r) => s + Math.round(Number(r[8]) * 100), 0);
    expect(d).toBe(c);
    expect(d).toBe(debits);
  });

  it("keeps a ledger account name GBK lacks in the GBK vouchers (GB18030), never a ?", async () => {
    await t.db().update(merchants).set({ settings: { ledgerAccounts: { matchedCredit: { code: "6001", name: "主营业务收入-𠮷野家" } } } }).where(eq(merchants.id, seeded.m.merchantId));
    const gbk = await get(vouchersRoute, `/api/v1/reports/vouchers?${RANGE}&format=yonyou&encoding=gbk`, seeded.m.apiKey);
    const text = iconv.decode(gbk.bytes, "gb18030");
    expect(text).toContain("主营业务收入-𠮷野家");
    expect(text).not.toContain("?");
    // Every character GBK has is encoded as GBK: a GBK reader reads the rest of the file as before.
    expect(iconv.decode(gbk.bytes, "gbk")).toContain("其他货币资金-支付宝");
    await t.db().update(merchants).set({ settings: {} }).where(eq(merchants.id, seeded.m.merchantId));
  });

  it("numbers vouchers within the month whatever day the export starts: a part of March gives the numbers the whole March does", async () => {
    const numbers = async (range: string) => {
      const rows = parseCsv((await get(vouchersRoute, `/api/v1/reports/vouchers?${range}&format=yonyou`, seeded.m.apiKey)).text());
      const at = (name: string) => rows[0].indexOf(name);
      // One key a voucher: its date and its first line's summary (the date and the channel's receipts).
      return new Map(rows.slice(1).map((r) => [`${r[at("制单日期")]}|${r[at("摘要")].split(" ").slice(0, 2).join(" ")}`, r[at("凭证编号")]]));
    };
    const whole = await numbers(RANGE);
    const part = await numbers("from=2024-03-15&to=2024-03-31");
    expect(part.size).toBeGreaterThan(0);
    expect(part.size).toBeLessThan(whole.size);
    for (const [key, number] of part) expect(whole.get(key), key).toBe(number);
  });

  it("uses the merchant's ledger accounts from settings", async () => {
    await t.db().update(merchants).set({ settings: { ledgerAccounts: { matchedCredit: { code: "6001", name: "主营业务收入" } } } }).where(eq(merchants.id, seeded.m.merchantId));
    const rows = parseCsv((await get(vouchersRoute, `/api/v1/reports/vouchers?${RANGE}&format=yonyou`, seeded.m.apiKey)).text());
    expect(rows.some((r) => r[5] === "6001" && r[6] === "主营业务收入")).toBe(true);
    expect(rows.some((r) => r[5] === "101201" && r[6] === "其他货币资金-支付宝")).toBe(true);
    await t.db().update(merchants).set({ settings: {} }).where(eq(merchants.id, seeded.m.merchantId));
  });

  it.each([
    ["from=2024-3-01&to=2024-03-31", "from"],
    ["to=2024-03-31", "from"],
    ["from=2024-03-01&to=2024-02-30", "to"],
    ["from=2024-03-02&to=2024-03-01", "to"],
    ["from=2023-01-01&to=2024-03-01", "to"],
    ["from=9999-12-01&to=9999-12-31", "from"],
    ["from=2099-12-01&to=9999-12-31", "to"],
    ["from=1970-01-01&to=1970-01-31", "from"],
    [`${RANGE}&format=docx`, "format"],
    [`${RANGE}&channel=visa`, "channel"],
    [`${RANGE}&source=amazon`, "source"],
    [`${RANGE}&format=csv&section=all`, "section"],
  ])("bad query %s → 400 naming %s", async (query, field) => {
    const res = await report(query, seeded.m.apiKey);
    expect(res.status).toBe(400);
    expect(res.json().error.message).toContain(field);
    const v = await get(vouchersRoute, `/api/v1/reports/vouchers?${query.replace(/&(format|channel|source|section)=[^&]*/g, "")}&format=kingdee`, seeded.m.apiKey);
    if (["from", "to"].includes(field)) expect(v.json().error.message).toContain(field);
  });

  it("a voucher export needs a known format; reports need an API key", async () => {
    const res = await get(vouchersRoute, `/api/v1/reports/vouchers?${RANGE}&format=sap`, seeded.m.apiKey);
    expect(res.status).toBe(400);
    expect(res.json().error.message).toContain("format");
    expect((await report(RANGE, "sk_nope")).status).toBe(401);
  });

  it("another merchant sees none of the data", async () => {
    const theirs = (await report(RANGE, other.apiKey)).json();
    expect(theirs.totals).toMatchObject({ count: 1, grossAmount: 77700, matchedAmount: 77700 });
    const mine = (await report(RANGE, seeded.m.apiKey)).json();
    const myIds = new Set(mine.matched.map((m: { paymentId: string }) => m.paymentId));
    expect(theirs.matched.some((m: { paymentId: string }) => myIds.has(m.paymentId))).toBe(false);
    expect(theirs.exceptions).toEqual([]);
    const xlsx = await report(`${RANGE}&format=xlsx`, other.apiKey);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
    const ids: unknown[] = [];
    wb.getWorksheet("匹配明细")!.eachRow((r) => ids.push(r.getCell(12).value));
    expect(ids.some((id) => myIds.has(id as string))).toBe(false);
    expect(ids).toHaveLength(3);
  });

  it("an empty range is a valid, all-zero report in every format", async () => {
    const empty = "from=2023-01-01&to=2023-01-31";
    const json = (await report(empty, seeded.m.apiKey)).json();
    expect(json.totals).toMatchObject({ count: 0, grossAmount: 0, netAmount: 0 });
    expect(json.channels).toEqual([]);
    for (const format of ["xlsx", "pdf", "csv"]) expect((await report(`${empty}&format=${format}`, seeded.m.apiKey)).status).toBe(200);
  });

  it("a payment in another currency is never added to the yuan: listed beside the figures, reported on its own with currency=", async () => {
    const m = await merchantWithAlipay();
    const day = "2024-05-06";
    const record = (id: string, amount: number, currency: string) =>
      recordPayment(t.db(), {
        merchantId: m.merchantId,
        channelAccountId: m.accountId,
        origin: "notify",
        event: { kind: "payment", channel: "alipay", channelTransactionId: id, reference: null, amount, currency, receivedAt: "2024-05-06T04:00:00Z", payerName: null, payerAccount: null, memo: null, merchantAccountId: m.appId, sellerId: null, details: {} },
      });
    await record("CUR-CNY-1", 10000, "CNY");
    await record("CUR-USD-1", 5000, "USD");
    await record("CUR-JPY-1", 1200, "JPY");

    const yuan = (await report(`from=${day}&to=${day}`, m.apiKey)).json();
    expect(yuan).toMatchObject({ currency: "CNY", totals: { count: 1, grossAmount: 10000, unmatchedAmount: 10000 } });
    expect(yuan.exceptions.map((e: { amount: number }) => e.amount)).toEqual([10000]);
    expect(yuan.otherCurrencies).toEqual([
      { currency: "JPY", count: 1, grossAmount: 1200 },
      { currency: "USD", count: 1, grossAmount: 5000 },
    ]);
    const dollars = (await report(`from=${day}&to=${day}&currency=usd`, m.apiKey)).json();
    expect(dollars).toMatchObject({ currency: "USD", totals: { count: 1, grossAmount: 5000 } });
    expect(dollars.otherCurrencies.map((c: { currency: string }) => c.currency)).toEqual(["CNY", "JPY"]);

    // The files are laid out in yuan; the cover and summary sheet say what they left out.
    const pdf = await report(`from=${day}&to=${day}&format=pdf`, m.apiKey);
    expect(pdf.status).toBe(200);
    expect((await new PDFParse({ data: pdf.bytes }).getText()).text).toContain("USD 1 笔 50.00");
    for (const [query, field] of [
      [`from=${day}&to=${day}&format=xlsx&currency=USD`, "CNY; ask format=json for USD"],
      [`from=${day}&to=${day}&currency=DOLLARS`, "currency: DOLLARS"],
      [`from=${day}&to=${day}&currency=KWD`, "currency: KWD"],
    ]) {
      const refused = await report(query, m.apiKey);
      expect(refused.status, query).toBe(400);
      expect(refused.json().error).toMatchObject({ code: "invalid_field", message: expect.stringContaining(field) });
    }
  });

  it("keyset pages of any size return every row once, even for instants equal to the microsecond", async () => {
    const m = await merchantWithAlipay();
    for (let i = 0; i < 7; i++) {
      const o = await createOrder(m.apiKey, { amount: 1000 + i });
      await notify(m, { outTradeNo: o.reference, totalAmount: ((1000 + i) / 100).toFixed(2), gmtPayment: "2024-03-09 10:00:00" });
      if (i % 2 === 0) {
        await notify(m, { outTradeNo: o.reference, totalAmount: ((1000 + i) / 100).toFixed(2), gmtPayment: "2024-03-09 10:00:00", refundFee: "1.00", gmtRefund: "2024-03-10 10:00:00.000" });
      }
    }
    // Same microsecond for four payments, and microseconds a JS Date cannot hold for the rest.
    await t.db().execute(sql`update ${payments} set received_at = case when amount < 1004 then '2024-03-09 02:00:00.123456+00'::timestamptz
      else ('2024-03-09 02:00:00.123' || lpad((amount - 1000)::text, 3, '0') || '+00')::timestamptz end where merchant_id = ${m.merchantId}::uuid`);
    const { start, end } = zonedRange("2024-03-01", "2024-03-31", "Asia/Shanghai");
    const q = { merchantId: m.merchantId, start, end, currency: "CNY" };
    const ids = (rows: { paymentId: string }[]) => rows.map((r) => r.paymentId);
    const whole = await collect(paymentBatches(t.db(), q));
    expect(whole).toHaveLength(7);
    for (const size of [1, 2, 3]) {
      expect(ids(await collect(paymentBatches(t.db(), q, size)))).toEqual(ids(whole));
      expect(ids(await collect(allocationBatches(t.db(), q, { batchSize: size })))).toEqual(ids(whole));
      expect((await collect(refundBatches(t.db(), q, size))).map((r) => r.refundId).sort()).toEqual(
        (await collect(refundBatches(t.db(), q))).map((r) => r.refundId).sort(),
      );
    }
    expect(await collect(refundBatches(t.db(), q))).toHaveLength(4);
  });
});
