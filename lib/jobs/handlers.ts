import { getDb } from "@/lib/db/client";
import { merchants } from "@/lib/db/schema";
import { runAnomalySweep } from "@/lib/services/anomaly-sweep";
import { runReportJob } from "@/lib/services/report-jobs";
import { matchPayment } from "@/lib/services/match-payment";
import { sweepPayments } from "@/lib/services/recovery";
import { deliverDueWebhooks } from "@/lib/services/storefront-webhooks";

/**
 * The job bodies as plain functions: Inngest functions wrap them in steps, and the embedded
 * runner (no Inngest configured) calls them directly, so both paths run the same code.
 */
export const jobHandlers = {
  "payments/payment.recorded": async (data: { paymentId: string }) => matchPayment(await getDb(), data),
  sweep: async () => sweepPayments(await getDb()),
  deliverWebhooks: async () => deliverDueWebhooks(await getDb()),
  /** All merchants unless one is named (the API runs it for the caller only). */
  "reports/report.requested": async (data: { merchantId: string; jobId: string }) => runReportJob(await getDb(), data),
  anomalySweep: async (data: { merchantId?: string } = {}) => runAnomalySweep(await getDb(), { merchantId: data.merchantId }),
  /** Every merchant's id, for the cron's fan-out of anomaly sweeps. */
  merchantIds: async () => (await (await getDb()).select({ id: merchants.id }).from(merchants)).map((m) => m.id),
};
