import { deliverWebhooksFn } from "@/lib/jobs/functions/deliver-webhooks";
import { matchPaymentFn } from "@/lib/jobs/functions/match-payment";
import { sweepPaymentsFn } from "@/lib/jobs/functions/sweep-payments";

export const functions = [deliverWebhooksFn, matchPaymentFn, sweepPaymentsFn];
