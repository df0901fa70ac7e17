import { readConfig } from "@/lib/config/env";
import type { Db } from "@/lib/db/client";
import { dispatchReportRequested } from "@/lib/jobs/dispatch";
import { createReportJob, getReportJob, parseReportRequest, type ReportJobView } from "@/lib/services/report-jobs";
import { countReportPayments } from "@/lib/services/report-source";
import { getReportContext } from "@/lib/services/reports";

/** The answer to the board's 生成对账报告: fetch it now from `url`, or follow a job. */
export type ReportRequestResult = { kind: "download"; url: string } | { kind: "job"; job: ReportJobView };

/**
 * The one-click report: a range of at most `reportAsyncThreshold` payments is downloaded at once
 * (streamed by the session download route); a larger one becomes a report job built in the background.
 */
export async function requestReport(db: Db, user: { id: string; merchantId: string }, body: unknown): Promise<ReportRequestResult> {
  const req = parseReportRequest(body);
  const ctx = await getReportContext(db, user.merchantId, req);
  if ((await countReportPayments(db, ctx.query)) <= readConfig().reportAsyncThreshold) {
    const query = new URLSearchParams({ from: req.from, to: req.to, format: req.format });
    if (req.channel) query.set("channel", req.channel);
    if (req.source) query.set("source", req.source);
    if (req.currency) query.set("currency", req.currency);
    return { kind: "download", url: `/api/app/reports/reconciliation?${query.toString()}` };
  }
  const job = await createReportJob(db, { merchantId: user.merchantId, userId: user.id, req });
  await dispatchReportRequested(job.merchantId, job.jobId);
  return { kind: "job", job: await getReportJob(job.merchantId, job.jobId) };
}
