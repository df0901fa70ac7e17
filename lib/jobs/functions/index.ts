import { anomalySweepFn } from "@/lib/jobs/functions/anomaly-sweep";
import { deliverWebhooksFn } from "@/lib/jobs/functions/deliver-webhooks";
import { matchPaymentFn } from "@/lib/jobs/functions/match-payment";
import { sweepPaymentsFn } from "@/lib/jobs/functions/sweep-payments";

export const functions = [anomalySweepFn, deliverWebhooksFn, matchPaymentFn, sweepPaymentsFn];
