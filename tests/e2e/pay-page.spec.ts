import { expect, test } from "@playwright/test";
import { collectConsoleErrors, createOrder, expectSameDocument, markDocument, postAlipayNotify, signUpMerchantWithAlipay } from "./support/merchant";

test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

test("the customer's pay page turns 已支付 by itself once the notify arrives", async ({ page, request }) => {
  const consoleErrors = collectConsoleErrors(page);
  const merchant = await signUpMerchantWithAlipay(request);
  const { reference, orderNo } = await createOrder(request, merchant, {
    amount: 12800,
    description: "年度会员 高级版",
    returnUrl: "https://shop.example.cn/orders/done",
  });

  await page.goto(`/pay/${reference}`);
  const status = page.getByTestId("pay-status");
  await expect(status).toHaveText("待支付");
  await expect(page.getByTestId("pay-amount")).toHaveText("¥128.00");
  await expect(page.getByText(orderNo)).toBeVisible();
  await expect(page.getByText("年度会员 高级版")).toBeVisible();
  await expect(page.getByTestId("pay-return")).toHaveAttribute("href", "https://shop.example.cn/orders/done");
  await markDocument(page);

  await postAlipayNotify(request, merchant, reference, "128.00");

  await expect(status).toHaveText("已支付", { timeout: 5_000 });
  await expectSameDocument(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: "test-results/pay-390.png", fullPage: true });
  expect(consoleErrors).toEqual([]);
});

test("an unknown reference is a friendly 404", async ({ page }) => {
  const res = await page.goto("/pay/NOSUCHREF");
  expect(res?.status()).toBe(404);
  await expect(page.getByTestId("pay-not-found")).toBeVisible();
});
