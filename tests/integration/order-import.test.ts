import fs from "node:fs";
import ExcelJS from "exceljs";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { POST as importRoute } from "@/app/api/v1/orders/import/route";
import { GET as historyRoute } from "@/app/api/v1/statements/route";
import { auditEvents, orders } from "@/lib/db/schema";
import { isValidReference } from "@/lib/core/reference";
import { buildCsv, CMB_HEADER, CMB_SAMPLE, cmbCredit } from "../fixtures/statements/cn-exports";
import { BASE, call, merchantWithAlipay } from "../helpers/api";
import { setupTestDatabase } from "../helpers/test-db";

const t = setupTestDatabase();
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
});
