import { expect, test } from "@playwright/test";
import { cmbStatement, createBankAccount } from "./support/bank";
import { expectImportFigures, submitImports } from "./support/imports";
import { collectConsoleErrors, createOrder, signIn, signUpMerchantWithAlipay } from "./support/merchant";

test.use({ viewport: { width: 1280, height: 800 } });

test("several statements chosen at once: each is its own import, an unreadable one is named on its line and holds back none", async ({ page, request }) => {
  const consoleErrors = collectConsoleErrors(page);
  const merchant = await signUpMerchantWithAlipay(request);
  const bankAccountId = await createBankAccount(request, merchant, { bankName: "招商银行", accountNo: "755912345610905" });
  const [first, second] = [await createOrder(request, merchant, { amount: 12800 }), await createOrder(request, merchant, { amount: 5990 })];
  const stamp = Date.now();
  const day1 = cmbStatement({ serial: `M${stamp}1`, amount: "128.00", payerName: "张三", payerAccount: "6225880123456789", memo: `货款${first.reference}` });
  const day2 = cmbStatement({ serial: `M${stamp}2`, amount: "59.90", payerName: "李四", payerAccount: "6225880123456790", memo: `货款${second.reference}` });

  await signIn(page, merchant.email, merchant.password);
  await expect(page).toHaveURL(/\/board$/, { timeout: 15_000 });
  await page.goto("/imports");
  await page.getByTestId("import-account").selectOption(bankAccountId);
  await page.getByTestId("import-format").selectOption("cmb-csv");
  const files = [
    { name: "11月01日.csv", buffer: Buffer.from(day1) },
    { name: "旧版明细.xls", buffer: Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]) },
    { name: "11月02日.csv", buffer: Buffer.from(day2) },
  ];
  await page.getByTestId("import-file").setInputFiles(files.map((f) => ({ ...f, mimeType: "text/csv" })));
  await expect(page.getByTestId("import-submit")).toHaveText("上传并导入 3 个文件");
  await page.getByTestId("import-submit").click();

  const result = await expectImportFigures(page, { imported: 2, duplicates: 0, matched: 2, unmatched: 0, rejected: 0 });
  await expect(result.getByRole("heading")).toHaveText("导入结果（3 个文件中 2 个已导入）");
  await expect(result.getByTestId("import-file-0")).toContainText("11月01日.csv");
  await expect(result.getByTestId("import-file-0-figures")).toHaveText("新导入 1 · 重复 0 · 已匹配 1 · 待处理 0");
  await expect(result.getByTestId("import-file-1-error")).toHaveText("旧版 Excel 文件（.xls）无法读取：请在 Excel 中另存为 .xlsx 或 CSV 后上传。");
  await expect(result.getByTestId("import-file-2-figures")).toHaveText("新导入 1 · 重复 0 · 已匹配 1 · 待处理 0");
  for (const order of [first, second]) {
    const view = await request.get(`/api/v1/orders/${order.reference}`, { headers: { authorization: `Bearer ${merchant.apiKey}` } });
    expect(((await view.json()) as { status: string }).status).toBe("paid");
  }
  // Both files are in the history, each its own import.
  await expect(page.getByTestId("import-history").getByRole("row")).toHaveCount(3);

  // The same files again: nothing new, each file's lines counted as duplicates.
  await submitImports(page, [files[0], files[2]]);
  await expect(page.getByTestId("import-result").getByRole("heading")).toHaveText("导入结果（2 个文件中 2 个已导入）", { timeout: 15_000 });
  await expectImportFigures(page, { imported: 0, duplicates: 2 });
  expect(consoleErrors.filter((e) => !/status of 400/.test(e))).toEqual([]);
});
