import { expect, test, type APIRequestContext } from "@playwright/test";
import {
  collectConsoleErrors,
  createOrder,
  type E2eMerchant,
  expectSameDocument,
  markDocument,
  postAlipayNotify,
  signIn,
  signUpMerchantWithAlipay,
} from "./support/merchant";
import { buildCsv, CMB_HEADER, cmbCredit } from "../fixtures/statements/cn-exports";

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

const BANK = { bankName: "招商银行上海分行", accountNo: "6225880123456789", accountName: "上海链动小铺商贸有限公司" };

async function addBankAccount(request: APIRequestContext, merchant: E2eMerchant) {
  const res = await request.post("/api/v1/channel-accounts", {
    headers: { authorization: `Bearer ${merchant.apiKey}` },
    data: { channel: "bank", name: "对公账户", credentials: BANK },
  });
  expect(res.status(), await res.text()).toBe(201);
}

test("bank transfer: instructions with the reference as memo, a QR of the slip, copy, then 已支付 live", async ({ page, context, request }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const consoleErrors = collectConsoleErrors(page);
  const merchant = await signUpMerchantWithAlipay(request);
  await addBankAccount(request, merchant);
  const { reference } = await createOrder(request, merchant, {
    amount: 12800,
    description: "年度会员 高级版",
    returnUrl: "https://shop.example.cn/orders/done",
  });

  await page.goto(`/pay/${reference}`);
  await expect(page.getByTestId("pay-status")).toHaveText("待支付");
  const options = page.getByTestId("pay-channel-option");
  await expect(options).toHaveCount(2);
  // Bank transfer is chosen first: it is the one way to pay that this page can complete on its own.
  await expect(options.and(page.locator('[data-channel="bank"]'))).toHaveAttribute("aria-checked", "true");

  const bank = page.getByTestId("pay-bank");
  await expect(bank.getByTestId("pay-bank-account-name")).toHaveText(BANK.accountName);
  await expect(bank.getByTestId("pay-bank-account-no")).toHaveText(BANK.accountNo);
  await expect(bank.getByTestId("pay-bank-name")).toHaveText(BANK.bankName);
  await expect(bank.getByTestId("pay-memo")).toHaveText(reference);
  await expect(bank.getByText("¥128.00")).toBeVisible();
  const qr = page.getByTestId("pay-qr").locator("svg");
  await expect(qr).toBeVisible();
  expect(await qr.locator("path").count()).toBeGreaterThan(0);

  const copyMemo = page.getByTestId("pay-copy-memo");
  await copyMemo.click();
  await expect(copyMemo).toHaveText("已复制");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(reference);
  await page.getByTestId("pay-copy-all").click();
  await expect(page.getByTestId("pay-copy-all")).toHaveText("已复制");
  const slip = await page.evaluate(() => navigator.clipboard.readText());
  expect(slip).toContain(`收款账号：${BANK.accountNo}`);
  expect(slip).toContain(`附言：${reference}`);
  expect(slip).toContain("金额：128.00 元");

  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: "test-results/pay-390-bank.png", fullPage: true });

  // A wallet channel cannot be started here: the page says so and sends the customer back to the merchant.
  await options.and(page.locator('[data-channel="alipay"]')).click();
  await expect(page.getByTestId("pay-wallet")).toContainText("支付宝");
  await expect(page.getByTestId("pay-channel-return")).toHaveAttribute("href", "https://shop.example.cn/orders/done");
  await expect(page.getByTestId("pay-channel-return")).toHaveText("返回商户完成支付");
  await markDocument(page);

  await postAlipayNotify(request, merchant, reference, "128.00");

  await expect(page.getByTestId("pay-status")).toHaveText("已支付", { timeout: 5_000 });
  await expect(page.getByTestId("pay-channels")).toHaveCount(0);
  await expectSameDocument(page);
  expect(consoleErrors).toEqual([]);
});

test("unique amount: the page asks for the amount less its tail, and a transfer of it with no memo turns the page 已支付", async ({ page, request }) => {
  const consoleErrors = collectConsoleErrors(page);
  const merchant = await signUpMerchantWithAlipay(request);
  await addBankAccount(request, merchant);
  const { reference } = await createOrder(request, merchant, { amount: 12800, uniqueAmount: true, customer: { name: "张三" } });

  await page.goto(`/pay/${reference}`);
  await expect(page.getByTestId("pay-amount")).toHaveText("¥128.00");
  const bank = page.getByTestId("pay-bank");
  await expect(bank.getByTestId("pay-transfer-amount")).toHaveText("¥127.99");
  await expect(bank.getByTestId("pay-unique-amount")).toContainText("请准确转账 ¥127.99（已立减 ¥0.01）");
  await expect(bank.locator("pre")).toContainText("金额：127.99 元");
  await expect(page.getByTestId("pay-qr").locator("svg")).toBeVisible();
  await page.screenshot({ path: "test-results/pay-390-unique-amount.png", fullPage: true });
  await markDocument(page);

  const accounts = await request.get("/api/v1/channel-accounts", { headers: { authorization: `Bearer ${merchant.apiKey}` } });
  const bankAccount = ((await accounts.json()) as { data: { id: string; channel: string }[] }).data.find((a) => a.channel === "bank")!;
  const day = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10).replaceAll("-", "");
  const csv = buildCsv(CMB_HEADER, [cmbCredit({ date: day, time: "00:00:01", credit: "127.99", serial: `UA${Date.now()}`, memo: "", payer: "张三", account: "6225880100000009" })]);
  const imported = await request.post(`/api/v1/statements?channelAccountId=${bankAccount.id}&format=cmb-csv`, {
    headers: { authorization: `Bearer ${merchant.apiKey}`, "content-type": "text/csv" },
    data: csv,
  });
  expect(imported.status(), await imported.text()).toBe(200);

  await expect(page.getByTestId("pay-status")).toHaveText("已支付", { timeout: 5_000 });
  await expectSameDocument(page);

  // The merchant's order page tells what was asked, what came, and the tail written off.
  await signIn(page, merchant.email, merchant.password);
  await expect(page).toHaveURL(/\/board$/, { timeout: 15_000 });
  await page.goto(`/orders/${reference}`);
  await expect(page.getByTestId("order-status")).toHaveText("已支付");
  await expect(page.getByTestId("order-unique-amount")).toHaveText("¥127.99");
  await expect(page.getByTestId("order-paid")).toHaveText("¥127.99");
  await expect(page.getByTestId("order-written-off")).toHaveText("¥0.01");
  await expect(page.getByTestId("order-write-off-causes")).toHaveText("唯一金额立减 ¥0.01");
  await expect(page.locator('section[aria-labelledby="order-payments"]')).toContainText("唯一金额");
  expect(consoleErrors).toEqual([]);
});

test("without clipboard access the copy button selects the text for a manual copy", async ({ page, request }) => {
  const merchant = await signUpMerchantWithAlipay(request);
  await addBankAccount(request, merchant);
  const { reference } = await createOrder(request, merchant, { amount: 500 });
  // In-app browsers and plain-HTTP pages have no navigator.clipboard.
  await page.addInitScript(() => Object.defineProperty(navigator, "clipboard", { value: undefined, configurable: true }));
  await page.goto(`/pay/${reference}`);
  await page.getByTestId("pay-copy-account").click();
  await expect(page.getByTestId("pay-copy-account-hint")).toHaveText("已选中，请长按或按 Ctrl+C 复制");
  expect(await page.evaluate(() => window.getSelection()?.toString())).toBe(BANK.accountNo);
});

test("an unknown reference is a friendly 404", async ({ page }) => {
  const res = await page.goto("/pay/NOSUCHREF");
  expect(res?.status()).toBe(404);
  await expect(page.getByTestId("pay-not-found")).toBeVisible();
});

test("an order in yen shows yen, in the page, the transfer and its slip, never yuan", async ({ page, request }) => {
  const merchant = await signUpMerchantWithAlipay(request);
  await addBankAccount(request, merchant);
  const { reference } = await createOrder(request, merchant, { amount: 1500, currency: "JPY" });

  await page.goto(`/pay/${reference}`);
  await expect(page.getByTestId("pay-amount")).toHaveText("JP¥1,500");
  const bank = page.getByTestId("pay-bank");
  await expect(bank.getByTestId("pay-transfer-amount")).toHaveText("JP¥1,500");
  await expect(bank.locator("pre")).toContainText("金额：1500 JPY");
  await expect(bank.locator("pre")).not.toContainText("元");
});
