import fs from "node:fs";
import path from "node:path";
import ExcelJS from "exceljs";
import { InngestTestEngine } from "@inngest/test";
import { eq } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { GET as reconciliationRoute } from "@/app/api/v1/reports/reconciliation/route";
import { readConfig } from "@/lib/config/env";
import { users } from "@/lib/db/schema";
import { toErrorResponse } from "@/lib/http/api-route";
import { buildReportFn } from "@/lib/jobs/functions/build-report";
import { createReportJob, getReportJob, parseReportRequest, reportJobDownload, runReportJob, type ReportJobView } from "@/lib/services/report-jobs";
import { requestReport } from "@/lib/services/report-request";
import { reconciliationResponse } from "@/lib/services/report-response";
import { merchantWithAlipay } from "../helpers/api";
import { setupTestDatabase } from "../helpers/test-db";
import { seedMarch } from "../fixtures/reports/seed";

const t = setupTestDatabase();
const MARCH = { from: "2024-03-01", to: "2024-03-31" };

/** What the session routes answer: the service's result, or a thrown error in the contract's shape. */
async function answer(fn: () => Promise<Response | unknown>) {
  try {
    const out = await fn();
    return out instanceof Response ? out : Response.json(out);
  } catch (err) {
    return toErrorResponse(err, new Request("http://127.0.0.1/api/app/reports"));
  }
}

async function jsonReport(apiKey: string) {
  const res = await (reconciliationRoute as unknown as (r: Request, c: unknown) => Promise<Response>)(
    new Request(`http://127.0.0.1/api/v1/reports/reconciliation?from=${MARCH.from}&to=${MARCH.to}`, { headers: { authorization: `Bearer ${apiKey}` } }),
    { params: Promise.resolve({}) },
  );
  return res.json();
}

/** Polls a job's status the way the board does, keeping every status seen. */
async function waitUntilDone(merchantId: string, jobId: string) {
  const seen: ReportJobView[] = [];
  for (let i = 0; i < 200; i++) {
    const job = await getReportJob(merchantId, jobId);
    seen.push(job);
    if (job.status === "ready" || job.status === "failed") return seen;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`job ${jobId} still ${seen.at(-1)?.status}`);
}

/** Every 合计 figure of the workbook, in fen, keyed by sheet. */
async function workbookTotals(bytes: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  const fen = (cell: ExcelJS.Cell) => Math.round((cell.type === ExcelJS.ValueType.Formula ? Number(cell.result) : Number(cell.value)) * 100);
  const totalRow = (name: string) => {
    let found: ExcelJS.Row | null = null;
    wb.getWorksheet(name)!.eachRow((row) => {
      if (row.getCell(1).value === "合计") found ??= row;
    });
    return found!;
  };
  const summary = totalRow("汇总");
  const firstMatched = wb.getWorksheet("匹配明细")!.getRow(2);
  return {
    // Detail cells keep their column's format: money as ¥, instants as date-times.
    detailFormats: [firstMatched.getCell(9).numFmt, firstMatched.getCell(1).numFmt],
    sheets: wb.worksheets.map((w) => w.name),
    count: Number(summary.getCell(2).result ?? summary.getCell(2).value),
    gross: fen(summary.getCell(3)),
    refunded: fen(summary.getCell(5)),
    net: fen(summary.getCell(6)),
    matched: fen(summary.getCell(7)),
    unmatched: fen(summary.getCell(8)),
    matchedSheet: fen(totalRow("匹配明细").getCell(9)),
  };
}

let seeded: Awaited<ReturnType<typeof seedMarch>>;
let userId: string;
let json: { totals: Record<string, number>; matched: unknown[] };

beforeAll(async () => {
  seeded = await seedMarch(t.db());
  [{ id: userId }] = await t.db().select({ id: users.id }).from(users).where(eq(users.merchantId, seeded.m.merchantId));
  json = await jsonReport(seeded.m.apiKey);
}, 60_000);

afterEach(() => {
  delete process.env.LDXP_REPORT_ASYNC_THRESHOLD;
});

describe(`report jobs (${process.env.TEST_DB})`, () => {
  it("a small range is a download at once from the session route, answering as the v1 route does", async () => {
    const result = await requestReport(t.db(), { id: userId, merchantId: seeded.m.merchantId }, { ...MARCH, format: "xlsx" });
    expect(result).toEqual({ kind: "download", url: `/api/app/reports/reconciliation?from=${MARCH.from}&to=${MARCH.to}&format=xlsx` });
    if (result.kind !== "download") throw new Error("unreachable");
    const res = await reconciliationResponse(t.db(), seeded.m.merchantId, new URL(result.url, "http://127.0.0.1"));
    expect(res.headers.get("content-disposition")).toContain("filename*=UTF-8''%E5%AF%B9%E8%B4%A6%E6%8A%A5%E5%91%8A_2024-03-01_2024-03-31.xlsx");
    const totals = await workbookTotals(Buffer.from(await res.arrayBuffer()));
    expect(totals.gross).toBe(json.totals.grossAmount);
  });

  it("above the threshold the click makes a job, built in-process, whose file is the same report", async () => {
    process.env.LDXP_REPORT_ASYNC_THRESHOLD = "3";
    const result = await requestReport(t.db(), { id: userId, merchantId: seeded.m.merchantId }, { ...MARCH, format: "xlsx" });
    expect(result.kind).toBe("job");
    if (result.kind !== "job") throw new Error("unreachable");
    const { job } = result;
    expect(job.jobId).toMatch(/^[0-9a-f-]{36}$/);
    expect(["queued", "running"]).toContain(job.status);
    expect(job.downloadUrl).toBeNull();
    // 8 payments read twice (summary, exceptions), 2 refunds made in March, and every allocation.
    const total = 2 * 8 + 2 + json.matched.length;
    expect(job.progress).toEqual({ rows: 0, total });

    const seen = await waitUntilDone(seeded.m.merchantId, job.jobId);
    const done = seen.at(-1)!;
    expect(done).toMatchObject({ status: "ready", progress: { rows: total, total }, error: null, downloadUrl: `/api/app/reports/jobs/${job.jobId}/download` });
    for (let i = 1; i < seen.length; i++) expect(seen[i].progress.rows).toBeGreaterThanOrEqual(seen[i - 1].progress.rows);

    // The status file records who asked, for which merchant.
    const status = JSON.parse(fs.readFileSync(path.join(readConfig().reportsDir, seeded.m.merchantId, `${job.jobId}.json`), "utf8"));
    expect(status).toMatchObject({ merchantId: seeded.m.merchantId, createdBy: userId, params: { ...MARCH, format: "xlsx", channel: null, source: null } });

    const res = await reportJobDownload(seeded.m.merchantId, job.jobId);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("spreadsheetml");
    expect(res.headers.get("content-disposition")).toBe(
      `attachment; filename="reconciliation-2024-03-01_2024-03-31.xlsx"; filename*=UTF-8''${encodeURIComponent("对账报告_2024-03-01_2024-03-31.xlsx")}`,
    );
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(Number(res.headers.get("content-length"))).toBe(bytes.length);
    const totals = await workbookTotals(bytes);
    expect(totals.sheets).toEqual(["汇总", "匹配明细", "异常", "资金流"]);
    expect(totals.detailFormats).toEqual(['"¥"#,##0.00', "yyyy-mm-dd hh:mm:ss"]);
    expect(totals).toMatchObject({
      count: json.totals.count,
      gross: json.totals.grossAmount,
      refunded: json.totals.refundedAmount,
      net: json.totals.netAmount,
      matched: json.totals.matchedAmount,
      unmatched: json.totals.unmatchedAmount,
      matchedSheet: json.totals.matchedAmount,
    });
  });

  it("a JSON report job keeps its status and its output apart: every status read finds the job, the download is the report", async () => {
    process.env.LDXP_REPORT_ASYNC_THRESHOLD = "3";
    const result = await requestReport(t.db(), { id: userId, merchantId: seeded.m.merchantId }, { ...MARCH, format: "json" });
    if (result.kind !== "job") throw new Error(`expected a job, got ${result.kind}`);
    const done = (await waitUntilDone(seeded.m.merchantId, result.job.jobId)).at(-1)!;
    expect(done).toMatchObject({ status: "ready", error: null });
    expect((await getReportJob(seeded.m.merchantId, result.job.jobId)).status).toBe("ready");
    const res = await reportJobDownload(seeded.m.merchantId, result.job.jobId);
    expect(res.headers.get("content-type")).toContain("application/json");
    const body = (await res.json()) as { totals: Record<string, number> };
    expect(body.totals).toEqual(json.totals);

    // Another currency is carried through: in a job's parameters, or in the download link of a small report.
    const dollars = await requestReport(t.db(), { id: userId, merchantId: seeded.m.merchantId }, { ...MARCH, format: "json", currency: "USD" });
    expect(dollars).toEqual({ kind: "download", url: expect.stringContaining("currency=USD") });
    const job = await createReportJob(t.db(), { merchantId: seeded.m.merchantId, userId, req: { ...MARCH, format: "json", channel: null, source: null, section: null, currency: "USD" } });
    expect(job.params).toMatchObject({ currency: "USD" });
  });

  it("another merchant's user gets 404 for the job and its file; bad parameters get 400 in the contract's shape", async () => {
    process.env.LDXP_REPORT_ASYNC_THRESHOLD = "3";
    const result = await requestReport(t.db(), { id: userId, merchantId: seeded.m.merchantId }, { ...MARCH, format: "pdf", channel: "alipay" });
    if (result.kind !== "job") throw new Error("expected a job");
    await waitUntilDone(seeded.m.merchantId, result.job.jobId);
    const other = await merchantWithAlipay();
    for (const res of [await answer(() => getReportJob(other.merchantId, result.job.jobId)), await answer(() => reportJobDownload(other.merchantId, result.job.jobId))]) {
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: { code: "not_found", message: "Report job not found" } });
    }
    expect((await answer(() => getReportJob(seeded.m.merchantId, "../../etc/passwd"))).status).toBe(404);
    const pdf = await reportJobDownload(seeded.m.merchantId, result.job.jobId);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe("%PDF-");

    const bad = async (body: unknown, field: string) => {
      const res = await answer(() => requestReport(t.db(), { id: userId, merchantId: seeded.m.merchantId }, body));
      expect(res.status).toBe(400);
      const { error } = await res.json();
      expect(error.code).toBe("invalid_field");
      expect(error.message.startsWith(`${field}:`)).toBe(true);
    };
    await bad({ from: "2024-02-30", to: "2024-03-31" }, "from");
    await bad({ from: "2024-03-31", to: "2024-03-01" }, "to");
    await bad({ ...MARCH, format: "docx" }, "format");
    await bad({ ...MARCH, channel: "cash" }, "channel");
    await bad({ ...MARCH, format: 7 }, "format");
    await bad(["2024-03-01"], "body");
  });

  it("the build-report Inngest function builds a queued job once; retries leave it as it is", async () => {
    const req = parseReportRequest({ ...MARCH, format: "xlsx" });
    const job = await createReportJob(t.db(), { merchantId: seeded.m.merchantId, userId, req });
    expect((await getReportJob(seeded.m.merchantId, job.jobId)).status).toBe("queued");
    const events = [{ name: "reports/report.requested", data: { merchantId: seeded.m.merchantId, jobId: job.jobId } }] as [
      { name: string; data: { merchantId: string; jobId: string } },
    ];
    const run = await new InngestTestEngine({ function: buildReportFn }).execute({ events });
    expect(run.error).toBeUndefined();
    expect(run.result).toMatchObject({ status: "ready" });
    const ready = await getReportJob(seeded.m.merchantId, job.jobId);
    expect(ready.status).toBe("ready");
    const file = path.join(readConfig().reportsDir, seeded.m.merchantId, `${job.jobId}.report.xlsx`);
    const mtime = fs.statSync(file).mtimeMs;
    const again = await new InngestTestEngine({ function: buildReportFn }).execute({ events });
    expect(again.result).toEqual({ status: "ready", bytes: fs.statSync(file).size });
    expect(fs.statSync(file).mtimeMs).toBe(mtime);
    const totals = await workbookTotals(fs.readFileSync(file));
    expect(totals.net).toBe(json.totals.netAmount);

    // A job built before outputs got their own name (<jobId>.xlsx) still downloads.
    fs.renameSync(file, path.join(readConfig().reportsDir, seeded.m.merchantId, `${job.jobId}.xlsx`));
    const legacy = await reportJobDownload(seeded.m.merchantId, job.jobId);
    expect((await workbookTotals(Buffer.from(await legacy.arrayBuffer()))).net).toBe(json.totals.netAmount);
  });

  it("a job whose process died is marked failed on the next status read, and is not revived by a retry", async () => {
    const req = parseReportRequest({ ...MARCH });
    const job = await createReportJob(t.db(), { merchantId: seeded.m.merchantId, userId, req });
    // What a restart mid-build leaves: a status file saying running, no longer rewritten.
    const file = path.join(readConfig().reportsDir, seeded.m.merchantId, `${job.jobId}.json`);
    fs.writeFileSync(file, JSON.stringify({ ...job, status: "running", progress: { rows: 5, total: job.progress.total } }));
    const now = Date.parse(job.updatedAt);
    expect((await getReportJob(seeded.m.merchantId, job.jobId, new Date(now + 30_000))).status).toBe("running");
    const failed = await getReportJob(seeded.m.merchantId, job.jobId, new Date(now + 61_000));
    expect(failed).toMatchObject({ status: "failed", downloadUrl: null });
    expect(failed.error).toContain("interrupted");
    expect(await runReportJob(t.db(), { merchantId: seeded.m.merchantId, jobId: job.jobId })).toEqual({ status: "failed", bytes: null });
    const download = await answer(() => reportJobDownload(seeded.m.merchantId, job.jobId));
    expect(download.status).toBe(409);
    expect((await download.json()).error.code).toBe("report_not_ready");
  });
});
