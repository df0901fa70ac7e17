// Checkout's unique amount (唯一金额): the customer who cannot type a reference transfers the amount
// checkout asked for, and the bank statement's line pays the order by that amount alone.
import { eq, inArray } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { POST as checkoutRoute } from "@/app/api/v1/checkout/route";
import { GET as getOrder } from "@/app/api/v1/orders/[reference]/route";
import { POST as confirmRoute } from "@/app/api/v1/payments/[paymentId]/confirm/route";
import { POST as matchRoute } from "@/app/api/v1/payments/[paymentId]/match/route";
import { GET as getPayment } from "@/app/api/v1/payments/[paymentId]/route";
import { POST as unmatchRoute } from "@/app/api/v1/payments/[paymentId]/unmatch/route";
import { openOrders, orders, payments } from "@/lib/db/schema";
import { buildCsv, CMB_HEADER, cmbCredit } from "../fixtures/statements/cn-exports";
import { bankMerchant, call, importCmbStatement } from "../helpers/api";
import { setupTestDatabase } from "../helpers/test-db";

const t = setupTestDatabase();
type H = Parameters<typeof call>[0];
let m: Awaited<ReturnType<typeof bankMerchant>>;
let n = 0;

const checkout = (body: Record<string, unknown>) =>
  call(checkoutRoute as unknown as H, { apiKey: m.apiKey, body: { orderNo: `UA-${++n}`, source: "web", amount: 10000, uniqueAmount: true, ...body } });
const orderOf = (reference: string) => call(getOrder as unknown as H, { method: "GET", apiKey: m.apiKey, params: { reference } });
const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, "0")}`;
/** Today in Shanghai as CMB writes it (yyyymmdd): the statement books the transfer the day it was asked for. */
const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10).replaceAll("-", "");

beforeAll(async () => {
  m = await bankMerchant();
});

describe(`unique amounts through checkout and a statement import (${process.env.TEST_DB})`, () => {
  it("checkout hands out the amount less the smallest free tail, in the order view and the bank parameters; the same request again keeps it", async () => {
    const first = await checkout({ orderNo: "UA-SAME", amount: 25000 });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ amount: 25000, payableAmount: 24999 });
    expect(first.json.channelParams.bank).toMatchObject({ memo: first.json.reference, amount: 24999 });
    const again = await checkout({ orderNo: "UA-SAME", amount: 25000 });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ reference: first.json.reference, payableAmount: 24999 });
    const second = await checkout({ amount: 25000 });
    expect(second.json.payableAmount).toBe(24998);
    const plain = await checkout({ amount: 25000, uniqueAmount: false });
    expect(plain.json).toMatchObject({ amount: 25000, payableAmount: 25000 });
    expect(plain.json.channelParams.bank.amount).toBe(25000);
    expect((await orderOf(first.json.reference)).json.payableAmount).toBe(24999);
  });

  it("concurrent checkouts of one amount are never told the same amount", async () => {
    const all = await Promise.all(Array.from({ length: 8 }, () => checkout({ amount: 33300 })));
    expect(all.map((r) => r.status)).toEqual(Array(8).fill(201));
    expect(new Set(all.map((r) => r.json.payableAmount)).size).toBe(8);
    expect(Math.min(...all.map((r) => r.json.payableAmount))).toBe(33292);
  });

  it("when every tail is taken by an open order the checkout is refused with 409 and writes nothing", async () => {
    for (let i = 0; i < 4; i++) expect((await checkout({ amount: 5 })).status).toBe(201);
    const before = await t.db().select({ id: orders.id }).from(orders).where(eq(orders.amount, 5));
    const refused = await checkout({ amount: 5 });
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe("unique_amount_unavailable");
    expect(await t.db().select({ id: orders.id }).from(orders).where(eq(orders.amount, 5))).toHaveLength(before.length);
  });

  it("a unique amount is never what another open order asks in full", async () => {
    expect((await checkout({ amount: 51999, uniqueAmount: false })).json.payableAmount).toBe(51999);
    expect((await checkout({ amount: 51998, uniqueAmount: false })).json.payableAmount).toBe(51998);
    expect((await checkout({ amount: 52000 })).json.payableAmount).toBe(51997);
  });

  it("1 fen cannot be made unique: 400 naming the field", async () => {
    const res = await checkout({ amount: 1 });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toContain("uniqueAmount");
  });

  it("a transfer of the unique amount with no memo pays the order; the tail is written off, and the freed amount goes to the next checkout", async () => {
    const asked = await checkout({ amount: 48800, customer: { name: "张三" } });
    const other = await checkout({ amount: 48800, customer: { name: "李四" } });
    const payable = asked.json.payableAmount as number;
    expect(payable).toBe(48799);
    const csv = buildCsv(CMB_HEADER, [
      cmbCredit({ date: today(), time: "00:00:01", credit: yuan(payable), serial: "UA0000000001", memo: "", payer: "张三", account: "6225880100000001" }),
    ]);
    const res = await importCmbStatement(m.apiKey, m.bankId, csv);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ imported: 1, matched: 1 });

    const order = (await orderOf(asked.json.reference)).json;
    expect(order).toMatchObject({ status: "paid", amount: 48800, payableAmount: payable, paidAmount: payable, writtenOffAmount: 1 });
    expect(order.payments).toEqual([expect.objectContaining({ amount: payable, allocatedAmount: payable, matchMethod: "unique_amount" })]);
    const payment = await call(getPayment as unknown as H, { method: "GET", apiKey: m.apiKey, params: { paymentId: order.payments[0].paymentId } });
    expect(payment.json).toMatchObject({ status: "matched", matchMethod: "unique_amount", allocations: [{ reference: asked.json.reference, amount: payable }] });
    expect(payment.json.explanation).toContain("unique amount");
    const [row] = await t.db().select().from(orders).where(eq(orders.id, asked.json.orderId));
    expect(row.writtenOffAmount).toBe(1);
    expect(row.details.writeOffs).toEqual([expect.objectContaining({ amount: 1, cause: "unique_amount", source: "checkout" })]);
    expect((await orderOf(other.json.reference)).json.status).toBe("pending");

    // Paid, the order no longer holds its amount: the next checkout of 488.00 is told 487.99.
    expect(await t.db().select().from(openOrders).where(eq(openOrders.orderId, asked.json.orderId))).toEqual([]);
    expect((await checkout({ amount: 48800 })).json.payableAmount).toBe(48799);
  });

  it("a payer with another name gets a suggestion; confirming it pays the order and writes the tail off", async () => {
    const asked = await checkout({ amount: 15600, customer: { name: "王小明" } });
    const payable = asked.json.payableAmount as number;
    const csv = buildCsv(CMB_HEADER, [
      cmbCredit({ date: today(), time: "00:00:02", credit: yuan(payable), serial: "UA0000000002", memo: "", payer: "李丽", account: "6225880100000002" }),
    ]);
    expect((await importCmbStatement(m.apiKey, m.bankId, csv)).json).toMatchObject({ imported: 1, matched: 0 });
    const order = await orderOf(asked.json.reference);
    expect(order.json.status).toBe("pending");
    const [row] = await t.db().select({ id: payments.id }).from(payments).where(eq(payments.channelTransactionId, "UA0000000002"));
    const suggested = await call(getPayment as unknown as H, { method: "GET", apiKey: m.apiKey, params: { paymentId: row.id } });
    expect(suggested.json).toMatchObject({ status: "suggested", suggestions: [{ references: [asked.json.reference], method: "unique_amount" }] });

    const confirmed = await call(confirmRoute as unknown as H, { apiKey: m.apiKey, params: { paymentId: row.id }, body: {} });
    expect(confirmed.status).toBe(200);
    expect((await orderOf(asked.json.reference)).json).toMatchObject({ status: "paid", paidAmount: payable });
    const [after] = await t.db().select().from(orders).where(eq(orders.id, asked.json.orderId));
    expect(after.writtenOffAmount).toBe(15600 - payable);
  });

  it("matching the unique amount by hand pays the order too; a part of it does not write the tail off", async () => {
    const asked = await checkout({ amount: 7700, customer: { name: "周杰" } });
    const payable = asked.json.payableAmount as number;
    const csv = buildCsv(CMB_HEADER, [
      cmbCredit({ date: today(), time: "00:00:03", credit: yuan(payable), serial: "UA0000000003", memo: "退款", payer: "周杰", account: "6225880100000003" }),
      cmbCredit({ date: today(), time: "00:00:04", credit: "10.00", serial: "UA0000000004", memo: "", payer: "某人", account: "6225880100000004" }),
    ]);
    expect((await importCmbStatement(m.apiKey, m.bankId, csv)).status).toBe(200);
    const ids = await t.db().select({ id: payments.id, serial: payments.channelTransactionId }).from(payments).where(inArray(payments.channelTransactionId, ["UA0000000003", "UA0000000004"]));
    const id = (serial: string) => ids.find((r) => r.serial === serial)!.id;
    // The memo says 退款 (not a sale): nothing is decided automatically.
    expect((await orderOf(asked.json.reference)).json.status).toBe("pending");

    const part = await call(matchRoute as unknown as H, { apiKey: m.apiKey, params: { paymentId: id("UA0000000004") }, body: { allocations: [{ reference: asked.json.reference, amount: 1000 }] } });
    expect(part.status).toBe(200);
    expect((await orderOf(asked.json.reference)).json).toMatchObject({ status: "partially_paid", paidAmount: 1000 });
    expect((await call(unmatchRoute as unknown as H, { apiKey: m.apiKey, params: { paymentId: id("UA0000000004") } })).status).toBe(200);
    expect((await orderOf(asked.json.reference)).json).toMatchObject({ status: "pending", paidAmount: 0 });

    const manual = await call(matchRoute as unknown as H, { apiKey: m.apiKey, params: { paymentId: id("UA0000000003") }, body: { allocations: [{ reference: asked.json.reference, amount: payable }] } });
    expect(manual.status).toBe(200);
    expect((await orderOf(asked.json.reference)).json).toMatchObject({ status: "paid", paidAmount: payable, writtenOffAmount: 7700 - payable });

    // The same match sent again (a retry, a second click) is judged on the order as the first one found it: still paid, the tail still written off.
    const again = await call(matchRoute as unknown as H, { apiKey: m.apiKey, params: { paymentId: id("UA0000000003") }, body: { allocations: [{ reference: asked.json.reference, amount: payable }] } });
    expect(again.status).toBe(200);
    expect((await orderOf(asked.json.reference)).json).toMatchObject({ status: "paid", paidAmount: payable, writtenOffAmount: 7700 - payable });
    const [row] = await t.db().select().from(orders).where(eq(orders.id, asked.json.orderId));
    expect(row.details.writeOffs).toEqual([expect.objectContaining({ amount: 7700 - payable, cause: "unique_amount" })]);
    expect(await t.db().select().from(openOrders).where(eq(openOrders.orderId, asked.json.orderId))).toEqual([]);
  });

  it("an order that expired is suggested for its customer's late transfer of the unique amount; confirming pays it", async () => {
    const asked = await checkout({ amount: 21000, customer: { name: "孙悦" } });
    const payable = asked.json.payableAmount as number;
    await t.db().update(orders).set({ status: "closed", closedAt: new Date() }).where(eq(orders.id, asked.json.orderId));
    const csv = buildCsv(CMB_HEADER, [
      cmbCredit({ date: today(), time: "00:00:05", credit: yuan(payable), serial: "UA0000000005", memo: "", payer: "孙悦", account: "6225880100000005" }),
    ]);
    expect((await importCmbStatement(m.apiKey, m.bankId, csv)).json).toMatchObject({ imported: 1, matched: 0 });
    const [row] = await t.db().select({ id: payments.id }).from(payments).where(eq(payments.channelTransactionId, "UA0000000005"));
    const suggested = await call(getPayment as unknown as H, { method: "GET", apiKey: m.apiKey, params: { paymentId: row.id } });
    expect(suggested.json).toMatchObject({ status: "suggested", suggestions: [{ references: [asked.json.reference], allocations: [{ amount: payable }] }] });
    expect((await call(confirmRoute as unknown as H, { apiKey: m.apiKey, params: { paymentId: row.id }, body: {} })).status).toBe(200);
    expect((await orderOf(asked.json.reference)).json).toMatchObject({ status: "paid", paidAmount: payable, writtenOffAmount: 21000 - payable });

    // Unmatched again: the order was closed before the money came, so it is closed again, not open for other money.
    expect((await call(unmatchRoute as unknown as H, { apiKey: m.apiKey, params: { paymentId: row.id } })).status).toBe(200);
    expect((await orderOf(asked.json.reference)).json).toMatchObject({ status: "closed", paidAmount: 0, writtenOffAmount: 0 });
    expect(await t.db().select().from(openOrders).where(eq(openOrders.orderId, asked.json.orderId))).toEqual([]);
  });

  it("in a statement of many lines: the reference with the unique amount settles its order, and a memo-less line of another's unique amount finds it", async () => {
    const named = await checkout({ amount: 64000, customer: { name: "钱多多" } });
    // No customer name: only its unique amount can bring this order before the engine.
    const bare = await checkout({ amount: 64000 });
    const [p1, p2] = [named.json.payableAmount as number, bare.json.payableAmount as number];
    expect(new Set([p1, p2]).size).toBe(2);
    // Over the batch size that reads the window narrow first (matching-candidates FILTERED_BATCH_LIMIT).
    const noise = Array.from({ length: 30 }, (_, i) =>
      cmbCredit({ date: today(), time: "00:01:00", credit: yuan(1_000 + i * 7), serial: `UAN${String(i).padStart(9, "0")}`, memo: "往来款", payer: `某公司${i}`, account: `62258801${String(i).padStart(8, "0")}` }),
    );
    const csv = buildCsv(CMB_HEADER, [
      ...noise,
      cmbCredit({ date: today(), time: "00:02:00", credit: yuan(p1), serial: "UA0000000006", memo: `货款 ${named.json.reference}`, payer: "钱多多", account: "6225880100000006" }),
      cmbCredit({ date: today(), time: "00:02:01", credit: yuan(p2), serial: "UA0000000007", memo: "", payer: "吴用", account: "6225880100000007" }),
    ]);
    expect((await importCmbStatement(m.apiKey, m.bankId, csv)).json).toMatchObject({ imported: 32, matched: 2 });
    const first = (await orderOf(named.json.reference)).json;
    expect(first).toMatchObject({ status: "paid", paidAmount: p1, writtenOffAmount: 64000 - p1 });
    expect(first.payments).toEqual([expect.objectContaining({ matchMethod: "reference_in_memo" })]);
    const second = (await orderOf(bare.json.reference)).json;
    expect(second).toMatchObject({ status: "paid", paidAmount: p2, writtenOffAmount: 64000 - p2 });
    expect(second.payments).toEqual([expect.objectContaining({ matchMethod: "unique_amount" })]);
  });

  it("a second transfer of a paid order's unique amount is not matched to a nameless order given that amount since", async () => {
    const first = await checkout({ amount: 91000, customer: { name: "冯宝宝" } });
    const payable = first.json.payableAmount as number;
    const line = (serial: string, time: string) =>
      cmbCredit({ date: today(), time, credit: yuan(payable), serial, memo: "", payer: "冯宝宝", account: "6225880100000008" });
    expect((await importCmbStatement(m.apiKey, m.bankId, buildCsv(CMB_HEADER, [line("UA0000000008", "00:03:00")]))).json).toMatchObject({ matched: 1 });
    const next = await checkout({ amount: 91000 });
    expect(next.json.payableAmount).toBe(payable);
    expect((await importCmbStatement(m.apiKey, m.bankId, buildCsv(CMB_HEADER, [line("UA0000000009", "00:04:00")]))).json).toMatchObject({ imported: 1, matched: 0 });
    expect((await orderOf(next.json.reference)).json.status).toBe("pending");
    const [row] = await t.db().select().from(payments).where(eq(payments.channelTransactionId, "UA0000000009"));
    expect(row.status).toBe("suggested");
    expect(row.explanation?.zh).toContain("重复付款");
  });
});
