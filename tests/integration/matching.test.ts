import { describe, expect, it } from "vitest";
import { and, count, eq, sql } from "drizzle-orm";
import { POST as createAccountRoute } from "@/app/api/v1/channel-accounts/route";
import { GET as getOrder } from "@/app/api/v1/orders/[reference]/route";
import { POST as confirmRoute } from "@/app/api/v1/payments/[paymentId]/confirm/route";
import { POST as ignoreRoute } from "@/app/api/v1/payments/[paymentId]/ignore/route";
import { POST as matchRoute } from "@/app/api/v1/payments/[paymentId]/match/route";
import { POST as rejectRoute } from "@/app/api/v1/payments/[paymentId]/reject/route";
import { GET as getPayment } from "@/app/api/v1/payments/[paymentId]/route";
import { POST as unmatchRoute } from "@/app/api/v1/payments/[paymentId]/unmatch/route";
import { GET as listRoute } from "@/app/api/v1/payments/route";
import { GET as reconciliationRoute } from "@/app/api/v1/reports/reconciliation/route";
import { anomalies, auditEvents, orders, payerAliases, payments, refunds } from "@/lib/db/schema";
import { verifyAuditChains } from "@/lib/services/audit-verify";
import { runAnomalySweep } from "@/lib/services/anomaly-sweep";
import { confirmSuggestions } from "@/lib/services/manual-match";
import { matchPayment, matchPayments } from "@/lib/services/match-payment";
import { findOrdersToMatch } from "@/lib/services/orders";
import { recordRefund } from "@/lib/services/refunds";
import { replaceToleranceRules, toleranceRuleSchema } from "@/lib/services/tolerance-rules";
import { CMB_HEADER, buildCsv, cmbCredit } from "../fixtures/statements/cn-exports";
import { bankCredit as recordBankCredit } from "../helpers/bank-credit";
import { bankMerchant, call, createOrder, importCmbStatement, merchantWithAlipay } from "../helpers/api";
import { setupTestDatabase } from "../helpers/test-db";

const t = setupTestDatabase();
type H = Parameters<typeof call>[0];
const h = (f: unknown) => f as H;

async function merchantWithBank() {
  const m = await merchantWithAlipay();
  const bank = await call(h(createAccountRoute), {
    apiKey: m.apiKey,
    body: { channel: "bank", name: "招商银行", credentials: { bankName: "招商银行", accountNo: "755912345678901" } },
  });
  return { ...m, bankId: bank.json.id as string };
}
type M = Awaited<ReturnType<typeof merchantWithBank>>;

const bankCredit = (m: M, p: Parameters<typeof recordBankCredit>[2]) => recordBankCredit(t.db(), m, p);

const view = async (m: M, paymentId: string) => (await call(h(getPayment), { method: "GET", apiKey: m.apiKey, params: { paymentId } })).json;
const orderView = async (m: M, reference: string) => (await call(h(getOrder), { method: "GET", apiKey: m.apiKey, params: { reference } })).json;
const post = (route: unknown, m: M, paymentId: string, body?: unknown) => call(h(route), { apiKey: m.apiKey, params: { paymentId }, body });
const auditCount = async (merchantId: string) =>
  (await t.db().select({ n: count() }).from(auditEvents).where(eq(auditEvents.merchantId, merchantId)))[0].n;

/** A bank refund of the payment, recorded as a channel's refund is (the payment locked first). */
const refundPayment = (paymentId: string, amount: number, channelRefundId: string) =>
  t.db().transaction(async (tx) => {
    const [locked] = await tx.select().from(payments).where(eq(payments.id, paymentId)).for("update");
    return recordRefund(tx, {
      payment: locked,
      event: { kind: "refund", channel: "bank", channelTransactionId: locked.channelTransactionId, channelRefundId, reference: null, cumulativeRefundedAmount: null, amount, refundedAt: new Date().toISOString(), closesPayment: false, details: {} },
      now: new Date(),
    });
  });

describe(`matching engine in the database (${process.env.TEST_DB})`, () => {
  it("a transfer without reference from the order's customer is matched with an explanation; re-running changes nothing", async () => {
    const m = await merchantWithBank();
    const o = await createOrder(m.apiKey, { amount: 15900, customer: { name: "张三" } });
    await createOrder(m.apiKey, { amount: 15900, customer: { name: "李四" } });
    const p = await bankCredit(m, { amount: 15900 });
    expect(await matchPayment(t.db(), { paymentId: p.id })).toBe("matched");
    const v = await view(m, p.id);
    expect(v).toMatchObject({ status: "matched", matchMethod: "amount_payer", allocations: [{ reference: o.reference, amount: 15900 }] });
    expect(v.confidence).toBeGreaterThanOrEqual(0.85);
    expect(v.explanation).toContain("payer name equals");
    expect(v.explanationZh).toContain("付款人");
    expect((await orderView(m, o.reference)).status).toBe("paid");
    const before = await auditCount(m.merchantId);
    expect(await matchPayments(t.db(), { paymentIds: [p.id] })).toMatchObject({ alreadyDecided: 1, matched: 0 });
    expect(await auditCount(m.merchantId)).toBe(before);
  });

  it("a paid order of the amount stands in the way only when its customer could be the payer: the same name or a masked one, not another customer's", async () => {
    const m = await merchantWithBank();
    const order = (name: string) => createOrder(m.apiKey, { amount: 25900, customer: { name } });
    const others = [await order("王芳"), await order("欧阳晓东")];
    const masked = await order("刘**");
    const open = await order("刘雨轩");
    // Paid after the open order was placed (so no past purchase): a second transfer for one of them is possible.
    for (const o of [...others, masked]) {
      expect(await matchPayment(t.db(), { paymentId: (await bankCredit(m, { amount: 25900, memo: o.reference, payerName: null })).id })).toBe("matched");
    }
    // The platform export masked the customer's name: 刘** may be 刘雨轩, who may be paying that order twice.
    const p = await bankCredit(m, { amount: 25900, payerName: "刘雨轩" });
    expect(await matchPayment(t.db(), { paymentId: p.id })).toBe("suggested");
    const v = await view(m, p.id);
    expect(v.suggestions.map((s: { references: string[] }) => s.references)).toEqual([[open.reference]]);
    for (const o of others) expect(JSON.stringify(v)).not.toContain(o.reference);

    // Without the masked twin, other customers' paid orders of the amount change nothing: the payer's open order is matched.
    const m2 = await merchantWithBank();
    for (const name of ["王芳", "欧阳晓东"]) {
      const o = await createOrder(m2.apiKey, { amount: 25900, customer: { name } });
      expect(await matchPayment(t.db(), { paymentId: (await bankCredit(m2, { amount: 25900, memo: o.reference, payerName: null })).id })).toBe("matched");
    }
    const own = await createOrder(m2.apiKey, { amount: 25900, customer: { name: "刘雨轩" } });
    const p2 = await bankCredit(m2, { amount: 25900, payerName: "刘雨轩" });
    expect(await matchPayment(t.db(), { paymentId: p2.id })).toBe("matched");
    const v2 = await view(m2, p2.id);
    expect(v2.allocations).toEqual([expect.objectContaining({ reference: own.reference })]);
    expect(v2.explanation).toContain("no other order of this payer with this amount in the window");
  });

  it("two payments racing for the last open amount of an order: only one takes it", async () => {
    const m = await merchantWithBank();
    const o = await createOrder(m.apiKey, { amount: 9900, customer: { name: "王五" } });
    const a = await bankCredit(m, { amount: 9900, payerName: "王五" });
    const b = await bankCredit(m, { amount: 9900, payerName: "王五" });
    const outcomes = await Promise.all([matchPayment(t.db(), { paymentId: a.id }), matchPayment(t.db(), { paymentId: b.id })]);
    expect(outcomes.filter((x) => x === "matched")).toHaveLength(1);
    const order = await orderView(m, o.reference);
    expect(order).toMatchObject({ status: "paid", paidAmount: 9900 });
    const loser = outcomes[0] === "matched" ? b : a;
    const lv = await view(m, loser.id);
    expect(lv.status).not.toBe("matched");
    expect(lv.explanation).toContain("duplicate");
  });

  it("a whole statement: exact references are applied first, so a guess never takes an order its reference pays", async () => {
    const m = await merchantWithBank();
    const o = await createOrder(m.apiKey, { amount: 12800, customer: { name: "赵六" } });
    const early = await bankCredit(m, { amount: 12800, payerName: "赵六", at: new Date(Date.now() - 60_000) });
    const withRef = await bankCredit(m, { amount: 12800, payerName: "赵六", memo: `货款 ${o.reference}` });
    const result = await matchPayments(t.db(), { paymentIds: [early.id, withRef.id] });
    expect(result.outcomes[withRef.id]).toBe("matched");
    expect((await view(m, withRef.id)).matchMethod).toBe("reference_in_memo");
    expect(result.outcomes[early.id]).not.toBe("matched");
    expect((await orderView(m, o.reference)).status).toBe("paid");
    const again = await matchPayments(t.db(), { paymentIds: [early.id, withRef.id] });
    expect(again.outcomes).toEqual({ [early.id]: result.outcomes[early.id], [withRef.id]: "already_decided" });
  });

  it("guesses of one batch are decided together in the order the money arrived: the first transfer takes the order, the repeat is left as a possible duplicate", async () => {
    const m = await merchantWithBank();
    const o = await createOrder(m.apiKey, { amount: 25900, customer: { name: "周杰" } });
    const typo = await createOrder(m.apiKey, { amount: 15900, customer: { name: "吴敏" } });
    const pair = [await createOrder(m.apiKey, { amount: 3000, customer: { name: "郑洁" } }), await createOrder(m.apiKey, { amount: 4500, customer: { name: "郑洁" } })];
    const t0 = Date.now() - 600_000;
    const first = await bankCredit(m, { amount: 25900, payerName: "周杰", at: new Date(t0) });
    const repeat = await bankCredit(m, { amount: 25900, payerName: "周杰", at: new Date(t0 + 60_000) });
    const mistyped = await bankCredit(m, { amount: 15900, payerName: "吴敏", memo: `货款${typo.reference.slice(0, 3)}${typo.reference[3] === "Z" ? "Y" : "Z"}${typo.reference.slice(4)}`, at: new Date(t0 + 120_000) });
    const summed = await bankCredit(m, { amount: 7500, payerName: "郑洁", at: new Date(t0 + 180_000) });
    const ids = [repeat.id, summed.id, first.id, mistyped.id];
    const result = await matchPayments(t.db(), { paymentIds: ids });
    expect(result.outcomes).toEqual({ [first.id]: "matched", [repeat.id]: "unmatched", [mistyped.id]: "matched", [summed.id]: "matched" });
    expect((await view(m, first.id)).matchMethod).toBe("amount_payer");
    expect((await view(m, repeat.id)).explanation).toContain("possibly a duplicate payment");
    expect((await view(m, mistyped.id)).matchMethod).toBe("typo_reference");
    expect((await view(m, summed.id)).allocations.map((a: { reference: string }) => a.reference).sort()).toEqual(pair.map((x) => x.reference).sort());
    for (const x of [o, typo, ...pair]) expect((await orderView(m, x.reference)).status).toBe("paid");
    // Each decision left its own audit events, linked into the merchant's chain.
    const events = await t.db().select().from(auditEvents).where(and(eq(auditEvents.merchantId, m.merchantId), eq(auditEvents.action, "payment.matched")));
    expect(events.map((e) => e.subjectId).sort()).toEqual([first.id, mistyped.id, summed.id].sort());
    expect(events.every((e) => e.chainSeq !== null)).toBe(true);
    const [chain] = await verifyAuditChains(t.db(), { merchantId: m.merchantId });
    expect(chain.broken).toBeNull();
    const leftOpen = await t.db().select({ n: count() }).from(auditEvents).where(and(eq(auditEvents.subjectId, repeat.id), eq(auditEvents.action, "payment.left_unmatched")));
    expect(leftOpen[0].n).toBe(1);
    // Re-running changes nothing and writes nothing.
    const before = await t.db().select({ n: count() }).from(auditEvents).where(eq(auditEvents.merchantId, m.merchantId));
    const again = await matchPayments(t.db(), { paymentIds: ids });
    expect(again.outcomes).toEqual({ [first.id]: "already_decided", [repeat.id]: "unmatched", [mistyped.id]: "already_decided", [summed.id]: "already_decided" });
    expect(await t.db().select({ n: count() }).from(auditEvents).where(eq(auditEvents.merchantId, m.merchantId))).toEqual(before);
  });

  it("a large batch reads only the open orders its payments could take, and still finds them by payer name and within tolerance", async () => {
    const m = await merchantWithBank();
    await replaceToleranceRules(t.db(), {
      merchantId: m.merchantId,
      actor: { type: "user", id: null },
      rules: [toleranceRuleSchema.parse({ name: "银行手续费", channels: ["bank"], maxShortfallFen: 200, cause: "bank_fee" })],
    });
    const pair = [await createOrder(m.apiKey, { amount: 3000, customer: { name: "冯雪" } }), await createOrder(m.apiKey, { amount: 4500, customer: { name: "冯雪" } })];
    const short = await createOrder(m.apiKey, { amount: 10000, customer: { name: "韩梅" } });
    for (let i = 0; i < 5; i++) await createOrder(m.apiKey, { amount: 50000 + i, customer: { name: `路人${i}` } });
    // More payments than the per-payment SQL filter takes: the window is read narrow and filtered in memory.
    const strangers = [];
    for (let i = 0; i < 22; i++) strangers.push(await bankCredit(m, { amount: 70000 + i, payerName: `过客${i}` }));
    const summed = await bankCredit(m, { amount: 7500, payerName: "冯雪" });
    const feeShort = await bankCredit(m, { amount: 9880, payerName: "韩 梅" });
    const result = await matchPayments(t.db(), { paymentIds: [...strangers.map((p) => p.id), summed.id, feeShort.id] });
    expect(result.outcomes[summed.id]).toBe("matched");
    expect(result.outcomes[feeShort.id]).toBe("matched");
    expect(strangers.every((p) => result.outcomes[p.id] === "unmatched")).toBe(true);
    expect((await view(m, summed.id)).matchMethod).toBe("amount_payer_sum");
    expect((await view(m, summed.id)).allocations.map((a: { reference: string }) => a.reference).sort()).toEqual(pair.map((o) => o.reference).sort());
    expect((await view(m, feeShort.id)).matchMethod).toBe("amount_payer");
    expect((await orderView(m, short.reference)).status).toBe("paid");
  });

  it("a chunk that cannot commit is decided again one payment at a time, on the orders as they are, not as the chunk left them", async () => {
    const m = await merchantWithBank();
    const a = await createOrder(m.apiKey, { amount: 31200, customer: { name: "钱进" } });
    const b = await createOrder(m.apiKey, { amount: 41700, customer: { name: "孙丽" } });
    const pa = await bankCredit(m, { amount: 31200, payerName: "钱进" });
    const pb = await bankCredit(m, { amount: 41700, payerName: "孙丽" });
    // Refuses any audit insert of more than five events: the chunk's (two matches, three events each)
    // fails after its allocations and orders were written; one payment's own (three) goes through.
    await t.db().execute(sql`
      create function refuse_big_audit_batches() returns trigger language plpgsql as $$
      begin
        if (select count(*) from new_rows) > 5 then raise exception 'test: audit batch refused'; end if;
        return null;
      end $$`);
    await t.db().execute(sql`
      create trigger refuse_big_audit_batches after insert on audit_events referencing new table as new_rows
      for each statement execute function refuse_big_audit_batches()`);
    try {
      const result = await matchPayments(t.db(), { paymentIds: [pa.id, pb.id] });
      expect(result.outcomes).toEqual({ [pa.id]: "matched", [pb.id]: "matched" });
    } finally {
      await t.db().execute(sql`drop trigger refuse_big_audit_batches on audit_events`);
      await t.db().execute(sql`drop function refuse_big_audit_batches()`);
    }
    for (const [o, p] of [[a, pa], [b, pb]] as const) {
      expect((await orderView(m, o.reference)).status).toBe("paid");
      expect((await view(m, p.id)).allocations).toEqual([expect.objectContaining({ reference: o.reference, amount: o.amount })]);
    }
  });

  it("a shortfall within the merchant's tolerance rule settles the order with a recorded bank fee; without a rule it stays partially paid", async () => {
    const m = await merchantWithBank();
    expect(toleranceRuleSchema.safeParse({ name: "x", cause: "bank_fee" }).success).toBe(false);
    const saved = await replaceToleranceRules(t.db(), {
      merchantId: m.merchantId,
      actor: { type: "user", id: null },
      rules: [toleranceRuleSchema.parse({ name: "银行手续费", channels: ["bank"], maxShortfallFen: 200, cause: "bank_fee" })],
    });
    expect(saved).toEqual([expect.objectContaining({ name: "银行手续费", channels: ["bank"], maxShortfallFen: 200, cause: "bank_fee" })]);
    const o = await createOrder(m.apiKey, { amount: 10000 });
    const p = await bankCredit(m, { amount: 9880, memo: `汇款 ${o.reference}` });
    await matchPayment(t.db(), { paymentId: p.id });
    const [row] = await t.db().select().from(orders).where(eq(orders.reference, o.reference));
    expect(row).toMatchObject({ status: "paid", paidAmount: 9880, writtenOffAmount: 120 });
    expect(row.details.writeOffs).toEqual([expect.objectContaining({ paymentId: p.id, amount: 120, cause: "bank_fee", source: "rule" })]);

    const other = await merchantWithBank();
    const o2 = await createOrder(other.apiKey, { amount: 10000 });
    const p2 = await bankCredit(other, { amount: 9880, memo: `汇款 ${o2.reference}` });
    await matchPayment(t.db(), { paymentId: p2.id });
    expect((await orderView(other, o2.reference)).status).toBe("partially_paid");
    const [pay2] = await t.db().select().from(payments).where(eq(payments.id, p2.id));
    expect(pay2.details.amountMismatch).toMatchObject({ kind: "short", difference: -120 });
  });

  it("split payments pay an order together; a refund is charged to the payment it came through and refused above what is left of it", async () => {
    const m = await merchantWithBank();
    const o = await createOrder(m.apiKey, { amount: 10000 });
    const first = await bankCredit(m, { amount: 6000, memo: `${o.reference} 第1笔` });
    const second = await bankCredit(m, { amount: 4000, memo: `${o.reference} 第2笔` });
    await matchPayments(t.db(), { paymentIds: [first.id, second.id] });
    expect((await orderView(m, o.reference)).status).toBe("paid");
    const refund = (amount: number, id: string) => refundPayment(second.id, amount, id);
    expect((await refund(3000, "r1")).kind).toBe("recorded");
    expect((await refund(1500, "r2")).kind).toBe("refused");
    // r1 again (the bill repeating the notify) is the same refund, not one too many.
    expect((await refund(3000, "r1")).kind).toBe("duplicate");
    const after = await orderView(m, o.reference);
    expect(after).toMatchObject({ status: "partially_refunded", refundedAmount: 3000 });
    const [p1] = await t.db().select().from(payments).where(eq(payments.id, first.id));
    expect(p1.refundedAmount).toBe(0);
  });

  it("a merged transfer refunded in two goes back on its orders without refunding any order more than it paid", async () => {
    const m = await merchantWithBank();
    const a = await createOrder(m.apiKey, { amount: 6000 });
    const b = await createOrder(m.apiKey, { amount: 4000 });
    const both = await bankCredit(m, { amount: 10000, memo: `${a.reference},${b.reference}` });
    await matchPayments(t.db(), { paymentIds: [both.id] });
    expect([(await orderView(m, a.reference)).status, (await orderView(m, b.reference)).status]).toEqual(["paid", "paid"]);

    // Which order a part refund is for, the channel does not say: the one the transfer paid most.
    expect((await refundPayment(both.id, 4000, "m1")).kind).toBe("recorded");
    expect(await orderView(m, a.reference)).toMatchObject({ status: "partially_refunded", refundedAmount: 4000 });
    // The rest: more than A still holds, so A gives back its 2000 and B its 4000, one refund row an order.
    expect((await refundPayment(both.id, 6000, "m2")).kind).toBe("recorded");
    expect(await orderView(m, a.reference)).toMatchObject({ status: "refunded", refundedAmount: 6000 });
    expect(await orderView(m, b.reference)).toMatchObject({ status: "refunded", refundedAmount: 4000 });
    const rows = await t.db().select({ id: refunds.channelRefundId, amount: refunds.amount, orderId: refunds.orderId }).from(refunds).where(eq(refunds.paymentId, both.id));
    expect(rows.map((r) => [r.id, r.amount]).sort()).toEqual([["m1", 4000], ["m2#2", 4000], ["m2", 2000]]);
    expect((await refundPayment(both.id, 6000, "m2")).kind).toBe("duplicate");
    expect((await t.db().select().from(payments).where(eq(payments.id, both.id)))[0].refundedAmount).toBe(10000);
    // The report counts the channel's two refunds, not the three rows they were spread over.
    const day = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    for (const format of ["json", "csv"]) {
      const report = await call(reconciliationRoute as unknown as H, { method: "GET", apiKey: m.apiKey, path: `/api/v1/reports/reconciliation?from=${day}&to=${day}&format=${format}` });
      expect(report.status).toBe(200);
      if (format === "json") expect(report.json.totals).toMatchObject({ refundCount: 2, refundedAmount: 10000 });
    }
  });

  it("a refund gives back money no order holds first: the order a payment partly paid stays paid", async () => {
    const m = await merchantWithBank();
    const o = await createOrder(m.apiKey, { amount: 10000 });
    const p = await bankCredit(m, { amount: 15000, memo: "货款" });
    const matched = await call(h(matchRoute), { apiKey: m.apiKey, params: { paymentId: p.id }, body: { allocations: [{ reference: o.reference, amount: 10000 }] } });
    expect(matched.json).toMatchObject({ status: "partially_matched", allocatedAmount: 10000 });
    expect((await refundPayment(p.id, 5000, "surplus")).kind).toBe("recorded");
    expect(await orderView(m, o.reference)).toMatchObject({ status: "paid", refundedAmount: 0 });
    const [row] = await t.db().select().from(refunds).where(eq(refunds.paymentId, p.id));
    expect(row).toMatchObject({ orderId: null, amount: 5000 });
    // Beyond the surplus, the order's own money goes back.
    expect((await refundPayment(p.id, 2000, "goods")).kind).toBe("recorded");
    expect(await orderView(m, o.reference)).toMatchObject({ status: "partially_refunded", refundedAmount: 2000 });
    // Unmatched and matched again: the refunds are put back by the same rule, the order as it was.
    expect((await call(h(unmatchRoute), { apiKey: m.apiKey, params: { paymentId: p.id } })).status).toBe(200);
    expect(await orderView(m, o.reference)).toMatchObject({ status: "pending", refundedAmount: 0 });
    await call(h(matchRoute), { apiKey: m.apiKey, params: { paymentId: p.id }, body: { allocations: [{ reference: o.reference, amount: 10000 }] } });
    expect(await orderView(m, o.reference)).toMatchObject({ status: "partially_refunded", paidAmount: 10000, refundedAmount: 2000 });
  });

  it("money no order claimed, refunded in full, can be set aside; refunded in part it is a customer's payment", async () => {
    const m = await merchantWithBank();
    const p = await bankCredit(m, { amount: 8800, memo: "货款" });
    await matchPayments(t.db(), { paymentIds: [p.id] });
    expect((await refundPayment(p.id, 3000, "back-1")).kind).toBe("recorded");
    const partly = await call(h(ignoreRoute), { apiKey: m.apiKey, params: { paymentId: p.id }, body: { reason: "已退回付款人" } });
    expect(partly.status).toBe(409);
    expect(partly.json.error.code).toBe("payment_refunded");
    expect((await refundPayment(p.id, 5800, "back-2")).kind).toBe("recorded");
    const whole = await call(h(ignoreRoute), { apiKey: m.apiKey, params: { paymentId: p.id }, body: { reason: "已全额退回付款人" } });
    expect(whole.status).toBe(200);
    expect(whole.json).toMatchObject({ status: "ignored", ignored: { reason: "已全额退回付款人" }, refundedAmount: 8800 });
  });

  it("refunds recorded before a person matched the transfer are spread by the same rule once it is matched", async () => {
    const m = await merchantWithBank();
    const a = await createOrder(m.apiKey, { amount: 6000 });
    const b = await createOrder(m.apiKey, { amount: 4000 });
    const merged = await bankCredit(m, { amount: 10000, memo: "货款" });
    expect((await refundPayment(merged.id, 7000, "early")).kind).toBe("recorded");
    await call(h(matchRoute), { apiKey: m.apiKey, params: { paymentId: merged.id }, body: { allocations: [{ reference: a.reference, amount: 6000 }, { reference: b.reference, amount: 4000 }] } });
    expect(await orderView(m, a.reference)).toMatchObject({ status: "refunded", refundedAmount: 6000 });
    expect(await orderView(m, b.reference)).toMatchObject({ status: "partially_refunded", refundedAmount: 1000 });

    const c = await createOrder(m.apiKey, { amount: 10000 });
    const surplus = await bankCredit(m, { amount: 15000, memo: "货款" });
    expect((await refundPayment(surplus.id, 12000, "early-2")).kind).toBe("recorded");
    await call(h(matchRoute), { apiKey: m.apiKey, params: { paymentId: surplus.id }, body: { allocations: [{ reference: c.reference, amount: 10000 }] } });
    expect(await orderView(m, c.reference)).toMatchObject({ status: "partially_refunded", refundedAmount: 7000 });
    const rows = await t.db().select({ id: refunds.channelRefundId, orderId: refunds.orderId, amount: refunds.amount }).from(refunds).where(eq(refunds.paymentId, surplus.id));
    expect(rows.map((r) => [r.id, r.orderId === null ? null : "C", r.amount]).sort()).toEqual([["early-2#2", "C", 7000], ["early-2", null, 5000]]);

    // Unmatched again: every part back on no order, the order untouched.
    await call(h(unmatchRoute), { apiKey: m.apiKey, params: { paymentId: surplus.id } });
    expect(await orderView(m, c.reference)).toMatchObject({ status: "pending", refundedAmount: 0 });
    const back = await t.db().select({ orderId: refunds.orderId }).from(refunds).where(eq(refunds.paymentId, surplus.id));
    expect(back.every((r) => r.orderId === null)).toBe(true);
  });

  it("an order paid twice in full is overpaid; the second payment refunded, it is paid again and the overpayment closes", async () => {
    const m = await merchantWithBank();
    const o = await createOrder(m.apiKey, { amount: 12800 });
    const first = await bankCredit(m, { amount: 12800, memo: o.reference });
    const second = await bankCredit(m, { amount: 12800, memo: o.reference });
    await matchPayments(t.db(), { paymentIds: [first.id, second.id] });
    expect((await orderView(m, o.reference)).status).toBe("overpaid");
    expect((await runAnomalySweep(t.db(), { merchantId: m.merchantId })).opened).toBeGreaterThanOrEqual(1);
    const refund = (amount: number, id: string) => refundPayment(second.id, amount, id);
    expect((await refund(2800, "dup-1")).kind).toBe("recorded");
    expect((await orderView(m, o.reference)).status).toBe("overpaid");
    expect((await refund(10000, "dup-2")).kind).toBe("recorded");
    expect(await orderView(m, o.reference)).toMatchObject({ status: "paid", refundedAmount: 12800 });
    // Replayed after the payment is refunded in full: a duplicate, not a refusal.
    expect((await refund(10000, "dup-2")).kind).toBe("duplicate");
    await runAnomalySweep(t.db(), { merchantId: m.merchantId });
    const open = await t.db().select().from(anomalies).where(and(eq(anomalies.merchantId, m.merchantId), eq(anomalies.status, "open"), eq(anomalies.kind, "overpayment")));
    expect(open).toEqual([]);
  });

  it("manual match: validates, sticks through re-runs, and unmatch stays unmatched", async () => {
    const m = await merchantWithBank();
    const stranger = await merchantWithBank();
    const a = await createOrder(m.apiKey, { amount: 3000, customer: { name: "孙七" } });
    const b = await createOrder(m.apiKey, { amount: 5000, customer: { name: "孙七" } });
    const foreign = await createOrder(stranger.apiKey, { amount: 3000 });
    const p = await bankCredit(m, { amount: 8000, payerName: "某公司", memo: "往来" });
    await matchPayment(t.db(), { paymentId: p.id });

    const tooMuch = await post(matchRoute, m, p.id, { allocations: [{ reference: a.reference, amount: 3000 }, { reference: b.reference, amount: 5001 }] });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.json.error.message).toContain("allocations");
    const dup = await post(matchRoute, m, p.id, { allocations: [{ reference: a.reference, amount: 1 }, { reference: a.reference.toLowerCase(), amount: 1 }] });
    expect(dup.status).toBe(400);
    expect(dup.json.error.message).toContain("allocations.1.reference");
    expect((await post(matchRoute, m, p.id, { allocations: [{ reference: "A", amount: -1 }] })).status).toBe(400);
    expect((await post(matchRoute, m, p.id, { allocations: [{ reference: foreign.reference, amount: 3000 }] })).status).toBe(404);
    expect((await post(matchRoute, stranger, p.id, { allocations: [{ reference: foreign.reference, amount: 3000 }] })).status).toBe(404);

    const ok = await post(matchRoute, m, p.id, { allocations: [{ reference: a.reference, amount: 3000 }, { reference: b.reference, amount: 5000 }] });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ status: "matched", matchMethod: "manual", confidence: 1, allocatedAmount: 8000 });
    expect((await orderView(m, b.reference)).status).toBe("paid");
    expect(await matchPayment(t.db(), { paymentId: p.id })).toBe("already_decided");
    const paidAt = async (reference: string) => (await t.db().select({ at: orders.paidAt }).from(orders).where(eq(orders.reference, reference)))[0].at;
    expect(await paidAt(b.reference)).toBeInstanceOf(Date);

    const un = await post(unmatchRoute, m, p.id);
    expect(un.status).toBe(200);
    expect(un.json).toMatchObject({ status: "unmatched", allocations: [] });
    expect((await orderView(m, a.reference)).status).toBe("pending");
    // Its money gone, the order was never paid: no time of payment is left behind.
    expect(await paidAt(b.reference)).toBeNull();
    expect(await matchPayment(t.db(), { paymentId: p.id })).toBe("already_decided");
    expect((await view(m, p.id)).status).toBe("unmatched");
    expect((await post(unmatchRoute, stranger, p.id)).status).toBe(404);
  });

  it("manual match takes the shop's order number as an accountant types it; an ambiguous number or the same order twice is refused", async () => {
    const m = await merchantWithBank();
    const a = await createOrder(m.apiKey, { orderNo: "DY-2026-000481", amount: 3000 });
    const b = await createOrder(m.apiKey, { orderNo: "TB 7788 1234", amount: 5000 });
    await createOrder(m.apiKey, { orderNo: "POS-99-1", amount: 100 });
    await createOrder(m.apiKey, { orderNo: "pos991", amount: 100 });
    const p = await bankCredit(m, { amount: 8000, payerName: "某公司", memo: "往来" });

    const ambiguous = await post(matchRoute, m, p.id, { allocations: [{ reference: "POS-99-1", amount: 100 }] });
    expect(ambiguous.status).toBe(400);
    expect(ambiguous.json.error.message).toMatch(/^allocations\.0\.reference: order number POS-99-1 names 2 orders/);
    const twice = await post(matchRoute, m, p.id, { allocations: [{ reference: a.reference, amount: 1000 }, { reference: "dy2026000481", amount: 1000 }] });
    expect(twice.status).toBe(400);
    expect(twice.json.error.message).toContain("allocations.1.reference");
    expect((await post(matchRoute, m, p.id, { allocations: [{ reference: "DY-2026-999999", amount: 100 }] })).status).toBe(404);
    expect((await view(m, p.id)).status).not.toBe("matched");

    // Full-width, lower case, other separators: the same order numbers.
    const ok = await post(matchRoute, m, p.id, { allocations: [{ reference: "ｄｙ－２０２６－０００４８１", amount: 3000 }, { reference: "tb-7788-1234", amount: 5000 }] });
    expect(ok.status, JSON.stringify(ok.json)).toBe(200);
    expect(ok.json).toMatchObject({ status: "matched", matchMethod: "manual", allocations: expect.arrayContaining([{ reference: a.reference, orderNo: "DY-2026-000481", amount: 3000, method: "manual" }]) });
    expect((await orderView(m, b.reference)).status).toBe("paid");
  });

  it("the manual match picker finds open orders by number, customer or amount, in the payment's currency, and only the merchant's own", async () => {
    const m = await merchantWithBank();
    const stranger = await merchantWithBank();
    const open = await createOrder(m.apiKey, { orderNo: "DY-77-0001", amount: 15900, customer: { name: "禾木家居有限公司" } });
    const partly = await createOrder(m.apiKey, { orderNo: "DY-77-0002", amount: 20000, customer: { name: "禾木家居有限公司" } });
    await post(matchRoute, m, (await bankCredit(m, { amount: 5000 })).id, { allocations: [{ reference: partly.reference, amount: 5000 }] });
    const paid = await createOrder(m.apiKey, { orderNo: "DY-77-0003", amount: 15900, customer: { name: "禾木家居有限公司" } });
    await post(matchRoute, m, (await bankCredit(m, { amount: 15900 })).id, { allocations: [{ reference: paid.reference, amount: 15900 }] });
    await createOrder(m.apiKey, { orderNo: "DY-77-0004", amount: 15900, currency: "USD", customer: { name: "禾木家居有限公司" } });
    await createOrder(stranger.apiKey, { orderNo: "DY-77-0005", amount: 15900, customer: { name: "禾木家居有限公司" } });

    const find = async (search: string, merchant = m, currency = "CNY") =>
      (await findOrdersToMatch(t.db(), { merchantId: merchant.merchantId, search, currency, limit: 8 })).data.map((o) => [o.orderNo, o.openAmount, o.status]);
    expect(await find("禾木")).toEqual([
      ["DY-77-0002", 15000, "partially_paid"],
      ["DY-77-0001", 15900, "pending"],
    ]);
    // Given the payment's amount, the order with exactly that open comes first, newest first after it.
    const ranked = await findOrdersToMatch(t.db(), { merchantId: m.merchantId, search: "禾木", currency: "CNY", limit: 8, amount: 15900 });
    expect(ranked.data.map((o) => o.orderNo)).toEqual(["DY-77-0001", "DY-77-0002"]);
    expect(await find("159.00")).toEqual([["DY-77-0001", 15900, "pending"]]);
    expect(await find("77-0001")).toEqual([["DY-77-0001", 15900, "pending"]]);
    expect(await find(open.reference)).toEqual([["DY-77-0001", 15900, "pending"]]);
    expect(await find("禾木", m, "USD")).toEqual([["DY-77-0004", 15900, "pending"]]);
    // An amount is read in the payment's currency: 1500 yen is 1500, not 150000.
    await createOrder(m.apiKey, { orderNo: "JP-1", amount: 1500, currency: "JPY", customer: { name: "山田" } });
    expect(await find("1,500", m, "JPY")).toEqual([["JP-1", 1500, "pending"]]);
    expect(await find("DY-77-0001", stranger)).toEqual([]);
    expect(await find("  ")).toEqual([]);
    expect(await find("100%_")).toEqual([]);
  });

  it("confirming a suggestion matches it and teaches the payer alias; rejected suggestions are not made again", async () => {
    const m = await merchantWithBank();
    const o = await createOrder(m.apiKey, { amount: 5900, customer: { name: "周八" } });
    const p = await bankCredit(m, { amount: 5900, payerName: "周八妈妈", payerAccount: "6222000011112222" });
    expect(await matchPayment(t.db(), { paymentId: p.id })).toBe("suggested");
    const suggested = await view(m, p.id);
    expect(suggested.suggestions[0]).toMatchObject({ references: [o.reference], method: "amount_payer" });
    expect(typeof suggested.suggestions[0].explanation).toBe("string");
    const rejected = await post(rejectRoute, m, p.id);
    expect(rejected.status).toBe(200);
    expect(rejected.json.status).toBe("unmatched");
    expect((await post(rejectRoute, m, p.id)).status).toBe(409);

    // Rejected: the same order is never suggested again for this payment.
    expect(await matchPayment(t.db(), { paymentId: p.id })).toBe("unmatched");
    expect((await view(m, p.id)).suggestions).toBeUndefined();

    const p2 = await bankCredit(m, { amount: 5900, payerName: "周八妈妈", payerAccount: "6222000011112222" });
    expect(await matchPayment(t.db(), { paymentId: p2.id })).toBe("suggested");
    expect((await post(confirmRoute, m, p2.id, { index: 5 })).status).toBe(400);
    const confirmed = await post(confirmRoute, m, p2.id, {});
    expect(confirmed.status).toBe(200);
    expect(confirmed.json).toMatchObject({ status: "matched", matchMethod: "manual", allocations: [{ reference: o.reference, amount: 5900 }] });
    expect((await post(confirmRoute, m, p2.id, {})).status).toBe(409);
    const aliases = await t.db().select().from(payerAliases).where(eq(payerAliases.merchantId, m.merchantId));
    expect(aliases.map((a) => a.customerName)).toEqual(["周八", "周八"]);

    // The same payer account now identifies 周八 even under another name.
    const next = await createOrder(m.apiKey, { amount: 7700, customer: { name: "周八" } });
    const p3 = await bankCredit(m, { amount: 7700, payerName: "周八的家人", payerAccount: "6222000011112222" });
    expect(await matchPayment(t.db(), { paymentId: p3.id })).toBe("matched");
    const v3 = await view(m, p3.id);
    expect(v3).toMatchObject({ matchMethod: "amount_payer", allocations: [{ reference: next.reference }] });
    expect(v3.explanation).toContain("confirmed before");
  });

  it("bulk confirm: each suggestion in its own transaction, failures reported per payment, a repeat counts as done", async () => {
    const m = await merchantWithBank();
    const stranger = await merchantWithBank();
    const o1 = await createOrder(m.apiKey, { amount: 4100, customer: { name: "钱一" } });
    const o2 = await createOrder(m.apiKey, { amount: 4200, customer: { name: "孙二" } });
    const p1 = await bankCredit(m, { amount: 4100, payerName: "钱一妈妈", payerAccount: "6222000033334444" });
    const p2 = await bankCredit(m, { amount: 4200, payerName: "孙二爸爸", payerAccount: "6222000055556666" });
    const lone = await bankCredit(m, { amount: 99, payerName: "无名" });
    const foreign = await bankCredit(stranger, { amount: 4100 });
    expect(await matchPayments(t.db(), { paymentIds: [p1.id, p2.id, lone.id] })).toBeDefined();
    expect((await view(m, p1.id)).status).toBe("suggested");
    expect((await view(m, p2.id)).status).toBe("suggested");
    expect((await view(m, lone.id)).status).toBe("unmatched");

    const actor = { type: "user" as const, id: null };
    const first = await confirmSuggestions(t.db(), { merchantId: m.merchantId, paymentIds: [p1.id, lone.id, p2.id, foreign.id, p1.id], actor, now: new Date() });
    expect(first.results.map((r) => [r.paymentId, r.outcome, r.outcome === "failed" ? r.error.code : r.payment.status])).toEqual([
      [p1.id, "confirmed", "matched"],
      [lone.id, "failed", "no_suggestions"],
      [p2.id, "confirmed", "matched"],
      [foreign.id, "failed", "not_found"],
    ]);
    expect((await orderView(m, o1.reference)).status).toBe("paid");
    expect((await orderView(m, o2.reference)).status).toBe("paid");
    expect((await view(stranger, foreign.id)).status).not.toBe("matched");

    const again = await confirmSuggestions(t.db(), { merchantId: m.merchantId, paymentIds: [p1.id, p2.id], actor, now: new Date() });
    expect(again.results.map((r) => r.outcome)).toEqual(["already_matched", "already_matched"]);
    const created = await t
      .db()
      .select({ n: count() })
      .from(auditEvents)
      .where(and(eq(auditEvents.merchantId, m.merchantId), eq(auditEvents.action, "allocation.created")));
    expect(created[0].n).toBe(2);
  });

  it("lists payments with filters and keyset pages, newest first", async () => {
    const m = await merchantWithBank();
    const o = await createOrder(m.apiKey, { amount: 2000 });
    const base = Date.now() - 10 * 60_000;
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await bankCredit(m, { amount: 2000 + i, memo: i === 0 ? o.reference : "杂项", payerName: null, at: new Date(base + i * 1000) }));
    await matchPayments(t.db(), { paymentIds: made.map((p) => p.id) });
    const list = (q: string) => call(h(listRoute), { method: "GET", apiKey: m.apiKey, path: `/api/v1/payments?${q}` });
    const page1 = await list("channel=bank&limit=2");
    expect(page1.status).toBe(200);
    expect(page1.json.data.map((p: { amount: number }) => p.amount)).toEqual([2004, 2003]);
    const page2 = await list(`channel=bank&limit=2&cursor=${page1.json.nextCursor}`);
    expect(page2.json.data.map((p: { amount: number }) => p.amount)).toEqual([2002, 2001]);
    const page3 = await list(`channel=bank&limit=2&cursor=${page2.json.nextCursor}`);
    expect(page3.json).toMatchObject({ nextCursor: null });
    expect(page3.json.data[0]).toMatchObject({ amount: 2000, status: "matched", allocations: [{ reference: o.reference }] });
    const matched = await list("status=matched");
    expect(matched.json.data).toHaveLength(1);
    expect((await list("channel=alipay")).json.data).toHaveLength(0);
    expect((await list("status=paid")).status).toBe(400);
    expect((await list("limit=0")).status).toBe(400);
    expect((await list("from=2026-13-01")).status).toBe(400);
    const stranger = await merchantWithBank();
    expect((await call(h(listRoute), { method: "GET", apiKey: stranger.apiKey, path: "/api/v1/payments" })).json.data).toHaveLength(0);
    const [{ n }] = await t.db().select({ n: count() }).from(payments).where(and(eq(payments.merchantId, m.merchantId), eq(payments.status, "unmatched")));
    expect(n).toBe(4);
  });
});

describe(`a payer's second order of the same amount, through statement imports (${process.env.TEST_DB})`, () => {
  let line = 0;
  /** A CMB statement of credits booked a minute from now (Asia/Shanghai), imported through the statements route. */
  async function importCredits(m: Awaited<ReturnType<typeof bankMerchant>>, credits: { amount: string; payer: string; memo: string }[]) {
    const at = new Date(Date.now() + 8 * 3_600_000 + 60_000).toISOString();
    const rows = credits.map((c) =>
      cmbCredit({ date: at.slice(0, 10).replace(/-/g, ""), time: at.slice(11, 19), credit: c.amount, serial: `TW${Date.now()}${++line}`, memo: c.memo, payer: c.payer, account: `62148300${String(line).padStart(8, "0")}` }),
    );
    const res = await importCmbStatement(m.apiKey, m.bankId, buildCsv(CMB_HEADER, rows));
    expect(res.status).toBe(200);
    const listed = await call(h(listRoute), { method: "GET", apiKey: m.apiKey, path: `/api/v1/payments?statementId=${res.json.statementId}` });
    return listed.json.data as { status: string; memo: string; explanation: string | null; allocations: { reference: string }[]; suggestions?: { references: string[] }[] }[];
  }

  it("an order placed after the payer's first one of that amount was paid takes the reference-less transfer; the first is a past purchase", async () => {
    const m = await bankMerchant();
    const first = await createOrder(m.apiKey, { amount: 19900, customer: { name: "王伟" } });
    const [paid] = await importCredits(m, [{ amount: "199.00", payer: "王伟", memo: `货款${first.reference}` }]);
    expect(paid.status).toBe("matched");
    const second = await createOrder(m.apiKey, { amount: 19900, customer: { name: "王伟" } });
    const [transfer] = await importCredits(m, [{ amount: "199.00", payer: "王伟", memo: "货款" }]);
    expect(transfer).toMatchObject({ status: "matched", allocations: [{ reference: second.reference }] });
    expect(transfer.explanation).toContain(`order ${first.reference} of this payer with this amount was paid before this order was placed: a past purchase`);
  });

  it("two orders of the payer's with one amount, one paid by reference in the same statement: the other transfer may be a duplicate and is only suggested", async () => {
    const m = await bankMerchant();
    const a = await createOrder(m.apiKey, { amount: 29900, customer: { name: "李娜" } });
    const b = await createOrder(m.apiKey, { amount: 29900, customer: { name: "李娜" } });
    const lines = await importCredits(m, [
      { amount: "299.00", payer: "李娜", memo: `货款${a.reference}` },
      { amount: "299.00", payer: "李娜", memo: "转账" },
    ]);
    const byReference = lines.find((l) => l.memo.includes(a.reference))!;
    const bare = lines.find((l) => !l.memo.includes(a.reference))!;
    expect(byReference).toMatchObject({ status: "matched", allocations: [{ reference: a.reference }] });
    expect(bare.status).toBe("suggested");
    expect(bare.suggestions?.[0].references).toEqual([b.reference]);
    expect(bare.explanation).toContain("possibly a duplicate payment");
  });

  it("the shop's order number in the memo matches its order when the payer is its customer; another payer's is only suggested; a re-import changes nothing", async () => {
    const m = await bankMerchant();
    const n = `${Date.now()}`.slice(-8);
    const own = await createOrder(m.apiKey, { orderNo: `DY-${n}-01`, source: "douyin", amount: 9900, customer: { name: "赵敏" } });
    const friend = await createOrder(m.apiKey, { orderNo: `TB${n}02`, source: "taobao", amount: 5900, customer: { name: "钱多多" } });
    const at = new Date(Date.now() + 8 * 3_600_000 + 60_000).toISOString();
    const credit = (serial: string, amount: string, payer: string, memo: string) =>
      cmbCredit({ date: at.slice(0, 10).replace(/-/g, ""), time: at.slice(11, 19), credit: amount, serial, memo, payer, account: "6214830000009999" });
    const csv = buildCsv(CMB_HEADER, [credit(`ON${n}1`, "99.00", "赵敏", `订单号：dy${n}01，谢谢`), credit(`ON${n}2`, "59.00", "孙悟空", `TB-${n}-02`)]);
    const first = await importCmbStatement(m.apiKey, m.bankId, csv);
    expect(first.status).toBe(200);
    const listed = await call(h(listRoute), { method: "GET", apiKey: m.apiKey, path: `/api/v1/payments?statementId=${first.json.statementId}` });
    const byMemo = (text: string) => listed.json.data.find((l: { memo: string }) => l.memo.includes(text));
    expect(byMemo("谢谢")).toMatchObject({ status: "matched", matchMethod: "order_no_in_memo", allocations: [{ reference: own.reference }] });
    expect(byMemo("谢谢").explanation).toContain(`is the order number of order DY-${n}-01`);
    expect((await call(h(getOrder), { method: "GET", apiKey: m.apiKey, params: { reference: own.reference } })).json.status).toBe("paid");
    const other = byMemo(`TB-${n}`);
    expect(other.status).toBe("suggested");
    expect(other.suggestions[0]).toMatchObject({ references: [friend.reference], method: "order_no_in_memo" });
    expect((await importCmbStatement(m.apiKey, m.bankId, csv)).json).toMatchObject({ imported: 0, duplicates: 2 });
    const again = await call(h(listRoute), { method: "GET", apiKey: m.apiKey, path: `/api/v1/payments?statementId=${first.json.statementId}` });
    expect(again.json.data).toEqual(listed.json.data);
  });
});

describe(`currencies (${process.env.TEST_DB})`, () => {
  it("a yuan transfer naming an order priced in dollars is left to a person, and a person cannot allocate across currencies", async () => {
    const m = await bankMerchant();
    const usd = await createOrder(m.apiKey, { amount: 9900, currency: "USD" });
    const n = `${Date.now()}`.slice(-8);
    const at = new Date(Date.now() + 8 * 3_600_000 + 60_000).toISOString();
    const csv = buildCsv(CMB_HEADER, [
      cmbCredit({ date: at.slice(0, 10).replace(/-/g, ""), time: at.slice(11, 19), credit: "99.00", serial: `CU${n}`, memo: `货款${usd.reference}`, payer: "赵敏", account: "6214830000008888" }),
    ]);
    const res = await importCmbStatement(m.apiKey, m.bankId, csv);
    expect(res.json).toMatchObject({ imported: 1, matched: 0, unmatched: 1 });
    const listed = await call(h(listRoute), { method: "GET", apiKey: m.apiKey, path: `/api/v1/payments?statementId=${res.json.statementId}` });
    const [payment] = listed.json.data;
    expect(payment.explanation).toContain("the currencies differ");
    const manual = await call(h(matchRoute), { apiKey: m.apiKey, params: { paymentId: payment.paymentId }, body: { allocations: [{ reference: usd.reference, amount: 9900 }] } });
    expect(manual.status).toBe(400);
    expect(manual.json.error.message).toContain("priced in USD");
    expect((await call(h(getOrder), { method: "GET", apiKey: m.apiKey, params: { reference: usd.reference } })).json.status).toBe("pending");
  });
});
