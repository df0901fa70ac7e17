import { expect, test } from "@playwright/test";
import {
  collectConsoleErrors,
  createOrder,
  expectSameDocument,
  markDocument,
  postAlipayNotify,
  signIn,
  signUpMerchantWithAlipay,
} from "./support/merchant";

test.describe("board at 1280×800", () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  test("a signed Alipay notify turns the order paid on the live board without a reload", async ({ page, request }) => {
    const consoleErrors = collectConsoleErrors(page);
    const merchant = await signUpMerchantWithAlipay(request);
    const { reference } = await createOrder(request, merchant, { amount: 12800, description: "年度会员 高级版" });

    await signIn(page, merchant.email, merchant.password);
    await expect(page).toHaveURL(/\/board$/);
    const status = page.getByTestId(`order-status-${reference}`);
    await expect(page.getByTestId(`order-row-${reference}`)).toBeVisible();
    await expect(status).toHaveText("待支付");
    await expect(page.getByTestId("board-total-net")).toHaveText("¥0.00");
    await markDocument(page);

    await postAlipayNotify(request, merchant, reference, "128.00");

    await expect(status).toHaveText("已支付", { timeout: 5_000 });
    await expect(page.getByTestId("board-total-net")).toHaveText("¥128.00", { timeout: 5_000 });
    await expect(page.getByTestId("board-pending-count")).toHaveText("0");
    await expect(page.getByTestId("channel-row-alipay")).toContainText("支付宝");

    const view = await request.get(`/api/v1/orders/${reference}`, { headers: { authorization: `Bearer ${merchant.apiKey}` } });
    const { payments } = (await view.json()) as { payments: { paymentId: string }[] };
    expect(payments).toHaveLength(1);
    await expect(page.getByTestId(`payment-row-${payments[0].paymentId}`)).toContainText("已匹配");

    await expectSameDocument(page);
    await page.screenshot({ path: "test-results/board-1280.png", fullPage: true });
    expect(consoleErrors).toEqual([]);
  });

  test("a wrong password shows the error and keeps the visitor signed out", async ({ page, request }) => {
    const merchant = await signUpMerchantWithAlipay(request);

    await page.goto("/board");
    await expect(page).toHaveURL(/\/login/);

    await signIn(page, merchant.email, "not the password");
    await expect(page).toHaveURL(/\/login\?error=1$/);
    await expect(page.getByTestId("login-error")).toHaveText("邮箱或密码不正确，请重试。");
    await page.screenshot({ path: "test-results/login-error-1280.png" });

    await page.goto("/board");
    await expect(page).toHaveURL(/\/login/);
  });
});

test.describe("language", () => {
  test("the lang cookie switches the sign-in page to English and back", async ({ page }) => {
    await page.goto("/login");
    await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
    await expect(page.getByTestId("login-submit")).toHaveText("登录");

    await page.getByTestId("language-switch").click();
    await expect(page.getByTestId("login-submit")).toHaveText("Sign in");
    await expect(page.locator("html")).toHaveAttribute("lang", "en");

    await page.getByTestId("language-switch").click();
    await expect(page.getByTestId("login-submit")).toHaveText("登录");
  });
});

test.describe("board at 390×844", () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test("stacks its tables instead of overflowing a phone screen", async ({ page, request }) => {
    const merchant = await signUpMerchantWithAlipay(request);
    const { reference } = await createOrder(request, merchant, { amount: 5990 });
    await postAlipayNotify(request, merchant, reference, "59.90");

    await signIn(page, merchant.email, merchant.password);
    await expect(page.getByTestId(`order-status-${reference}`)).toHaveText("已支付");
    await expect(page.getByTestId("board-total-net")).toHaveText("¥59.90");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: "test-results/board-390.png", fullPage: true });
  });
});
