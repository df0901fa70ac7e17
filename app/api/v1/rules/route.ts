// GET /api/v1/rules – the merchant's anomaly rules in order; PUT replaces them ({ rules: [{ id?, name, enabled, conditions, actions }] })
import { merchantRoute, readJson } from "@/lib/http/api-route";
import { listAnomalyRules, putRulesSchema, replaceAnomalyRules } from "@/lib/services/anomaly-rules";

export const GET = merchantRoute(async ({ db, merchantId }) => Response.json({ data: await listAnomalyRules(db, merchantId) }));

export const PUT = merchantRoute(async ({ db, merchantId, apiKeyId, request }) => {
  const { rules } = await readJson(request, putRulesSchema);
  const data = await replaceAnomalyRules(db, { merchantId, actor: { type: "api_key", id: apiKeyId }, rules });
  return Response.json({ data });
});
