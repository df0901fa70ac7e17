import { and, eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { InngestTestEngine } from "@inngest/test";
import { GET as listRoute } from "@/app/api/v1/anomalies/route";
import { GET as getRoute } from "@/app/api/v1/anomalies/[anomalyId]/route";
import { POST as acknowledgeRoute } from "@/app/api/v1/anomalies/[anomalyId]/acknowledge/route";
import { POST as reopenRoute } from "@/app/api/v1/anomalies/[anomalyId]/reopen/route";
import { POST as resolveRoute } from "@/app/api/v1/anomalies/[anomalyId]/resolve/route";
import { POST as createChannelAccount } from "@/app/api/v1/channel-accounts/route";
import { POST as sweepRoute } from "@/app/api/v1/jobs/anomaly-sweep/route";
import { GET as getOrder } from "@/app/api/v1/orders/[reference]/route";
import { POST as ignoreRoute } from "@/app/api/v1/payments/[paymentId]/ignore/route";
import { POST as matchRoute } from "@/app/api/v1/payments/[paymentId]/match/route";
import { POST as unmatchRoute } from "@/app/api/v1/payments/[paymentId]/unmatch/route";
import { GET as getRules, PUT as putRules } from "@/app/api/v1/rules/route";
import { POST as storefrontRoute } from "@/app/api/v1/settings/storefront-webhook/route";
import { POST as importRoute } from "@/app/api/v1/statements/route";
import { POST as webhookRoute } from "@/app/api/webhooks/[channel]/[channelAccountId]/route";
import { auditEvents, merchants, payments, webhookDeliveries } from "@/lib/db/schema";
import { anomalySweepFn } from "@/lib/jobs/functions/anomaly-sweep";
import { anomalySweepMerchantFn } from "@/lib/jobs/functions/anomaly-sweep-merchant";
import { buildCsv, CMB_HEADER, cmbCredit } from "../fixtures/statements/cn-exports";
import { alipayPaymentNotify, signAlipayParams, toFormBody } from "../helpers/alipay-signer";
import { BASE, call, createOrder, merchantWithAlipay } from "../helpers/api";
import { setupTestDatabase } from "../helpers/test-db";

const t = setupTestDatabase();
type H = Parameters<typeof call>[0];
type Merchant = Awaited<ReturnType<typeof merchantWithAlipay>>;

const sweep = async (apiKey: string) => {
  const res = await call(sweepRoute as unknown as H, { apiKey });
  expect(res.status).toBe(200);
  return res.json as { opened: number; resolved: number };
};

const list = async (apiKey: string, query: Record<string, string> = {}) => {
  const res = await call(listRoute as unknown as H, { method: "GET", apiKey, path: `/api/v1/anomalies?${new URLSearchParams(query)}` });
  expect(res.status).toBe(200);
  return res.json.data as Record<string, unknown>[];
};

const onAnomaly = (handler: unknown, apiKey: string, anomalyId: string, body?: unknown) =>
  call(handler as H, { apiKey, params: { anomalyId }, body });

const orderOf = async (apiKey: string, reference: string) =>
  (await call(getOrder as unknown as H, { method: "GET", apiKey, params: { reference } })).json;

async function bankAccount(apiKey: string) {
  const res = await call(createChannelAccount as unknown as H, {
    apiKey,
    body: { channel: "bank", name: "招商银行 基本户", credentials: { bankName: "招商银行", accountNo: "755912345610101" } },
  });
  expect(res.status).toBe(201);
  return res.json.id as string;
}

/** `YYYYMMDD` in Shanghai, `days` ago. */
const shanghaiDate = (days: number) => new Date(Date.now() + 8 * 3600_000 - days * 86_400_000).toISOString().slice(0, 10).replaceAll("-", "");

async function importCmb(apiKey: string, accountId: string, line: { serial: string; credit: string; daysAgo: number; memo?: string; payer?: string }) {
  const csv = buildCsv(CMB_HEADER, [
    cmbCredit({ date: shanghaiDate(line.daysAgo), time: "10:23:45", credit: line.credit, serial: line.serial, memo: line.memo ?? "货款", payer: line.payer ?? "张三贸易有限公司", account: "6225880123456789" }),
  ]);
  const request = new Request(`${BASE}/api/v1/statements?channelAccountId=${accountId}&format=cmb-csv`, {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "text/csv" },
    body: csv,
  });
  const res = await (importRoute as unknown as H)(request, { params: Promise.resolve({}) });
  const json = await res.json();
  expect(res.status, JSON.stringify(json)).toBe(200);
  expect(json.imported).toBe(1);
  const [payment] = await t.db().select().from(payments).where(eq(payments.statementId, json.statementId));
  return payment;
}

async function notify(m: Merchant, outTradeNo: string, totalAmount: string, tradeNo?: string) {
  const form = toFormBody(signAlipayParams(alipayPaymentNotify({ outTradeNo, appId: m.appId, totalAmount, tradeNo }), m.keys.privateKeyPem));
  const res = await call(webhookRoute as unknown as H, {
    path: `/api/webhooks/alipay/${m.accountId}`,
    params: { channel: "alipay", channelAccountId: m.accountId },
    rawBody: form,
    headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
  });
  return res;
}

async function withStorefront(m: Merchant) {
  const res = await call(storefrontRoute as unknown as H, { apiKey: m.apiKey, body: { url: "https://shop.example.cn/hooks/ldxp", secret: "a storefront secret of 32 chars!" } });
  expect(res.status).toBe(200);
}

describe(`anomalies (${process.env.TEST_DB})`, () => {
  it("an unmatched bank line two days old, its duplicate serial, and its later match: open, open, resolve, then nothing", async () => {
    const m = await merchantWithAlipay();
    const bankId = await bankAccount(m.apiKey);
    const first = await importCmb(m.apiKey, bankId, { serial: "K7700000001", credit: "888.00", daysAgo: 2 });
    expect(first.status).toBe("unmatched");

    const s1 = await sweep(m.apiKey);
    expect(s1).toEqual({ opened: 1, resolved: 0 });
    const [overdue] = await list(m.apiKey, { status: "open", kind: "unmatched_overdue" });
    expect(overdue).toMatchObject({ kind: "unmatched_overdue", severity: "medium", status: "open", paymentId: first.id });
    expect(overdue.message).toContain("¥888.00");
    expect(overdue.message).toContain("K7700000001");

    // Same serial, other amount: the import's dedupe key differs, so it is a second payment.
    const second = await importCmb(m.apiKey, bankId, { serial: "K7700000001", credit: "88.00", daysAgo: 2 });
    expect(second.id).not.toBe(first.id);
    const s2 = await sweep(m.apiKey);
    expect(s2.opened).toBe(2); // duplicate_voucher + the second line's own unmatched_overdue
    const [dup] = await list(m.apiKey, { kind: "duplicate_voucher" });
    expect(dup).toMatchObject({ severity: "high", status: "open", paymentId: second.id });
    expect(dup.details).toMatchObject({ paymentIds: [first.id, second.id], amounts: [88800, 8800] });

    // A person finds the order and matches the first line by hand.
    const order = await createOrder(m.apiKey, { amount: 88800 });
    const matched = await call(matchRoute as unknown as H, {
      apiKey: m.apiKey,
      params: { paymentId: first.id },
      body: { allocations: [{ reference: order.reference, amount: 88800 }] },
    });
    expect(matched.status).toBe(200);
    const s3 = await sweep(m.apiKey);
    expect(s3).toEqual({ opened: 0, resolved: 1 });
    const after = (await call(getRoute as unknown as H, { method: "GET", apiKey: m.apiKey, params: { anomalyId: overdue.anomalyId as string } })).json;
    expect(after).toMatchObject({ status: "resolved", resolvedBy: "system" });
    expect((await list(m.apiKey, { kind: "duplicate_voucher", status: "open" })).length).toBe(1);

    expect(await sweep(m.apiKey)).toEqual({ opened: 0, resolved: 0 });
    const audit = await t.db().select().from(auditEvents).where(and(eq(auditEvents.merchantId, m.merchantId), eq(auditEvents.subjectId, overdue.anomalyId as string)));
    expect(audit.map((e) => e.action)).toEqual(["anomaly.opened", "anomaly.resolved"]);
  });

  it("a dollar payment's anomaly names its money in dollars, not as yuan", async () => {
    const m = await merchantWithAlipay();
    const bankId = await bankAccount(m.apiKey);
    const line = await importCmb(m.apiKey, bankId, { serial: "K7700000901", credit: "12.80", daysAgo: 2 });
    // A foreign-currency account's line as the import would record it: same minor units, another currency.
    await t.db().update(payments).set({ currency: "USD" }).where(eq(payments.id, line.id));

    expect(await sweep(m.apiKey)).toEqual({ opened: 1, resolved: 0 });
    const [overdue] = await list(m.apiKey, { status: "open", kind: "unmatched_overdue" });
    expect(overdue.paymentId).toBe(line.id);
    expect(overdue.message).toContain("USD 12.80");
    expect(overdue.message).not.toContain("¥");
  });

  it("a second full payment for one reference opens overpayment and queues the anomaly.opened alert", async () => {
    const m = await merchantWithAlipay();
    await withStorefront(m);
    const order = await createOrder(m.apiKey, { amount: 12800 });
    expect((await notify(m, order.reference, "128.00", "2026112522001400000000000001")).text).toBe("success");
    expect((await notify(m, order.reference, "128.00", "2026112522001400000000000002")).text).toBe("success");
    expect((await orderOf(m.apiKey, order.reference)).status).toBe("overpaid");

    expect(await sweep(m.apiKey)).toEqual({ opened: 1, resolved: 0 });
    const [over] = await list(m.apiKey, { status: "open" });
    expect(over).toMatchObject({ kind: "overpayment", orderId: order.orderId, reference: order.reference, severity: "medium" });
    expect(over.message).toContain("多收 ¥128.00");

    const deliveries = await t.db().select().from(webhookDeliveries).where(eq(webhookDeliveries.eventId, over.anomalyId as string));
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ merchantId: m.merchantId, type: "anomaly.opened", status: "pending" });
    expect(deliveries[0].payload).toMatchObject({ id: over.anomalyId, type: "anomaly.opened", data: { anomalyId: over.anomalyId, kind: "overpayment" } });
    expect(await sweep(m.apiKey)).toEqual({ opened: 0, resolved: 0 });
  });

  it("the default rule writes off a ¥0.50 shortfall, names itself in the audit trail, and reopening undoes it", async () => {
    const m = await merchantWithAlipay();
    await withStorefront(m);
    const order = await createOrder(m.apiKey, { amount: 12800 });
    await notify(m, order.reference, "127.50");
    expect((await orderOf(m.apiKey, order.reference)).status).toBe("partially_paid");

    expect(await sweep(m.apiKey)).toEqual({ opened: 1, resolved: 1 });
    expect(await orderOf(m.apiKey, order.reference)).toMatchObject({ status: "paid", paidAmount: 12750 });
    const [settled] = await list(m.apiKey, { status: "resolved", kind: "amount_mismatch" });
    expect(settled).toMatchObject({ orderId: order.orderId, severity: "low" });
    expect(settled.resolvedBy).toMatch(/^rule:/);
    expect(settled.resolutionNote).toContain("差额 ≤ ¥1.00 按抹零核销");
    expect(settled.rules).toEqual([expect.objectContaining({ ruleName: "差额 ≤ ¥1.00 按抹零核销", actions: ["writeOff"] })]);
    const trail = await t.db().select().from(auditEvents).where(eq(auditEvents.merchantId, m.merchantId));
    const writeOff = trail.find((e) => e.action === "order.written_off" && e.subjectId === order.orderId);
    expect(writeOff?.after).toMatchObject({ amount: 50, reason: "rounding", rule: "差额 ≤ ¥1.00 按抹零核销" });
    expect(trail.find((e) => e.action === "anomaly.rule_applied")?.after).toMatchObject({ ruleName: "差额 ≤ ¥1.00 按抹零核销" });
    expect(trail.some((e) => e.action === "order.status_changed" && e.subjectId === order.orderId && (e.after as { status: string }).status === "paid")).toBe(true);
    // A routine case the rule settled raises no alert.
    expect(await t.db().select().from(webhookDeliveries).where(eq(webhookDeliveries.eventId, settled.anomalyId as string))).toEqual([]);
    expect(await sweep(m.apiKey)).toEqual({ opened: 0, resolved: 0 });

    const reopened = await onAnomaly(reopenRoute, m.apiKey, settled.anomalyId as string, { note: "customer promised the 50 fen" });
    expect(reopened.status).toBe(200);
    expect(reopened.json).toMatchObject({ status: "open", resolvedAt: null });
    expect((await orderOf(m.apiKey, order.reference)).status).toBe("partially_paid");
    // The rule applies once, on opening: the reopened anomaly stays open through further sweeps.
    expect(await sweep(m.apiKey)).toEqual({ opened: 0, resolved: 0 });
    expect((await orderOf(m.apiKey, order.reference)).status).toBe("partially_paid");

    const resolved = await onAnomaly(resolveRoute, m.apiKey, settled.anomalyId as string, { note: "收到补款承诺，暂不核销" });
    expect(resolved.json).toMatchObject({ status: "resolved", resolutionNote: "收到补款承诺，暂不核销" });
    expect(resolved.json.resolvedBy).toMatch(/^api_key:/);
    // A person's decision sticks while the cause is the same.
    expect(await sweep(m.apiKey)).toEqual({ opened: 0, resolved: 0 });
  });

  it("acknowledge → resolve with a note through the API; bad input is 400; another merchant gets 404", async () => {
    const m = await merchantWithAlipay();
    const other = await merchantWithAlipay();
    const order = await createOrder(m.apiKey, { amount: 10000 });
    await notify(m, order.reference, "60.00");
    expect(await sweep(m.apiKey)).toEqual({ opened: 1, resolved: 0 });
    const [a] = await list(m.apiKey, { status: "open" });
    expect(a).toMatchObject({ kind: "amount_mismatch", reference: order.reference });
    const id = a.anomalyId as string;

    for (const handler of [resolveRoute, acknowledgeRoute, reopenRoute]) {
      const res = await onAnomaly(handler, other.apiKey, id, { note: "not mine" });
      expect(res.status).toBe(404);
      expect(res.json.error.code).toBe("not_found");
    }
    expect((await call(getRoute as unknown as H, { method: "GET", apiKey: other.apiKey, params: { anomalyId: id } })).status).toBe(404);
    expect((await onAnomaly(resolveRoute, m.apiKey, "not-a-uuid", { note: "x" })).status).toBe(404);
    expect(await list(other.apiKey)).toEqual([]);
    expect(await sweep(other.apiKey)).toEqual({ opened: 0, resolved: 0 });

    const noNote = await onAnomaly(resolveRoute, m.apiKey, id, {});
    expect(noNote.status).toBe(400);
    expect(noNote.json.error.message).toContain("note");
    const badStatus = await call(listRoute as unknown as H, { method: "GET", apiKey: m.apiKey, path: "/api/v1/anomalies?status=closed" });
    expect(badStatus.status).toBe(400);
    expect(badStatus.json.error.message).toContain("status");

    const ack = await onAnomaly(acknowledgeRoute, m.apiKey, id);
    expect(ack.json).toMatchObject({ status: "acknowledged" });
    expect((await list(m.apiKey, { status: "unresolved" })).map((x) => x.anomalyId)).toEqual([id]);
    const done = await onAnomaly(resolveRoute, m.apiKey, id, { note: "客户已补款 ¥40.00（线下）" });
    expect(done.status).toBe(200);
    expect(done.json).toMatchObject({ status: "resolved", resolutionNote: "客户已补款 ¥40.00（线下）" });
    expect((await onAnomaly(resolveRoute, m.apiKey, id, { note: "again" })).json.resolutionNote).toBe("客户已补款 ¥40.00（线下）");
    expect((await onAnomaly(acknowledgeRoute, m.apiKey, id)).status).toBe(409);
    expect(await list(m.apiKey, { status: "open" })).toEqual([]);
    expect(await sweep(m.apiKey)).toEqual({ opened: 0, resolved: 0 });
    const trail = await t.db().select().from(auditEvents).where(and(eq(auditEvents.merchantId, m.merchantId), eq(auditEvents.subjectId, id)));
    expect(trail.map((e) => e.action)).toEqual(["anomaly.opened", "anomaly.acknowledged", "anomaly.resolved"]);
  });

  it("rules: defaults listed, replaced with validation, and a disabled write-off leaves the shortfall open", async () => {
    const m = await merchantWithAlipay();
    const rules = await call(getRules as unknown as H, { method: "GET", apiKey: m.apiKey });
    expect(rules.status).toBe(200);
    expect(rules.json.data.map((r: { name: string; enabled: boolean }) => [r.name, r.enabled])).toEqual([
      ["差额 ≤ ¥1.00 按抹零核销", true],
      ["验签失败 → 高优先级并通知", true],
      ["附言含“结息/利息”的未匹配进账 → 忽略（银行利息）", false],
      ["渠道提现/结算到账 → 忽略（自有账户间转账）", false],
    ]);

    const bad = await call(putRules as unknown as H, { method: "PUT", apiKey: m.apiKey, body: { rules: [{ name: "x", actions: { writeOff: { reason: "gift" } } }] } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toContain("rules.0.actions.writeOff.reason");
    const unknownUser = await call(putRules as unknown as H, {
      method: "PUT",
      apiKey: m.apiKey,
      body: { rules: [{ name: "assign", actions: { assignTo: "00000000-0000-4000-8000-000000000000" } }] },
    });
    expect(unknownUser.status).toBe(400);

    for (const [body, field] of [
      [{ name: "x", conditions: { memoContains: [] }, actions: { notify: true } }, "rules.0.conditions.memoContains"],
      [{ name: "x", conditions: { memoContains: [" "] }, actions: { notify: true } }, "rules.0.conditions.memoContains.0"],
      [{ name: "x", actions: { ignorePayment: { reason: "" } } }, "rules.0.actions.ignorePayment.reason"],
      [{ name: "x", actions: { ignorePayment: {} } }, "rules.0.actions.ignorePayment.reason"],
    ] as const) {
      const refused = await call(putRules as unknown as H, { method: "PUT", apiKey: m.apiKey, body: { rules: [body] } });
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.json.error.message).toContain(field);
    }

    const [writeOff, signature] = rules.json.data;
    const put = await call(putRules as unknown as H, {
      method: "PUT",
      apiKey: m.apiKey,
      body: {
        rules: [
          { ...signature, id: signature.id },
          { id: writeOff.id, name: writeOff.name, enabled: false, conditions: writeOff.conditions, actions: writeOff.actions },
          { name: "大额多收 → 标记退款", conditions: { kinds: ["overpayment"], minDifference: 100 }, actions: { markForRefund: true, raiseSeverity: "high" } },
        ],
      },
    });
    expect(put.status).toBe(200);
    expect(put.json.data.map((r: { id: string; enabled: boolean }) => [r.id === writeOff.id || r.id === signature.id, r.enabled])).toEqual([
      [true, true],
      [true, false],
      [false, true],
    ]);

    const short = await createOrder(m.apiKey, { amount: 12800 });
    await notify(m, short.reference, "127.50");
    const over = await createOrder(m.apiKey, { amount: 10000 });
    await notify(m, over.reference, "150.00");
    expect(await sweep(m.apiKey)).toEqual({ opened: 2, resolved: 0 });
    expect((await orderOf(m.apiKey, short.reference)).status).toBe("partially_paid");
    const [overpaid] = await list(m.apiKey, { kind: "overpayment" });
    expect(overpaid).toMatchObject({ severity: "high", refundRequested: true });
    // Deleting every rule sticks: the defaults are not created again.
    expect((await call(putRules as unknown as H, { method: "PUT", apiKey: m.apiKey, body: { rules: [] } })).json.data).toEqual([]);
    expect((await call(getRules as unknown as H, { method: "GET", apiKey: m.apiKey })).json.data).toEqual([]);
  });

  it("a merchant created before the payout preset is given it once, switched off; a preset the merchant deleted stays deleted", async () => {
    const m = await merchantWithAlipay();
    const names = async () => ((await call(getRules as unknown as H, { method: "GET", apiKey: m.apiKey })).json.data as { name: string; enabled: boolean }[]).map((r) => [r.name, r.enabled]);
    expect(await names()).toHaveLength(4);
    // As stored before presets were counted: the first three, the interest one deleted by the merchant since.
    const kept = (await call(getRules as unknown as H, { method: "GET", apiKey: m.apiKey })).json.data.slice(0, 2);
    expect((await call(putRules as unknown as H, { method: "PUT", apiKey: m.apiKey, body: { rules: kept } })).status).toBe(200);
    const [merchant] = await t.db().select({ settings: merchants.settings }).from(merchants).where(eq(merchants.id, m.merchantId));
    const { anomalyRulePresets: _counted, ...before } = merchant.settings;
    void _counted;
    await t.db().update(merchants).set({ settings: { ...before, anomalyRulesInitialized: true } }).where(eq(merchants.id, m.merchantId));

    const upgraded = await names();
    expect(upgraded).toEqual([
      ["差额 ≤ ¥1.00 按抹零核销", true],
      ["验签失败 → 高优先级并通知", true],
      ["渠道提现/结算到账 → 忽略（自有账户间转账）", false],
    ]);
    expect(await names()).toEqual(upgraded);
  });

  it("the payout preset, turned on, sets aside Alipay's 提现 to the bank as an own-account transfer; a customer's 结算 stays open", async () => {
    const m = await merchantWithAlipay();
    const bankId = await bankAccount(m.apiKey);
    const rules = (await call(getRules as unknown as H, { method: "GET", apiKey: m.apiKey })).json.data as { name: string; enabled: boolean }[];
    const put = await call(putRules as unknown as H, { method: "PUT", apiKey: m.apiKey, body: { rules: rules.map((r) => ({ ...r, enabled: r.enabled || r.name.startsWith("渠道提现") })) } });
    expect(put.status).toBe(200);
    expect(put.json.data.find((r: { name: string }) => r.name.startsWith("渠道提现"))).toMatchObject({ enabled: true, conditions: { payout: true } });

    const payout = await importCmb(m.apiKey, bankId, { serial: "K7700000191", credit: "9,865.43", daysAgo: 2, memo: "支付宝提现", payer: "支付宝（中国）网络技术有限公司" });
    const invoice = await importCmb(m.apiKey, bankId, { serial: "K7700000192", credit: "500.00", daysAgo: 2, memo: "结算货款" });
    expect(await sweep(m.apiKey)).toEqual({ opened: 2, resolved: 1 });
    const [settled] = await list(m.apiKey, { status: "resolved" });
    expect(settled).toMatchObject({ paymentId: payout.id, resolutionNote: expect.stringContaining("已忽略收款（自有账户间转账）") });
    expect((await t.db().select().from(payments).where(eq(payments.id, payout.id)))[0]).toMatchObject({ status: "ignored" });
    expect((await list(m.apiKey, { status: "open" })).map((a) => a.paymentId)).toEqual([invoice.id]);

    // The condition takes only `true`: "not a payout" is not a rule anyone can read back.
    const bad = await call(putRules as unknown as H, { method: "PUT", apiKey: m.apiKey, body: { rules: [{ name: "x", conditions: { payout: false }, actions: { notify: true } }] } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toContain("rules.0.conditions.payout");
  });

  it("a rule sets aside unmatched money whose memo says 结息: the anomaly opens resolved, reopening brings the payment back", async () => {
    const m = await merchantWithAlipay();
    const bankId = await bankAccount(m.apiKey);
    const rules = (await call(getRules as unknown as H, { method: "GET", apiKey: m.apiKey })).json.data as { name: string; enabled: boolean }[];
    // The merchant turns the interest preset on, as the rules page's switch does.
    // And one of its own, to show a suggested payment is never set aside by a rule.
    const deposits = { name: "定金 → 忽略", conditions: { kinds: ["unmatched_overdue"], memoContains: ["定金"] }, actions: { ignorePayment: { reason: "定金另行处理" } } };
    const flagged = { name: "利息 → 高", conditions: { kinds: ["unmatched_overdue"], memoContains: ["往来"] }, actions: { raiseSeverity: "high" } };
    const put = await call(putRules as unknown as H, { method: "PUT", apiKey: m.apiKey, body: { rules: [...rules.map((r) => ({ ...r, enabled: true })), deposits, flagged] } });
    expect(put.status).toBe(200);

    const interest = await importCmb(m.apiKey, bankId, { serial: "K7700000091", credit: "12.34", daysAgo: 2, memo: "结息" });
    const sale = await importCmb(m.apiKey, bankId, { serial: "K7700000092", credit: "56.00", daysAgo: 2, memo: "货款" });
    // A customer's deposit was suggested as a part payment of their order: a rule naming its memo leaves it.
    await createOrder(m.apiKey, { amount: 50000, customer: { name: "张三贸易有限公司" } });
    const instalment = await importCmb(m.apiKey, bankId, { serial: "K7700000094", credit: "100.00", daysAgo: 2, memo: "定金" });
    expect((await t.db().select().from(payments).where(eq(payments.id, instalment.id)))[0].status).toBe("suggested");
    expect(await sweep(m.apiKey)).toEqual({ opened: 3, resolved: 1 });
    expect((await t.db().select().from(payments).where(eq(payments.id, instalment.id)))[0].status).toBe("suggested");

    const [settled] = await list(m.apiKey, { status: "resolved" });
    expect(settled).toMatchObject({
      kind: "unmatched_overdue",
      paymentId: interest.id,
      resolvedBy: expect.stringMatching(/^rule:/),
      resolutionNote: expect.stringContaining("已忽略收款（银行利息）"),
      details: { resolution: { by: "rule", ignored: { paymentId: interest.id, reason: "银行利息" } } },
    });
    const [row] = await t.db().select().from(payments).where(eq(payments.id, interest.id));
    expect(row).toMatchObject({ status: "ignored", manuallyDecided: false, details: expect.objectContaining({ ignored: expect.objectContaining({ reason: "银行利息", by: expect.stringMatching(/^rule:/) }) }) });
    expect((await list(m.apiKey, { status: "open" })).map((a) => a.paymentId).sort()).toEqual([sale.id, instalment.id].sort());
    expect(await sweep(m.apiKey)).toEqual({ opened: 0, resolved: 0 });

    // Reopened: the rule's decision is undone, the money waits for an order again and the anomaly stays open.
    const reopened = await onAnomaly(reopenRoute, m.apiKey, settled.anomalyId as string, { note: "这是客户转账" });
    expect(reopened.status).toBe(200);
    expect(reopened.json.status).toBe("open");
    const [back] = await t.db().select().from(payments).where(eq(payments.id, interest.id));
    expect(back.status).toBe("unmatched");
    expect(back.details.ignored).toBeUndefined();
    expect(await sweep(m.apiKey)).toEqual({ opened: 0, resolved: 0 });
    const trail = await t.db().select({ action: auditEvents.action }).from(auditEvents).where(eq(auditEvents.subjectId, interest.id));
    expect(trail.map((e) => e.action)).toEqual(expect.arrayContaining(["payment.ignored", "payment.unignored"]));

    // Money a rule set aside that a person brings back is unmatched money again: its anomaly opens anew.
    const quarterly = await importCmb(m.apiKey, bankId, { serial: "K7700000095", credit: "7.77", daysAgo: 2, memo: "结息" });
    expect(await sweep(m.apiKey)).toEqual({ opened: 1, resolved: 1 });
    expect((await call(unmatchRoute as unknown as H, { apiKey: m.apiKey, params: { paymentId: quarterly.id } })).json.status).toBe("unmatched");
    expect(await sweep(m.apiKey)).toEqual({ opened: 1, resolved: 0 });
    expect((await list(m.apiKey, { status: "open" })).map((a) => a.paymentId)).toContain(quarterly.id);
    expect((await t.db().select().from(payments).where(eq(payments.id, quarterly.id)))[0].status).toBe("unmatched");

    // A person who brought such money back from ignored is not overruled: its anomaly opens, and stays open.
    const personal = await importCmb(m.apiKey, bankId, { serial: "K7700000093", credit: "20.00", daysAgo: 2, memo: "利息 往来" });
    expect((await call(ignoreRoute as unknown as H, { apiKey: m.apiKey, params: { paymentId: personal.id }, body: { reason: "银行利息" } })).status).toBe(200);
    expect((await call(unmatchRoute as unknown as H, { apiKey: m.apiKey, params: { paymentId: personal.id } })).status).toBe(200);
    expect(await sweep(m.apiKey)).toEqual({ opened: 1, resolved: 0 });
    const [kept] = await t.db().select().from(payments).where(eq(payments.id, personal.id));
    expect(kept).toMatchObject({ status: "unmatched", manuallyDecided: true });
    // The rules after the ignore that did not apply still do: 往来 raises it to high.
    const [personalAnomaly] = await list(m.apiKey, { status: "open", kind: "unmatched_overdue" }).then((all) => all.filter((a) => a.paymentId === personal.id));
    expect(personalAnomaly).toMatchObject({ severity: "high", rules: [expect.objectContaining({ ruleName: "利息 → 高", actions: ["raiseSeverity"] })] });
    expect((await list(m.apiKey, { status: "open" })).map((a) => a.paymentId).sort()).toEqual([sale.id, instalment.id, interest.id, quarterly.id, personal.id].sort());
  });

  it("five bad signatures within ten minutes open a high-severity signature_failures anomaly", async () => {
    const m = await merchantWithAlipay();
    const order = await createOrder(m.apiKey);
    const signed = signAlipayParams(alipayPaymentNotify({ outTradeNo: order.reference, appId: m.appId }), m.keys.privateKeyPem);
    for (let i = 0; i < 5; i++) {
      const res = await call(webhookRoute as unknown as H, {
        params: { channel: "alipay", channelAccountId: m.accountId },
        rawBody: toFormBody({ ...signed, total_amount: `${i + 1}.00` }),
        headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
      });
      expect(res.status).toBe(401);
    }
    expect(await sweep(m.apiKey)).toEqual({ opened: 1, resolved: 0 });
    const [sig] = await list(m.apiKey, { kind: "signature_failures" });
    expect(sig).toMatchObject({ severity: "high", status: "open" });
    expect(sig.subjectKey).toMatch(new RegExp(`^signature:${m.accountId}:\\d{4}-\\d{2}-\\d{2}T\\d{2}$`));
    expect(await sweep(m.apiKey)).toEqual({ opened: 0, resolved: 0 });
  });

  it("the Inngest cron function sends one sweep per merchant, and each merchant's function sweeps it alone", async () => {
    const a = await merchantWithAlipay();
    const b = await merchantWithAlipay();
    for (const m of [a, b]) {
      const order = await createOrder(m.apiKey, { amount: 5000 });
      await notify(m, order.reference, "20.00");
    }
    // The fan-out step is mocked: there is no Inngest server to send to here.
    const run = await new InngestTestEngine({ function: anomalySweepFn, steps: [{ id: "sweep-each-merchant", handler: () => ({ ids: [] }) }] }).execute();
    expect(run.error).toBeUndefined();
    const sent = vi.mocked(run.ctx.step.sendEvent).mock.calls;
    expect(sent).toHaveLength(1);
    const events = sent[0][1] as { name: string; data: { merchantId: string }; id: string }[];
    expect(events.map((e) => e.name)).toEqual(events.map(() => "anomalies/merchant.sweep"));
    const merchantIds = events.map((e) => e.data.merchantId);
    expect(merchantIds).toEqual(expect.arrayContaining([a.merchantId, b.merchantId]));
    // Each event is named by merchant and quarter hour: a cron retried within it sweeps no merchant twice.
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(events.find((e) => e.data.merchantId === a.merchantId)?.id).toMatch(new RegExp(`^anomaly-sweep-${a.merchantId}-\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}$`));
    expect(run.result).toEqual({ merchants: merchantIds.length });
    // Nothing is swept until the merchants' own functions run.
    expect(await list(a.apiKey, { kind: "amount_mismatch", status: "open" })).toEqual([]);

    for (const m of [a, b]) {
      const swept = await new InngestTestEngine({ function: anomalySweepMerchantFn, events: [{ name: "anomalies/merchant.sweep", data: { merchantId: m.merchantId } }] }).execute();
      expect(swept.error).toBeUndefined();
      expect(swept.result).toEqual({ opened: 1, resolved: 0 });
      expect(await list(m.apiKey, { kind: "amount_mismatch", status: "open" })).toHaveLength(1);
    }
    const again = await new InngestTestEngine({ function: anomalySweepMerchantFn, events: [{ name: "anomalies/merchant.sweep", data: { merchantId: a.merchantId } }] }).execute();
    expect(again.result).toEqual({ opened: 0, resolved: 0 });
  });
});
