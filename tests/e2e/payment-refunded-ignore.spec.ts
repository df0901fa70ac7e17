import { expect, test } from "@playwright/test";
import { postAlipayNotify, postAlipayRefundNotify, signIn, signUpMerchantWithAlipay } from "./support/merchant";

test.use({ viewport: { width: 1280, height: 800 } });

test("money that found no order and went back whole can be set aside from its page; a partial refund cannot", async ({ page, request }) => {
  const merchant = await signUpMerchantWithAlipay(request);
  const auth = { authorization: `Bearer ${merchant.apiKey}` };
  // Two notifies for orders we never made: one refunded whole, one in part.
  await postAlipayNotify(request, merchant, "NOT-OURS-WHOLE", "88.00");
  await postAlipayRefundNotify(request, merchant, "NOT-OURS-WHOLE", "88.00", "88.00", "RF-WHOLE");
  await postAlipayNotify(request, merchant, "NOT-OURS-PART", "66.00");
  await postAlipayRefundNotify(request, merchant, "NOT-OURS-PART", "66.00", "6.00", "RF-PART");
  const listed = (await (await request.get("/api/v1/payments", { headers: auth })).json()) as { data: { paymentId: string; amount: number; refundedAmount: number }[] };
  const whole = listed.data.find((p) => p.amount === 8800)!;
  const part = listed.data.find((p) => p.amount === 6600)!;
  expect(whole.refundedAmount).toBe(8800);
  expect(part.refundedAmount).toBe(600);

  await signIn(page, merchant.email, merchant.password);
  await expect(page).toHaveURL(/\/board$/);
  await page.goto(`/payments/${part.paymentId}`);
  await expect(page.getByTestId("payment-status")).toBeVisible();
  await expect(page.getByTestId("payment-ignore-open")).toHaveCount(0);

  await page.goto(`/payments/${whole.paymentId}`);
  await page.getByTestId("payment-ignore-open").click();
  await page.getByTestId("payment-ignore-reason").fill("全额退回的误付款");
  await page.getByTestId("payment-ignore-submit").click();
  await expect(page.getByTestId("payment-ignored")).toContainText("全额退回的误付款");
});
