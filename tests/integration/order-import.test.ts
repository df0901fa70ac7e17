import fs from "node:fs";
import ExcelJS from "exceljs";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { POST as importRoute } from "@/app/api/v1/orders/import/route";
import { GET as getOrder } from "@/app/api/v1/orders/[reference]/route";
import { POST as storefrontRoute } from "@/app/api/v1/settings/storefront-webhook/route";
import { GET as historyRoute } from "@/app/api/v1/statements/route";
import { auditEvents, orders, webhookDeliveries } from "@/lib/db/schema";
import { isValidReference } from "@/lib/core/reference";
import { buildCsv, CMB_HEADER, CMB_SAMPLE, cmbCredit } from "../fixtures/statements/cn-exports";
import { BASE, bankMerchant, call, importCmbStatement, merchantWithAlipay } from "../helpers/api";
import { setupTestDatabase } from "../helpers/test-db";

const t = setupTestDatabase();
type H = Parameters<typeof call>[0];
const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const utf8 = (text: string) => new TextEncoder().encode(text);
const ordersOf = (merchantId: string) => t.db().select().from(orders).where(eq(orders.merchantId, merchantId));
const fixture = (name: string) => new Uint8Array(fs.readFileSync(`tests/fixtures/orders/${name}`));

async function upload(apiKey: string, format: string, body: Uint8Array<ArrayBuffer>, type = "text/csv") {
  const req = new Request(`${BASE}/api/v1/orders/import?format=${format}`, {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": type },
    body,
  });
  const res = await (importRoute as unknown as (r: Request, c: unknown) => Promise<Response>)(req, { params: Promise.resolve({}) });
  return { status: res.status, json: await res.json() };
}

async function importHistory(apiKey: string) {
  const res = await call(historyRoute as unknown as Parameters<typeof call>[0], { method: "GET", apiKey, path: "/api/v1/statements" });
  expect(res.status).toBe(200);
  return res.json;
}

describe(`platform order import (${process.env.TEST_DB})`, () => {
  it("a GBK Taobao export imports with exact amounts, long ids as text; a re-import adds none", async () => {
    const m = await merchantWithAlipay();
    const first = await upload(m.apiKey, "taobao", fixture("taobao-orders-gbk.csv"));
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ imported: 3, duplicates: 0 });
    expect(first.json.rejected).toEqual([{ line: 5, message: expect.stringContaining("十二元") }]);
    const rows = await t.db().select().from(orders).where(and(eq(orders.merchantId, m.merchantId), eq(orders.source, "taobao")));
    const byNo = new Map(rows.map((r) => [r.orderNo, r]));
    expect(byNo.get("3928475619283746512")).toMatchObject({ amount: 12800, status: "pending", customerName: "tb_zhang3" });
    expect(byNo.get("3928475619283746512")!.details).toMatchObject({ platformPaidAmount: 11800, platformDiscountAmount: 1000 });
    expect(byNo.get("3928475619283746513")).toMatchObject({ amount: 130990 });
    expect(byNo.get("3928475619283746514")).toMatchObject({ amount: 5990, status: "closed" });
    expect(rows.every((r) => isValidReference(r.reference))).toBe(true);
    const again = await upload(m.apiKey, "taobao", fixture("taobao-orders-gbk.csv"));
    expect(again.json).toMatchObject({ imported: 0, duplicates: 3 });

    // Both files are in the import history beside statements, newest first, with who imported them.
    const history = (await importHistory(m.apiKey)).data;
    expect(history).toHaveLength(2);
    expect(history.map((e: { imported: number; duplicates: number }) => [e.imported, e.duplicates])).toEqual([
      [0, 3],
      [3, 0],
    ]);
    expect(history[1]).toMatchObject({
      kind: "orders",
      channelAccount: null,
      format: "taobao",
      fileSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      lineCount: 4,
      rejected: 1,
      importedBy: { type: "api_key", label: expect.stringMatching(/…\)$/) },
    });
    const events = await t.db().select().from(auditEvents).where(and(eq(auditEvents.merchantId, m.merchantId), eq(auditEvents.action, "orders.imported")));
    expect(events.map((e) => [e.subjectType, e.subjectId]).sort()).toEqual(history.map((e: { id: string }) => ["statement", e.id]).sort());
  });

  it("a UTF-8-BOM Douyin export with sub-order rows imports one order per main order", async () => {
    const m = await merchantWithAlipay();
    const res = await upload(m.apiKey, "douyin", fixture("douyin-orders-utf8-bom.csv"));
    expect(res.json).toMatchObject({ imported: 3, duplicates: 0, rejected: [] });
    const rows = await t.db().select().from(orders).where(eq(orders.merchantId, m.merchantId));
    const byNo = new Map(rows.map((r) => [r.orderNo, r]));
    expect(byNo.get("6928374655102938471")).toMatchObject({ amount: 17900, source: "douyin" });
    expect(byNo.get("6928374655102938471")!.createdAt.toISOString()).toBe("2026-11-24T01:10:11.000Z");
    expect(byNo.get("6928374655102938480")).toMatchObject({ amount: 128800 });
    expect(byNo.get("6928374655102938490")).toMatchObject({ status: "closed" });
  });

  it("the same Douyin export saved as an Excel workbook (.xlsx) imports the same orders: ids as text, amounts as numbers", async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet("订单");
    const lines = new TextDecoder().decode(fixture("douyin-orders-utf8-bom.csv")).replace(/^\uFEFF/, "").replaceAll('"1,288.00"', "1288.00").trim().split(/\r?\n/);
    const header = lines[0].split(",");
    sheet.addRow(header);
    for (const line of lines.slice(1)) sheet.addRow(line.split(",").map((v, i) => (/金额|运费/.test(header[i]) && v !== "" ? Number(v) : v)));
    const m = await merchantWithAlipay();
    const res = await upload(m.apiKey, "douyin", new Uint8Array(await book.xlsx.writeBuffer()), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json).toMatchObject({ imported: 3, duplicates: 0, rejected: [] });
    const rows = await t.db().select().from(orders).where(eq(orders.merchantId, m.merchantId));
    expect(rows.find((r) => r.orderNo === "6928374655102938471")).toMatchObject({ amount: 17900, source: "douyin" });
    expect((await upload(m.apiKey, "douyin", fixture("douyin-orders-utf8-bom.csv"))).json).toMatchObject({ imported: 0, duplicates: 3 });
    const xls = await upload(m.apiKey, "douyin", new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), "application/vnd.ms-excel");
    expect(xls.status).toBe(400);
    expect(xls.json.error).toMatchObject({ code: "invalid_file", message: expect.stringContaining(".xlsx or CSV") });
  });

  it("a file whose every line is bad answers its first 1,000 rejections and counts them all, and so does the history", async () => {
    const m = await merchantWithAlipay();
    const [header, , , , bad] = iconv.decode(Buffer.from(fixture("taobao-orders-gbk.csv")), "gbk").split("\r\n");
    const lines = Array.from({ length: 1_500 }, (_, i) => bad.replace("3928475619283746515", String(3928475619283700000n + BigInt(i))));
    const res = await upload(m.apiKey, "taobao", new Uint8Array(iconv.encode([header, ...lines, ""].join("\r\n"), "gbk")));
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ imported: 0, duplicates: 0, rejectedCount: 1_500 });
    expect(res.json.rejected).toHaveLength(1_000);
    expect(res.json.rejected[0]).toEqual({ line: 2, message: expect.stringContaining("十二元") });
    expect((await importHistory(m.apiKey)).data).toMatchObject([{ kind: "orders", lineCount: 1_500, imported: 0, rejected: 1_500 }]);
  });

  it("a zero or negative amount is rejected naming the line and the amount (checkout takes only positive amounts); the rest import", async () => {
    const m = await merchantWithAlipay();
    const csv = [
      "订单编号,总金额,订单状态,买家会员名",
      '="4000000000000000001",88.00,交易成功,tb_ok',
      '="4000000000000000002",0.00,交易成功,tb_zero',
      '="4000000000000000003",-12.50,交易成功,tb_negative',
      '="4000000000000000004",-0.00,交易关闭,tb_minus_zero',
      "",
    ].join("\r\n");
    const res = await upload(m.apiKey, "taobao", new TextEncoder().encode(csv));
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ imported: 1, duplicates: 0 });
    expect(res.json.rejected).toEqual([
      { line: 3, message: expect.stringMatching(/总金额.*"0\.00".*positive/) },
      { line: 4, message: expect.stringMatching(/总金额.*"-12\.50".*positive/) },
      { line: 5, message: expect.stringMatching(/总金额.*"-0\.00".*positive/) },
    ]);
    const rows = await t.db().select().from(orders).where(eq(orders.merchantId, m.merchantId));
    expect(rows.map((r) => [r.orderNo, r.amount])).toEqual([["4000000000000000001", 8800]]);

    // A 抖店 sub-order row repeats its order's amount: a bad one is rejected and the order is not imported.
    const douyin = ["主订单编号,子订单编号,订单应付金额,订单状态", "5000000000000000001,5000000000000000002,-5.00,待发货", ""].join("\n");
    const d = await upload(m.apiKey, "douyin", new TextEncoder().encode(douyin));
    expect(d.json).toMatchObject({ imported: 0, rejected: [{ line: 2, message: expect.stringContaining("positive") }] });
  });

  it("bad requests are 4xx and change nothing", async () => {
    const m = await merchantWithAlipay();
    expect((await upload(m.apiKey, "jd", fixture("taobao-orders-gbk.csv"))).status).toBe(400);
    // A bank statement chosen as an order export says what it is.
    const statement = await upload(m.apiKey, "taobao", new Uint8Array(iconv.encode(CMB_SAMPLE, "gbk")));
    expect(statement.status).toBe(400);
    expect(statement.json.error).toMatchObject({ code: "invalid_file", message: "body: this is a cmb-csv statement or bill: import it as a statement" });
    // So does a large UTF-8 one, whatever character its first 64 KB end in.
    const lines = Array.from({ length: 1500 }, (_, i) => cmbCredit({ date: "20261120", time: "10:00:00", credit: "1.00", serial: `K${i}`, memo: `货款第${i}笔，谢谢惠顾`, payer: "杭州禾木家居有限公司", account: "6225880123456789" }));
    const large = new TextEncoder().encode(buildCsv(CMB_HEADER, lines));
    expect(large.length).toBeGreaterThan(200_000);
    const largeRes = await upload(m.apiKey, "douyin", large);
    expect(largeRes.json.error.message).toBe("body: this is a cmb-csv statement or bill: import it as a statement");
    expect((await upload(m.apiKey, "taobao", new TextEncoder().encode("a,b,c\n1,2,3\n"))).status).toBe(400);
    expect((await upload(m.apiKey, "taobao", new Uint8Array())).status).toBe(400);
    expect((await upload(m.apiKey, "taobao", fixture("taobao-orders-gbk.csv"), "application/json")).status).toBe(415);
    const rows = await t.db().select().from(orders).where(eq(orders.merchantId, m.merchantId));
    expect(rows).toHaveLength(0);
    expect((await importHistory(m.apiKey)).data).toEqual([]);
  });
  it("an .xlsx whose order id column holds 19-digit numbers rejects those lines, saying to format the column as text; no order gets a rounded id", async () => {
    const m = await merchantWithAlipay();
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet("订单");
    sheet.addRow(["主订单编号", "订单应付金额", "订单状态"]);
    // Two ids alike in their first 15 digits: rounded, the second read as the first one's sub-order row.
    sheet.addRow([6928374655102938471, 179, "待发货"]);
    sheet.addRow([6928374655102938472, 59, "待发货"]);
    // A number Excel holds exactly, and an id typed into a text cell, import as before.
    sheet.addRow([12345678, 10, "待发货"]);
    sheet.addRow(["6928374655102938473", 20, "待发货"]);
    const res = await upload(m.apiKey, "douyin", new Uint8Array(await book.xlsx.writeBuffer()), XLSX);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json).toMatchObject({ imported: 2, duplicates: 0, skipped: 0, rejectedCount: 2 });
    expect(res.json.rejected).toEqual([
      { line: 2, message: expect.stringMatching(/^主订单编号: 6928374655102940000 is a number .*15 digits.*must be text.*文本 \/ Text/) },
      { line: 3, message: expect.stringMatching(/^主订单编号: 6928374655102940000 is a number .*文本 \/ Text/) },
    ]);
    expect((await ordersOf(m.merchantId)).map((o) => o.orderNo).sort()).toEqual(["12345678", "6928374655102938473"]);

    // The same ids in a CSV Excel saved: in its scientific form.
    const csv = await upload(m.apiKey, "douyin", utf8("主订单编号,订单应付金额,订单状态\r\n6.92837E+18,179.00,待发货\r\n"));
    expect(csv.json).toMatchObject({ imported: 0, rejected: [{ line: 2, message: expect.stringMatching(/"6\.92837E\+18" is a number Excel shortened.*文本 \/ Text/) }] });
  });

  it("re-importing closes what the platform closed before any money came, lists a changed amount without applying it, and changes nothing the second time", async () => {
    const m = await bankMerchant();
    await call(storefrontRoute as unknown as H, { apiKey: m.apiKey, body: { url: "https://shop.example.cn/hooks/ldxp", secret: "a storefront secret of 32 chars!" } });
    const header = "订单编号,总金额,订单状态,买家会员名";
    const first = [header, '="4000000000000000101",128.00,等待买家付款,tb_a', '="4000000000000000102",50.00,等待买家付款,tb_b', '="4000000000000000103",30.00,等待买家付款,tb_c', ""].join("\r\n");
    expect((await upload(m.apiKey, "taobao", utf8(first))).json).toMatchObject({ imported: 3, duplicates: 0 });
    const byNo = async () => new Map((await ordersOf(m.merchantId)).map((o) => [o.orderNo, o]));
    // 103 is paid: a transfer naming its reference.
    const paid = (await byNo()).get("4000000000000000103")!;
    const at = new Date(Date.now() + 8 * 3_600_000 + 60_000).toISOString();
    const credit = cmbCredit({ date: at.slice(0, 10).replace(/-/g, ""), time: at.slice(11, 19), credit: "30.00", serial: `RI${Date.now()}`, memo: `货款 ${paid.reference}`, payer: "陈三", account: "6214830000000103" });
    expect((await importCmbStatement(m.apiKey, m.bankId, buildCsv(CMB_HEADER, [credit]))).status).toBe(200);
    expect((await call(getOrder as unknown as H, { method: "GET", apiKey: m.apiKey, params: { reference: paid.reference } })).json.status).toBe("paid");

    const second = [
      header,
      '="4000000000000000101",100.00,交易关闭,tb_a',
      '="4000000000000000102",55.00,等待买家付款,tb_b',
      '="4000000000000000103",30.00,交易关闭,tb_c',
      '="4000000000000000104",12.00,等待买家付款,tb_d',
      "",
    ].join("\r\n");
    const res = await upload(m.apiKey, "taobao", utf8(second));
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ imported: 1, updated: 1, duplicates: 0, skipped: 0, changed: 2, rejectedCount: 2 });
    expect(res.json.rejected).toEqual([
      { line: 3, message: expect.stringMatching(/4000000000000000102: the amount changed from 50\.00 to 55\.00 .*not applied, the order keeps 50\.00/) },
      { line: 4, message: expect.stringMatching(/4000000000000000103: the platform shows it 交易关闭, but 30\.00 is allocated to it here: not closed/) },
    ]);
    const after = await byNo();
    // Closed as expiry closes an order: its amount as it was, closedAt now, the platform's status kept.
    expect(after.get("4000000000000000101")).toMatchObject({ status: "closed", amount: 12800, closedAt: expect.any(Date) });
    expect(after.get("4000000000000000101")!.details).toMatchObject({ platformStatus: "交易关闭" });
    expect(after.get("4000000000000000102")).toMatchObject({ status: "pending", amount: 5000, closedAt: null });
    expect(after.get("4000000000000000103")).toMatchObject({ status: "paid", amount: 3000, closedAt: null });
    const closedId = after.get("4000000000000000101")!.id;
    const audit = await t.db().select().from(auditEvents).where(and(eq(auditEvents.merchantId, m.merchantId), eq(auditEvents.action, "order.closed")));
    expect(audit.map((e) => [e.subjectId, e.after])).toEqual([[closedId, { status: "closed", reason: "platform_closed" }]]);
    const deliveries = await t.db().select().from(webhookDeliveries).where(and(eq(webhookDeliveries.merchantId, m.merchantId), eq(webhookDeliveries.type, "order.closed")));
    expect(deliveries).toHaveLength(1);

    // The same file again: nothing left to apply, the differences said again.
    const again = await upload(m.apiKey, "taobao", utf8(second));
    expect(again.json).toMatchObject({ imported: 0, updated: 0, duplicates: 2, changed: 2, rejectedCount: 2 });
    expect(new Map([...(await byNo())].map(([no, o]) => [no, [o.status, o.amount, o.updatedAt.getTime()]]))).toEqual(
      new Map([...after].map(([no, o]) => [no, [o.status, o.amount, o.updatedAt.getTime()]])),
    );
    expect((await importHistory(m.apiKey)).data.slice(0, 2)).toMatchObject([
      { kind: "orders", lineCount: 4, imported: 0, updated: 0, duplicates: 2, changed: 2, rejected: 2 },
      { kind: "orders", lineCount: 4, imported: 1, updated: 1, duplicates: 0, changed: 2, rejected: 2 },
    ]);
  });

  it("every data line is counted: sub-order rows as skipped, a repeated id with another amount rejected naming both lines", async () => {
    const m = await merchantWithAlipay();
    const csv = ["订单编号,总金额,订单状态", '="4000000000000000201",128.00,等待买家付款', '="4000000000000000201",99.00,等待买家付款', '="4000000000000000202",10.00,等待买家付款', ""].join("\n");
    const res = await upload(m.apiKey, "taobao", utf8(csv));
    expect(res.json).toMatchObject({ imported: 2, duplicates: 0, skipped: 0, rejectedCount: 1 });
    expect(res.json.rejected).toEqual([{ line: 3, message: expect.stringMatching(/order id 4000000000000000201: 总金额 99\.00 differs from 128\.00 on line 2/) }]);
    expect((await ordersOf(m.merchantId)).find((o) => o.orderNo === "4000000000000000201")).toMatchObject({ amount: 12800 });

    // A 抖店 order's second sub-order row repeats its amount: counted as skipped.
    const douyin = await upload(m.apiKey, "douyin", fixture("douyin-orders-utf8-bom.csv"));
    expect(douyin.json).toMatchObject({ imported: 3, duplicates: 0, skipped: 1, rejectedCount: 0 });
    expect((await importHistory(m.apiKey)).data).toMatchObject([
      { format: "douyin", lineCount: 4, imported: 3, skipped: 1, rejected: 0 },
      { format: "taobao", lineCount: 3, imported: 2, skipped: 0, rejected: 1 },
    ]);
  });
});
