import { expect, test, type Page } from "@playwright/test";
import { collectConsoleErrors, createOrder, postAlipayNotify, signIn, signUpMerchantWithAlipay } from "./support/merchant";

const noHorizontalOverflow = async (page: Page) =>
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);

async function useEnglish(page: Page) {
  await page.context().addCookies([{ name: "lang", value: "en", url: new URL(page.url()).origin }]);
}

test("a viewer is offered no settings or import action that would only answer 403", async ({ browser, page, request }) => {
  const consoleErrors = collectConsoleErrors(page);
  const owner = await signUpMerchantWithAlipay(request);
  const viewerEmail = `viewer-${Date.now().toString(36)}@example.cn`;
  const viewerPassword = "viewer password 42";
  const created = await request.post("/api/v1/team", {
    headers: { authorization: `Bearer ${owner.apiKey}` },
    data: { email: viewerEmail, role: "viewer", password: viewerPassword },
  });
  expect(created.status(), await created.text()).toBe(201);

  const viewerContext = await browser.newContext();
  const viewer = await viewerContext.newPage();
  await signIn(viewer, viewerEmail, viewerPassword);
  await expect(viewer).toHaveURL(/\/board$/, { timeout: 15_000 });

  await viewer.goto("/settings/api-keys");
  await expect(viewer.getByTestId("read-only-notice")).toBeVisible();
  await expect(viewer.locator('[data-testid^="api-key-"]').first()).toContainText("default");
  await expect(viewer.getByTestId("api-key-create")).toHaveCount(0);
  await expect(viewer.getByTestId("api-key-revoke")).toHaveCount(0);

  await viewer.goto("/settings/rules");
  await expect(viewer.getByTestId("read-only-notice")).toBeVisible();
  await expect(viewer.getByTestId("anomaly-rules-read-only")).toBeVisible();
  for (const id of ["tolerance-add", "tolerance-save", "anomaly-rules-save"]) await expect(viewer.getByTestId(id)).toHaveCount(0);

  await viewer.goto("/settings/webhook");
  await expect(viewer.getByTestId("read-only-notice")).toBeVisible();
  await expect(viewer.getByTestId("webhook-save")).toHaveCount(0);

  await viewer.goto("/imports");
  await expect(viewer.getByTestId("read-only-notice")).toBeVisible();
  await expect(viewer.getByTestId("import-submit")).toHaveCount(0);
  await viewerContext.close();

  // The owner still gets every control.
  await signIn(page, owner.email, owner.password);
  await expect(page).toHaveURL(/\/board$/, { timeout: 15_000 });
  await page.goto("/settings/api-keys");
  await expect(page.getByTestId("api-key-create")).toBeVisible();
  await expect(page.getByTestId("read-only-notice")).toHaveCount(0);
  await page.goto("/settings/rules");
  await expect(page.getByTestId("tolerance-save")).toBeVisible();
  await page.goto("/imports");
  await expect(page.getByTestId("import-submit")).toBeVisible();
  expect(consoleErrors).toEqual([]);
});

test("操作日志 reads in the merchant's words in both languages, the stored record one click away", async ({ page, request }) => {
  const consoleErrors = collectConsoleErrors(page);
  const merchant = await signUpMerchantWithAlipay(request);
  const order = await createOrder(request, merchant, { amount: 12800 });
  await postAlipayNotify(request, merchant, order.reference, "128.00");
  await signIn(page, merchant.email, merchant.password);
  await expect(page).toHaveURL(/\/board$/, { timeout: 15_000 });

  await page.goto("/settings/checkout");
  await page.getByTestId("checkout-ttl-hours").fill("3");
  await page.getByTestId("checkout-settings-save").click();
  await expect(page.getByRole("status")).toHaveText("已保存");

  await page.goto("/settings/audit");
  const settings = page.locator('tr[data-action="checkout_settings.set"]').first();
  await expect(settings.getByTestId("audit-summary")).toHaveText("未付款订单保留：24 小时 → 3 小时");
  const paid = page.locator('tr[data-action="order.status_changed"]').first();
  await expect(paid.getByTestId("audit-summary")).toContainText("状态：待支付 → 已支付");
  await expect(paid.getByTestId("audit-summary")).toContainText("已收金额：¥0.00 → ¥128.00");
  await expect(paid.getByTestId("audit-summary")).not.toContainText("paidAmount");
  // Expanded: every field labelled, then the record exactly as stored.
  await paid.getByTestId("audit-summary").click();
  await expect(paid.getByTestId("audit-changes")).toContainText("已收金额");
  await expect(paid.locator("pre").last()).toContainText('"paidAmount": 12800');

  await useEnglish(page);
  await page.reload();
  await expect(page.locator('tr[data-action="checkout_settings.set"]').first().getByTestId("audit-summary")).toHaveText("Unpaid orders kept: 24 h → 3 h");
  await expect(page.locator('tr[data-action="order.status_changed"]').first().getByTestId("audit-summary")).toContainText("Status: Awaiting payment → Paid");
  expect(consoleErrors).toEqual([]);
});

test.describe("phone layout at 390×844", () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test("the audit log's changes and the board's per-channel net fit the screen", async ({ page, request }) => {
    const consoleErrors = collectConsoleErrors(page);
    const merchant = await signUpMerchantWithAlipay(request);
    const order = await createOrder(request, merchant, { amount: 123456 });
    await postAlipayNotify(request, merchant, order.reference, "1234.56");
    await signIn(page, merchant.email, merchant.password);
    await expect(page).toHaveURL(/\/board$/, { timeout: 15_000 });

    await page.goto("/settings/audit");
    const summary = page.locator('tr[data-action="order.status_changed"]').first().getByTestId("audit-summary");
    await summary.scrollIntoViewIfNeeded();
    await expect(summary).toBeVisible();
    const box = await summary.boundingBox();
    expect(box && box.x + box.width).toBeLessThanOrEqual(390);
    await noHorizontalOverflow(page);
    await page.screenshot({ path: "test-results/settings-audit-390.png", fullPage: true });

    await useEnglish(page);
    await page.goto("/board");
    const net = page.getByTestId("channel-row-alipay").locator("td").last();
    await expect(net).toHaveText("¥1,234.56");
    await net.scrollIntoViewIfNeeded();
    const netBox = await net.boundingBox();
    expect(netBox && netBox.x + netBox.width).toBeLessThanOrEqual(390);
    await noHorizontalOverflow(page);
    await page.screenshot({ path: "test-results/board-390-en.png", fullPage: true });
    expect(consoleErrors).toEqual([]);
  });
});
