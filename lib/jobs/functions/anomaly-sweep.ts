import { cron } from "inngest";
import { inngest } from "@/lib/jobs/client";
import { jobHandlers } from "@/lib/jobs/handlers";

/** Every 15 minutes: opens, auto-handles and resolves anomalies for all merchants. */
export const anomalySweepFn = inngest.createFunction(
  { id: "anomaly-sweep", triggers: [cron("*/15 * * * *")] },
  async ({ step }) => step.run("anomaly-sweep", () => jobHandlers.anomalySweep()),
);
