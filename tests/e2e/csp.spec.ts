import { expect, test } from "@playwright/test";
import { cmbStatement, createBankAccount } from "./support/bank";
import { collectConsoleErrors, signIn, signUpMerchantWithAlipay } from "./support/merchant";

const nonceOf = (policy: string) => /'nonce-([A-Za-z0-9+/=]+)'/.exec(policy)?.[1];

test("every page response has its own script nonce, and Next's scripts all carry it", async ({ request }) => {
  const first = await request.get("/login");
  const second = await request.get("/login");
  const policy = first.headers()["content-security-policy"] ?? "";
  const scriptSrc = policy.split(";").map((d) => d.trim()).find((d) => d.startsWith("script-src")) ?? "";
  expect(scriptSrc).toContain("'strict-dynamic'");
  expect(scriptSrc).not.toContain("unsafe-inline");
  expect(scriptSrc).not.toContain("unsafe-eval");
  expect(policy).toContain("frame-ancestors 'none'");
  const nonce = nonceOf(policy);
  expect(nonce).toBeTruthy();
  expect(nonceOf(second.headers()["content-security-policy"] ?? "")).not.toBe(nonce);

  const html = await first.text();
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  expect(scripts.length).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);

  // API answers are JSON, never documents: a static deny-all policy, and a request id.
  const health = await request.get("/api/health");
  expect(health.headers()["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
  expect(health.headers()["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
});

test("an inline script injected into a page does not run, while the app's own scripts do", async ({ page }) => {
  const consoleErrors = collectConsoleErrors(page);
  await page.route("**/login", async (route) => {
    const response = await route.fetch();
    const body = (await response.text()).replace("</body>", "<script>window.__injected = 1</script></body>");
    await route.fulfill({ response, body });
  });
  await page.goto("/login");
  // window.next is set by Next.js's client runtime once its nonce-carrying scripts have run.
  await page.waitForFunction(() => Boolean((window as unknown as { next?: { version?: string } }).next?.version), null, { timeout: 15_000 });
  expect(await page.evaluate(() => (window as unknown as { __injected?: number }).__injected)).toBeUndefined();
  expect(consoleErrors.some((e) => /Content Security Policy/i.test(e))).toBe(true);
  expect(consoleErrors.filter((e) => !/Content Security Policy/i.test(e))).toEqual([]);
});

test("a signed-in browser's write that another site sends is refused and changes nothing; the same from the app goes through", async ({ page, request }) => {
  const m = await signUpMerchantWithAlipay(request);
  const bankId = await createBankAccount(request, m, { bankName: "招商银行", accountNo: "755900001111222" });
  await signIn(page, m.email, m.password);
  await expect(page).toHaveURL(/\/board$/, { timeout: 15_000 });
  const csv = cmbStatement({ serial: "CSRF0000001", amount: "88.00", payerName: "张三", payerAccount: "6225880000001111", memo: "货款" });
  const upload = (site: string) =>
    page.request.post(`/api/app/statements?channelAccountId=${bankId}&format=cmb-csv`, { headers: { "content-type": "text/csv", "sec-fetch-site": site }, data: csv });

  const crossSite = await upload("cross-site");
  expect(crossSite.status()).toBe(403);
  expect(((await crossSite.json()) as { error: { code: string } }).error.code).toBe("forbidden");
  const before = await request.get("/api/v1/payments?channel=bank", { headers: { authorization: `Bearer ${m.apiKey}` } });
  expect(((await before.json()) as { data: unknown[] }).data).toEqual([]);

  const sameOrigin = await upload("same-origin");
  expect(sameOrigin.status(), await sameOrigin.text()).toBe(200);
  expect(await sameOrigin.json()).toMatchObject({ imported: 1 });
});
