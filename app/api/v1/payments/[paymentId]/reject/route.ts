// POST /api/v1/payments/{paymentId}/reject – rejects the suggestions; they are not made again
import { merchantRoute } from "@/lib/http/api-route";
import { rejectSuggestions } from "@/lib/services/manual-match";

export const POST = merchantRoute(async ({ db, merchantId, apiKeyId }, { paymentId }) =>
  Response.json(await rejectSuggestions(db, { merchantId, paymentId, actor: { type: "api_key", id: apiKeyId }, now: new Date() })),
);
