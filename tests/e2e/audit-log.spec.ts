import { expect, test } from "@playwright/test";
import { collectConsoleErrors, createOrder, signIn, signUpMerchantWithAlipay } from "./support/merchant";

test("设置 › 操作日志 lists what the owner just changed, by whom, with before and after, filtered by area", async ({ page, request }) => {
  const consoleErrors = collectConsoleErrors(page);
  const merchant = await signUpMerchantWithAlipay(request);
  const order = await createOrder(request, merchant, { amount: 12800 });
  await signIn(page, merchant.email, merchant.password);
  await expect(page).toHaveURL(/\/board$/, { timeout: 15_000 });

  await page.goto("/settings/checkout");
  await page.getByTestId("checkout-ttl-hours").fill("3");
  await page.getByTestId("checkout-settings-save").click();
  await expect(page.getByRole("status")).toHaveText("已保存");

  await page.getByRole("link", { name: "操作日志" }).click();
  await expect(page).toHaveURL(/\/settings\/audit$/, { timeout: 15_000 });
  const newest = page.getByTestId("audit-table").locator("tbody tr").first();
  await expect(newest).toHaveAttribute("data-action", "checkout_settings.set");
  await expect(newest).toContainText("修改下单收款设置");
  await expect(newest).toContainText(merchant.email);
  await expect(newest.locator("summary")).toHaveText("未付款订单保留：24 小时 → 3 小时");
  await newest.locator("summary").click();
  await expect(newest.locator("pre").first()).toContainText('"orderTtlMinutes": 1440');
  await expect(newest.locator("pre").last()).toContainText('"orderTtlMinutes": 180');
  await page.getByTestId("audit-verify").click();
  await expect(page.getByTestId("audit-verify-result")).toContainText(/^完整：\d+ 条记录逐条重算哈希，均未被改动。/, { timeout: 15_000 });
  await page.screenshot({ path: "test-results/settings-audit.png", fullPage: true });

  // The order's creation, under 订单, links to the order.
  await page.getByTestId("filter-area").selectOption("orders");
  await page.getByTestId("filter-submit").click();
  await expect(page).toHaveURL(/area=orders/);
  const created = page.locator('tr[data-action="order.created"]');
  await expect(created).toHaveCount(1);
  // Searched by the order's reference, the log shows that order's events only, and the date filter keeps today's.
  await page.getByTestId("filter-area").selectOption("");
  await page.getByTestId("filter-q").fill(order.reference.toLowerCase());
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  await page.getByTestId("filter-from").fill(today);
  await page.getByTestId("filter-submit").click();
  await expect(page).toHaveURL(new RegExp(`q=${order.reference.toLowerCase()}`));
  await expect(page.getByTestId("audit-table").locator("tbody tr")).toHaveCount(1);
  await expect(created).toHaveCount(1);
  await created.getByRole("link", { name: `订单 ${order.reference}` }).click();
  await expect(page).toHaveURL(new RegExp(`/orders/${order.reference}$`), { timeout: 15_000 });
  expect(consoleErrors).toEqual([]);
});
