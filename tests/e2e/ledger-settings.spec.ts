import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { KINGDEE_COLUMNS, parseCsv } from "@/lib/core/reports";
import { collectConsoleErrors, createOrder, postAlipayNotify, signIn, signUpMerchantWithAlipay } from "./support/merchant";

test("the accountant sets the vouchers' 会计科目 in 设置 › 会计科目 and downloads 金蝶 vouchers posted to them from the board; a viewer sees them read-only and is refused", async ({ browser, page, request }) => {
  test.setTimeout(90_000);
  const consoleErrors = collectConsoleErrors(page);
  const owner = await signUpMerchantWithAlipay(request);
  const auth = { authorization: `Bearer ${owner.apiKey}` };
  const member = async (role: string) => {
    const email = `${role}-${Date.now().toString(36)}@example.cn`;
    const res = await request.post("/api/v1/team", { headers: auth, data: { email, role, password: `${role} password 42` } });
    expect(res.status(), await res.text()).toBe(201);
    return { email, password: `${role} password 42` };
  };
  const accountant = await member("accountant");
  const viewer = await member("viewer");

  await signIn(page, accountant.email, accountant.password);
  await expect(page).toHaveURL(/\/board$/, { timeout: 15_000 });
  await page.goto("/settings");
  await page.getByRole("link", { name: "会计科目" }).click();
  await expect(page).toHaveURL(/\/settings\/ledger$/, { timeout: 15_000 });
  await expect(page.getByTestId("ledger-code-channels.alipay")).toHaveValue("101201");
  await expect(page.getByTestId("ledger-name-writeOffDebit.unique_amount")).toHaveValue("销售费用-随机立减");
  await page.getByTestId("ledger-code-channels.alipay").fill("100203");
  await page.getByTestId("ledger-name-channels.alipay").fill("银行存款-支付宝备付金");
  await page.getByTestId("ledger-code-writeOffDebit.channel_fee").fill("560301");
  await page.getByTestId("ledger-save").click();
  await expect(page.getByRole("status")).toHaveText("已保存");

  await page.reload();
  await expect(page.getByTestId("ledger-code-channels.alipay")).toHaveValue("100203");
  await expect(page.getByTestId("ledger-name-channels.alipay")).toHaveValue("银行存款-支付宝备付金");
  await page.screenshot({ path: "test-results/settings-ledger.png", fullPage: true });
  // Only what differs from the default was saved, so the rest keeps following the defaults.
  const saved = (await (await request.get("/api/v1/settings/ledger-accounts", { headers: auth })).json()) as {
    accounts: { channels: Record<string, { code: string; name: string }>; writeOffDebit: Record<string, { code: string; name: string }> };
  };
  expect(saved.accounts.channels.alipay).toEqual({ code: "100203", name: "银行存款-支付宝备付金" });
  expect(saved.accounts.writeOffDebit.channel_fee).toEqual({ code: "560301", name: "财务费用-手续费" });

  // This month's 金蝶 vouchers from the board's 生成对账报告: the Alipay receipt is debited to the account just set.
  const order = await createOrder(request, owner, { amount: 12800 });
  await postAlipayNotify(request, owner, order.reference, "128.00");
  await page.goto("/board");
  await page.getByTestId("report-open").click();
  await page.getByTestId("report-preset-month").click();
  await page.getByTestId("report-format").selectOption("kingdee");
  await expect(page.getByTestId("report-channel")).toHaveCount(0);
  await expect(page.getByTestId("report-encoding")).toHaveValue("utf-8");
  await expect(page.getByTestId("report-vouchers-note")).toBeVisible();
  const downloading = page.waitForEvent("download");
  await page.getByTestId("report-submit").click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^记账凭证_金蝶_\d{4}-\d{2}-01_\d{4}-\d{2}-\d{2}\.csv$/);
  const rows = parseCsv(fs.readFileSync(await download.path(), "utf8"));
  const col = (name: (typeof KINGDEE_COLUMNS)[number]) => KINGDEE_COLUMNS.indexOf(name);
  expect(rows[0]).toEqual([...KINGDEE_COLUMNS]);
  expect(rows.slice(1).map((r) => [r[col("科目代码")], r[col("借方")], r[col("贷方")]])).toEqual([
    ["100203", "128.00", "0.00"],
    ["1122", "0.00", "128.00"],
  ]);

  const viewerContext = await browser.newContext();
  const viewerPage = await viewerContext.newPage();
  await signIn(viewerPage, viewer.email, viewer.password);
  await expect(viewerPage).toHaveURL(/\/board$/, { timeout: 15_000 });
  await viewerPage.goto("/settings/ledger");
  await expect(viewerPage.getByTestId("ledger-code-channels.alipay")).toBeDisabled();
  await expect(viewerPage.getByTestId("ledger-save")).toHaveCount(0);
  const forced = await viewerPage.request.put("/api/app/settings/ledger-accounts", { data: {} });
  expect(forced.status()).toBe(403);
  await viewerContext.close();
  expect(consoleErrors).toEqual([]);
});
