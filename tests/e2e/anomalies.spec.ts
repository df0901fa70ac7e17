import { expect, test } from "@playwright/test";
import { cmbStatement, createBankAccount, importCmbStatement } from "./support/bank";
import { collectConsoleErrors, createOrder, signIn, signUpMerchantWithAlipay } from "./support/merchant";

test.use({ viewport: { width: 1280, height: 800 } });

test("异常 shows a short payment's amount mismatch, links to its order and payment, and resolves it with a note", async ({ page, request }) => {
  const consoleErrors = collectConsoleErrors(page);
  const merchant = await signUpMerchantWithAlipay(request);
  const bankAccountId = await createBankAccount(request, merchant, { bankName: "招商银行", accountNo: "755900003333444" });
  const order = await createOrder(request, merchant, { amount: 29900, customer: { name: "杭州禾木家居有限公司" } });
  const { payments } = await importCmbStatement(
    request,
    merchant,
    bankAccountId,
    cmbStatement({ serial: `S${Date.now()}`, amount: "289.00", payerName: "杭州禾木家居有限公司", payerAccount: "6222020200115566", memo: `货款 ${order.reference}` }),
  );
  const [payment] = payments;
  const sweep = await request.post("/api/v1/jobs/anomaly-sweep", { headers: { authorization: `Bearer ${merchant.apiKey}` } });
  expect(await sweep.json()).toMatchObject({ opened: 1 });

  await signIn(page, merchant.email, merchant.password);
  await expect(page).toHaveURL(/\/board$/, { timeout: 15_000 });
  await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "异常" }).click();
  const row = page.getByTestId("anomalies-table").locator("tbody tr");
  await expect(row).toHaveCount(1, { timeout: 15_000 });
  await expect(row).toContainText("金额不符");
  await expect(row).toContainText(`订单 ${order.reference} 应收 ¥299.00，实收 ¥289.00，短少 ¥10.00`);

  // The order and the payment it is about are one click away.
  await row.getByTestId("anomaly-order-link").click();
  await expect(page).toHaveURL(new RegExp(`/orders/${order.reference}$`), { timeout: 15_000 });
  await expect(page.getByTestId("order-paid")).toHaveText("¥289.00");
  await page.goBack();
  await row.getByTestId("anomaly-payment-link").click();
  await expect(page).toHaveURL(new RegExp(`/payments/${payment.paymentId}$`), { timeout: 15_000 });
  await page.goBack();

  // Resolved with a note, it leaves the list.
  const anomalyId = (await row.getAttribute("data-testid"))!.replace("anomaly-row-", "");
  await page.getByTestId(`anomaly-resolve-${anomalyId}`).click();
  await page.getByTestId(`anomaly-note-${anomalyId}`).fill("已与客户核实：银行手续费由我方承担");
  await page.getByTestId(`anomaly-submit-${anomalyId}`).click();
  await expect(page.getByTestId("anomalies-empty")).toBeVisible({ timeout: 15_000 });
  const resolved = await request.get(`/api/v1/anomalies/${anomalyId}`, { headers: { authorization: `Bearer ${merchant.apiKey}` } });
  expect(await resolved.json()).toMatchObject({ status: "resolved", resolutionNote: "已与客户核实：银行手续费由我方承担" });
  expect(consoleErrors).toEqual([]);
});
