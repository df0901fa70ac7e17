import { matchPaymentFn } from "@/lib/jobs/functions/match-payment";
import { sweepPaymentsFn } from "@/lib/jobs/functions/sweep-payments";

export const functions = [matchPaymentFn, sweepPaymentsFn];
