// GET /api/app/reports/jobs/{jobId} – a report job's status and progress (404 for another merchant's job)
import { sessionRoute } from "@/lib/auth/session";
import { getReportJob } from "@/lib/services/report-jobs";

export const runtime = "nodejs";

export const GET = sessionRoute(async ({ user }, { jobId }) =>
  Response.json(await getReportJob(user.merchantId, jobId), { headers: { "cache-control": "no-store" } }),
);
