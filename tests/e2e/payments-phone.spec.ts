import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { cmbStatement, createBankAccount, importCmbStatement } from "./support/bank";
import { collectConsoleErrors, createOrder, signIn, signUpMerchantWithAlipay, type E2eMerchant } from "./support/merchant";

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

/** Bank credits of exactly an open order's amount but without a reference: each one a suggestion for a person. */
async function suggestedPayments(request: APIRequestContext, merchant: E2eMerchant, lines: { amount: number; payerName: string; memo: string }[]) {
  const bankAccountId = await createBankAccount(request, merchant, { bankName: "招商银行", accountNo: "755900006666777" });
  const made: { paymentId: string; reference: string; payerName: string }[] = [];
  for (const [i, line] of lines.entries()) {
    const order = await createOrder(request, merchant, { amount: line.amount, description: `茶叶 ${i + 1}` });
    const { payments } = await importCmbStatement(
      request,
      merchant,
      bankAccountId,
      cmbStatement({ serial: `P${Date.now()}${i}`, amount: (line.amount / 100).toFixed(2), payerName: line.payerName, payerAccount: `62148300222233${i}0`, memo: line.memo }),
    );
    const payment = payments.find((p) => p.amount === line.amount)!;
    expect(payment.status).toBe("suggested");
    made.push({ paymentId: payment.paymentId, reference: order.reference, payerName: line.payerName });
  }
  return made;
}

async function orderStatus(request: APIRequestContext, merchant: E2eMerchant, reference: string) {
  const res = await request.get(`/api/v1/orders/${reference}`, { headers: { authorization: `Bearer ${merchant.apiKey}` } });
  return ((await res.json()) as { status: string }).status;
}

/** Nothing on the page, nor inside the list, scrolls sideways. */
async function expectNoSidewaysScroll(page: Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  const table = page.getByTestId("payments-table");
  expect(await table.evaluate((el) => el.parentElement!.scrollWidth - el.parentElement!.clientWidth)).toBeLessThanOrEqual(0);
}

/** The element lies inside the phone's width. */
async function expectOnScreen(page: Page, testId: string) {
  const box = (await page.getByTestId(testId).boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(390);
}

const LINES = [
  { amount: 8800, payerName: "杭州禾木家居有限公司", memo: "货款 五月第二批 茶叶与茶具 请查收 多谢合作" },
  { amount: 6600, payerName: "王晓东", memo: "定金" },
];

test.describe("payments list on a phone (390×844)", () => {
  test.use(PHONE);

  test("each payment is a card with payer, status and the top suggestion, confirmed from the card", async ({ page, request }) => {
    test.setTimeout(120_000);
    const consoleErrors = collectConsoleErrors(page);
    const merchant = await signUpMerchantWithAlipay(request);
    const [a, b] = await suggestedPayments(request, merchant, LINES);

    await signIn(page, merchant.email, merchant.password);
    await expect(page).toHaveURL(/\/board$/, { timeout: 15_000 });
    await page.goto("/payments");
    const card = page.getByTestId(`payments-row-${a.paymentId}`);
    await expect(card).toBeVisible({ timeout: 15_000 });

    // Amount and currency, time, payer, status, memo and the top suggestion all show without scrolling sideways.
    await expect(card.getByText("¥88.00")).toBeVisible();
    await expect(card.getByText("CNY")).toBeVisible();
    await expect(page.getByTestId(`payments-link-${a.paymentId}`)).toBeVisible();
    await expect(card.getByText(a.payerName)).toBeVisible();
    await expect(card.getByText("待确认")).toBeVisible();
    await expect(card.getByText(/^货款 五月第二批/)).toBeVisible();
    const suggestion = page.getByTestId(`payments-suggestion-${a.paymentId}`);
    await expect(suggestion).toBeVisible();
    await expect(suggestion).toContainText(a.reference);
    await expect(suggestion).toContainText(/\d+%/);
    await expect(page.getByTestId(`payments-confirm-${a.paymentId}`)).toBeVisible();
    await expect(page.getByTestId(`payments-select-${a.paymentId}`)).toBeVisible();
    await expect(page.getByTestId(`payments-row-${b.paymentId}`).getByText(b.payerName)).toBeVisible();
    for (const id of [`payments-confirm-${a.paymentId}`, `payments-select-${a.paymentId}`, `payments-suggestion-${a.paymentId}`]) await expectOnScreen(page, id);
    await expectNoSidewaysScroll(page);
    await page.screenshot({ path: "test-results/payments-phone-390.png", fullPage: true });

    // Confirming from the card matches the payment to its order and takes it off the pending list.
    await page.getByTestId(`payments-confirm-${a.paymentId}`).click();
    await expect(page.getByTestId("bulk-result")).toHaveText("已确认该收款的首选建议", { timeout: 15_000 });
    await expect(card).toHaveCount(0);
    expect(await orderStatus(request, merchant, a.reference)).toBe("paid");
    expect(await orderStatus(request, merchant, b.reference)).toBe("pending");

    // Every payment: the matched one names its order and offers nothing to confirm; the other is confirmed from there too.
    await page.getByTestId("payments-tab-all").click();
    const matched = page.getByTestId(`payments-row-${a.paymentId}`);
    await expect(matched.getByText("已匹配")).toBeVisible({ timeout: 15_000 });
    await expect(page.getByTestId(`payments-suggestion-${a.paymentId}`).getByRole("link")).toHaveCount(1);
    await expect(page.getByTestId(`payments-confirm-${a.paymentId}`)).toHaveCount(0);
    await expectNoSidewaysScroll(page);
    await page.getByTestId(`payments-confirm-${b.paymentId}`).click();
    await expect(page.getByTestId("payments-result")).toHaveText("已确认该收款的首选建议", { timeout: 15_000 });
    await expect(page.getByTestId(`payments-row-${b.paymentId}`).getByText("已匹配")).toBeVisible({ timeout: 15_000 });
    expect(await orderStatus(request, merchant, b.reference)).toBe("paid");
    expect(consoleErrors).toEqual([]);
  });
});

test.describe("payments list at 1280×800", () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  test("the table keeps its columns; the card's confirm button stays off it", async ({ page, request }) => {
    test.setTimeout(120_000);
    const merchant = await signUpMerchantWithAlipay(request);
    const [a] = await suggestedPayments(request, merchant, LINES.slice(0, 1));

    await signIn(page, merchant.email, merchant.password);
    await expect(page).toHaveURL(/\/board$/, { timeout: 15_000 });
    await page.goto("/payments");
    await expect(page.getByTestId(`payments-suggestion-${a.paymentId}`)).toContainText(a.reference, { timeout: 15_000 });
    await expect(page.getByTestId("payments-table").locator("thead")).toBeVisible();
    await expect(page.getByTestId(`payments-confirm-${a.paymentId}`)).toBeHidden();
    await expect(page.getByTestId(`payments-row-${a.paymentId}`).getByText("CNY")).toBeHidden();
  });
});
