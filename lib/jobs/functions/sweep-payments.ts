import { cron } from "inngest";
import { inngest } from "@/lib/jobs/client";
import { jobHandlers } from "@/lib/jobs/handlers";

/** Every 15 minutes: matches payments whose matching never ran (lost event, crash mid-way). */
export const sweepPaymentsFn = inngest.createFunction(
  { id: "sweep-payments", triggers: [cron("*/15 * * * *")] },
  async ({ step }) => step.run("match-unchecked", () => jobHandlers.sweep()),
);
