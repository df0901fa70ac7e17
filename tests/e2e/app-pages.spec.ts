import fs from "node:fs";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import {
  collectConsoleErrors,
  createOrder,
  postAlipayNotify,
  signIn,
  signUpMerchantWithAlipay,
  type E2eMerchant,
} from "./support/merchant";
import { cmbStatement, createBankAccount } from "./support/bank";
import { expectImportFigures, submitImport } from "./support/imports";

const SCREENSHOTS = "test-results/screenshots";
const WIDTHS = [
  { name: "1280", use: { viewport: { width: 1280, height: 800 } } },
  { name: "390", use: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } },
] as const;

const DAY = 86_400_000;

async function paymentIdOf(request: APIRequestContext, merchant: E2eMerchant, reference: string): Promise<string> {
  const res = await request.get(`/api/v1/orders/${reference}`, { headers: { authorization: `Bearer ${merchant.apiKey}` } });
  const { payments } = (await res.json()) as { payments: { paymentId: string }[] };
  expect(payments).toHaveLength(1);
  return payments[0].paymentId;
}

/** A merchant with one order paid today (¥128.00) and one paid three days ago (¥50.00), signed in on the board. */
async function boardWithHistory(page: Page, request: APIRequestContext) {
  const merchant = await signUpMerchantWithAlipay(request);
  const today = await createOrder(request, merchant, { amount: 12800, description: "年度会员" });
  const earlier = await createOrder(request, merchant, { amount: 5000, description: "茶叶 小罐" });
  await postAlipayNotify(request, merchant, today.reference, "128.00");
  await postAlipayNotify(request, merchant, earlier.reference, "50.00", new Date(Date.now() - 3 * DAY));
  await signIn(page, merchant.email, merchant.password);
  await expect(page).toHaveURL(/\/board$/);
  return { merchant, today, earlier };
}

const noHorizontalOverflow = async (page: Page) =>
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);

for (const width of WIDTHS) {
  test.describe(`web app pages at ${width.name} px`, () => {
    test.use(width.use);

    test("the board's period switch shows 7-day figures and a figure opens its filtered payments list", async ({ page, request }) => {
      const consoleErrors = collectConsoleErrors(page);
      const { merchant, today, earlier } = await boardWithHistory(page, request);

      await expect(page.getByTestId("board-period-today")).toHaveAttribute("aria-pressed", "true");
      await expect(page.getByTestId("board-total-net")).toHaveText("¥128.00");
      await page.getByTestId("board-period-7d").click();
      await expect(page.getByTestId("board-period-7d")).toHaveAttribute("aria-pressed", "true");
      await expect(page.getByTestId("board-total-net")).toHaveText("¥178.00");
      await expect(page.getByTestId("board-total-count")).toHaveText("2 笔收款");
      await expect(page.getByTestId("board-match-rate")).toHaveText("100.0%");
      await expect(page.getByTestId("channel-row-alipay")).toContainText("¥178.00");
      await expect(page.getByTestId("fund-chart")).toBeVisible();
      await noHorizontalOverflow(page);
      fs.mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: `${SCREENSHOTS}/board-${width.name}.png`, fullPage: true });

      await page.getByTestId("channel-link-alipay").click();
      await expect(page).toHaveURL(/\/payments\?.*channel=alipay/);
      const url = new URL(page.url());
      expect(url.searchParams.get("view")).toBe("all");
      expect(url.searchParams.get("from")).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      await expect(page.getByTestId("filter-channel")).toHaveValue("alipay");
      await expect(page.getByTestId(`payments-row-${await paymentIdOf(request, merchant, today.reference)}`)).toBeVisible({ timeout: 15_000 });
      await expect(page.getByTestId(`payments-row-${await paymentIdOf(request, merchant, earlier.reference)}`)).toBeVisible();

      // The same list narrowed to today only drops the older payment.
      await page.goto("/board");
      await page.getByTestId("channel-link-alipay").click();
      await expect(page.getByTestId(`payments-row-${await paymentIdOf(request, merchant, today.reference)}`)).toBeVisible({ timeout: 15_000 });
      await expect(page.getByTestId(`payments-row-${await paymentIdOf(request, merchant, earlier.reference)}`)).toHaveCount(0);
      expect(consoleErrors).toEqual([]);
    });

    test("an order's page shows its fund trail after a paid notify", async ({ page, request }) => {
      const { merchant, today } = await boardWithHistory(page, request);
      await page.goto(`/orders?q=${today.orderNo}`);
      await expect(page.getByTestId("orders-table").locator("tbody tr")).toHaveCount(1);
      await page.getByTestId(`orders-link-${today.reference}`).click();
      await expect(page).toHaveURL(new RegExp(`/orders/${today.reference}$`));
      await expect(page.getByTestId("order-status")).toHaveText("已支付");
      await expect(page.getByTestId("order-paid")).toHaveText("¥128.00");
      // A plain checkout asked no unique amount: none is shown.
      await expect(page.getByTestId("order-amount")).toHaveText("¥128.00");
      await expect(page.getByTestId("order-unique-amount")).toHaveCount(0);
      const trail = page.getByTestId("fund-trail");
      await expect(trail.getByTestId("trail-order.created")).toContainText("创建订单");
      await expect(trail.getByTestId("trail-payment.recorded")).toContainText("¥128.00");
      await expect(trail.getByTestId("trail-payment.recorded")).toContainText("支付渠道通知");
      await expect(trail.getByTestId("trail-allocation.created")).toContainText("¥128.00");
      await expect(trail.getByTestId("trail-order.status_changed")).toContainText("待支付 → 已支付");
      await expect(page.getByTestId(`order-payment-${await paymentIdOf(request, merchant, today.reference)}`)).toBeVisible();
      await noHorizontalOverflow(page);
      fs.mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: `${SCREENSHOTS}/order-${width.name}.png`, fullPage: true });
    });

    test("settings pages render: channel webhook URL, API key shown once, tolerances, storefront webhook", async ({ page, request }) => {
      const { merchant } = await boardWithHistory(page, request);
      await page.goto("/settings");
      await expect(page).toHaveURL(/\/settings\/channels$/);
      const account = page.getByTestId(`channel-account-${merchant.channelAccountId}`);
      await expect(account.getByTestId("channel-webhook-url")).toContainText(`/api/webhooks/alipay/${merchant.channelAccountId}`);
      await expect(account.getByTestId("channel-last-notified")).toHaveText(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
      await noHorizontalOverflow(page);
      fs.mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: `${SCREENSHOTS}/settings-channels-${width.name}.png`, fullPage: true });

      await page.getByRole("link", { name: "API 密钥" }).click();
      await page.getByTestId("api-key-name").fill("商城后端");
      await page.getByTestId("api-key-create").click();
      const secret = await page.getByTestId("api-key-secret").textContent();
      expect(secret).toMatch(/^sk_live_/);
      const check = await request.get("/api/v1/orders", { headers: { authorization: `Bearer ${secret}` } });
      expect(check.status()).toBe(200);
      const row = page.getByTestId(`api-key-${secret!.slice(0, 12)}`);
      await row.getByTestId("api-key-revoke").click();
      await row.getByTestId("api-key-revoke-confirm").click();
      await expect(row).toContainText("已吊销于");
      expect((await request.get("/api/v1/orders", { headers: { authorization: `Bearer ${secret}` } })).status()).toBe(401);

      await page.getByRole("link", { name: "容差与异常规则" }).click();
      await page.getByTestId("tolerance-add").click();
      const tolerance = page.getByTestId("tolerance-row-0");
      await tolerance.getByLabel("名称").fill("抹零");
      await tolerance.getByLabel("最多少付（元）").fill("0.99");
      await page.getByTestId("tolerance-save").click();
      await expect(page.getByTestId("tolerance-form").getByRole("status")).toHaveText("已保存");
      const rules = await request.get("/api/v1/settings/tolerance-rules", { headers: { authorization: `Bearer ${merchant.apiKey}` } });
      expect(((await rules.json()) as { data: unknown[] }).data).toMatchObject([{ name: "抹零", maxShortfallFen: 99, cause: "rounding" }]);
      await expect(page.getByTestId("anomaly-rules-form")).toBeVisible();
      await page.screenshot({ path: `${SCREENSHOTS}/settings-rules-${width.name}.png`, fullPage: true });

      await page.getByRole("link", { name: "商城通知" }).click();
      await page.getByTestId("webhook-url").fill("https://shop.example/ldxp/hook");
      await page.getByTestId("webhook-secret").fill("a-very-long-shared-secret");
      await page.getByTestId("webhook-save").click();
      await expect(page.getByTestId("webhook-form").getByRole("status")).toHaveText("已保存");
      await page.reload();
      await expect(page.getByTestId("webhook-url")).toHaveValue("https://shop.example/ldxp/hook");
      await expect(page.getByTestId("deliveries-empty")).toBeVisible();
      await noHorizontalOverflow(page);
    });

    test("a statement uploaded through /imports shows its summary, again as a duplicate, and each file's payments", async ({ page, request }) => {
      const merchant = await signUpMerchantWithAlipay(request);
      const bankAccountId = await createBankAccount(request, merchant, { bankName: "招商银行", accountNo: "755912345610901", accountName: "链动小铺" }, "招商银行 基本户");
      await signIn(page, merchant.email, merchant.password);
      await expect(page).toHaveURL(/\/board$/);
      await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "导入" }).click();
      await expect(page).toHaveURL(/\/imports$/);
      await expect(page.getByTestId("import-history-empty")).toBeVisible();
      await page.getByTestId("import-account").selectOption(bankAccountId);
      await page.getByTestId("import-format").selectOption("cmb-csv");
      const csv = cmbStatement({ serial: `K${Date.now()}`, amount: "150.00", payerName: "王晓东", payerAccount: "6214830012345678", memo: "货款" });
      await submitImport(page, { name: "cmb.csv", buffer: Buffer.from(csv) });
      const result = await expectImportFigures(page, { imported: 1, duplicates: 0, rejected: 0 });
      const unmatched = Number(await result.getByTestId("import-unmatched").textContent());
      const suggested = Number(await result.getByTestId("import-suggested").textContent());
      expect(unmatched + suggested).toBe(1);
      await expect(result.getByTestId("import-to-pending")).toHaveAttribute("href", /^\/payments\?statementId=[0-9a-f-]{36}$/);
      await expect(result.getByTestId("import-to-payments")).toHaveAttribute("href", /^\/payments\?view=all&statementId=[0-9a-f-]{36}$/);

      await page.getByTestId("import-submit").click();
      await expectImportFigures(page, { duplicates: 1, imported: 0 });
      // Both files in the history below, newest first, with who imported them.
      const history = page.getByTestId("import-history").locator("tbody tr");
      await expect(history).toHaveCount(2);
      await expect(history.nth(0).getByTestId("history-duplicates")).toHaveText("1");
      await expect(history.nth(1).getByTestId("history-imported")).toHaveText("1");
      await expect(history.nth(1)).toContainText("招商银行 基本户");
      await expect(history.nth(1)).toContainText(merchant.email);
      // What is left to handle of each file: the first one's line, a link to it; the repeat recorded nothing.
      await expect(history.nth(1).getByTestId("history-pending")).toHaveText("1");
      await expect(history.nth(1).getByTestId("history-pending").getByRole("link")).toHaveAttribute("href", /^\/payments\?statementId=[0-9a-f-]{36}$/);
      await expect(history.nth(0).getByTestId("history-pending")).toHaveText("0");
      await noHorizontalOverflow(page);
      fs.mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: `${SCREENSHOTS}/imports-${width.name}.png`, fullPage: true });

      // The first file's payments: the list narrowed to it, named in a banner, kept across the tabs.
      await history.nth(1).getByTestId("history-payments").click();
      await expect(page).toHaveURL(/\/payments\?view=all&statementId=/);
      await expect(page.getByTestId("payments-statement")).toContainText("招商银行 基本户");
      await expect(page.getByTestId("payments-table").locator("tbody tr")).toHaveCount(1);
      await expect(page.getByTestId("payments-table")).toContainText("王晓东");
      await noHorizontalOverflow(page);
      await page.screenshot({ path: `${SCREENSHOTS}/payments-of-import-${width.name}.png`, fullPage: true });
      // A payment names the import that recorded it and leads back to that file's payments.
      await page.getByTestId("payments-table").locator("tbody tr").first().getByRole("link").first().click();
      await expect(page.getByTestId("payment-statement")).toBeVisible({ timeout: 15_000 });
      await expect(page.getByText("银行流水导入")).toBeVisible();
      await page.getByTestId("payment-statement").click();
      await expect(page.getByTestId("payments-statement")).toContainText("招商银行 基本户");
      await page.getByTestId("payments-tab-pending").click();
      await expect(page).toHaveURL(/\/payments\?statementId=[0-9a-f-]+$/);
      await expect(page.getByTestId("payments-table").locator("tbody tr")).toHaveCount(1);
      await page.getByTestId("payments-statement-clear").click();
      await expect(page.getByTestId("payments-statement")).toHaveCount(0);
      await expect(page).toHaveURL(/\/payments$/);
      // The duplicate file recorded no payment of its own: nothing to list.
      await page.goto("/imports");
      await expect(history.nth(0).getByTestId("history-payments")).toHaveCount(0);
    });

    test("the English switch changes the board's labels", async ({ page, request }) => {
      await boardWithHistory(page, request);
      await expect(page.getByTestId("board-period-7d")).toHaveText("近 7 天");
      await page.getByTestId("language-switch").click();
      await expect(page.getByTestId("board-period-7d")).toHaveText("7 days");
      await expect(page.getByRole("heading", { name: "By channel", exact: true })).toBeVisible();
      await expect(page.getByRole("link", { name: /Net received today/ })).toBeVisible();
      await page.getByTestId("language-switch").click();
      await expect(page.getByTestId("board-period-7d")).toHaveText("近 7 天");
    });
  });
}
