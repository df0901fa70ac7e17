// POST /api/v1/payments/{paymentId}/unmatch – takes the payment off its orders; it stays unmatched
import { merchantRoute } from "@/lib/http/api-route";
import { unmatchManually } from "@/lib/services/manual-match";

export const POST = merchantRoute(async ({ db, merchantId, apiKeyId }, { paymentId }) =>
  Response.json(await unmatchManually(db, { merchantId, paymentId, actor: { type: "api_key", id: apiKeyId }, now: new Date() })),
);
