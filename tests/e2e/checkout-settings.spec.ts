import { expect, test } from "@playwright/test";
import { collectConsoleErrors, createOrder, signIn, signUpMerchantWithAlipay } from "./support/merchant";

test("the owner turns on unique amounts and shortens the expiry in 设置 › 下单收款; the next checkout asks a unique amount", async ({ page, request }) => {
  const consoleErrors = collectConsoleErrors(page);
  const merchant = await signUpMerchantWithAlipay(request);
  await signIn(page, merchant.email, merchant.password);
  await expect(page).toHaveURL(/\/board$/, { timeout: 15_000 });

  await page.goto("/settings/checkout");
  const hours = page.getByTestId("checkout-ttl-hours");
  const unique = page.getByTestId("checkout-unique-amount");
  await expect(hours).toHaveValue("24");
  await expect(unique).not.toBeChecked();
  await hours.fill("2");
  await unique.check();
  await page.getByTestId("checkout-settings-save").click();
  await expect(page.getByRole("status")).toHaveText("已保存");

  await page.reload();
  await expect(page.getByTestId("checkout-ttl-hours")).toHaveValue("2");
  await expect(page.getByTestId("checkout-unique-amount")).toBeChecked();
  await page.screenshot({ path: "test-results/settings-checkout.png", fullPage: true });

  const before = Date.now();
  const order = (await createOrder(request, merchant, { amount: 12800 })) as unknown as { payableAmount: number; expiresAt: string };
  expect(order.payableAmount).toBe(12799);
  expect(Math.abs(new Date(order.expiresAt).getTime() - (before + 2 * 3600_000))).toBeLessThan(60_000);
  expect(consoleErrors).toEqual([]);
});
