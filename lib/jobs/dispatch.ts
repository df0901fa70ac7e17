import { readConfig } from "@/lib/config/env";
import { inngest } from "@/lib/jobs/client";
import { jobHandlers } from "@/lib/jobs/handlers";
import { logger } from "@/lib/log";

/**
 * Announces that a payment was recorded. With Inngest configured the event goes to Inngest
 * (durable, retried); without it the handler runs here and now. Either way a failure only
 * delays matching: the payment row stays unchecked and the sweep picks it up.
 */
export async function dispatchPaymentRecorded(paymentId: string): Promise<void> {
  try {
    if (readConfig().jobsMode === "inngest") {
      await inngest.send({ name: "payments/payment.recorded", data: { paymentId }, id: `payment-recorded-${paymentId}` });
    } else {
      await jobHandlers["payments/payment.recorded"]({ paymentId });
    }
  } catch (err) {
    logger.error({ err, paymentId }, "matching deferred to the sweep");
  }
}

/**
 * Starts building a queued report job. With Inngest the event is durable and the function retried;
 * embedded, the build runs in this process after the request returns (not awaited: it may take
 * half a minute), and a restart mid-build leaves a job the next status read marks failed.
 */
export async function dispatchReportRequested(merchantId: string, jobId: string): Promise<void> {
  if (readConfig().jobsMode === "inngest") {
    await inngest.send({ name: "reports/report.requested", data: { merchantId, jobId }, id: `report-requested-${jobId}` });
    return;
  }
  jobHandlers["reports/report.requested"]({ merchantId, jobId }).catch((err) => logger.error({ err, merchantId, jobId }, "report job crashed"));
}
