import { inngest, paymentRecorded } from "@/lib/jobs/client";
import { jobHandlers } from "@/lib/jobs/handlers";

/** Matches a recorded payment; idempotent, so Inngest's retries and duplicate events are harmless. */
export const matchPaymentFn = inngest.createFunction(
  { id: "match-payment", triggers: [paymentRecorded], retries: 5 },
  async ({ event, step }) =>
    step.run("match", () => jobHandlers["payments/payment.recorded"]({ paymentId: event.data.paymentId })),
);
