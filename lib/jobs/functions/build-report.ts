import { inngest, reportRequested } from "@/lib/jobs/client";
import { jobHandlers } from "@/lib/jobs/handlers";

/** Builds a report job's file; idempotent (a ready or failed job is left as it is), so retries are harmless. */
export const buildReportFn = inngest.createFunction(
  { id: "build-report", triggers: [reportRequested], retries: 2 },
  async ({ event, step }) =>
    step.run("build", () => jobHandlers["reports/report.requested"]({ merchantId: event.data.merchantId, jobId: event.data.jobId })),
);
