import { anomalySweepFn } from "@/lib/jobs/functions/anomaly-sweep";
import { anomalySweepMerchantFn } from "@/lib/jobs/functions/anomaly-sweep-merchant";
import { buildReportFn } from "@/lib/jobs/functions/build-report";
import { deliverWebhooksFn } from "@/lib/jobs/functions/deliver-webhooks";
import { matchPaymentFn } from "@/lib/jobs/functions/match-payment";
import { sweepPaymentsFn } from "@/lib/jobs/functions/sweep-payments";

export const functions = [anomalySweepFn, anomalySweepMerchantFn, buildReportFn, deliverWebhooksFn, matchPaymentFn, sweepPaymentsFn];
