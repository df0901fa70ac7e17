import { expect, test } from "@playwright/test";
import ExcelJS from "exceljs";
import { CMB_HEADER, cmbCredit } from "../fixtures/statements/cn-exports";
import { createBankAccount } from "./support/bank";
import { expectImportFigures, submitImport } from "./support/imports";
import { collectConsoleErrors, createOrder, signIn, signUpMerchantWithAlipay } from "./support/merchant";

test.use({ viewport: { width: 1280, height: 800 } });

/** A 企业网银 Excel export: account lines above the header, dates as date cells, amounts as numbers. */
async function cmbWorkbook(rows: { reference: string; amount: number; serial: string }[]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet("交易明细");
  sheet.addRow(["账号：755912345610101"]);
  sheet.addRow([]);
  sheet.addRow([...CMB_HEADER]);
  for (const r of rows) {
    const line = cmbCredit({ date: "", time: "10:23:45", credit: "", serial: r.serial, memo: `货款${r.reference}`, payer: "张三贸易有限公司", account: "6225880123456789" }) as Record<string, string>;
    const today = new Date();
    sheet.addRow(CMB_HEADER.map((h) => (h === "交易日期" ? new Date(Date.UTC(today.getFullYear(), today.getMonth(), today.getDate())) : h === "贷方金额" ? r.amount : (line[h] ?? null))));
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

test("a bank's Excel export and a stale .xls: the workbook's lines match their orders, the .xls says how to save it", async ({ page, request }) => {
  const consoleErrors = collectConsoleErrors(page);
  const merchant = await signUpMerchantWithAlipay(request);
  const bankAccountId = await createBankAccount(request, merchant, { bankName: "招商银行", accountNo: "755912345610904" });
  const first = await createOrder(request, merchant, { amount: 12800 });
  const second = await createOrder(request, merchant, { amount: 5990 });
  const stamp = Date.now();
  const workbook = await cmbWorkbook([
    { reference: first.reference, amount: 128, serial: `X${stamp}1` },
    { reference: second.reference, amount: 59.9, serial: `X${stamp}2` },
  ]);

  await signIn(page, merchant.email, merchant.password);
  await expect(page).toHaveURL(/\/board$/, { timeout: 15_000 });
  await page.goto("/imports");
  await page.getByTestId("import-account").selectOption(bankAccountId);
  await submitImport(page, { name: "招商银行交易明细.xlsx", buffer: workbook });
  await expectImportFigures(page, { imported: 2, matched: 2, rejected: 0 });
  for (const order of [first, second]) {
    const view = await request.get(`/api/v1/orders/${order.reference}`, { headers: { authorization: `Bearer ${merchant.apiKey}` } });
    expect(((await view.json()) as { status: string }).status).toBe("paid");
  }

  await submitImport(page, { name: "旧版明细.xls", buffer: Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]) });
  await expect(page.getByTestId("import-error")).toHaveText("旧版 Excel 文件（.xls）无法读取：请在 Excel 中另存为 .xlsx 或 CSV 后上传。", { timeout: 15_000 });
  expect(consoleErrors.filter((e) => !/status of 400/.test(e))).toEqual([]);
});
