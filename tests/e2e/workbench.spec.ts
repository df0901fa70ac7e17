import { expect, test } from "@playwright/test";
import { cmbStatement, createBankAccount, importCmbStatement } from "./support/bank";
import { collectConsoleErrors, createOrder, expectSameDocument, markDocument, signIn, signUpMerchantWithAlipay } from "./support/merchant";

test.describe("exceptions workbench at 1280×800", () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  test("an unmatched bank transfer is split by hand across two orders and both orders turn paid", async ({ page, request }) => {
    test.setTimeout(120_000);
    const consoleErrors = collectConsoleErrors(page);
    const merchant = await signUpMerchantWithAlipay(request);
    const auth = { authorization: `Bearer ${merchant.apiKey}` };

    const bankAccountId = await createBankAccount(request, merchant, { bankName: "招商银行", accountNo: "755912345610901", accountName: "链动小铺" }, "招商银行 基本户");

    const first = await createOrder(request, merchant, { amount: 10000, description: "定制茶具 一套" });
    const second = await createOrder(request, merchant, { amount: 5000, description: "茶叶 小罐" });

    const serial = `K${Date.now()}`;
    const { result, payments: bankPayments } = await importCmbStatement(
      request,
      merchant,
      bankAccountId,
      cmbStatement({ serial, amount: "150.00", payerName: "王晓东", payerAccount: "6214830012345678", memo: "货款" }),
    );
    expect(result).toMatchObject({ imported: 1, matched: 0, rejected: [] });
    expect(bankPayments).toHaveLength(1);
    const [payment] = bankPayments;
    expect(payment.amount).toBe(15000);
    expect(["unmatched", "suggested"]).toContain(payment.status);

    await signIn(page, merchant.email, merchant.password);
    await expect(page).toHaveURL(/\/board$/, { timeout: 15_000 });
    await page.goto("/payments");
    await expect(page.getByTestId("payments-tab-pending")).toHaveAttribute("aria-pressed", "true");
    const row = page.getByTestId(`payments-row-${payment.paymentId}`);
    await expect(row).toContainText("¥150.00", { timeout: 15_000 });
    await expect(row).toContainText("货款");
    await expect(row).toContainText("王晓东");
    await expect(row).toContainText("银行转账");

    await page.getByTestId(`payments-link-${payment.paymentId}`).click();
    await expect(page).toHaveURL(new RegExp(`/payments/${payment.paymentId}$`), { timeout: 15_000 });
    await expect(page.getByTestId("payment-amount")).toHaveText("¥150.00", { timeout: 15_000 });
    await expect(page.getByTestId("payment-no-allocations")).toBeVisible();
    await markDocument(page);

    await page.getByTestId("manual-reference-0").fill(first.reference);
    await page.getByTestId("manual-amount-0").fill("100.00");
    await page.getByTestId("manual-add-row").click();
    await page.getByTestId("manual-reference-1").fill(second.reference);
    await page.getByTestId("manual-amount-1").fill("50.00");
    // Enter in the last field submits the form, as a keyboard user would.
    await page.getByTestId("manual-amount-1").press("Enter");

    await expect(page.getByTestId("payment-status")).toHaveText("已匹配", { timeout: 15_000 });
    await expect(page.getByTestId(`allocation-${first.reference}`)).toContainText("¥100.00");
    await expect(page.getByTestId(`allocation-${second.reference}`)).toContainText("¥50.00");
    await expect(page.getByTestId("payment-unmatch")).toBeVisible();
    await expect(page.getByTestId("manual-match-form")).toHaveCount(0);
    await expectSameDocument(page);

    for (const order of [first, second]) {
      const view = await request.get(`/api/v1/orders/${order.reference}`, { headers: auth });
      expect(view.status()).toBe(200);
      expect(((await view.json()) as { status: string }).status).toBe("paid");
    }

    await page.goto("/payments");
    await expect(page.getByTestId("payments-tab-pending")).toHaveAttribute("aria-pressed", "true");
    await expect(page.getByTestId("payments-empty")).toBeVisible({ timeout: 15_000 });
    await page.getByTestId("payments-tab-all").click();
    await expect(page.getByTestId(`payments-row-${payment.paymentId}`)).toContainText("已匹配", { timeout: 15_000 });
    // The list names the orders a matched payment went to, each a link to its order.
    const orders = page.getByTestId(`payments-suggestion-${payment.paymentId}`).getByRole("link");
    await expect(orders).toHaveCount(2);
    await expect(orders.nth(0)).toHaveAttribute("href", new RegExp(`/orders/(${first.reference}|${second.reference})$`));
    await page.screenshot({ path: "test-results/workbench-1280.png", fullPage: true });
    await orders.filter({ hasText: first.orderNo }).click();
    await expect(page).toHaveURL(new RegExp(`/orders/${first.reference}$`), { timeout: 15_000 });
    expect(consoleErrors).toEqual([]);
  });

  test("an unknown reference comes back as an inline error and nothing is matched", async ({ page, request }) => {
    test.setTimeout(120_000);
    const merchant = await signUpMerchantWithAlipay(request);
    const bankAccountId = await createBankAccount(request, merchant, { bankName: "招商银行", accountNo: "755900001111222" });
    const { payments } = await importCmbStatement(
      request,
      merchant,
      bankAccountId,
      cmbStatement({ serial: `E${Date.now()}`, amount: "88.00", payerName: "李娜", payerAccount: "6214830099998888", memo: "货款" }),
    );
    const [payment] = payments;

    await signIn(page, merchant.email, merchant.password);
    await expect(page).toHaveURL(/\/board$/, { timeout: 15_000 });
    await page.goto(`/payments/${payment.paymentId}`);
    await page.getByTestId("manual-reference-0").fill("ZZZZ-ZZZZ-Z");
    await page.getByTestId("manual-amount-0").fill("88.001");
    await page.getByTestId("manual-submit").click();
    await expect(page.getByTestId("manual-match-problem")).toHaveText("第 1 行金额格式不正确（例如 100.00）");

    await page.getByTestId("manual-amount-0").fill("88.00");
    await page.getByTestId("manual-submit").click();
    await expect(page.getByTestId("payment-action-error")).toContainText("不存在", { timeout: 15_000 });
    await expect(page.getByTestId("payment-no-allocations")).toBeVisible();

    // A brand-new merchant has nothing open: the anomalies page answers through its session route.
    await page.goto("/anomalies");
    await expect(page.getByTestId("anomalies-empty")).toHaveText("没有未处理的异常。", { timeout: 15_000 });
  });
  test("a deposit without reference shows as a part payment of the customer's order, with what confirming allocates", async ({ page, request }) => {
    test.setTimeout(120_000);
    const merchant = await signUpMerchantWithAlipay(request);
    const bankAccountId = await createBankAccount(request, merchant, { bankName: "招商银行", accountNo: "755912345610902", accountName: "链动小铺" }, "招商银行 基本户");
    const order = await createOrder(request, merchant, { amount: 159000, customer: { name: "禾木家居" } });
    const { payments: [payment] } = await importCmbStatement(
      request,
      merchant,
      bankAccountId,
      cmbStatement({ serial: `K${Date.now()}`, amount: "500.00", payerName: "杭州禾木家居有限公司", payerAccount: "571900002222", memo: "定金" }),
    );
    expect(payment.status).toBe("suggested");

    await signIn(page, merchant.email, merchant.password);
    await expect(page).toHaveURL(/\/board$/, { timeout: 15_000 });
    await page.goto(`/payments/${payment.paymentId}`);
    await expect(page.getByTestId("suggestion-allocations-0")).toHaveText(`${order.reference} ¥500.00`, { timeout: 15_000 });
    await expect(page.getByTestId("suggestion-0")).toContainText("部分付款与付款人");
    await expect(page.getByTestId("suggestion-0")).toContainText("定金或分期付款");
    await page.getByTestId("suggestion-confirm-0").click();
    await expect(page.getByTestId("payment-status")).toHaveText("已匹配", { timeout: 15_000 });
    await expect(page.getByTestId(`allocation-${order.reference}`)).toContainText("¥500.00");
    const view = await request.get(`/api/v1/orders/${order.reference}`, { headers: { authorization: `Bearer ${merchant.apiKey}` } });
    expect(await view.json()).toMatchObject({ status: "partially_paid", paidAmount: 50000 });
    // The order it went to is one click away.
    await page.getByTestId(`allocation-link-${order.reference}`).click();
    await expect(page).toHaveURL(new RegExp(`/orders/${order.reference}$`), { timeout: 15_000 });
    await expect(page.getByTestId("order-paid")).toHaveText("¥500.00");
  });

  test("bank interest is ignored with a preset reason, leaves the pending list, and comes back on 取消忽略", async ({ page, request }) => {
    test.setTimeout(120_000);
    const consoleErrors = collectConsoleErrors(page);
    const merchant = await signUpMerchantWithAlipay(request);
    const bankAccountId = await createBankAccount(request, merchant, { bankName: "招商银行", accountNo: "755912345610903" });
    const { payments: [payment] } = await importCmbStatement(
      request,
      merchant,
      bankAccountId,
      cmbStatement({ serial: `I${Date.now()}`, amount: "12.34", payerName: "招商银行", payerAccount: "755900000000", memo: "结息" }),
    );
    expect(payment.status).toBe("unmatched");

    await signIn(page, merchant.email, merchant.password);
    await expect(page).toHaveURL(/\/board$/, { timeout: 15_000 });
    await page.goto(`/payments/${payment.paymentId}`);
    // The memo says 结息: the form is open already, its reason chosen.
    await expect(page.getByTestId("payment-non-sale")).toHaveText("附言中的「结息」表明这笔进账可能不是客户付款。", { timeout: 15_000 });
    await expect(page.getByTestId("payment-ignore-reason")).toHaveValue("银行利息");
    await page.getByTestId("payment-ignore-reason").fill("");
    await expect(page.getByTestId("payment-ignore-submit")).toBeDisabled();
    await page.getByRole("button", { name: "银行利息" }).click();
    await expect(page.getByTestId("payment-ignore-reason")).toHaveValue("银行利息");
    await page.screenshot({ path: "test-results/workbench-ignore.png", fullPage: true });
    await page.getByTestId("payment-ignore-submit").click();
    await expect(page.getByTestId("payment-status")).toHaveText("已忽略", { timeout: 15_000 });
    await expect(page.getByTestId("payment-ignored")).toContainText("已忽略：银行利息");
    await expect(page.getByTestId("manual-match-form")).toHaveCount(0);
    await expect(page.getByTestId("payment-ignore-open")).toHaveCount(0);

    await page.goto("/payments");
    await expect(page.getByTestId("payments-empty")).toBeVisible({ timeout: 15_000 });
    // Under 全部 it is listed with why it was set aside.
    await page.getByTestId("payments-tab-all").click();
    await expect(page.getByTestId(`payments-suggestion-${payment.paymentId}`)).toHaveText("已忽略：银行利息", { timeout: 15_000 });

    await page.goto(`/payments/${payment.paymentId}`);
    await page.getByTestId("payment-unignore").click();
    await expect(page.getByTestId("payment-status")).toHaveText("未匹配", { timeout: 15_000 });
    await expect(page.getByTestId("manual-match-form")).toBeVisible();
    expect(consoleErrors).toEqual([]);
  });

  test("the order picker finds the order a transfer pays by its customer's name and fills the row with what is open on it", async ({ page, request }) => {
    test.setTimeout(120_000);
    const consoleErrors = collectConsoleErrors(page);
    const merchant = await signUpMerchantWithAlipay(request);
    const bankAccountId = await createBankAccount(request, merchant, { bankName: "招商银行", accountNo: "755912345610905" });
    const order = await createOrder(request, merchant, { amount: 15900, customer: { name: "禾木家居有限公司" } });
    const { payments: [payment] } = await importCmbStatement(
      request,
      merchant,
      bankAccountId,
      cmbStatement({ serial: `P${Date.now()}`, amount: "159.00", payerName: "王晓东", payerAccount: "6214830012340000", memo: "付款" }),
    );
    expect(payment.status).not.toBe("matched");

    await signIn(page, merchant.email, merchant.password);
    await expect(page).toHaveURL(/\/board$/, { timeout: 15_000 });
    await page.goto(`/payments/${payment.paymentId}`);
    await page.getByTestId("order-picker-search").fill("禾木");
    // Enter searches; it never submits the match form the picker sits in.
    await page.getByTestId("order-picker-search").press("Enter");
    const results = page.getByTestId("order-picker-results");
    await expect(results).toContainText(order.orderNo, { timeout: 15_000 });
    await expect(page.getByTestId("manual-match-problem")).toHaveCount(0);
    await expect(results).toContainText("¥159.00");
    await page.getByTestId(`order-pick-${order.reference}`).click();
    await expect(page.getByTestId("manual-reference-0")).toHaveValue(order.reference);
    await expect(page.getByTestId("manual-amount-0")).toHaveValue("159.00");
    await page.getByTestId("manual-submit").click();
    await expect(page.getByTestId("payment-status")).toHaveText("已匹配", { timeout: 15_000 });
    await expect(page.getByTestId(`allocation-${order.reference}`)).toContainText("¥159.00");

    // Nothing open by that name any more: the picker says so.
    await page.goto(`/payments/${payment.paymentId}`);
    await page.getByTestId("payment-unmatch").click();
    await expect(page.getByTestId("payment-status")).toHaveText("未匹配", { timeout: 15_000 });
    await page.getByTestId("order-picker-search").fill("没有这个客户");
    await expect(page.getByTestId("order-picker-empty")).toBeVisible({ timeout: 15_000 });
    expect(consoleErrors).toEqual([]);
  });
});
