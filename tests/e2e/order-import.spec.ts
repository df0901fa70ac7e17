import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { collectConsoleErrors, signIn, signUpMerchantWithAlipay } from "./support/merchant";

test.use({ viewport: { width: 1280, height: 800 } });

test("a Taobao order export uploaded through /imports adds its orders, names the line it could not read, and skips them the second time", async ({ page, request }) => {
  const consoleErrors = collectConsoleErrors(page);
  const merchant = await signUpMerchantWithAlipay(request);
  await signIn(page, merchant.email, merchant.password);
  await expect(page).toHaveURL(/\/board$/, { timeout: 15_000 });
  await page.goto("/imports");
  await page.getByTestId("import-kind-orders").check();
  await page.getByTestId("import-platform").selectOption("taobao");
  // GBK with CRLF and Excel ="…" order ids, one deliberately bad line, as the fixture's README says.
  const buffer = fs.readFileSync(path.resolve("tests/fixtures/orders/taobao-orders-gbk.csv"));
  await page.getByTestId("import-file").setInputFiles({ name: "淘宝订单报表.csv", mimeType: "text/csv", buffer });
  await page.getByTestId("import-submit").click();
  const result = page.getByTestId("import-result");
  await expect(result.getByTestId("import-imported")).toHaveText("3", { timeout: 15_000 });
  await expect(result.getByTestId("import-duplicates")).toHaveText("0");
  await expect(result.getByTestId("import-rejected")).toHaveText("1");
  await expect(result.getByTestId("import-rejected-lines")).toContainText("第 5 行");

  // The orders are there, from Taobao, each with a reference of its own.
  const list = await request.get("/api/v1/orders?source=taobao", { headers: { authorization: `Bearer ${merchant.apiKey}` } });
  const orders = ((await list.json()) as { data: { reference: string; source: string }[] }).data;
  expect(orders).toHaveLength(3);
  expect(new Set(orders.map((o) => o.reference)).size).toBe(3);

  await page.getByTestId("import-submit").click();
  await expect(result.getByTestId("import-duplicates")).toHaveText("3", { timeout: 15_000 });
  await expect(result.getByTestId("import-imported")).toHaveText("0");
  expect(consoleErrors).toEqual([]);
});
