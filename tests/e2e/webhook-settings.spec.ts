import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { createOrder, postAlipayNotify, signIn, signUpMerchantWithAlipay } from "./support/merchant";

test("商城通知: a storefront that keeps failing shows as failing with its next retry, never given up; once it answers, delivered", async ({ page, request }) => {
  let status = 500;
  const storefront = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(status).end());
  });
  await new Promise<void>((resolve) => storefront.listen(0, "127.0.0.1", resolve));
  try {
    const merchant = await signUpMerchantWithAlipay(request);
    const url = `http://127.0.0.1:${(storefront.address() as AddressInfo).port}/hooks/ldxp`;
    const set = await request.post("/api/v1/settings/storefront-webhook", {
      headers: { authorization: `Bearer ${merchant.apiKey}` },
      data: { url, secret: "whsec_e2e_0123456789abcdef" },
    });
    expect(set.status()).toBe(200);
    const order = await createOrder(request, merchant, { amount: 12800 });
    await postAlipayNotify(request, merchant, order.reference, "128.00");

    await signIn(page, merchant.email, merchant.password);
    await expect(page).toHaveURL(/\/board$/);
    await page.goto("/settings/webhook");
    // The server delivers every 5 s: the failed attempt shows once it has been made.
    await expect(async () => {
      await page.reload();
      await expect(page.getByTestId("delivery-status").first()).toContainText("投递失败", { timeout: 1_000 });
    }).toPass({ timeout: 20_000 });
    await expect(page.getByTestId("delivery-status").first()).toContainText("重试");
    await expect(page.getByTestId("deliveries-table")).toContainText("HTTP 500");

    // Setting the webhook again (the usual fix) sends the waiting event on the next run.
    status = 200;
    expect((await request.post("/api/v1/settings/storefront-webhook", { headers: { authorization: `Bearer ${merchant.apiKey}` }, data: { url, secret: "whsec_e2e_0123456789abcdef" } })).status()).toBe(200);
    await expect(async () => {
      await page.reload();
      await expect(page.getByTestId("delivery-status").first()).toHaveText("已送达", { timeout: 1_000 });
    }).toPass({ timeout: 30_000 });
  } finally {
    await new Promise<void>((resolve) => storefront.close(() => resolve()));
  }
});
