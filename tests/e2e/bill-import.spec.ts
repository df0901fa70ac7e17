import { expect, test } from "@playwright/test";
import { alipayBill, alipayTrade, toGbk } from "../fixtures/statements/cn-exports";
import { alipayPaymentNotify } from "../helpers/alipay-signer";
import { expectImportFigures, submitImport } from "./support/imports";
import { collectConsoleErrors, createOrder, postAlipayNotify, signIn, signUpMerchantWithAlipay } from "./support/merchant";

test.use({ viewport: { width: 1280, height: 800 } });

/** Beijing wall time as Alipay's bill writes it. */
const beijing = (at: Date) => new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 19).replace("T", " ");

test("an Alipay bill uploaded after the notify confirms the notified payment and records the one it alone carries; both show in the import and under the file", async ({ page, request }) => {
  const consoleErrors = collectConsoleErrors(page);
  const merchant = await signUpMerchantWithAlipay(request);
  const notified = await createOrder(request, merchant, { amount: 12800 });
  await postAlipayNotify(request, merchant, notified.reference, "128.00");
  const tradeNo = alipayPaymentNotify({ outTradeNo: notified.reference, appId: merchant.appId }).trade_no;
  const billOnly = await createOrder(request, merchant, { amount: 8800 });
  const now = new Date();
  const bill = alipayBill([
    alipayTrade({ tradeNo, outTradeNo: notified.reference, amount: "128.00", created: beijing(new Date(now.getTime() - 60_000)), finished: beijing(now) }),
    alipayTrade({ tradeNo: `2024${String(Date.now()).padStart(24, "7")}`, outTradeNo: billOnly.reference, amount: "88.00", created: beijing(now), finished: beijing(now) }),
  ]);

  await signIn(page, merchant.email, merchant.password);
  await expect(page).toHaveURL(/\/board$/, { timeout: 15_000 });
  await page.goto("/imports");
  await page.getByTestId("import-account").selectOption(merchant.channelAccountId);
  await page.getByTestId("import-format").selectOption("alipay-bill");
  await submitImport(page, { name: "支付宝业务明细.csv", buffer: Buffer.from(toGbk(bill)) });
  await expectImportFigures(page, { imported: 1, matched: 1, duplicates: 1, confirmed: 1 });

  const row = page.getByTestId("import-history").locator("tbody tr").first();
  await expect(row.getByTestId("history-confirmed")).toContainText("1");
  await expect(row).toContainText("支付宝账单");
  await expect(row.getByTestId("history-pending")).toHaveText("0");
  // The file's payments: the one it confirmed (notified before) and the one only it carried, each matched to its order.
  await row.getByTestId("history-payments").click();
  const table = page.getByTestId("payments-table");
  await expect(table.locator("tbody tr")).toHaveCount(2, { timeout: 15_000 });
  await expect(table).toContainText("¥88.00");
  await expect(table).toContainText("¥128.00");
  await expect(table.getByRole("link", { name: billOnly.orderNo })).toBeVisible();
  await expect(table.getByRole("link", { name: notified.orderNo })).toBeVisible();
  // The notified payment names the bill that confirmed it.
  await table.locator("tbody tr", { hasText: "¥128.00" }).getByRole("link").first().click();
  await expect(page.getByTestId("payment-statement")).toHaveText("确认它的账单中的收款", { timeout: 15_000 });
  await expect(page.getByText("渠道通知")).toBeVisible();
  expect(consoleErrors).toEqual([]);
});
