// POST /api/v1/payments/{paymentId}/match – a person's match: { allocations: [{ reference, amount }] }
import { merchantRoute, readJson } from "@/lib/http/api-route";
import { manualMatchSchema, matchManually } from "@/lib/services/manual-match";

export const POST = merchantRoute(async ({ db, merchantId, apiKeyId, request }, { paymentId }) => {
  const { allocations } = await readJson(request, manualMatchSchema);
  const view = await matchManually(db, { merchantId, paymentId, allocations, actor: { type: "api_key", id: apiKeyId }, now: new Date() });
  return Response.json(view);
});
