// The cross-tenant walk for the web app: merchant B, signed in, uses merchant A's ids on every
// session route with an id in its path (app/api/app) and on every page with one (app/(app)), and gets
// 404 / the not-found page. The API-key routes (app/api/v1) are walked in
// tests/integration/security-tenancy.test.ts; session routes need next-auth, which only runs here.
import { readdirSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { cmbStatement, createBankAccount, importCmbStatement } from "./support/bank";
import { createOrder, postAlipayNotify, signIn, signUpMerchantWithAlipay } from "./support/merchant";

interface Owned {
  reference: string;
  paymentId: string;
  bankPaymentId: string;
  anomalyId: string;
  keyId: string;
  bankAccountId: string;
  ownerUserId: string;
  /** A report job of A's (a range above the e2e server's async threshold of 2 payments). */
  reportJobId: string;
}

type Walk = { file: string; method: "GET" | "POST" | "PATCH" | "DELETE"; url: (a: Owned) => string; data?: (a: Owned) => unknown };

// Every route file under app/api/app with an id in its path. Add a row when a new one appears.
const SESSION_ROUTES: Walk[] = [
  { file: "anomalies/[anomalyId]/resolve", method: "POST", url: (a) => `/api/app/anomalies/${a.anomalyId}/resolve`, data: () => ({ note: "done" }) },
  { file: "api-keys/[keyId]", method: "DELETE", url: (a) => `/api/app/api-keys/${a.keyId}` },
  { file: "channel-accounts/[accountId]", method: "PATCH", url: (a) => `/api/app/channel-accounts/${a.bankAccountId}`, data: () => ({ disabled: true }) },
  { file: "payments/[paymentId]", method: "GET", url: (a) => `/api/app/payments/${a.paymentId}` },
  { file: "payments/[paymentId]/confirm", method: "POST", url: (a) => `/api/app/payments/${a.bankPaymentId}/confirm`, data: () => ({ index: 0 }) },
  { file: "payments/[paymentId]/match", method: "POST", url: (a) => `/api/app/payments/${a.bankPaymentId}/match`, data: (a) => ({ allocations: [{ reference: a.reference, amount: 100 }] }) },
  { file: "payments/[paymentId]/reject", method: "POST", url: (a) => `/api/app/payments/${a.bankPaymentId}/reject`, data: () => ({}) },
  { file: "payments/[paymentId]/unmatch", method: "POST", url: (a) => `/api/app/payments/${a.paymentId}/unmatch`, data: () => ({}) },
  { file: "payments/[paymentId]/ignore", method: "POST", url: (a) => `/api/app/payments/${a.bankPaymentId}/ignore`, data: () => ({ reason: "银行利息" }) },
  { file: "team/[userId]", method: "PATCH", url: (a) => `/api/app/team/${a.ownerUserId}`, data: () => ({ role: "viewer" }) },
  { file: "team/[userId]", method: "DELETE", url: (a) => `/api/app/team/${a.ownerUserId}` },
  { file: "reports/jobs/[jobId]", method: "GET", url: (a) => `/api/app/reports/jobs/${a.reportJobId}` },
  { file: "reports/jobs/[jobId]/download", method: "GET", url: (a) => `/api/app/reports/jobs/${a.reportJobId}/download` },
  { file: "team/[userId]/password", method: "POST", url: (a) => `/api/app/team/${a.ownerUserId}/password`, data: () => ({}) },
];

// Every page under app/(app) with an id in its path.
const PAGES: { file: string; url: (a: Owned) => string }[] = [
  { file: "orders/[reference]", url: (a) => `/orders/${a.reference}` },
  { file: "payments/[paymentId]", url: (a) => `/payments/${a.paymentId}` },
];

/** Directories (relative, "/"-separated) under root holding the given file and a dynamic segment. */
function dynamicFiles(root: string, fileName: string): string[] {
  const base = path.join(process.cwd(), root);
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === fileName) found.push(path.relative(base, dir).split(path.sep).join("/"));
    }
  };
  walk(base);
  return found.filter((f) => /\[[^\]]+\]/.test(f)).sort();
}

test("the walk tables cover every dynamic session route and page", () => {
  expect([...new Set(SESSION_ROUTES.map((r) => r.file))].sort()).toEqual(dynamicFiles("app/api/app", "route.ts"));
  expect(PAGES.map((p) => p.file).sort()).toEqual(dynamicFiles("app/(app)", "page.tsx"));
});

test("merchant B, signed in, gets 404 for every one of A's ids on session routes and pages; A's data is untouched", async ({ page, request }) => {
  test.setTimeout(120_000);
  const a = await signUpMerchantWithAlipay(request);
  const auth = { authorization: `Bearer ${a.apiKey}` };
  const order = await createOrder(request, a);
  await postAlipayNotify(request, a, order.reference, "128.00");
  const second = await createOrder(request, a);
  await postAlipayNotify(request, a, second.reference, "128.00");
  const paid = (await (await request.get(`/api/v1/orders/${order.reference}`, { headers: auth })).json()) as { payments: { paymentId: string }[] };
  const bankAccountId = await createBankAccount(request, a, { bankName: "招商银行", accountNo: "755912345610101" });
  const csv = cmbStatement({ serial: "T9900000001", amount: "888.00", payerName: "张三贸易有限公司", payerAccount: "6225880123456789", memo: "货款", bookedAt: new Date(Date.now() - 2 * 86_400_000) });
  const { payments } = await importCmbStatement(request, a, bankAccountId, csv);
  expect((await request.post("/api/v1/jobs/anomaly-sweep", { headers: auth })).status()).toBe(200);
  const anomalies = (await (await request.get("/api/v1/anomalies", { headers: auth })).json()) as { data: { anomalyId: string }[] };
  expect(anomalies.data.length, "the unmatched bank line opened an anomaly").toBeGreaterThan(0);
  const key = await request.post("/api/v1/api-keys", { headers: auth, data: { name: "storefront" } });
  expect(key.status()).toBe(201);
  const team = (await (await request.get("/api/v1/team", { headers: auth })).json()) as { data: { userId: string }[] };
  const owned: Owned = {
    reference: order.reference,
    paymentId: paid.payments[0].paymentId,
    bankPaymentId: payments[0].paymentId,
    anomalyId: anomalies.data[0].anomalyId,
    keyId: ((await key.json()) as { id: string }).id,
    bankAccountId,
    ownerUserId: team.data[0].userId,
    reportJobId: "",
  };
  const before = await (await request.get(`/api/v1/payments/${owned.bankPaymentId}`, { headers: auth })).text();

  // A sees its own ids through the same routes and pages (so the 404s below are about tenancy, not broken URLs).
  await signIn(page, a.email, a.password);
  await expect(page).toHaveURL(/\/board$/, { timeout: 15_000 });
  expect((await page.request.get(`/api/app/payments/${owned.paymentId}`)).status()).toBe(200);
  const day = (msAgo: number) => new Date(Date.now() + 8 * 3_600_000 - msAgo).toISOString().slice(0, 10);
  const report = await page.request.post("/api/app/reports", { data: { from: day(7 * 86_400_000), to: day(0), format: "json" } });
  expect(report.status(), await report.text()).toBe(202);
  owned.reportJobId = ((await report.json()) as { job: { jobId: string } }).job.jobId;
  const jobStatus = await page.request.get(`/api/app/reports/jobs/${owned.reportJobId}`);
  expect(jobStatus.status(), `${owned.reportJobId}: ${await jobStatus.text()}`).toBe(200);
  for (const p of PAGES) {
    const res = await page.goto(p.url(owned));
    expect(res?.status(), p.file).toBe(200);
  }
  await page.context().clearCookies();

  const b = await signUpMerchantWithAlipay(request);
  await signIn(page, b.email, b.password);
  await expect(page).toHaveURL(/\/board$/, { timeout: 15_000 });
  for (const route of SESSION_ROUTES) {
    const res = await page.request.fetch(route.url(owned), { method: route.method, data: route.data?.(owned) });
    expect(res.status(), `${route.method} ${route.file}`).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code, route.file).toBe("not_found");
  }
  // Importing into A's bank account through the web app's upload route.
  const upload = await page.request.post(`/api/app/statements?channelAccountId=${bankAccountId}&format=cmb-csv`, { headers: { "content-type": "text/csv" }, data: csv });
  expect(upload.status(), await upload.text()).toBe(404);
  for (const p of PAGES) {
    const res = await page.goto(p.url(owned));
    expect(res?.status(), p.file).toBe(404);
    await expect(page.getByRole("heading", { name: "页面不存在" })).toBeVisible();
    await expect(page.locator("body")).not.toContainText(order.reference);
  }
  // B's lists, searched with A's values, show nothing of A's.
  for (const url of [`/orders?q=${order.reference}`, `/payments?q=${encodeURIComponent("张三贸易")}`, "/payments", "/orders", "/anomalies"]) {
    await page.goto(url);
    await expect(page.locator("main")).toBeVisible();
    for (const id of [order.reference, owned.paymentId, owned.bankPaymentId, "张三贸易"]) await expect(page.locator("body"), `${url} shows ${id}`).not.toContainText(id);
  }

  expect(await (await request.get(`/api/v1/payments/${owned.bankPaymentId}`, { headers: auth })).text()).toBe(before);
  const keys = (await (await request.get("/api/v1/api-keys", { headers: auth })).json()) as { data: { id: string; revokedAt: string | null }[] };
  expect(keys.data.find((k) => k.id === owned.keyId)?.revokedAt ?? null).toBeNull();
});
