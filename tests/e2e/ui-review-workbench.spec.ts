import { expect, test, type Page } from "@playwright/test";
import { cmbStatement, createBankAccount, importCmbStatement } from "./support/bank";
import { collectConsoleErrors, createOrder, signIn, signUpMerchantWithAlipay } from "./support/merchant";

async function useEnglish(page: Page) {
  await page.context().addCookies([{ name: "lang", value: "en", url: new URL(page.url()).origin }]);
}

test.use({ viewport: { width: 1280, height: 800 } });

test("a refused manual match reads in Chinese with yuan amounts, and goes when the input changes", async ({ page, request }) => {
  test.setTimeout(120_000);
  const consoleErrors = collectConsoleErrors(page);
  const merchant = await signUpMerchantWithAlipay(request);
  const bankAccountId = await createBankAccount(request, merchant, { bankName: "招商银行", accountNo: "755900003333444" });
  const { payments } = await importCmbStatement(
    request,
    merchant,
    bankAccountId,
    cmbStatement({ serial: `R${Date.now()}`, amount: "88.00", payerName: "赵敏", payerAccount: "6214830011112222", memo: "货款" }),
  );
  const [payment] = payments;
  const order = await createOrder(request, merchant, { amount: 10000 });

  await signIn(page, merchant.email, merchant.password);
  await expect(page).toHaveURL(/\/board$/, { timeout: 15_000 });
  await page.goto(`/payments/${payment.paymentId}`);
  await page.getByTestId("manual-reference-0").fill(order.reference);
  await page.getByTestId("manual-amount-0").fill("100.00");
  await page.getByTestId("manual-submit").click();
  // The server's "allocations: the amounts add up to 10000, more than the payment amount 8800", as a merchant reads it.
  await expect(page.getByTestId("payment-action-error")).toHaveText("分配金额合计 ¥100.00，超过了收款金额 ¥88.00。", { timeout: 15_000 });

  // New input makes that error stale: only the new problem shows.
  await page.getByTestId("manual-amount-0").fill("abc");
  await expect(page.getByTestId("payment-action-error")).toHaveCount(0);
  await page.getByTestId("manual-submit").click();
  await expect(page.getByTestId("manual-match-problem")).toHaveText("第 1 行金额格式不正确（例如 100.00）");
  await expect(page.getByTestId("payment-action-error")).toHaveCount(0);
  // The refused match is a 400 the browser logs by itself; nothing else may have gone wrong.
  expect(consoleErrors.filter((e) => !e.includes("status of 400"))).toEqual([]);
});

test("a filtered payments list says nothing matches, and a reversed date range is not asked for", async ({ page, request }) => {
  const merchant = await signUpMerchantWithAlipay(request);
  await signIn(page, merchant.email, merchant.password);
  await expect(page).toHaveURL(/\/board$/, { timeout: 15_000 });

  await page.goto("/payments?view=all&q=nothing-like-this");
  await expect(page.getByTestId("payments-empty")).toHaveText("没有符合条件的收款。", { timeout: 15_000 });
  await page.goto("/payments?view=all");
  await expect(page.getByTestId("payments-empty")).toHaveText("暂无收款记录。", { timeout: 15_000 });

  const asked: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes("/api/app/payments?")) asked.push(r.url());
  });
  await page.goto("/payments?view=all&from=2026-11-30&to=2026-11-01");
  await expect(page.getByTestId("payments-invalid-range")).toHaveText("开始日期晚于结束日期，请修改筛选条件。", { timeout: 15_000 });
  await expect(page.getByTestId("payments-empty")).toHaveCount(0);
  expect(asked.filter((u) => u.includes("from=2026-11-30"))).toEqual([]);

  await useEnglish(page);
  await page.goto("/payments?view=all&channel=alipay");
  await expect(page.getByTestId("payments-empty")).toHaveText("No payments match these filters.", { timeout: 15_000 });
});

test("a new member's one-time password leaves the page when the member is removed", async ({ page, request }) => {
  const consoleErrors = collectConsoleErrors(page);
  const owner = await signUpMerchantWithAlipay(request);
  await signIn(page, owner.email, owner.password);
  await expect(page).toHaveURL(/\/board$/, { timeout: 15_000 });
  await page.goto("/settings/team");

  const email = `temp-${Date.now().toString(36)}@example.cn`;
  await page.getByTestId("team-add-email").fill(email);
  await page.getByTestId("team-add-role").selectOption("viewer");
  await page.getByTestId("team-add-submit").click();
  await expect(page.getByTestId("team-initial-password")).toContainText(email, { timeout: 15_000 });

  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByTestId(`team-remove-${email}`).click();
  await expect(page.getByTestId(`team-row-${email}`)).toHaveCount(0, { timeout: 15_000 });
  await expect(page.getByTestId("team-initial-password")).toHaveCount(0);
  expect(consoleErrors).toEqual([]);
});

test("rule summaries are punctuated in English the English way", async ({ page, request }) => {
  const merchant = await signUpMerchantWithAlipay(request);
  const put = await request.put("/api/v1/rules", {
    headers: { authorization: `Bearer ${merchant.apiKey}` },
    data: { rules: [{ name: "大额多付", enabled: true, conditions: { kinds: ["overpayment", "amount_mismatch"], channels: ["alipay", "bank"] }, actions: { raiseSeverity: "high" } }] },
  });
  expect(put.status(), await put.text()).toBe(200);

  await signIn(page, merchant.email, merchant.password);
  await expect(page).toHaveURL(/\/board$/, { timeout: 15_000 });
  await page.goto("/settings/rules");
  const form = page.getByTestId("anomaly-rules-form");
  await expect(form).toContainText("类型为 超额支付、金额不符；渠道为 支付宝、银行转账", { timeout: 15_000 });

  await useEnglish(page);
  await page.reload();
  await expect(form).toContainText("kind is Overpayment, Amount mismatch; channel is Alipay, Bank transfer", { timeout: 15_000 });
  await expect(form).not.toContainText("、");
  await expect(form).not.toContainText("；");
});
