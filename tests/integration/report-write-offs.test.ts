// Write-offs in the reconciliation report: a shortfall a tolerance rule accepted (a channel fee) and
// a unique amount's tail, made through the real routes, appear per cause in the JSON, the CSV, the
// XLSX, the PDF and the vouchers — and leave them again when the payment is unmatched.
import ExcelJS from "exceljs";
import JSZip from "jszip";
import { PDFParse } from "pdf-parse";
import { beforeAll, describe, expect, it } from "vitest";
import { POST as createChannelAccount } from "@/app/api/v1/channel-accounts/route";
import { POST as checkoutRoute } from "@/app/api/v1/checkout/route";
import { GET as getOrder } from "@/app/api/v1/orders/[reference]/route";
import { POST as unmatchRoute } from "@/app/api/v1/payments/[paymentId]/unmatch/route";
import { GET as reconciliationRoute } from "@/app/api/v1/reports/reconciliation/route";
import { GET as vouchersRoute } from "@/app/api/v1/reports/vouchers/route";
import { PUT as putLedger } from "@/app/api/v1/settings/ledger-accounts/route";
import { PUT as putRules } from "@/app/api/v1/settings/tolerance-rules/route";
import { KINGDEE_COLUMNS, parseCsv } from "@/lib/core/reports";
import { buildCsv, CMB_HEADER, cmbCredit } from "../fixtures/statements/cn-exports";
import { notify } from "../fixtures/reports/seed";
import { call, importCmbStatement, merchantWithAlipay } from "../helpers/api";
import { setupTestDatabase } from "../helpers/test-db";

setupTestDatabase();
type H = Parameters<typeof call>[0];
const h = (f: unknown) => f as H;

// Now, in Beijing: the engine reads money as arriving after its order, as it does in production.
const beijing = (offsetMs = 0) => new Date(Date.now() + 8 * 3_600_000 + offsetMs).toISOString();
const day = (offsetDays: number) => beijing(offsetDays * 86_400_000).slice(0, 10);
// A day either side, so a run at Beijing midnight still finds both payments in range.
const RANGE = `from=${day(-1)}&to=${day(1)}`;

async function get(route: unknown, path: string, apiKey: string) {
  const res = await (route as (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>)(
    new Request(`http://127.0.0.1:3000${path}`, { headers: { authorization: `Bearer ${apiKey}` } }),
    { params: Promise.resolve({}) },
  );
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, bytes, text: () => bytes.toString("utf8"), json: () => JSON.parse(bytes.toString("utf8")) };
}
const report = (query: string, apiKey: string) => get(reconciliationRoute, `/api/v1/reports/reconciliation?${RANGE}${query}`, apiKey);

let m: Awaited<ReturnType<typeof merchantWithAlipay>>;
let feeOrder: { reference: string };
let uniqueOrder: { reference: string; payableAmount: number };
let alipayPaymentId: string;

beforeAll(async () => {
  m = await merchantWithAlipay();
  const rules = await call(h(putRules), {
    method: "PUT",
    apiKey: m.apiKey,
    body: { rules: [{ name: "支付宝手续费 ≤ ¥1", channels: ["alipay"], maxShortfallFen: 100, cause: "channel_fee" }] },
  });
  expect(rules.status).toBe(200);
  const checkout = async (body: Record<string, unknown>) => {
    const res = await call(h(checkoutRoute), { apiKey: m.apiKey, body: { source: "web", ...body } });
    expect(res.status).toBe(201);
    return res.json;
  };
  feeOrder = await checkout({ orderNo: "WO-FEE", amount: 10000 });
  uniqueOrder = await checkout({ orderNo: "WO-UNIQUE", amount: 36800, uniqueAmount: true, customer: { name: "王五" } });
  expect(uniqueOrder.payableAmount).toBe(36799);

  // ¥100.00 asked, ¥99.40 arrives: the rule settles the order and writes ¥0.60 off as a channel fee.
  await notify(m, { outTradeNo: feeOrder.reference, totalAmount: "99.40", gmtPayment: beijing(60_000).slice(0, 19).replace("T", " ") });
  const bank = await call(h(createChannelAccount), {
    apiKey: m.apiKey,
    body: { channel: "bank", name: "招商银行基本户", credentials: { bankName: "招商银行", accountNo: "6225880123456789" } },
  });
  expect(bank.status).toBe(201);
  // A memo-less transfer of the unique amount: the order is paid, the ¥0.01 tail written off.
  const csv = buildCsv(CMB_HEADER, [
    cmbCredit({ date: day(0).replaceAll("-", ""), time: "00:00:01", credit: "367.99", serial: "WO0000000001", memo: "", payer: "王五", account: "6225880100000009" }),
  ]);
  const imported = await importCmbStatement(m.apiKey, bank.json.id, csv);
  expect(imported.status).toBe(200);
}, 60_000);

describe(`write-offs in the reconciliation report (${process.env.TEST_DB})`, () => {
  it("JSON: per channel, per day and by cause, and on the matched lines they were written off against", async () => {
    const r = (await report("", m.apiKey)).json();
    expect(r.totals).toMatchObject({ count: 2, grossAmount: 9940 + 36799, matchedAmount: 9940 + 36799, writtenOffAmount: 61 });
    expect(r.writeOffs).toEqual([
      { cause: "channel_fee", count: 1, amount: 60 },
      { cause: "unique_amount", count: 1, amount: 1 },
    ]);
    expect(r.channels.map((c: { channel: string; writtenOffAmount: number }) => [c.channel, c.writtenOffAmount])).toEqual([
      ["alipay", 60],
      ["bank", 1],
    ]);
    expect(r.daily.reduce((s: number, d: { writtenOffAmount: number }) => s + d.writtenOffAmount, 0)).toBe(61);
    const byOrder = Object.fromEntries(r.matched.map((x: { orderReference: string }) => [x.orderReference, x]));
    expect(byOrder[feeOrder.reference]).toMatchObject({ allocatedAmount: 9940, orderAmount: 10000, writtenOffAmount: 60, writeOffCauses: ["channel_fee"] });
    expect(byOrder[uniqueOrder.reference]).toMatchObject({ allocatedAmount: 36799, matchMethod: "unique_amount", writtenOffAmount: 1, writeOffCauses: ["unique_amount"] });
    // Settled, not short: neither order is an amount mismatch.
    expect(r.exceptions.filter((e: { kind: string }) => e.kind === "amount_mismatch")).toEqual([]);
    alipayPaymentId = byOrder[feeOrder.reference].paymentId;
    // The order itself tells the same: how much, why, who decided and against which payment.
    const order = await call(h(getOrder), { method: "GET", apiKey: m.apiKey, params: { reference: feeOrder.reference } });
    expect(order.json).toMatchObject({ status: "paid", paidAmount: 9940, writtenOffAmount: 60 });
    expect(order.json.writeOffs).toEqual([
      { paymentId: alipayPaymentId, amount: 60, cause: "channel_fee", source: "rule", rule: "支付宝手续费 ≤ ¥1", at: expect.any(String) },
    ]);

    const bankOnly = (await report("&channel=bank", m.apiKey)).json();
    expect(bankOnly.writeOffs).toEqual([{ cause: "unique_amount", count: 1, amount: 1 }]);
    expect(bankOnly.totals.writtenOffAmount).toBe(1);
    // The source filter follows the order the payment settled, as for the money itself.
    expect((await report("&source=web", m.apiKey)).json().totals.writtenOffAmount).toBe(61);
    expect((await report("&source=douyin", m.apiKey)).json()).toMatchObject({ writeOffs: [], totals: { writtenOffAmount: 0 } });
  });

  it("CSV, XLSX and PDF show them, and the XLSX checks the matched sheet's total against the summary", async () => {
    const zip = await JSZip.loadAsync((await report("&format=csv", m.apiKey)).bytes);
    const summaryCsv = parseCsv(await zip.file(Object.keys(zip.files).find((n) => n.includes("汇总"))!)!.async("string"));
    const col = summaryCsv[0].indexOf("差额核销");
    expect(col).toBeGreaterThan(0);
    expect(summaryCsv.at(-1)![col]).toBe("0.61");

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await report("&format=xlsx", m.apiKey)).bytes as unknown as ArrayBuffer);
    // A formula cell's cached result, or a plain value, in fen.
    const fen = (cell: ExcelJS.Cell) => Math.round(Number(cell.type === ExcelJS.ValueType.Formula ? cell.result : cell.value) * 100);
    const rows: ExcelJS.Row[] = [];
    wb.getWorksheet("汇总")!.eachRow((row) => rows.push(row));
    const head = rows.findIndex((r) => r.getCell(1).value === "差额核销（按原因）");
    expect(rows[head].values).toEqual([undefined, "差额核销（按原因）", "笔数", "金额"]);
    expect(rows.slice(head + 1, head + 4).map((r) => [r.getCell(1).value, r.getCell(2).value, fen(r.getCell(3))])).toEqual([
      ["渠道手续费", 1, 60],
      ["唯一金额立减", 1, 1],
      ["合计", 2, 61],
    ]);
    const check = rows.find((r) => r.getCell(1).value === "校验：匹配明细差额核销合计 − 差额核销")!;
    expect(check.getCell(2).type).toBe(ExcelJS.ValueType.Formula);
    expect(fen(check.getCell(2))).toBe(0);
    const matched = wb.getWorksheet("匹配明细")!;
    const column = (matched.getRow(1).values as unknown[]).indexOf("差额核销");
    let total = NaN;
    matched.eachRow((row) => {
      if (row.getCell(1).value === "合计") total = fen(row.getCell(column));
    });
    expect(total).toBe(61);

    const pdf = new PDFParse({ data: new Uint8Array((await report("&format=pdf", m.apiKey)).bytes) });
    const text = (await pdf.getText()).text.replace(/\s+/g, "");
    await pdf.destroy();
    expect(text).toContain("差额核销¥0.61：渠道手续费¥0.60（1笔）；唯一金额立减¥0.01（1笔）");
  });

  it("the vouchers post each cause to its account against 应收账款, and still balance", async () => {
    const res = await get(vouchersRoute, `/api/v1/reports/vouchers?${RANGE}&format=kingdee`, m.apiKey);
    expect(res.status).toBe(200);
    const rows = parseCsv(res.text());
    const c = (name: string) => KINGDEE_COLUMNS.indexOf(name as (typeof KINGDEE_COLUMNS)[number]);
    const writeOffLines = rows.slice(1).filter((r) => r[c("凭证摘要")].includes("差额核销"));
    expect(writeOffLines.map((r) => [r[c("科目代码")], r[c("借方")], r[c("贷方")]])).toEqual([
      ["660301", "0.60", "0.00"],
      ["1122", "0.00", "0.60"],
      ["660102", "0.01", "0.00"],
      ["1122", "0.00", "0.01"],
    ]);
    const cents = (i: number) => rows.slice(1).reduce((s, r) => s + Math.round(Number(r[i]) * 100), 0);
    expect(cents(c("借方"))).toBe(cents(c("贷方")));
  });

  it("the accounts the merchant sets through the settings route are the ones posted to", async () => {
    const own = { code: "560301", name: "财务费用-支付宝手续费" };
    expect((await call(h(putLedger), { method: "PUT", apiKey: m.apiKey, body: { writeOffDebit: { channel_fee: own } } })).status).toBe(200);
    const rows = parseCsv((await get(vouchersRoute, `/api/v1/reports/vouchers?${RANGE}&format=yonyou`, m.apiKey)).text());
    const [header, ...lines] = rows;
    const fee = lines.find((r) => r[header.indexOf("摘要")].includes("差额核销-渠道手续费 1 笔"))!;
    expect([fee[header.indexOf("科目编码")], fee[header.indexOf("科目名称")], fee[header.indexOf("借方金额")]]).toEqual([own.code, own.name, "0.60"]);
    expect(lines.some((r) => r[header.indexOf("科目编码")] === "660301")).toBe(false);
  });

  it("unmatching a payment takes its write-off out of the report", async () => {
    const res = await call(h(unmatchRoute), { apiKey: m.apiKey, params: { paymentId: alipayPaymentId }, body: {} });
    expect(res.status).toBe(200);
    const r = (await report("", m.apiKey)).json();
    expect(r.writeOffs).toEqual([{ cause: "unique_amount", count: 1, amount: 1 }]);
    expect(r.totals).toMatchObject({ writtenOffAmount: 1, unmatchedAmount: 9940 });
  });
});
