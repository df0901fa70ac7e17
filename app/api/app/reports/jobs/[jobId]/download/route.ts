// GET /api/app/reports/jobs/{jobId}/download – the finished report file (409 until ready, 404 for another merchant's job)
import { sessionRoute } from "@/lib/auth/session";
import { reportJobDownload } from "@/lib/services/report-jobs";

export const runtime = "nodejs";

export const GET = sessionRoute(async ({ user }, { jobId }) => reportJobDownload(user.merchantId, jobId));
