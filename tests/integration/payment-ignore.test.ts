import { describe, expect, it } from "vitest";
import { and, count, desc, eq } from "drizzle-orm";
import { POST as ignoreRoute } from "@/app/api/v1/payments/[paymentId]/ignore/route";
import { POST as matchRoute } from "@/app/api/v1/payments/[paymentId]/match/route";
import { GET as getOrder } from "@/app/api/v1/orders/[reference]/route";
import { GET as getPayment } from "@/app/api/v1/payments/[paymentId]/route";
import { POST as unmatchRoute } from "@/app/api/v1/payments/[paymentId]/unmatch/route";
import { GET as listRoute } from "@/app/api/v1/payments/route";
import { GET as reconciliationRoute } from "@/app/api/v1/reports/reconciliation/route";
import { anomalies, auditEvents, payments, users } from "@/lib/db/schema";
import { verifyAuditChains } from "@/lib/services/audit-verify";
import { runAnomalySweep } from "@/lib/services/anomaly-sweep";
import { matchPayment, matchPayments } from "@/lib/services/match-payment";
import { bulkIgnoreSchema, ignorePayments } from "@/lib/services/payment-ignore";
import { recordRefund } from "@/lib/services/refunds";
import { bankCredit as recordBankCredit } from "../helpers/bank-credit";
import { bankMerchant, call, createOrder } from "../helpers/api";
import { setupTestDatabase } from "../helpers/test-db";

const t = setupTestDatabase();
type H = Parameters<typeof call>[0];
const h = (f: unknown) => f as H;

type M = Awaited<ReturnType<typeof bankMerchant>>;

const view = async (m: M, paymentId: string) => (await call(h(getPayment), { method: "GET", apiKey: m.apiKey, params: { paymentId } })).json;
const post = (route: unknown, m: M, paymentId: string, body?: unknown) => call(h(route), { apiKey: m.apiKey, params: { paymentId }, body });
const rowOf = async (paymentId: string) => (await t.db().select().from(payments).where(eq(payments.id, paymentId)))[0];
const actions = async (paymentId: string) =>
  (await t.db().select({ action: auditEvents.action }).from(auditEvents).where(eq(auditEvents.subjectId, paymentId))).map((e) => e.action);

describe(`ignoring a payment that is no customer's (${process.env.TEST_DB})`, () => {
  it("bank interest is set aside with its reason: matching, the unmatched anomaly and the pending list leave it; unmatch brings it back", async () => {
    const m = await bankMerchant();
    const twoDaysAgo = new Date(Date.now() - 48 * 3600_000);
    const interest = await recordBankCredit(t.db(), m, { amount: 1234, payerName: "招商银行", memo: "结息", at: twoDaysAgo });
    expect(await matchPayment(t.db(), { paymentId: interest.id })).toBe("unmatched");
    // Its memo says it is no sale: the view says which word, for the page to offer ignoring it.
    expect((await view(m, interest.id)).nonSaleWord).toBe("结息");
    await runAnomalySweep(t.db(), { merchantId: m.merchantId });
    const open = await t.db().select().from(anomalies).where(and(eq(anomalies.merchantId, m.merchantId), eq(anomalies.paymentId, interest.id)));
    expect(open).toMatchObject([{ kind: "unmatched_overdue", status: "open" }]);

    const ignored = await post(ignoreRoute, m, interest.id, { reason: "  银行利息 " });
    expect(ignored.status).toBe(200);
    expect(ignored.json).toMatchObject({ status: "ignored", ignored: { reason: "银行利息" }, explanation: "ignored: 银行利息", explanationZh: "已忽略：银行利息", allocations: [], nonSaleWord: null });
    expect(await actions(interest.id)).toContain("payment.ignored");

    // Asking again changes nothing, and writes no audit event; another reason replaces the first.
    const events = (await actions(interest.id)).length;
    expect((await post(ignoreRoute, m, interest.id, { reason: "银行利息" })).json.ignored.reason).toBe("银行利息");
    expect((await actions(interest.id)).length).toBe(events);
    expect((await post(ignoreRoute, m, interest.id, { reason: "活期结息" })).json).toMatchObject({ ignored: { reason: "活期结息" }, explanationZh: "已忽略：活期结息" });
    const [changed] = await t.db().select().from(auditEvents).where(and(eq(auditEvents.subjectId, interest.id), eq(auditEvents.action, "payment.ignored"))).orderBy(desc(auditEvents.id)).limit(1);
    expect(changed).toMatchObject({ before: { status: "ignored", reason: "银行利息" }, after: { reason: "活期结息" } });

    // Matching leaves it alone, the sweep finds nothing left to say, and the pending list no longer shows it.
    expect(await matchPayments(t.db(), { paymentIds: [interest.id] })).toMatchObject({ alreadyDecided: 1 });
    expect(await runAnomalySweep(t.db(), { merchantId: m.merchantId })).toMatchObject({ resolved: 1 });
    expect((await t.db().select().from(anomalies).where(eq(anomalies.id, open[0].id)))[0].status).toBe("resolved");
    const listed = async (status: string) =>
      (await call(h(listRoute), { method: "GET", apiKey: m.apiKey, path: `/api/v1/payments?status=${status}` })).json.data.map((p: { paymentId: string }) => p.paymentId);
    expect(await listed("unmatched")).not.toContain(interest.id);
    expect(await listed("ignored")).toEqual([interest.id]);
    // The reconciliation report lists it as ignored, with the reason.
    const day = (offset: number) => new Date(Date.now() + 8 * 3600_000 + offset * 86_400_000).toISOString().slice(0, 10);
    const report = await call(h(reconciliationRoute), { method: "GET", apiKey: m.apiKey, path: `/api/v1/reports/reconciliation?from=${day(-3)}&to=${day(0)}` });
    expect(report.status).toBe(200);
    expect(report.json.exceptions).toEqual([expect.objectContaining({ kind: "ignored", paymentId: interest.id, severity: "low", message: expect.stringContaining("（活期结息）") })]);

    // Unmatch: back to unmatched as a person's decision (re-runs do not match it), the reason gone.
    const back = await post(unmatchRoute, m, interest.id);
    expect(back.status).toBe(200);
    expect(back.json).toMatchObject({ status: "unmatched", explanation: "no longer ignored" });
    expect(back.json.ignored).toBeUndefined();
    expect((await rowOf(interest.id)).details.ignored).toBeUndefined();
    expect(await matchPayment(t.db(), { paymentId: interest.id })).toBe("already_decided");
    expect(await actions(interest.id)).toContain("payment.unignored");
    expect(await verifyAuditChains(t.db(), { merchantId: m.merchantId })).toMatchObject([{ broken: null, unchained: 0 }]);
  });

  it("a channel's payout to the bank (支付宝 … 提现) says so on its page; a customer's 结算 through a bank does not", async () => {
    const m = await bankMerchant();
    const payout = await recordBankCredit(t.db(), m, { amount: 986543, payerName: "支付宝（中国）网络技术有限公司", memo: "支付宝提现" });
    expect(await matchPayment(t.db(), { paymentId: payout.id })).toBe("unmatched");
    const shown = await view(m, payout.id);
    expect(shown).toMatchObject({ status: "unmatched", nonSaleWord: "提现" });
    expect(shown.explanationZh).toContain("渠道的提现/结算到账");
    const settled = await recordBankCredit(t.db(), m, { amount: 50000, payerName: "上海恒达贸易有限公司", memo: "结算货款" });
    expect((await view(m, settled.id)).nonSaleWord).toBeNull();
  });

  it("a suggested payment can be ignored: its suggestions go with it", async () => {
    const m = await bankMerchant();
    const o = await createOrder(m.apiKey, { amount: 5900, customer: { name: "周八" } });
    const p = await recordBankCredit(t.db(), m, { amount: 5900, payerName: "周八妈妈" });
    expect(await matchPayment(t.db(), { paymentId: p.id })).toBe("suggested");
    const res = await post(ignoreRoute, m, p.id, { reason: "自有账户间转账" });
    expect(res.json).toMatchObject({ status: "ignored" });
    expect(res.json.suggestions).toBeUndefined();
    expect((await rowOf(p.id)).suggestions).toEqual([]);
    // The order it was suggested for is untouched.
    const order = await call(h(getOrder), { method: "GET", apiKey: m.apiKey, params: { reference: o.reference } });
    expect(order.json).toMatchObject({ status: "pending", paidAmount: 0 });
  });

  it("refuses what is a customer's payment or a bad request, and changes nothing", async () => {
    const m = await bankMerchant();
    const stranger = await bankMerchant();
    const o = await createOrder(m.apiKey, { amount: 3000 });
    const paid = await recordBankCredit(t.db(), m, { amount: 3000, memo: o.reference });
    expect(await matchPayment(t.db(), { paymentId: paid.id })).toBe("matched");
    const before = await rowOf(paid.id);

    const allocated = await post(ignoreRoute, m, paid.id, { reason: "银行利息" });
    expect(allocated.status).toBe(409);
    expect(allocated.json.error.code).toBe("payment_allocated");

    const loose = await recordBankCredit(t.db(), m, { amount: 800, payerName: "某公司" });
    for (const body of [{}, { reason: "" }, { reason: "   " }, { reason: "x".repeat(201) }, { reason: 5 }]) {
      const bad = await post(ignoreRoute, m, loose.id, body);
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(bad.json.error.message).toMatch(/^reason: /);
    }
    expect((await call(h(ignoreRoute), { apiKey: m.apiKey, params: { paymentId: loose.id }, rawBody: "{", headers: { "content-type": "application/json" } })).status).toBe(400);
    expect((await post(ignoreRoute, stranger, loose.id, { reason: "银行利息" })).status).toBe(404);
    expect((await post(ignoreRoute, m, "not-a-uuid", { reason: "银行利息" })).status).toBe(404);

    // Part of it went back to the customer: it was a customer's payment.
    const refunded = await recordBankCredit(t.db(), m, { amount: 5000, payerName: "李四" });
    const [row] = await t.db().select().from(payments).where(eq(payments.id, refunded.id));
    await t.db().transaction((tx) =>
      recordRefund(tx, {
        payment: row,
        event: {
          kind: "refund",
          channel: "bank",
          channelTransactionId: row.channelTransactionId,
          channelRefundId: "R1",
          reference: null,
          cumulativeRefundedAmount: null,
          amount: 1000,
          refundedAt: new Date().toISOString(),
          closesPayment: false,
          details: {},
        },
        now: new Date(),
      }),
    );
    const refundedRes = await post(ignoreRoute, m, refunded.id, { reason: "银行利息" });
    expect(refundedRes.status).toBe(409);
    expect(refundedRes.json.error.code).toBe("payment_refunded");

    expect(await rowOf(paid.id)).toEqual(before);
    for (const id of [loose.id, refunded.id]) expect((await rowOf(id)).status).not.toBe("ignored");
    const ignoredEvents = await t.db().select({ n: count() }).from(auditEvents).where(and(eq(auditEvents.merchantId, m.merchantId), eq(auditEvents.action, "payment.ignored")));
    expect(ignoredEvents[0].n).toBe(0);

    // An ignored payment can still be matched by hand once a person decides it was a customer's after all.
    await post(ignoreRoute, m, loose.id, { reason: "银行利息" });
    const o2 = await createOrder(m.apiKey, { amount: 800 });
    const matched = await post(matchRoute, m, loose.id, { allocations: [{ reference: o2.reference, amount: 800 }] });
    expect(matched.json).toMatchObject({ status: "matched", allocatedAmount: 800 });
    expect((await view(m, loose.id)).ignored).toBeUndefined();
  });

  it("several payments are set aside for one reason, each on its own: what pays an order or is another shop's is reported, not ignored", async () => {
    const m = await bankMerchant();
    const stranger = await bankMerchant();
    const o = await createOrder(m.apiKey, { amount: 3000 });
    const interest = [await recordBankCredit(t.db(), m, { amount: 101, memo: "结息" }), await recordBankCredit(t.db(), m, { amount: 99, memo: "结息" })];
    const paid = await recordBankCredit(t.db(), m, { amount: 3000, memo: o.reference });
    expect(await matchPayment(t.db(), { paymentId: paid.id })).toBe("matched");
    const theirs = await recordBankCredit(t.db(), stranger, { amount: 500, memo: "结息" });
    const ids = [interest[0].id, paid.id, theirs.id, interest[1].id, interest[0].id];
    const [owner] = await t.db().select({ id: users.id }).from(users).where(eq(users.merchantId, m.merchantId));
    const actor = { type: "user" as const, id: owner.id };

    const { results } = await ignorePayments(t.db(), { merchantId: m.merchantId, paymentIds: ids, reason: "银行利息", actor, now: new Date() });
    expect(results.map((r) => [r.paymentId, r.outcome, r.outcome === "failed" ? r.error.code : r.payment.status])).toEqual([
      [interest[0].id, "ignored", "ignored"],
      [paid.id, "failed", "payment_allocated"],
      [theirs.id, "failed", "not_found"],
      [interest[1].id, "ignored", "ignored"],
    ]);
    expect((await rowOf(paid.id)).status).toBe("matched");
    expect((await rowOf(theirs.id)).status).toBe("unmatched");
    for (const p of interest) expect((await rowOf(p.id)).details.ignored).toMatchObject({ reason: "银行利息", by: `user:${owner.id}` });

    // Sent again (a double click, a retry): the same outcome, no second audit event.
    const events = (await actions(interest[0].id)).length;
    const again = await ignorePayments(t.db(), { merchantId: m.merchantId, paymentIds: [interest[0].id], reason: "银行利息", actor, now: new Date() });
    expect(again.results).toMatchObject([{ outcome: "ignored" }]);
    expect((await actions(interest[0].id)).length).toBe(events);

    // The request's shape: 1–100 ids and a reason.
    expect(bulkIgnoreSchema.safeParse({ paymentIds: [], reason: "x" }).success).toBe(false);
    expect(bulkIgnoreSchema.safeParse({ paymentIds: Array.from({ length: 101 }, (_, i) => String(i)), reason: "x" }).success).toBe(false);
    expect(bulkIgnoreSchema.safeParse({ paymentIds: ["a"], reason: "  " }).success).toBe(false);
    expect(await verifyAuditChains(t.db(), { merchantId: m.merchantId })).toMatchObject([{ broken: null }]);
  });
});
