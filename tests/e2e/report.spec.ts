import fs from "node:fs";
import ExcelJS from "exceljs";
import { expect, test, type Download } from "@playwright/test";
import { collectConsoleErrors, createOrder, postAlipayNotify, signIn, signUpMerchantWithAlipay } from "./support/merchant";

// playwright.config.ts starts the server with LDXP_REPORT_ASYNC_THRESHOLD=2: up to two payments
// download at once, more become a background job.

/** Opens a downloaded workbook and returns the 汇总 sheet's 合计 收款金额 in fen. */
async function grossOf(download: Download): Promise<number> {
  const file = await download.path();
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(fs.readFileSync(file) as unknown as ArrayBuffer);
  expect(wb.worksheets.map((w) => w.name)).toEqual(["汇总", "匹配明细", "异常", "资金流"]);
  let gross = NaN;
  wb.getWorksheet("汇总")!.eachRow((row) => {
    if (row.getCell(1).value === "合计") gross = Math.round(Number(row.getCell(3).result ?? row.getCell(3).value) * 100);
  });
  return gross;
}

test.describe("one-click report at 1280×800", () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  test("生成对账报告 → 本月 → xlsx downloads at once; a larger month becomes a job with progress and a download link", async ({ page, request }) => {
    const consoleErrors = collectConsoleErrors(page);
    const merchant = await signUpMerchantWithAlipay(request);
    const first = await createOrder(request, merchant, { amount: 12800 });
    await postAlipayNotify(request, merchant, first.reference, "128.00");

    await signIn(page, merchant.email, merchant.password);
    await expect(page).toHaveURL(/\/board$/);
    await page.getByTestId("report-open").click();
    await expect(page.getByTestId("report-panel")).toBeVisible();
    await page.getByTestId("report-preset-month").click();
    await expect(page.getByTestId("report-preset-month")).toHaveAttribute("aria-pressed", "true");
    await expect(page.getByTestId("report-format")).toHaveValue("xlsx");
    await page.screenshot({ path: "test-results/report-panel-1280.png" });

    const downloading = page.waitForEvent("download");
    await page.getByTestId("report-submit").click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^对账报告_\d{4}-\d{2}-01_\d{4}-\d{2}-\d{2}\.xlsx$/);
    expect(await grossOf(download)).toBe(12800);
    await expect(page.getByTestId("report-started")).toBeVisible();

    for (const [amount, yuan] of [[5990, "59.90"], [20000, "200.00"]] as const) {
      const order = await createOrder(request, merchant, { amount });
      await postAlipayNotify(request, merchant, order.reference, yuan);
    }
    await page.getByTestId("report-submit").click();
    const progress = page.getByTestId("report-progress");
    await expect(progress).toBeVisible();
    const link = page.getByTestId("report-download");
    await expect(link).toBeVisible({ timeout: 20_000 });
    await expect(progress).toHaveAttribute("aria-valuenow", "100");
    await page.screenshot({ path: "test-results/report-job-1280.png" });

    const jobDownloading = page.waitForEvent("download");
    await link.click();
    const jobDownload = await jobDownloading;
    expect(jobDownload.suggestedFilename()).toMatch(/^对账报告_.*\.xlsx$/);
    expect(await grossOf(jobDownload)).toBe(12800 + 5990 + 20000);

    // The job's status belongs to this merchant alone.
    const href = (await link.getAttribute("href"))!;
    const jobId = /jobs\/([0-9a-f-]{36})\/download/.exec(href)![1];
    const stranger = await signUpMerchantWithAlipay(request);
    const ctx = await page.context().browser()!.newContext();
    const other = await ctx.newPage();
    await signIn(other, stranger.email, stranger.password);
    await expect(other).toHaveURL(/\/board$/);
    const foreign = await other.request.get(`/api/app/reports/jobs/${jobId}`);
    expect(foreign.status()).toBe(404);
    expect((await foreign.json()).error.code).toBe("not_found");
    expect((await other.request.get(href)).status()).toBe(404);
    await ctx.close();
    expect(consoleErrors).toEqual([]);
  });

  test("the PDF report comes out of the built server, by API key and by session, with its Chinese text", async ({ page, request }) => {
    const merchant = await signUpMerchantWithAlipay(request);
    const order = await createOrder(request, merchant, { amount: 12800 });
    await postAlipayNotify(request, merchant, order.reference, "128.00");
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const query = `from=${today.slice(0, 8)}01&to=${today}&format=pdf`;
    const isPdf = async (res: Awaited<ReturnType<typeof request.get>>) => {
      expect(res.status()).toBe(200);
      expect(res.headers()["content-type"]).toContain("application/pdf");
      const body = await res.body();
      expect(body.subarray(0, 5).toString("latin1")).toBe("%PDF-");
      // The CJK font is embedded (subset), so the Chinese headings are drawn, not dropped.
      expect(body.toString("latin1")).toContain("NotoSansHans");
    };
    await isPdf(await request.get(`/api/v1/reports/reconciliation?${query}`, { headers: { authorization: `Bearer ${merchant.apiKey}` } }));
    await signIn(page, merchant.email, merchant.password);
    await expect(page).toHaveURL(/\/board$/);
    await isPdf(await page.request.get(`/api/app/reports/reconciliation?${query}`));
  });
});
