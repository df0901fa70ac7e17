import { eventType, Inngest, staticSchema } from "inngest";

export const inngest = new Inngest({ id: "ldxp-reconcile" });

/** A payment was recorded (notify, statement line or bill line) and should be matched. */
export const paymentRecorded = eventType("payments/payment.recorded", {
  schema: staticSchema<{ paymentId: string }>(),
});

/** A report job's status file was written (queued) and its report should be built. */
export const reportRequested = eventType("reports/report.requested", {
  schema: staticSchema<{ merchantId: string; jobId: string }>(),
});

/** One merchant's anomalies to sweep: the cron's fan-out, so a merchant's failure or retry touches no other's. */
export const merchantAnomalySweep = eventType("anomalies/merchant.sweep", {
  schema: staticSchema<{ merchantId: string }>(),
});
