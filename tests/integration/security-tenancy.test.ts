import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import * as anomalyAcknowledge from "@/app/api/v1/anomalies/[anomalyId]/acknowledge/route";
import * as anomalyReopen from "@/app/api/v1/anomalies/[anomalyId]/reopen/route";
import * as anomalyResolve from "@/app/api/v1/anomalies/[anomalyId]/resolve/route";
import * as anomalyOne from "@/app/api/v1/anomalies/[anomalyId]/route";
import * as anomalyList from "@/app/api/v1/anomalies/route";
import * as apiKeyOne from "@/app/api/v1/api-keys/[keyId]/route";
import * as apiKeyList from "@/app/api/v1/api-keys/route";
import * as channelAccountOne from "@/app/api/v1/channel-accounts/[accountId]/route";
import * as channelAccountList from "@/app/api/v1/channel-accounts/route";
import * as sweep from "@/app/api/v1/jobs/anomaly-sweep/route";
import * as orderOne from "@/app/api/v1/orders/[reference]/route";
import * as orderList from "@/app/api/v1/orders/route";
import * as paymentConfirm from "@/app/api/v1/payments/[paymentId]/confirm/route";
import * as paymentMatch from "@/app/api/v1/payments/[paymentId]/match/route";
import * as paymentReject from "@/app/api/v1/payments/[paymentId]/reject/route";
import * as paymentOne from "@/app/api/v1/payments/[paymentId]/route";
import * as paymentUnmatch from "@/app/api/v1/payments/[paymentId]/unmatch/route";
import * as paymentIgnore from "@/app/api/v1/payments/[paymentId]/ignore/route";
import * as statementOne from "@/app/api/v1/statements/[statementId]/route";
import * as paymentList from "@/app/api/v1/payments/route";
import * as reconciliation from "@/app/api/v1/reports/reconciliation/route";
import * as vouchers from "@/app/api/v1/reports/vouchers/route";
import * as rules from "@/app/api/v1/rules/route";
import * as deliveries from "@/app/api/v1/settings/storefront-webhook/deliveries/route";
import * as toleranceRules from "@/app/api/v1/settings/tolerance-rules/route";
import * as statements from "@/app/api/v1/statements/route";
import * as teamPassword from "@/app/api/v1/team/[userId]/password/route";
import * as teamOne from "@/app/api/v1/team/[userId]/route";
import * as teamList from "@/app/api/v1/team/route";
import { buildCsv, CMB_HEADER, cmbCredit } from "../fixtures/statements/cn-exports";
import { BASE, call, createOrder, merchantWithAlipay, payWithAlipay } from "../helpers/api";
import { setupTestDatabase } from "../helpers/test-db";

setupTestDatabase();
type H = Parameters<typeof call>[0];

/** What merchant A owns, by the ids B will try. */
interface Owned {
  reference: string;
  orderId: string;
  paymentId: string;
  bankPaymentId: string;
  statementId: string;
  anomalyId: string;
  keyId: string;
  bankAccountId: string;
  alipayAccountId: string;
  ownerUserId: string;
}

type IdRoute = {
  /** The route file under app/api/v1, e.g. "payments/[paymentId]/match". */
  file: string;
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  handler: unknown;
  params: (a: Owned) => Record<string, string>;
  body?: (a: Owned) => unknown;
};

// Every route under app/api/v1 whose path carries an id or reference. Add a row when a new one appears.
const ID_ROUTES: IdRoute[] = [
  { file: "anomalies/[anomalyId]", method: "GET", handler: anomalyOne.GET, params: (a) => ({ anomalyId: a.anomalyId }) },
  { file: "anomalies/[anomalyId]/acknowledge", method: "POST", handler: anomalyAcknowledge.POST, params: (a) => ({ anomalyId: a.anomalyId }), body: () => ({ note: "mine now" }) },
  { file: "anomalies/[anomalyId]/reopen", method: "POST", handler: anomalyReopen.POST, params: (a) => ({ anomalyId: a.anomalyId }), body: () => ({ note: "again" }) },
  { file: "anomalies/[anomalyId]/resolve", method: "POST", handler: anomalyResolve.POST, params: (a) => ({ anomalyId: a.anomalyId }), body: () => ({ note: "done" }) },
  { file: "api-keys/[keyId]", method: "DELETE", handler: apiKeyOne.DELETE, params: (a) => ({ keyId: a.keyId }) },
  { file: "channel-accounts/[accountId]", method: "PATCH", handler: channelAccountOne.PATCH, params: (a) => ({ accountId: a.alipayAccountId }), body: () => ({ disabled: true }) },
  { file: "orders/[reference]", method: "GET", handler: orderOne.GET, params: (a) => ({ reference: a.reference }) },
  { file: "payments/[paymentId]", method: "GET", handler: paymentOne.GET, params: (a) => ({ paymentId: a.paymentId }) },
  { file: "statements/[statementId]", method: "GET", handler: statementOne.GET, params: (a) => ({ statementId: a.statementId }) },
  { file: "payments/[paymentId]/confirm", method: "POST", handler: paymentConfirm.POST, params: (a) => ({ paymentId: a.bankPaymentId }) },
  {
    file: "payments/[paymentId]/match",
    method: "POST",
    handler: paymentMatch.POST,
    params: (a) => ({ paymentId: a.bankPaymentId }),
    body: (a) => ({ allocations: [{ reference: a.reference, amount: 100 }] }),
  },
  { file: "payments/[paymentId]/reject", method: "POST", handler: paymentReject.POST, params: (a) => ({ paymentId: a.bankPaymentId }) },
  { file: "payments/[paymentId]/unmatch", method: "POST", handler: paymentUnmatch.POST, params: (a) => ({ paymentId: a.paymentId }) },
  { file: "payments/[paymentId]/ignore", method: "POST", handler: paymentIgnore.POST, params: (a) => ({ paymentId: a.bankPaymentId }), body: () => ({ reason: "银行利息" }) },
  { file: "team/[userId]", method: "PATCH", handler: teamOne.PATCH, params: (a) => ({ userId: a.ownerUserId }), body: () => ({ role: "viewer" }) },
  { file: "team/[userId]", method: "DELETE", handler: teamOne.DELETE, params: (a) => ({ userId: a.ownerUserId }) },
  { file: "team/[userId]/password", method: "POST", handler: teamPassword.POST, params: (a) => ({ userId: a.ownerUserId }), body: () => ({}) },
];

/** Route files under app/api/v1 (relative, without "/route.ts") that have a dynamic segment. */
function dynamicRouteFiles(): string[] {
  const root = path.join(process.cwd(), "app/api/v1");
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === "route.ts") found.push(path.relative(root, dir).split(path.sep).join("/"));
    }
  };
  walk(root);
  return found.filter((f) => /\[[^\]]+\]/.test(f)).sort();
}

const shanghaiDate = (daysAgo: number) =>
  new Date(Date.now() + 8 * 3600_000 - daysAgo * 86_400_000).toISOString().slice(0, 10).replaceAll("-", "");

async function importStatement(apiKey: string, channelAccountId: string, csv: string) {
  const request = new Request(`${BASE}/api/v1/statements?channelAccountId=${channelAccountId}&format=cmb-csv`, {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "text/csv" },
    body: csv,
  });
  const res = await (statements.POST as unknown as H)(request, { params: Promise.resolve({}) });
  return { status: res.status, json: await res.json() };
}

/** Merchant A with one of everything: a paid order, an Alipay payment, a bank line, an anomaly, a second API key. */
async function merchantWithData() {
  const m = await merchantWithAlipay();
  const order = await createOrder(m.apiKey, { amount: 12800 });
  const notified = await payWithAlipay(m, order.reference, "128.00");
  expect(notified.text).toBe("success");
  const withPayment = await call(orderOne.GET as unknown as H, { method: "GET", apiKey: m.apiKey, params: { reference: order.reference } });
  expect(withPayment.json.status).toBe("paid");

  const bank = await call(channelAccountList.POST as unknown as H, {
    apiKey: m.apiKey,
    body: { channel: "bank", name: "招商银行 基本户", credentials: { bankName: "招商银行", accountNo: "755912345610101" } },
  });
  expect(bank.status).toBe(201);
  const csv = buildCsv(CMB_HEADER, [
    cmbCredit({ date: shanghaiDate(2), time: "10:23:45", credit: "888.00", serial: "K7700000001", memo: "货款", payer: "张三贸易有限公司", account: "6225880123456789" }),
  ]);
  const imported = await importStatement(m.apiKey, bank.json.id, csv);
  expect(imported.status, JSON.stringify(imported.json)).toBe(200);
  expect(imported.json.imported).toBe(1);
  const bankPayments = await call(paymentList.GET as unknown as H, { method: "GET", apiKey: m.apiKey, path: "/api/v1/payments?channel=bank" });
  const bankPaymentId = bankPayments.json.data[0].paymentId as string;

  const swept = await call(sweep.POST as unknown as H, { apiKey: m.apiKey });
  expect(swept.json.opened).toBeGreaterThanOrEqual(1);
  const anomalies = await call(anomalyList.GET as unknown as H, { method: "GET", apiKey: m.apiKey, path: "/api/v1/anomalies" });
  const key = await call(apiKeyList.POST as unknown as H, { apiKey: m.apiKey, body: { name: "storefront" } });
  expect(key.status).toBe(201);
  const team = await call(teamList.GET as unknown as H, { method: "GET", apiKey: m.apiKey, path: "/api/v1/team" });
  const owned: Owned = {
    reference: order.reference,
    orderId: withPayment.json.orderId,
    paymentId: withPayment.json.payments[0].paymentId,
    bankPaymentId,
    statementId: imported.json.statementId,
    anomalyId: anomalies.json.data[0].anomalyId,
    keyId: key.json.id,
    bankAccountId: bank.json.id,
    alipayAccountId: m.accountId,
    ownerUserId: team.json.data[0].userId,
  };
  return { m, owned, csv };
}

describe(`cross-tenant isolation (${process.env.TEST_DB})`, () => {
  it("the id-route table covers every dynamic route file under app/api/v1", () => {
    expect([...new Set(ID_ROUTES.map((r) => r.file))].sort()).toEqual(dynamicRouteFiles());
  });

  it("merchant B gets 404 for every one of A's ids, A's data is untouched, and B's lists never show A's rows", async () => {
    const a = await merchantWithData();
    const b = await merchantWithAlipay();
    const before = await call(paymentOne.GET as unknown as H, { method: "GET", apiKey: a.m.apiKey, params: { paymentId: a.owned.paymentId } });

    for (const route of ID_ROUTES) {
      const res = await call(route.handler as H, {
        method: route.method,
        apiKey: b.apiKey,
        params: route.params(a.owned),
        body: route.body?.(a.owned),
      });
      expect(res.status, `${route.method} ${route.file}: ${res.text}`).toBe(404);
      expect(res.json?.error?.code, route.file).toBe("not_found");
    }
    // Upper-case, lower-case: the reference lookup is case-insensitive, the tenancy check must not be.
    const lower = await call(orderOne.GET as unknown as H, { method: "GET", apiKey: b.apiKey, params: { reference: a.owned.reference.toLowerCase() } });
    expect(lower.status).toBe(404);

    // B cannot import into A's bank account, nor match B's own payment to A's order.
    const intoA = await importStatement(b.apiKey, a.owned.bankAccountId, a.csv);
    expect(intoA.status, JSON.stringify(intoA.json)).toBe(404);
    const bOrder = await createOrder(b.apiKey, { amount: 12800 });
    await payWithAlipay(b, bOrder.reference, "128.00");
    const bPaid = await call(orderOne.GET as unknown as H, { method: "GET", apiKey: b.apiKey, params: { reference: bOrder.reference } });
    const bPaymentId = bPaid.json.payments[0].paymentId as string;
    await call(paymentUnmatch.POST as unknown as H, { apiKey: b.apiKey, params: { paymentId: bPaymentId } });
    const crossMatch = await call(paymentMatch.POST as unknown as H, {
      apiKey: b.apiKey,
      params: { paymentId: bPaymentId },
      body: { allocations: [{ reference: a.owned.reference, amount: 100 }] },
    });
    expect([400, 404, 422]).toContain(crossMatch.status);
    expect(crossMatch.text).not.toContain(a.owned.orderId);

    // A sees exactly what it had: the 404s above changed nothing.
    const after = await call(paymentOne.GET as unknown as H, { method: "GET", apiKey: a.m.apiKey, params: { paymentId: a.owned.paymentId } });
    expect(after.json).toEqual(before.json);
    const aKeys = await call(apiKeyList.GET as unknown as H, { method: "GET", apiKey: a.m.apiKey });
    expect(aKeys.json.data.find((k: { id: string }) => k.id === a.owned.keyId)?.revokedAt ?? null).toBeNull();
    const aAccounts = await call(channelAccountList.GET as unknown as H, { method: "GET", apiKey: a.m.apiKey });
    expect(aAccounts.json.data.find((c: { id: string }) => c.id === a.owned.alipayAccountId)?.disabledAt).toBeNull();

    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const range = `from=${day(-300)}&to=${day(30)}`;
    const lists: [string, unknown, string][] = [
      ["orders", orderList.GET, "/api/v1/orders"],
      ["payments", paymentList.GET, "/api/v1/payments"],
      ["anomalies", anomalyList.GET, "/api/v1/anomalies"],
      ["api-keys", apiKeyList.GET, "/api/v1/api-keys"],
      ["team", teamList.GET, "/api/v1/team"],
      ["channel-accounts", channelAccountList.GET, "/api/v1/channel-accounts"],
      ["rules", rules.GET, "/api/v1/rules"],
      ["tolerance-rules", toleranceRules.GET, "/api/v1/settings/tolerance-rules"],
      ["deliveries", deliveries.GET, "/api/v1/settings/storefront-webhook/deliveries"],
      ["reconciliation", reconciliation.GET, `/api/v1/reports/reconciliation?${range}&format=json`],
      ["vouchers", vouchers.GET, `/api/v1/reports/vouchers?${range}&format=kingdee`],
    ];
    // Filters and cursors carrying A's values search B's rows only.
    const aPage = await call(paymentList.GET as unknown as H, { method: "GET", apiKey: a.m.apiKey, path: "/api/v1/payments?limit=1" });
    expect(aPage.json.nextCursor, "A has two payments: a second page").toBeTruthy();
    const aOrderPage = await call(orderList.GET as unknown as H, { method: "GET", apiKey: a.m.apiKey, path: "/api/v1/orders?limit=1" });
    const aFinds = await call(orderList.GET as unknown as H, { method: "GET", apiKey: a.m.apiKey, path: `/api/v1/orders?q=${encodeURIComponent(a.owned.reference)}&${range}` });
    expect(aFinds.text, "the search itself works: A finds its order").toContain(a.owned.orderId);
    lists.push(
      ["orders by A's reference", orderList.GET, `/api/v1/orders?q=${encodeURIComponent(a.owned.reference)}&${range}`],
      ["orders by A's payer", orderList.GET, `/api/v1/orders?q=${encodeURIComponent("张三贸易")}&${range}`],
      ["payments after A's cursor", paymentList.GET, `/api/v1/payments?cursor=${encodeURIComponent(aPage.json.nextCursor)}`],
      ["orders after A's cursor", orderList.GET, `/api/v1/orders?cursor=${encodeURIComponent(aOrderPage.json.nextCursor ?? "")}`],
    );
    const aIds = [...Object.values(a.owned), a.m.merchantId, "K7700000001"];
    for (const [name, handler, listPath] of lists) {
      const res = await call(handler as H, { method: "GET", apiKey: b.apiKey, path: listPath });
      expect(res.status, `${name}: ${res.text.slice(0, 300)}`).toBe(200);
      for (const id of aIds) expect(res.text, `${name} leaks ${id}`).not.toContain(id);
    }
  });
});
