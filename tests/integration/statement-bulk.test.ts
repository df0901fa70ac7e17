import crypto from "node:crypto";
import { and, asc, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { GET as getOrder } from "@/app/api/v1/orders/[reference]/route";
import { GET as getPayment } from "@/app/api/v1/payments/[paymentId]/route";
import { rawFields } from "@/lib/core/statements/raw";
import { allocations, auditEvents, payments, statements } from "@/lib/db/schema";
import { verifyAuditChains } from "@/lib/services/audit-verify";
import { prepareStatementBatch } from "@/lib/services/statement-payments";
import { CMB_HEADER, buildCsv, cmbCredit } from "../fixtures/statements/cn-exports";
import { bankMerchant, call, createOrder, importCmbStatement } from "../helpers/api";
import { explainPlan, insertOrdersDirectly, planNodes } from "../helpers/stale-plans";
import { setupTestDatabase } from "../helpers/test-db";

const t = setupTestDatabase();
type H = Parameters<typeof call>[0];

const yuan = (fen: number) => (fen / 100).toFixed(2);
let serial = 0;
const line = (fen: number, memo: string) =>
  cmbCredit({ date: "20261124", time: "10:00:00", credit: yuan(fen), serial: `B${++serial}`, memo, payer: "张三", account: "6225880123456789" });

const orderStatus = async (apiKey: string, reference: string) =>
  (await call(getOrder as unknown as H, { method: "GET", apiKey, params: { reference } })).json;

describe(`bulk matching of an imported statement (${process.env.TEST_DB})`, () => {
  it("pays untouched orders named once with their exact amount set-based, leaves the rest to the engine, and audits the set with a digest", async () => {
    const m = await bankMerchant();
    const exact = await Promise.all([12800, 9900, 100].map((amount) => createOrder(m.apiKey, { amount, channel: "bank" })));
    const split = await createOrder(m.apiKey, { amount: 20000, channel: "bank" });
    const short = await createOrder(m.apiKey, { amount: 5000, channel: "bank" });
    const csv = buildCsv(CMB_HEADER, [
      line(12800, `货款${exact[0].reference}`),
      line(9900, `${exact[1].reference.toLowerCase()} 订单付款`),
      line(100, exact[2].reference.replace(/(.{4})/g, "$1 ")),
      // Two lines naming one order: a split payment, which the engine decides.
      line(10000, `第一笔 ${split.reference}`),
      line(10000, `第二笔 ${split.reference}`),
      // A shortfall: the engine keeps it partly paid with an amount-mismatch signal.
      line(4900, `货款${short.reference}`),
    ]);
    const res = await importCmbStatement(m.apiKey, m.bankId, csv);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ imported: 6, matched: 6, suggested: 0, unmatched: 0 });

    for (const o of exact) {
      const view = await orderStatus(m.apiKey, o.reference);
      expect(view).toMatchObject({ status: "paid", paidAmount: o.amount });
      expect(view.payments).toEqual([expect.objectContaining({ matchMethod: "reference_in_memo", allocatedAmount: o.amount })]);
      const [row] = await t.db().select().from(payments).where(eq(payments.id, view.payments[0].paymentId));
      expect(row).toMatchObject({ status: "matched", confidence: 1, suggestions: [] });
      expect(row.matchCheckedAt).not.toBeNull();
      // Stored without an explanation, shown with the engine's, naming the order's reference.
      expect(row.explanation).toBeNull();
      const shown = (await call(getPayment as unknown as H, { method: "GET", apiKey: m.apiKey, params: { paymentId: row.id } })).json;
      expect(shown).toMatchObject({
        matchMethod: "reference_in_memo",
        explanationZh: `附言包含订单参考号 ${o.reference}（校验位有效）；金额与订单金额一致`,
        explanation: `memo contains reference ${o.reference} (check character valid); amount equals order amount`,
      });
    }
    expect(await orderStatus(m.apiKey, split.reference)).toMatchObject({ status: "paid", paidAmount: 20000 });
    expect(await orderStatus(m.apiKey, short.reference)).toMatchObject({ status: "partially_paid", paidAmount: 4900 });

    const [bulkEvent] = await t.db().select().from(auditEvents).where(and(eq(auditEvents.merchantId, m.merchantId), eq(auditEvents.action, "statement.bulk_matched")));
    expect(bulkEvent.subjectId).toBe(res.json.statementId);
    expect(bulkEvent.after).toMatchObject({ payments: 3, amount: 12800 + 9900 + 100 });
    const bulkAllocations = await t
      .db()
      .select({ paymentId: allocations.paymentId, orderId: allocations.orderId, amount: allocations.amount })
      .from(allocations)
      .innerJoin(payments, eq(payments.id, allocations.paymentId))
      .where(and(eq(payments.statementId, res.json.statementId), eq(allocations.merchantId, m.merchantId)))
      .orderBy(asc(allocations.paymentId));
    const digest = crypto.createHash("sha256");
    for (const a of bulkAllocations.filter((a) => exact.some((o) => o.amount === a.amount))) digest.update(`${a.paymentId}:${a.orderId}:${a.amount}\n`);
    expect(bulkEvent.after?.allocationsSha256).toBe(digest.digest("hex"));
    expect((await verifyAuditChains(t.db(), { merchantId: m.merchantId }))[0].broken).toBeNull();

    // Importing the same file again records and changes nothing.
    const again = await importCmbStatement(m.apiKey, m.bankId, csv);
    expect(again.json).toMatchObject({ imported: 0, duplicates: 6, matched: 0 });
    expect(await t.db().select().from(allocations).where(eq(allocations.merchantId, m.merchantId))).toHaveLength(bulkAllocations.length);
  });

  it("never takes an order that was paid before the statement arrived: that line goes to the engine", async () => {
    const m = await bankMerchant();
    const order = await createOrder(m.apiKey, { amount: 8800, channel: "bank" });
    const first = await importCmbStatement(m.apiKey, m.bankId, buildCsv(CMB_HEADER, [line(8800, `货款${order.reference}`)]));
    expect(first.json).toMatchObject({ matched: 1 });
    // The same transfer booked again under a new serial (a duplicate payment by the customer).
    const second = await importCmbStatement(m.apiKey, m.bankId, buildCsv(CMB_HEADER, [line(8800, `货款${order.reference}`)]));
    expect(second.json.imported).toBe(1);
    const view = await orderStatus(m.apiKey, order.reference);
    expect(view.paidAmount).toBeGreaterThanOrEqual(8800);
    const events = await t.db().select().from(auditEvents).where(and(eq(auditEvents.merchantId, m.merchantId), eq(auditEvents.action, "statement.bulk_matched")));
    expect(events).toHaveLength(1);
  });

  it("keeps each line's fields once named: the statement holds the names, each payment the values, the payer account masked", async () => {
    const m = await bankMerchant();
    const order = await createOrder(m.apiKey, { amount: 4500, channel: "bank" });
    const csv = buildCsv(CMB_HEADER, [line(4500, `货款${order.reference}`), line(1200, "无参考号 转账")]);
    const res = await importCmbStatement(m.apiKey, m.bankId, csv);
    expect(res.json).toMatchObject({ imported: 2, matched: 1 });
    const [statement] = await t.db().select().from(statements).where(eq(statements.id, res.json.statementId));
    const rows = await t.db().select().from(payments).where(eq(payments.statementId, res.json.statementId)).orderBy(asc(payments.amount));
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      const stored = row.details.raw as (string | null)[];
      expect(Array.isArray(stored)).toBe(true);
      expect(JSON.stringify(stored)).not.toContain("交易日期");
      const fields = rawFields(statement.rawColumns ?? [], stored);
      expect(fields).toMatchObject({ 交易日期: "20261124", 交易时间: "10:00:00", 贷方金额: yuan(row.amount), 余额: "152,340.12", "收(付)方名称": "张三" });
      expect(fields["收(付)方账号"]).toBe("622****6789");
      expect(JSON.stringify(row.details)).not.toContain("6225880123456789");
    }
    expect(rawFields(statement.rawColumns ?? [], rows[1].details.raw as (string | null)[]).用途).toBe(`货款${order.reference}`);
  });

  it("finds the orders a batch names through the unique reference index even when the planner believes the merchant has none", async () => {
    const m = await bankMerchant();
    // Statistics taken before the merchant's orders arrived, as after a large order import that
    // autovacuum has not analysed yet: the planner then expects about no orders of this merchant, and
    // a plan that scans them and compares every one with every candidate cost 4 s per 5,000 lines at 20,000 orders.
    await t.db().execute(sql`analyze orders`);
    const refs = await insertOrdersDirectly(t.db(), m.merchantId, 3000, "STALE");
    const batch = prepareStatementBatch({
      merchantId: m.merchantId,
      channelAccountId: m.bankId,
      origin: "statement",
      statementId: crypto.randomUUID(),
      confirmedByBillAt: null,
      readExisting: false,
      now: new Date(),
      inputs: refs.slice(0, 2000).map((reference, i) => ({
        event: {
          kind: "payment",
          channel: "bank",
          channelTransactionId: `PLAN-${i}`,
          reference: null,
          amount: 1000 + i,
          currency: "CNY",
          receivedAt: "2026-11-24T02:00:00.000Z",
          payerName: "张三",
          payerAccount: null,
          memo: `货款${reference}`,
          merchantAccountId: null,
          sellerId: null,
          details: {},
        },
        dedupeKey: `PLAN-${i}`,
        candidate: { reference, method: "reference_in_memo" },
      })),
    });
    const found = planNodes(await explainPlan(t.db(), batch!.query)).find((n) => n["Subplan Name"] === "CTE found");
    expect(found).toBeDefined();
    const inside = planNodes(found!);
    expect(inside.some((n) => n["Index Name"] === "orders_reference_key")).toBe(true);
    expect(inside.filter((n) => n["Join Filter"])).toEqual([]);
  });
});
