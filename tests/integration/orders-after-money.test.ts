// Money that arrives before its order (yesterday's bank statement, today's platform export or push) finds
// the order once it is there; and what only looks like an order number in a memo takes no money.
import { describe, expect, it } from "vitest";
import { POST as importRoute } from "@/app/api/v1/orders/import/route";
import { GET as listRoute } from "@/app/api/v1/payments/route";
import { buildCsv, CMB_HEADER, cmbCredit } from "../fixtures/statements/cn-exports";
import { BASE, bankMerchant, call, createOrder, importCmbStatement } from "../helpers/api";
import { setupTestDatabase } from "../helpers/test-db";

setupTestDatabase();
type H = Parameters<typeof call>[0];
type M = Awaited<ReturnType<typeof bankMerchant>>;
type Listed = { paymentId: string; status: string; matchMethod: string | null; allocations: { reference: string; amount: number }[] };

async function importOrders(apiKey: string, format: string, csv: string) {
  const req = new Request(`${BASE}/api/v1/orders/import?format=${format}`, {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "text/csv" },
    body: Buffer.from(new TextEncoder().encode(csv)),
  });
  const res = await (importRoute as unknown as (r: Request, c: unknown) => Promise<Response>)(req, { params: Promise.resolve({}) });
  expect(res.status).toBe(200);
  return res.json();
}

let line = 0;
async function credit(m: M, amount: string, payer: string, memo: string): Promise<Listed> {
  const at = new Date(Date.now() + 8 * 3_600_000 - 60_000).toISOString();
  const csv = buildCsv(CMB_HEADER, [cmbCredit({ date: at.slice(0, 10).replace(/-/g, ""), time: at.slice(11, 19), credit: amount, serial: `OAM${Date.now()}${++line}`, memo, payer, account: `62148300${String(line).padStart(8, "0")}` })]);
  const res = await importCmbStatement(m.apiKey, m.bankId, csv);
  expect(res.status).toBe(200);
  return (await listed(m, res.json.statementId as string))[0];
}
const listed = async (m: M, statementId?: string) =>
  (await call(listRoute as unknown as H, { method: "GET", apiKey: m.apiKey, path: `/api/v1/payments${statementId ? `?statementId=${statementId}` : ""}` })).json.data as Listed[];

describe(`orders that come after their money (${process.env.TEST_DB})`, () => {
  it("a transfer naming a Douyin order number before the export is imported is matched once the export arrives", async () => {
    const m = await bankMerchant();
    const before = await credit(m, "179.00", "王小明", "订单6928374655102938999");
    expect(before.status).toBe("unmatched");
    const result = await importOrders(m.apiKey, "douyin", "\uFEFF主订单编号,订单应付金额,订单状态,收件人\n6928374655102938999,179.00,待发货,王小明\n");
    expect(result.imported).toBe(1);
    const after = (await listed(m)).find((p) => p.paymentId === before.paymentId)!;
    expect(after).toMatchObject({ status: "matched", matchMethod: "order_no_in_memo" });
    // Importing the same export again decides nothing anew.
    expect((await importOrders(m.apiKey, "douyin", "\uFEFF主订单编号,订单应付金额,订单状态,收件人\n6928374655102938999,179.00,待发货,王小明\n")).duplicates).toBe(1);
    expect((await listed(m)).find((p) => p.paymentId === before.paymentId)).toMatchObject({ status: "matched" });
  });

  it("an amount or a date in the memo is no order number: the customer's own order of that amount takes the money", async () => {
    const m = await bankMerchant();
    const own = await createOrder(m.apiKey, { orderNo: "WEB-A-1", amount: 128000, customer: { name: "李雷" } });
    await createOrder(m.apiKey, { orderNo: "128000", source: "pos", amount: 5000, customer: { name: "韩梅梅" } });
    await createOrder(m.apiKey, { orderNo: "20261125", source: "pos", amount: 6000, customer: { name: "韩梅梅" } });
    const p = await credit(m, "1,280.00", "李雷", "2026.11.25 货款1280.00");
    expect(p.status).toBe("matched");
    expect(p.allocations).toEqual([expect.objectContaining({ reference: own.reference, amount: 128000 })]);
  });
});
