import { inngest, merchantAnomalySweep } from "@/lib/jobs/client";
import { jobHandlers } from "@/lib/jobs/handlers";

/** One merchant's anomaly sweep (opens, applies rules, resolves); idempotent, so a retry is harmless. */
export const anomalySweepMerchantFn = inngest.createFunction(
  {
    id: "anomaly-sweep-merchant",
    triggers: [merchantAnomalySweep],
    // Two sweeps of one merchant at once would only race for the same anomalies.
    concurrency: { key: "event.data.merchantId", limit: 1 },
    retries: 3,
  },
  async ({ event, step }) => step.run("sweep", () => jobHandlers.anomalySweep({ merchantId: event.data.merchantId })),
);
