import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { expectImportFigures, submitImport } from "./support/imports";
import { collectConsoleErrors, signIn, signUpMerchantWithAlipay } from "./support/merchant";

test.use({ viewport: { width: 1280, height: 800 } });

test("a Taobao order export uploaded through /imports adds its orders, names the line it could not read, skips them the second time, and lists both files in the import history", async ({ page, request }) => {
  const consoleErrors = collectConsoleErrors(page);
  const merchant = await signUpMerchantWithAlipay(request);
  await signIn(page, merchant.email, merchant.password);
  await expect(page).toHaveURL(/\/board$/, { timeout: 15_000 });
  await page.goto("/imports");
  await page.getByTestId("import-kind-orders").check();
  await page.getByTestId("import-platform").selectOption("taobao");
  // GBK with CRLF and Excel ="…" order ids, one deliberately bad line, as the fixture's README says.
  const buffer = fs.readFileSync(path.resolve("tests/fixtures/orders/taobao-orders-gbk.csv"));
  await submitImport(page, { name: "淘宝订单报表.csv", buffer });
  const result = await expectImportFigures(page, { imported: 3, duplicates: 0, rejected: 1 });
  await expect(result.getByTestId("import-rejected-lines")).toContainText("第 5 行");

  // The orders are there, from Taobao, each with a reference of its own.
  const list = await request.get("/api/v1/orders?source=taobao", { headers: { authorization: `Bearer ${merchant.apiKey}` } });
  const orders = ((await list.json()) as { data: { reference: string; source: string }[] }).data;
  expect(orders).toHaveLength(3);
  expect(new Set(orders.map((o) => o.reference)).size).toBe(3);

  await page.getByTestId("import-submit").click();
  await expectImportFigures(page, { duplicates: 3, imported: 0 });

  // Both uploads are in 导入记录 under the platform's name; the first links to the platform's orders.
  const history = page.getByTestId("import-history").locator("tbody tr");
  await expect(history).toHaveCount(2);
  await expect(history.nth(0).getByTestId("history-duplicates")).toHaveText("3");
  await expect(history.nth(1).getByTestId("history-imported")).toHaveText("3");
  await expect(history.nth(1).getByTestId("history-rejected")).toHaveText("1");
  await expect(history.nth(1)).toContainText("淘宝");
  await expect(history.nth(1)).toContainText("平台订单导出");
  await history.nth(1).getByTestId("history-orders").click();
  await expect(page).toHaveURL(/\/orders\?source=taobao$/);
  await expect(page.getByTestId("orders-table").locator("tbody tr")).toHaveCount(3);
  expect(consoleErrors).toEqual([]);
});

test("a re-imported export closes the order the platform closed and names the one whose amount changed, in the result and the history", async ({ page, request }) => {
  const merchant = await signUpMerchantWithAlipay(request);
  await signIn(page, merchant.email, merchant.password);
  await expect(page).toHaveURL(/\/board$/, { timeout: 15_000 });
  await page.goto("/imports");
  await page.getByTestId("import-kind-orders").check();
  await page.getByTestId("import-platform").selectOption("taobao");
  const header = "订单编号,总金额,订单状态,买家会员名\r\n";
  const first = `${header}="4000000000000000701",128.00,等待买家付款,tb_a\r\n="4000000000000000702",59.00,等待买家付款,tb_b\r\n`;
  await submitImport(page, { name: "淘宝订单报表-1.csv", buffer: Buffer.from(first) });
  await expectImportFigures(page, { imported: 2 });

  const second = `${header}="4000000000000000701",128.00,交易关闭,tb_a\r\n="4000000000000000702",49.00,等待买家付款,tb_b\r\n`;
  await submitImport(page, { name: "淘宝订单报表-2.csv", buffer: Buffer.from(second) });
  const result = page.getByTestId("import-result");
  await expect(result).toContainText("4000000000000000702：平台上的金额由 59.00 改为 49.00，未采用");
  const latest = page.getByTestId("import-history").locator("tbody tr").first();
  await expect(latest.getByTestId("history-updated")).toHaveText("已按平台关闭 1");
  await expect(latest.getByTestId("history-changed")).toHaveText("其中平台已变更（未应用） 1");

  const closed = await request.get("/api/v1/orders?source=taobao&status=closed", { headers: { authorization: `Bearer ${merchant.apiKey}` } });
  expect(((await closed.json()) as { data: { orderNo: string }[] }).data.map((o) => o.orderNo)).toEqual(["4000000000000000701"]);
});
