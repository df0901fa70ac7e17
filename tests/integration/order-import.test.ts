import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { POST as importRoute } from "@/app/api/v1/orders/import/route";
import { orders } from "@/lib/db/schema";
import { isValidReference } from "@/lib/core/reference";
import { BASE, merchantWithAlipay } from "../helpers/api";
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

  it("bad requests are 4xx and change nothing", async () => {
    const m = await merchantWithAlipay();
    expect((await upload(m.apiKey, "jd", fixture("taobao-orders-gbk.csv"))).status).toBe(400);
    expect((await upload(m.apiKey, "taobao", new TextEncoder().encode("a,b,c\n1,2,3\n"))).status).toBe(400);
    expect((await upload(m.apiKey, "taobao", new Uint8Array())).status).toBe(400);
    expect((await upload(m.apiKey, "taobao", fixture("taobao-orders-gbk.csv"), "application/json")).status).toBe(415);
    const rows = await t.db().select().from(orders).where(eq(orders.merchantId, m.merchantId));
    expect(rows).toHaveLength(0);
  });
});
