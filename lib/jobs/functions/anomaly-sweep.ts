import { cron } from "inngest";
import { inngest, merchantAnomalySweep } from "@/lib/jobs/client";
import { jobHandlers } from "@/lib/jobs/handlers";

/**
 * Every 15 minutes: one event per merchant (anomaly-sweep-merchant sweeps it), so a merchant whose sweep
 * fails is retried alone instead of starting everyone's again, and merchants sweep side by side.
 */
export const anomalySweepFn = inngest.createFunction(
  { id: "anomaly-sweep", triggers: [cron("*/15 * * * *")] },
  async ({ step }) => {
    const { merchantIds, slot } = await step.run("list-merchants", async () => ({
      merchantIds: await jobHandlers.merchantIds(),
      // The run's quarter hour: a cron retried within it sends no merchant a second sweep.
      slot: new Date().toISOString().slice(0, 16),
    }));
    if (merchantIds.length === 0) return { merchants: 0 };
    await step.sendEvent(
      "sweep-each-merchant",
      merchantIds.map((merchantId) => merchantAnomalySweep.create({ merchantId }, { id: `anomaly-sweep-${merchantId}-${slot}` })),
    );
    return { merchants: merchantIds.length };
  },
);
