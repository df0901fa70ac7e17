import { expect, test, type APIRequestContext } from "@playwright/test";
import { cmbStatement, createBankAccount, importCmbStatement } from "./support/bank";
import { collectConsoleErrors, createOrder, postAlipayNotify, postAlipayRefundNotify, signIn, signUpMerchantWithAlipay, type E2eMerchant } from "./support/merchant";

/** Bank credits of exactly an open order's amount but without a reference: each one is a suggestion for a person. */
async function suggestedPayments(request: APIRequestContext, merchant: E2eMerchant, amounts: number[]) {
  const bankAccountId = await createBankAccount(request, merchant, { bankName: "招商银行", accountNo: "755900004444555" });
  const made: { paymentId: string; reference: string }[] = [];
  for (const [i, amount] of amounts.entries()) {
    const order = await createOrder(request, merchant, { amount, description: `茶叶 ${i + 1}` });
    const { payments } = await importCmbStatement(
      request,
      merchant,
      bankAccountId,
      cmbStatement({ serial: `B${Date.now()}${i}`, amount: (amount / 100).toFixed(2), payerName: `客户${i + 1}`, payerAccount: `62148300111122${i}0`, memo: "货款" }),
    );
    const payment = payments.find((p) => p.amount === amount)!;
    expect(payment.status).toBe("suggested");
    made.push({ paymentId: payment.paymentId, reference: order.reference });
  }
  return made;
}

async function orderStatus(request: APIRequestContext, merchant: E2eMerchant, reference: string) {
  const res = await request.get(`/api/v1/orders/${reference}`, { headers: { authorization: `Bearer ${merchant.apiKey}` } });
  return ((await res.json()) as { status: string }).status;
}

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
]) {
  test.describe(`workbench bulk and keys at ${viewport.width} px`, () => {
    test.use({ viewport });

    test("two suggestions are confirmed in one action; then j → c confirms the next from the keyboard", async ({ page, request }) => {
      test.setTimeout(120_000);
      const consoleErrors = collectConsoleErrors(page);
      const merchant = await signUpMerchantWithAlipay(request);
      const [a, b, c] = await suggestedPayments(request, merchant, [8800, 6600, 4400]);

      await signIn(page, merchant.email, merchant.password);
      await expect(page).toHaveURL(/\/board$/, { timeout: 15_000 });
      await page.goto("/payments");
      await expect(page.getByTestId(`payments-suggestion-${a.paymentId}`)).toContainText(a.reference, { timeout: 15_000 });
      await expect(page.getByTestId("bulk-confirm")).toBeDisabled();
      await page.getByTestId(`payments-select-${a.paymentId}`).check();
      await page.getByTestId(`payments-select-${b.paymentId}`).check();
      await expect(page.getByTestId("bulk-confirm")).toHaveText("确认所选（2）");
      await page.getByTestId("bulk-confirm").click();
      await expect(page.getByTestId("bulk-result")).toContainText("已确认 2 笔，此前已匹配 0 笔，失败 0 笔", { timeout: 15_000 });
      await expect(page.getByTestId(`payments-row-${a.paymentId}`)).toHaveCount(0);
      await expect(page.getByTestId(`payments-row-${b.paymentId}`)).toHaveCount(0);
      expect(await orderStatus(request, merchant, a.reference)).toBe("paid");
      expect(await orderStatus(request, merchant, b.reference)).toBe("paid");
      expect(await orderStatus(request, merchant, c.reference)).toBe("pending");

      // Keys typed into the search box stay text.
      await page.getByTestId("filter-q").press("j");
      await expect(page.locator("tr[data-active=true]")).toHaveCount(0);
      await page.locator("h1").click();
      await page.keyboard.press("?");
      await expect(page.getByTestId("shortcuts-help")).toBeVisible();
      await page.keyboard.press("Escape");
      await expect(page.getByTestId("shortcuts-help")).toHaveCount(0);

      await page.keyboard.press("j");
      const row = page.getByTestId(`payments-row-${c.paymentId}`);
      await expect(row).toHaveAttribute("data-active", "true");
      await expect(page.getByTestId(`payments-link-${c.paymentId}`)).toBeFocused();
      await page.keyboard.press("c");
      await expect(page.getByTestId("bulk-result")).toHaveText("已确认该收款的首选建议", { timeout: 15_000 });
      await expect(row).toHaveCount(0);
      await expect(page.getByTestId("payments-empty")).toBeVisible();
      expect(await orderStatus(request, merchant, c.reference)).toBe("paid");
      await page.screenshot({ path: `test-results/workbench-bulk-${viewport.width}.png`, fullPage: true });
      expect(consoleErrors).toEqual([]);
    });

    test("a refund notify shows in the refunds list, linked to its payment and order; the list switches to English", async ({ page, request }) => {
      test.setTimeout(120_000);
      const consoleErrors = collectConsoleErrors(page);
      const merchant = await signUpMerchantWithAlipay(request);
      const order = await createOrder(request, merchant, { amount: 12_800 });
      await postAlipayNotify(request, merchant, order.reference, "128.00", new Date(Date.now() - 120_000));
      const refundId = `RF${Date.now()}`;
      await postAlipayRefundNotify(request, merchant, order.reference, "128.00", "30.00", refundId);

      await signIn(page, merchant.email, merchant.password);
      await expect(page).toHaveURL(/\/board$/, { timeout: 15_000 });
      await page.goto("/refunds");
      const row = page.getByTestId(`refunds-row-${refundId}`);
      await expect(row).toContainText("¥30.00");
      await expect(row).toContainText("支付宝");
      await page.getByTestId("filter-q").fill(order.reference);
      await page.getByTestId("filter-q").press("Enter");
      await expect(page).toHaveURL(/q=/);
      await expect(page.getByTestId(`refunds-row-${refundId}`)).toBeVisible();
      await page.getByTestId(`refunds-order-${refundId}`).click();
      await expect(page).toHaveURL(new RegExp(`/orders/${order.reference}$`), { timeout: 15_000 });
      await page.goBack();
      await page.getByTestId(`refunds-payment-${refundId}`).click();
      await expect(page).toHaveURL(/\/payments\/[0-9a-f-]{36}$/, { timeout: 15_000 });
      await expect(page.getByTestId("payment-amount")).toHaveText("¥128.00", { timeout: 15_000 });

      await page.goto("/refunds");
      await page.getByTestId("language-switch").click();
      await expect(page.locator("h1")).toHaveText("Refunds", { timeout: 15_000 });
      await expect(page.locator("html")).toHaveAttribute("lang", "en");
      await expect(page.getByTestId(`refunds-row-${refundId}`)).toContainText("Alipay");
      await page.goto("/payments");
      await expect(page.getByTestId("bulk-confirm")).toHaveText("Confirm selected (0)", { timeout: 15_000 });
      await page.getByTestId("language-switch").click();
      await expect(page.getByTestId("bulk-confirm")).toHaveText("确认所选（0）", { timeout: 15_000 });
      expect(consoleErrors).toEqual([]);
    });
  });
}

test.describe("workbench bulk ignore", () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  test("a search for 结息, select the page, ignore for one reason: the interest leaves the pending list, the suggestion beside it stays", async ({ page, request }) => {
    test.setTimeout(120_000);
    const consoleErrors = collectConsoleErrors(page);
    const merchant = await signUpMerchantWithAlipay(request);
    const [suggested] = await suggestedPayments(request, merchant, [7700]);
    const bankAccountId = await createBankAccount(request, merchant, { bankName: "招商银行", accountNo: "755900004444666" });
    const interest: string[] = [];
    for (const [i, amount] of ["12.34", "0.56", "3.21"].entries()) {
      const { payments } = await importCmbStatement(
        request,
        merchant,
        bankAccountId,
        cmbStatement({ serial: `I${Date.now()}${i}`, amount, payerName: "招商银行", payerAccount: "755900000000001", memo: "结息" }),
      );
      interest.push(payments.find((p) => p.amount === Math.round(Number(amount) * 100))!.paymentId);
    }

    await signIn(page, merchant.email, merchant.password);
    await expect(page).toHaveURL(/\/board$/, { timeout: 15_000 });
    await page.goto("/payments");
    await expect(page.getByTestId(`payments-row-${interest[2]}`)).toBeVisible({ timeout: 15_000 });
    await expect(page.getByTestId("bulk-ignore")).toBeDisabled();
    // Selecting the page takes the suggestion too; a confirm would take only it, an ignore all four.
    await page.getByTestId("payments-select-page").check();
    await expect(page.getByTestId("bulk-confirm")).toHaveText("确认所选（1）");
    await expect(page.getByTestId("bulk-ignore")).toHaveText("忽略所选（4）");
    await page.getByTestId("payments-select-page").uncheck();
    await expect(page.getByTestId("bulk-ignore")).toBeDisabled();

    await page.getByTestId("filter-q").fill("结息");
    await page.getByTestId("filter-q").press("Enter");
    await expect(page.getByTestId(`payments-row-${suggested.paymentId}`)).toHaveCount(0, { timeout: 15_000 });
    await page.getByTestId("payments-select-page").check();
    await expect(page.getByTestId("bulk-confirm")).toHaveText("确认所选（0）");
    await page.getByTestId("bulk-ignore").click();
    const form = page.getByTestId("bulk-ignore-form");
    await expect(form.getByRole("heading")).toHaveText("忽略所选的 3 笔收款");
    // Every memo says 结息: the reason is chosen already.
    await expect(page.getByTestId("bulk-ignore-reason")).toHaveValue("银行利息");
    await expect(form.getByRole("button", { name: "银行利息" })).toHaveAttribute("aria-pressed", "true");
    await page.getByTestId("bulk-ignore-submit").click();
    await expect(page.getByTestId("bulk-result")).toHaveText("已忽略 3 笔，失败 0 笔", { timeout: 15_000 });
    await expect(page.getByTestId("payments-empty")).toBeVisible();

    for (const paymentId of interest) {
      const res = await request.get(`/api/v1/payments/${paymentId}`, { headers: { authorization: `Bearer ${merchant.apiKey}` } });
      expect(await res.json()).toMatchObject({ status: "ignored", ignored: { reason: "银行利息" } });
    }
    await page.goto("/payments");
    await expect(page.getByTestId(`payments-row-${suggested.paymentId}`)).toBeVisible({ timeout: 15_000 });
    await expect(page.getByTestId(`payments-row-${interest[0]}`)).toHaveCount(0);
    expect(consoleErrors).toEqual([]);
  });
});
