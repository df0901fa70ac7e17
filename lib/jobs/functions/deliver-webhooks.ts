import { cron } from "inngest";
import { inngest } from "@/lib/jobs/client";
import { jobHandlers } from "@/lib/jobs/handlers";

/** Every minute: sends due storefront events (the rows carry their own backoff schedule). */
export const deliverWebhooksFn = inngest.createFunction(
  { id: "deliver-webhooks", triggers: [cron("* * * * *")] },
  async ({ step }) => step.run("deliver-due", () => jobHandlers.deliverWebhooks()),
);
