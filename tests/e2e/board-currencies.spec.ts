import { expect, test } from "@playwright/test";
import { checkoutSession, generateWebhookSecret, stripeSignatureHeader } from "../helpers/stripe-signer";
import { createOrder, postAlipayNotify, signIn, signUpMerchantWithAlipay } from "./support/merchant";

test.describe("board currencies at 1280×800", () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  test("dollars received through Stripe are listed apart, never added to the yuan figures", async ({ page, request }) => {
    const merchant = await signUpMerchantWithAlipay(request);
    const auth = { authorization: `Bearer ${merchant.apiKey}` };
    const webhookSecret = generateWebhookSecret();
    const account = await request.post("/api/v1/channel-accounts", { headers: auth, data: { channel: "stripe", name: "Stripe", credentials: { webhookSecret } } });
    expect(account.status(), await account.text()).toBe(201);
    const { id: stripeAccountId } = (await account.json()) as { id: string };

    const yuan = await createOrder(request, merchant, { amount: 12800 });
    await postAlipayNotify(request, merchant, yuan.reference, "128.00");
    const dollars = await createOrder(request, merchant, { amount: 2500, currency: "USD", channel: "stripe" });
    const body = JSON.stringify({
      id: `evt_board_${Date.now()}`,
      object: "event",
      api_version: "2025-10-29.clover",
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      pending_webhooks: 1,
      type: "checkout.session.completed",
      data: { object: checkoutSession({ reference: dollars.reference, amountTotal: 2500, currency: "usd" }) },
    });
    const notified = await request.post(`/api/webhooks/stripe/${stripeAccountId}`, {
      headers: { "content-type": "application/json", "stripe-signature": stripeSignatureHeader(body, webhookSecret) },
      data: body,
    });
    expect(notified.status(), await notified.text()).toBe(200);

    await signIn(page, merchant.email, merchant.password);
    await expect(page).toHaveURL(/\/board$/);
    await expect(page.getByTestId("board-total-net")).toHaveText("¥128.00");
    await expect(page.getByTestId("board-total-count")).toHaveText("1 笔收款");
    await expect(page.getByTestId("board-other-currencies")).toHaveText("另有外币收款 US$25.00（未计入）");
    await expect(page.getByTestId("channel-row-alipay")).toBeVisible();
    await expect(page.getByTestId("channel-row-stripe")).toHaveCount(0);
    await expect(page.getByTestId("board-match-rate")).toHaveText("100.0%");
    await page.screenshot({ path: "test-results/board-currencies-1280.png", fullPage: true });

    // The report is written in Chinese (as the books are kept): the English panel says so, the Chinese one needs not.
    await page.getByTestId("report-open").click();
    await expect(page.getByTestId("report-panel")).toBeVisible();
    await expect(page.getByTestId("report-language-note")).toHaveCount(0);
    await page.context().addCookies([{ name: "lang", value: "en", url: new URL(page.url()).origin }]);
    await page.reload();
    await page.getByTestId("report-open").click();
    await expect(page.getByTestId("report-language-note")).toContainText("written in Chinese");
    await page.context().addCookies([{ name: "lang", value: "zh-CN", url: new URL(page.url()).origin }]);

    // The dollar order reads in dollars wherever it is shown, never as yuan.
    await page.goto("/orders");
    await expect(page.locator("tr", { hasText: dollars.reference })).toContainText("US$25.00");
    await page.goto(`/orders/${dollars.reference}`);
    await expect(page.getByTestId("order-amount")).toHaveText("US$25.00");
    await expect(page.getByTestId("order-paid")).toHaveText("US$25.00");
  });
});
